import { CODE_REF } from './code-ref';
import type { KbEntry } from './schema';
import type { SmtpDirection } from './direction';
import { prepareText } from './text';

/**
 * Scores knowledge-base entries against a prepared text. Entries are compiled once: their words get
 * numeric ids, word pairs become numeric keys, and an inverted index maps each entry's rarest words
 * and its codes to the entry, so a text is only scored against the few entries it shares something
 * rare with — a knowledge base ten times larger costs little more per text.
 */

/** What a text offers the matcher: its words and the signature keys of the codes found in it. */
export interface MatchInput {
  tokens: readonly string[];
  codeKeys: ReadonlySet<string>;
  /** The analysed text, for entries' regular expressions. */
  text: string;
  /** Words the text's abstraction hid (a URL's path, a block list's name), in runs separated by '' (PreparedText.hidden). */
  hidden?: readonly string[];
  /**
   * Which side refused an SMTP transaction, when the text says (direction.ts): entries for the other side are ruled out.
   * A function, asked only when an entry with a direction is scored: most texts never pay for reading it.
   */
  direction?: () => SmtpDirection | undefined;
}

/** Why an entry scored: one line per signal, for the reply's data and for debugging a miss. */
export interface Signal {
  kind: 'phrase' | 'code' | 'keyword' | 'pattern';
  detail: string;
  score: number;
}

export interface Match {
  entry: KbEntry;
  score: number;
  /** 0..1, from the score: one full vendor phrase ≈ 0.8, a phrase and its code ≈ 0.95. */
  confidence: number;
  signals: Signal[];
  /**
   * Codes of the text this entry lists that are specific (SPECIFIC_CODE: not an HTTP status, listed by few entries):
   * an entry that explains such a code outranks one that explains none (explain.ts).
   */
  specificCodes: string[];
  /** Ids of the text's words found in this entry's matched phrases, keywords or product names: the evidence `contrast` weighs. */
  evidence: number[];
  /** Code keys of the text this entry lists. */
  codes: string[];
}

/** Evidence in a text for one entry that another cannot explain (Matcher.contrast). */
export interface Contrast {
  /** IDF weight of the text's words in the entry's matched phrases, keywords and product names that the other entry never uses. */
  words: number;
  /** Specific codes of the text the entry lists and the other does not, and its patterns that matched and the other lacks. */
  marks: number;
}

export interface Matcher {
  /** Candidates best first (every entry with a positive score among those the index offered). */
  match(input: MatchInput): Match[];
  /**
   * Discriminating evidence of `a` against `b`: the weight (IDF) of the text's words that `a` uses and `b` never does,
   * plus the codes `a` lists and `b` does not. Two neighbours share most words; what tells them apart is this.
   */
  contrast(a: Match, b: Match): Contrast;
  readonly size: number;
  readonly vocabulary: number;
}

export interface MatcherOptions {
  /** At most this many candidates from the index are scored in full (default 24). */
  maxCandidates?: number;
  /** The index built for these same entries at build time (`indexEntries`), so a start does not build it again. */
  index?: MatcherIndex;
}

const STOPWORDS = new Set(
  (
    'a an the is are was were be been being to of in on at for and or not no nor this that these those it its with by from as ' +
    'you your we our us i me my he she they them their please has have had can could cannot will would should may might do does did ' +
    'if then than there which who what when where because so but into out up about any all some such also only more most other same ' +
    'own while after before again once here how why each both few very just now via per'
  ).split(' '),
);

const CODE_WEIGHT = 0.6;
/** A code listed by this many entries names a class of errors (5.7.1, win32:5), not one error. */
const GENERIC_CODE_ENTRIES = 4;
/** A code range (`smtp:4.7.500-699`) this narrow is one vendor's family of codes: specific like a single code. */
const SPECIFIC_RANGE = 200;
/** Words of product names that name no product: `Exchange Server` vs `Exchange Online` differ by these, not by the product. */
const PRODUCT_NOISE = new Set([
  'server',
  'servers',
  'online',
  'clients',
  'client',
  'applications',
  'microsoft',
  'windows',
  'any',
  'smtp',
  'mail',
  'jvm',
  'hybrid',
]);
const KEYWORD_WEIGHT = 0.12;
/** `ldap_start_tls_s` has 4 parts; API and constant names rarely have more, and longer ones are not worth the runs. */
const MAX_IDENTIFIER_PARTS = 6;
const KEYWORD_CAP = 0.48;
const INDEXED_PER_PHRASE = 4;
/** An unanchored phrase's coverage is at most 0.4 × uni + 0.6; below this share of its words it cannot reach 0.75. */
const UNANCHORED_UNI = 0.375;
/** Candidates whose index hits are below this share of the best candidate's are not scored. */
const MIN_HIT_SHARE = 0.15;
/**
 * A word at most this many entries know (`UnexpectedExchangeAuthBlobCheckForClockSkew`, `fipfs`) makes its entries
 * candidates whatever their share: in a long event text the common words (Event ID, Source, Microsoft Exchange) of
 * many neighbours otherwise raise the floor above an entry whose one distinctive word is the whole story.
 */
const RARE_POSTINGS = 2;
/** Likewise a code at most this many entries explain (`smtp:5.7.54`, not `smtp:5.7.1`): a stack trace's words outweighed it. */
const RARE_CODE_POSTINGS = 4;
/** At most this many candidates are added by rare codes and words (a paste of them cannot make every entry a candidate). */
const MAX_RARE_CANDIDATES = 8;

/** Confidence from a raw score: saturating, so evidence adds up without ever reaching certainty. */
export function confidenceOf(score: number): number {
  return Math.round((1 - Math.exp(-1.5 * Math.max(0, score))) * 100) / 100;
}

interface WordsTerm {
  kind: 'words';
  text: string;
  ids: number[];
  pairs: number[];
}
interface CodeTerm {
  kind: 'code';
  text: string;
  key: string;
  /** For ranges such as `smtp:5.7.606-649`: family `smtp:5.7` and the detail bounds. */
  range?: { family: string; lo: number; hi: number };
}
type Term = WordsTerm | CodeTerm;

interface CompiledPhrase {
  text: string;
  weight: number;
  min: number;
  content: number[];
  pairs: number[];
  /** IDF weight of each content word and each pair, so words every entry uses count for little. */
  contentWeights: number[];
  pairWeights: number[];
  contentTotal: number;
  pairTotal: number;
  /** The phrase's most distinctive word: without it the phrase does not count (it is someone else's phrase). */
  anchor: number;
}

/** One entry's signatures as numbers: plain data, so the index can be built at build time and stored as JSON. */
export interface IndexedEntry {
  phrases: CompiledPhrase[];
  codes: Array<CodeTerm & { weight: number }>;
  keywords: Term[];
  required: Term[][];
  exclude: Term[];
  patterns: Array<{ weight: number; source: string }>;
  /** Every word id the entry's signatures use, and its product names (`sendmail`, `dovecot`): what the entry can explain. */
  vocabulary: number[];
  /** Word ids of the entry's product names. */
  products: number[];
  /** The SMTP side the entry is about (schema `direction`), or undefined. */
  direction?: SmtpDirection;
}

interface CompiledEntry extends Omit<IndexedEntry, 'patterns' | 'vocabulary'> {
  entry: KbEntry;
  patterns: Array<{ re: RegExp; weight: number; source: string }>;
  vocabulary: Set<number>;
  codeKeys: Set<string>;
}

/**
 * The matcher's index of a knowledge base, as JSON-safe data (built by `indexEntries`, in the order of the
 * entries it was built from): word ids (`vocab[id - 1]`), each entry's signatures as ids, the inverted index
 * from rare words and codes to entries, and each word's IDF.
 */
export interface MatcherIndex {
  vocab: string[];
  entries: IndexedEntry[];
  postings: number[][];
  codePostings: Array<[string, number[]]>;
  idf: number[];
  /** Code keys listed by so many entries (or HTTP statuses) that they identify no error: never a specific code. */
  genericCodes: string[];
}

/**
 * A MatcherIndex whose entries are read one at a time, when the inverted index first offers them (the build's compiled
 * file, compiled.ts): a start parses the vocabulary and the postings, not 464 entries' signatures and texts.
 */
export interface LazyMatcherIndex extends Omit<MatcherIndex, 'entries'> {
  /** How many entries the knowledge base holds. */
  readonly size: number;
  /** Entry `i` and its signatures as ids: the same two objects on every call (`contrast` finds entries by identity). */
  entryAt(i: number): { entry: KbEntry; indexed: IndexedEntry };
}

/** Pair key = a * PAIR + b stays a small integer (below 2^30), which V8 keeps unboxed in Sets. */
const PAIR = 1 << 15;

const RANGE = /^(smtp:[245]\.\d{1,3})\.(\d{1,3})-(\d{1,3})$/;

/** Builds the index: the costly part of a matcher (tokenising every phrase), done once per knowledge base. */
export function indexEntries(entries: readonly KbEntry[]): MatcherIndex {
  const vocab = new Map<string, number>();
  const idOf = (token: string): number => {
    let id = vocab.get(token);
    if (id === undefined) {
      id = vocab.size + 1;
      vocab.set(token, id);
    }
    return id;
  };
  const wordsOf = (text: string): string[] =>
    prepareText(text.replace(/\{(host|url|ip|email|dn|path|guid)\}/g, 'x$1')).tokens;
  const pairsOf = (ids: readonly number[]): number[] => {
    const out = new Set<number>();
    for (let i = 1; i < ids.length; i += 1) out.add((ids[i - 1] as number) * PAIR + (ids[i] as number));
    return [...out];
  };
  const compileTerm = (text: string): Term => {
    const lower = text.toLowerCase();
    if (CODE_REF.test(lower)) return compileCode(lower);
    const ids = wordsOf(text).map(idOf);
    return { kind: 'words', text, ids: [...new Set(ids)], pairs: pairsOf(ids) };
  };
  const compileCode = (key: string): CodeTerm => {
    const m = RANGE.exec(key);
    if (m)
      return {
        kind: 'code',
        text: key,
        key: m[1] as string,
        range: { family: m[1] as string, lo: Number(m[2]), hi: Number(m[3]) },
      };
    return { kind: 'code', text: key, key: normaliseCodeKey(key) };
  };

  const compiled: IndexedEntry[] = entries.map((entry) => {
    const s = entry.signatures;
    return {
      phrases: s.phrases.map((p) => {
        const words = wordsOf(p.text);
        const ids = words.map(idOf);
        const content = [...new Set(ids.filter((_id, i) => !STOPWORDS.has(words[i] as string)))];
        return {
          text: p.text,
          weight: p.weight,
          min: p.min,
          content: content.length > 0 ? content : [...new Set(ids)],
          pairs: pairsOf(ids),
          contentWeights: [],
          pairWeights: [],
          contentTotal: 0,
          pairTotal: 0,
          anchor: 0,
        };
      }),
      codes: s.codes.map((c) =>
        typeof c === 'string'
          ? { ...compileCode(c), weight: CODE_WEIGHT }
          : { ...compileCode(c.code), weight: c.weight },
      ),
      keywords: s.keywords.map(compileTerm),
      required: s.required.map((group) => group.map(compileTerm)),
      exclude: s.exclude.map(compileTerm),
      patterns: s.patterns.map((p) => ({ weight: p.weight, source: p.regex })),
      vocabulary: [],
      products: [],
      direction: entry.direction,
    };
  });
  // Product names join the vocabulary after the signatures, so they never change a signature's word ids.
  const productIds = entries.map((entry) =>
    [
      ...new Set(entry.products.flatMap((p) => wordsOf(p)).filter((w) => !STOPWORDS.has(w) && !PRODUCT_NOISE.has(w))),
    ].map(idOf),
  );

  if (vocab.size >= PAIR)
    throw new Error(`the knowledge base has ${vocab.size} distinct words; word-pair keys allow ${PAIR - 1}`);

  // Inverted index: each entry under its codes and its rarest words.
  const stopIds = new Set([...STOPWORDS].map((w) => vocab.get(w)).filter((id): id is number => id !== undefined));
  const df = new Uint32Array(vocab.size + 1);
  for (const c of compiled) {
    const ids = new Set<number>();
    for (const p of c.phrases) for (const id of p.content) ids.add(id);
    for (const t of [...c.keywords, ...c.required.flat()]) if (t.kind === 'words') for (const id of t.ids) ids.add(id);
    for (const id of ids) df[id] = (df[id] as number) + 1;
  }
  const rarest = (ids: readonly number[], n: number): number[] =>
    ids
      .filter((id) => !stopIds.has(id))
      .sort((a, b) => (df[a] as number) - (df[b] as number))
      .slice(0, n);
  const postings: number[][] = Array.from({ length: vocab.size + 1 }, () => []);
  const codePostings = new Map<string, number[]>();
  compiled.forEach((c, index) => {
    const keys = new Set<number>();
    for (const p of c.phrases) for (const id of rarest(p.content, INDEXED_PER_PHRASE)) keys.add(id);
    for (const t of [...c.keywords, ...c.required.flat()])
      if (t.kind === 'words') for (const id of rarest(t.ids, 1)) keys.add(id);
    for (const id of keys) (postings[id] as number[]).push(index);
    const codeKeys = new Set<string>();
    for (const t of [...c.codes, ...c.required.flat(), ...c.keywords])
      if (t.kind === 'code') codeKeys.add(t.range ? t.range.family : t.key);
    for (const key of codeKeys) {
      const list = codePostings.get(key) ?? [];
      list.push(index);
      codePostings.set(key, list);
    }
  });
  const idf = new Float64Array(vocab.size + 1);
  for (let id = 1; id <= vocab.size; id += 1) idf[id] = Math.log(1 + compiled.length / Math.max(1, df[id] as number));
  // Stop words weigh a quarter of the rarest word's weight in pairs: they carry order, not meaning.
  const wordWeight = (id: number): number => (stopIds.has(id) ? 0.25 : (idf[id] as number));
  for (const c of compiled) {
    for (const p of c.phrases) {
      p.contentWeights = p.content.map(wordWeight);
      p.pairWeights = p.pairs.map((k) => (wordWeight(Math.floor(k / PAIR)) + wordWeight(k % PAIR)) / 2);
      p.contentTotal = p.contentWeights.reduce((a, b) => a + b, 0);
      p.pairTotal = p.pairWeights.reduce((a, b) => a + b, 0);
      p.anchor = p.content.reduce(
        (best, id) => ((idf[id] as number) > (idf[best] as number) ? id : best),
        p.content[0] as number,
      );
    }
  }
  compiled.forEach((c, i) => {
    const ids = new Set<number>(productIds[i]);
    for (const p of c.phrases) for (const id of p.content) ids.add(id);
    for (const t of [...c.keywords, ...c.required.flat()])
      if (t.kind === 'words') for (const id of t.ids) if (!stopIds.has(id)) ids.add(id);
    c.vocabulary = [...ids];
    c.products = productIds[i] as number[];
  });
  // HTTP statuses and SMTP basic replies (401, 550) name a class of answers whoever lists them.
  const genericCodes = [...codePostings]
    .filter(([key, list]) => /^(http:|smtp:\d{3}$)/.test(key) || list.length >= GENERIC_CODE_ENTRIES)
    .map(([key]) => key);
  return {
    vocab: [...vocab.keys()],
    entries: compiled,
    postings,
    codePostings: [...codePostings],
    idf: [...idf],
    genericCodes,
  };
}

export function createMatcher(entries: readonly KbEntry[], options: MatcherOptions = {}): Matcher {
  const index = options.index ?? indexEntries(entries);
  if (index.entries.length !== entries.length)
    throw new Error(`the matcher index has ${index.entries.length} entries, the knowledge base ${entries.length}`);
  const { entries: indexed, ...head } = index;
  return createLazyMatcher(
    {
      ...head,
      size: entries.length,
      entryAt: (i) => ({ entry: entries[i] as KbEntry, indexed: indexed[i] as IndexedEntry }),
    },
    options,
  );
}

/** A matcher over an index whose entries are compiled (regular expressions, sets) when first offered as candidates. */
export function createLazyMatcher(
  index: LazyMatcherIndex,
  options: Pick<MatcherOptions, 'maxCandidates'> = {},
): Matcher {
  const maxCandidates = options.maxCandidates ?? 24;
  // Plain loops over the vocabulary: at a cold start this code runs once, in the interpreter, where a callback per
  // word (`map`, then the Map constructor) cost about ten times as much (12 ms against 1.3 ms on a busy machine).
  const vocab = new Map<string, number>();
  for (let i = 0; i < index.vocab.length; i += 1) vocab.set(index.vocab[i] as string, i + 1);
  const compiled = new Array<CompiledEntry | undefined>(index.size).fill(undefined);
  const genericCodes = new Set(index.genericCodes);
  // Numbers in phrases are codes' digits (`535 5.7.3`): as evidence they count through the codes, not as words.
  const numeric = new Uint8Array(index.vocab.length + 1);
  const digits = /^\d+$/;
  for (let i = 0; i < index.vocab.length; i += 1) if (digits.test(index.vocab[i] as string)) numeric[i + 1] = 1;
  const { postings } = index;
  const codePostings = new Map(index.codePostings);
  const idf = Float64Array.from(index.idf);

  // Per-text state, reused between calls (matching is synchronous).
  const stamp = new Uint32Array(vocab.size + 1);
  /** Words present only inside a longer identifier (`tls` and `ldap_start_tls` in `ldap_start_tls_s`): for required groups and keywords. */
  const partStamp = new Uint32Array(vocab.size + 1);
  let generation = 0;
  const pairs = new Set<number>();
  const hits = new Float64Array(index.size);
  /** Entries hit by a rare code or word (RARE_CODE_POSTINGS, RARE_POSTINGS), scored even below the floor. */
  const rare: number[] = [];
  const touched: number[] = [];

  function load(input: MatchInput): number[] {
    generation += 1;
    if (generation === 0xffffffff) {
      stamp.fill(0);
      generation = 1;
    }
    pairs.clear();
    const distinct: number[] = [];
    let prev = 0;
    for (const token of input.tokens) {
      if (token.includes('_')) stampParts(token);
      const id = vocab.get(token) ?? 0;
      if (id !== 0) {
        if (stamp[id] !== generation) {
          stamp[id] = generation;
          distinct.push(id);
        }
        if (prev !== 0) pairs.add(prev * PAIR + id);
      }
      prev = id;
    }
    // Hidden words count as words; their pairs only within a run ('' is no word, so it breaks the pair).
    prev = 0;
    for (const token of input.hidden ?? []) {
      const id = vocab.get(token) ?? 0;
      if (id !== 0) {
        if (stamp[id] !== generation) {
          stamp[id] = generation;
          distinct.push(id);
        }
        if (prev !== 0) pairs.add(prev * PAIR + id);
      }
      prev = id;
    }
    return distinct;
  }

  const has = (id: number): boolean => stamp[id] === generation;
  const hasWithin = (id: number): boolean => stamp[id] === generation || partStamp[id] === generation;

  /** Every run of consecutive `_`-separated parts of an identifier that is a knowledge-base word; bounded for long names. */
  function stampParts(token: string): void {
    const parts = token.split('_').filter((p) => p.length > 0);
    if (parts.length < 2 || parts.length > MAX_IDENTIFIER_PARTS) return;
    for (let from = 0; from < parts.length; from += 1)
      for (let to = from + 1; to <= parts.length; to += 1) {
        if (to - from === parts.length) continue;
        const id = vocab.get(parts.slice(from, to).join('_')) ?? 0;
        if (id !== 0) partStamp[id] = generation;
      }
  }

  function termPresent(term: Term, input: MatchInput): boolean {
    if (term.kind === 'code') return codePresent(term, input);
    return term.ids.every(has) && term.pairs.every((k) => pairs.has(k));
  }

  /** A one-word required or keyword term is also met by a part of an identifier; exclusions and phrases stay exact. */
  function termWithin(term: Term, input: MatchInput): boolean {
    if (term.kind === 'words' && term.ids.length === 1) return hasWithin(term.ids[0] as number);
    return termPresent(term, input);
  }

  function codePresent(term: CodeTerm, input: MatchInput): boolean {
    if (!term.range) return input.codeKeys.has(term.key);
    const { family, lo, hi } = term.range;
    for (const key of input.codeKeys) {
      if (!key.startsWith(`${family}.`)) continue;
      const detail = Number(key.slice(family.length + 1));
      if (detail >= lo && detail <= hi) return true;
    }
    return false;
  }

  function score(c: CompiledEntry, input: MatchInput): Match | undefined {
    // An entry about the other side of an SMTP refusal (our server refused a client / a remote server refused us) is not this error.
    if (c.direction !== undefined && input.direction !== undefined) {
      const side = input.direction();
      if (side !== undefined && side !== c.direction) return undefined;
    }
    for (const group of c.required) if (!group.some((t) => termWithin(t, input))) return undefined;
    for (const t of c.exclude) if (termPresent(t, input)) return undefined;
    const signals: Signal[] = [];
    const phraseScores: number[] = [];
    const evidence: number[] = [];
    for (const p of c.phrases) {
      const anchored = has(p.anchor);
      let u = 0;
      for (let i = 0; i < p.content.length; i += 1) if (has(p.content[i] as number)) u += p.contentWeights[i] as number;
      const uni = p.contentTotal > 0 ? u / p.contentTotal : 0;
      // Without its anchor a phrase needs coverage 0.75, out of reach (0.4 × uni + 0.6 at most) below UNANCHORED_UNI: skip the pairs.
      if (!anchored && uni < UNANCHORED_UNI) continue;
      let coverage = uni;
      if (p.pairs.length > 0) {
        let b = 0;
        for (let i = 0; i < p.pairs.length; i += 1)
          if (pairs.has(p.pairs[i] as number)) b += p.pairWeights[i] as number;
        coverage = 0.4 * uni + 0.6 * (p.pairTotal > 0 ? b / p.pairTotal : 0);
      }
      // Without its most distinctive word a phrase only counts when most of it is there (a partial paste).
      if (coverage >= p.min && (anchored || coverage >= 0.75)) {
        phraseScores.push(p.weight * coverage);
        signals.push({ kind: 'phrase', detail: p.text, score: round(p.weight * coverage) });
        for (const id of p.content) if (has(id) && !numeric[id] && !evidence.includes(id)) evidence.push(id);
      }
    }
    phraseScores.sort((a, b) => b - a);
    let total = 0;
    phraseScores.forEach((s, i) => {
      total += s / 2 ** i;
    });
    let codeTotal = 0;
    let codeCount = 0;
    const codes: string[] = [];
    const specificCodes: string[] = [];
    for (const code of c.codes) {
      if (!codePresent(code, input)) continue;
      codeTotal += code.weight / 2 ** codeCount;
      codeCount += 1;
      signals.push({ kind: 'code', detail: code.text, score: code.weight });
      codes.push(code.text);
      if (code.range ? code.range.hi - code.range.lo <= SPECIFIC_RANGE : !genericCodes.has(code.key))
        specificCodes.push(code.text);
    }
    total += codeTotal;
    let keywordTotal = 0;
    for (const k of c.keywords) {
      if (termWithin(k, input)) {
        keywordTotal += KEYWORD_WEIGHT;
        signals.push({ kind: 'keyword', detail: k.text, score: KEYWORD_WEIGHT });
        if (k.kind === 'words') for (const id of k.ids) if (!numeric[id] && !evidence.includes(id)) evidence.push(id);
      }
    }
    total += Math.min(KEYWORD_CAP, keywordTotal);
    for (const p of c.patterns) {
      if (p.re.test(input.text)) {
        total += p.weight;
        signals.push({ kind: 'pattern', detail: p.source, score: p.weight });
      }
    }
    if (total <= 0) return undefined;
    for (const id of c.products) if (has(id) && !evidence.includes(id)) evidence.push(id);
    return {
      entry: c.entry,
      score: round(total),
      confidence: confidenceOf(total),
      signals,
      specificCodes,
      evidence,
      codes,
    };
  }

  /** Compiled entries by entry, for `contrast` (whose matches were all scored, so compiled, first). */
  const byEntry = new Map<KbEntry, CompiledEntry>();

  function compiledAt(i: number): CompiledEntry {
    const known = compiled[i];
    if (known) return known;
    const { entry, indexed } = index.entryAt(i);
    const c: CompiledEntry = {
      ...indexed,
      entry,
      patterns: indexed.patterns.map((p) => ({ ...p, re: new RegExp(p.source, 'i') })),
      vocabulary: new Set(indexed.vocabulary),
      codeKeys: new Set(
        [...indexed.codes, ...indexed.keywords, ...indexed.required.flat()].flatMap((t) =>
          t.kind === 'code' ? [t.text] : [],
        ),
      ),
    };
    compiled[i] = c;
    byEntry.set(entry, c);
    return c;
  }

  function contrast(a: Match, b: Match): Contrast {
    const other = byEntry.get(b.entry);
    if (!other) return { words: 0, marks: 0 };
    let words = 0;
    for (const id of a.evidence) if (!other.vocabulary.has(id)) words += idf[id] as number;
    let marks = 0;
    for (const code of a.specificCodes) if (!other.codeKeys.has(code)) marks += 1;
    for (const s of a.signals)
      if (s.kind === 'pattern' && !other.patterns.some((p) => p.source === s.detail)) marks += 1;
    return { words: round(words), marks };
  }

  function match(input: MatchInput): Match[] {
    const distinct = load(input);
    touched.length = 0;
    const hit = (index: number, weight: number): void => {
      if (hits[index] === 0) touched.push(index);
      hits[index] = (hits[index] as number) + weight;
    };
    rare.length = 0;
    const keep = (entries: readonly number[]): void => {
      if (rare.length + entries.length <= MAX_RARE_CANDIDATES) rare.push(...entries);
    };
    // Codes first: a code few entries explain (5.7.54) says more than a rare word.
    for (const key of input.codeKeys) {
      const entries = codePostings.get(key) ?? [];
      for (const index of entries) hit(index, 3);
      if (entries.length <= RARE_CODE_POSTINGS) keep(entries);
    }
    for (const id of distinct) {
      const entries = postings[id] as number[];
      for (const index of entries) hit(index, idf[id] as number);
      if (entries.length <= RARE_POSTINGS) keep(entries);
    }
    // Entries that share only a word or two of what the best candidates share are not worth scoring.
    let best = 0;
    for (const index of touched) if ((hits[index] as number) > best) best = hits[index] as number;
    const floor = best * MIN_HIT_SHARE;
    let candidates = touched.filter((index) => (hits[index] as number) >= floor);
    if (candidates.length > maxCandidates) {
      candidates = candidates.sort((a, b) => (hits[b] as number) - (hits[a] as number)).slice(0, maxCandidates);
    }
    for (const index of rare) if (!candidates.includes(index)) candidates.push(index);
    const out: Match[] = [];
    for (const index of candidates) {
      const m = score(compiledAt(index), input);
      if (m) out.push(m);
    }
    for (const index of touched) hits[index] = 0;
    out.sort((a, b) => b.score - a.score);
    return out;
  }

  return { match, contrast, size: index.size, vocabulary: vocab.size };
}

/** Canonical signature keys: HRESULT/NTSTATUS as 0x + 8 hex digits, AD data sub-codes in lower case. */
export function normaliseCodeKey(key: string): string {
  const lower = key.toLowerCase();
  const m = /^(hresult|ntstatus):(?:0x)?([0-9a-f]{1,8})$/.exec(lower);
  if (m) return `${m[1]}:0x${(m[2] as string).padStart(8, '0')}`;
  return lower;
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
