import { hasDomainMarker, namesProduct, namesWorld } from './context';
import { tokenize } from './text';
import type { Contrast as Evidence, Match, Signal } from './matcher';

/**
 * Right or silent: a confident wrong answer costs an admin an hour, "no match, here is what the codes mean"
 * a minute. The matcher's scores rank candidates by how much of their text is present; this file decides what
 * that ranking may claim. Nine principles, each a step below:
 *
 * 1. Specific before generic. An entry keyed on a code the text holds and that identifies one error
 *    (`AADSTS700027`, `0x8009030e`) outranks an entry matching only class codes (`401`, `5.7.1`), and a catch-all
 *    entry (`generic: true`: HTTP 401, access denied) yields to any specific entry with evidence of its own. A consequence
 *    (`consequence: true`: a message expired in the queue) yields to the confident entry for the cause quoted beside it.
 * 2. Neighbours are told apart by what differs, not by what they share. When two candidates score close, the
 *    one with more discriminating evidence (words and codes of the text only it uses, product names among them)
 *    goes first; when neither has enough, the answer is "possibly related" with both, not a diagnosis.
 *    A top that explains not one word a confident runner-up cannot, while the runner-up has words of its own, is a
 *    guess however far ahead (2b).
 * 3. Evidence is a phrase present nearly whole (WHOLE_PHRASE), a specific code or a strong pattern; a diagnosis needs
 *    confidence MATCH_THRESHOLD and such evidence.
 * 4. A diagnosis needs the text to name the top's world (context.ts): "access denied" from Docker is not Windows's.
 * 5. Product names are evidence: a top whose products the text never names, beside a close specific runner-up whose
 *    product it names, is a guess.
 * 6. A code the top's title names (0xC000006A, Kerberos 0x18, HTTP 401) is a claim: a text holding another code of that
 *    shape instead makes the top a guess.
 * 7. A local service the text names (a refused loopback port) is a cause the top must explain.
 * 8. A status is not a cause: a catch-all that only names one (`statusOnly`: access denied, HTTP 401) is at most possibly
 *    related. On blind pastes such a top was the right diagnosis 2 times in 9: the pastes that print the status also say
 *    why, in words no entry knew.
 * 9. A catch-all alone is a guess: a `generic` top with no specific entry to yield to is possibly related, unless the text
 *    is little more than the status itself (`0x800706BA`, "what does 5.7.64 mean?"). On blind pastes (first measures of
 *    sets 8–35) a catch-all on top was right 11 times in 25; with the specific entry taken out of the knowledge base,
 *    catch-alls claimed 101 of 4,084 judged-right pastes as their diagnosis, against 9 where they were the answer.
 *
 * (The SMTP direction — who refused whom — rules entries out before scoring: matcher.ts, direction.ts.)
 */
export const MATCH_THRESHOLD = 0.6;
/** Candidates at or above this confidence (and below the diagnosis) are "possibly related". */
export const RELATED_FLOOR = 0.35;
/** A code signal this strong is specific to an entry (a shared code like 5.7.1 weighs 0.3 or less). */
const SPECIFIC_CODE_WEIGHT = 0.5;
/** A candidate explaining a specific code the top does not explain goes first when it scores at least this share of the top. */
const SPECIFIC_SHARE = 0.4;
/** A catch-all yields to a specific entry scoring at least this share of it (as close as a runner-up shown beside a diagnosis). */
const GENERIC_YIELD_SHARE = 0.75;
/** Two candidates this close (runner-up score / top score) are neighbours: their discriminating evidence decides. */
export const NEIGHBOUR_SHARE = 0.8;
/**
 * Neighbours neither of which has discriminating evidence are ambiguous only this close: a larger lead comes from the text
 * covering more of the top's phrases (their order, their pairs of words), which is evidence too.
 */
export const AMBIGUOUS_SHARE = 0.9;
/** Discriminating evidence (IDF weight, contrast()) a neighbour needs over the other to be the diagnosis: about one rare word. */
export const DISCRIMINATING_MARGIN = 3;

export type Band = 'diagnosis' | 'possibly-related' | 'none';

/** A pattern this strong stands for a shape only this error has (a loopback content-filter port), like a specific code. */
const SPECIFIC_PATTERN_WEIGHT = 1;

/**
 * A phrase is the error's own words when nearly all of it is there. Its common tail alone ("… while getting initial
 * credentials", "… could not be established") is shared by its neighbours: with an entry removed, a neighbour matched
 * that way claimed a third of the removed entry's fixtures, and gave way on 5 of 632 judged right answers.
 */
export const WHOLE_PHRASE = 0.85;

/** How much of a matched phrase the text holds (its signal's score is its weight times that). */
function phraseCoverage(match: Match, signal: Signal): number {
  const phrase = match.entry.signatures.phrases.find((p) => p.text === signal.detail);
  return phrase ? signal.score / phrase.weight : 1;
}

/** Evidence that can carry a diagnosis: the error's own words, or a code or pattern only this kind of error has. */
export function hasStrongEvidence(match: Match): boolean {
  return match.signals.some(
    (s) =>
      (s.kind === 'phrase' && phraseCoverage(match, s) >= WHOLE_PHRASE) ||
      (s.kind === 'code' && s.score >= SPECIFIC_CODE_WEIGHT) ||
      (s.kind === 'pattern' && s.score >= SPECIFIC_PATTERN_WEIGHT),
  );
}

/** Which band a ranked list of candidates falls in, on the top candidate's confidence and evidence alone. */
export function bandOf(ranked: readonly Match[]): Band {
  const best = ranked[0];
  if (!best) return 'none';
  if (best.confidence >= MATCH_THRESHOLD && hasStrongEvidence(best)) return 'diagnosis';
  return best.confidence >= RELATED_FLOOR ? 'possibly-related' : 'none';
}

export interface Calibrated {
  ranked: Match[];
  band: Band;
  /** Why the order or the band differs from the raw scores, for the reply's data and for debugging. */
  notes: string[];
}

/** `contrast(a, b)`: the weight of evidence in the text for `a` that `b` cannot explain (Matcher.contrast). */
export type Contrast = (a: Match, b: Match) => Evidence;

/** What calibration may read of the text itself (optional: without it, the rules that need the text are skipped). */
export interface CalibrationText {
  /** The analysed text. */
  text: string;
  /** The same in lower case. */
  lower: string;
  /** The keys of the codes decoded from it (`http:503`, `jet:-1022`). */
  codeKeys?: ReadonlySet<string>;
}

/** Applies the principles to the matcher's ranking: the order to answer in and the band of the answer. */
export function calibrate(raw: readonly Match[], contrast: Contrast, source?: CalibrationText): Calibrated {
  const notes: string[] = [];
  let ranked = preferSpecific([...raw], contrast, notes);
  const settled = settleNeighbours(ranked, contrast, notes);
  ranked = settled.ranked;
  let band = bandOf(ranked);
  if (band === 'diagnosis' && settled.ambiguous) band = 'possibly-related';
  if (band === 'diagnosis' && source && !inWorld(ranked[0] as Match, source, notes)) band = 'possibly-related';
  if (band === 'diagnosis' && source && otherProduct(ranked, contrast, source, notes)) band = 'possibly-related';
  if (band === 'diagnosis' && source && namesOtherCode(ranked[0] as Match, source, notes)) band = 'possibly-related';
  if (band === 'diagnosis' && source && namesOtherStatus(ranked[0] as Match, source, notes)) band = 'possibly-related';
  if (band === 'diagnosis' && source && namesLocalService(ranked[0] as Match, source, notes)) band = 'possibly-related';
  if (band === 'diagnosis' && ranked[0]?.entry.statusOnly) {
    notes.push(`${ranked[0].entry.id} names a status, not its cause`);
    band = 'possibly-related';
  }
  if (band === 'diagnosis' && source && loneCatchAll(ranked[0] as Match, source, notes)) band = 'possibly-related';
  return { ranked, band, notes };
}

/**
 * Principle 4: a diagnosis needs the text to name the top's world (context.ts): the same words in a Docker, GitHub or
 * PostgreSQL error are another product's error, so the best guess is only possibly related.
 */
function inWorld(top: Match, source: CalibrationText, notes: string[]): boolean {
  if (namesWorld(top, source.lower, hasDomainMarker(source.text))) return true;
  notes.push(`${top.entry.id}: the text names none of its products, codes or mail/directory/TLS markers`);
  return false;
}

/** A text with at most this many distinct words beside a catch-all's own is a question about its status (principle 9). */
const BARE_STATUS_WORDS = 8;

/**
 * Principle 9: a catch-all on top of a text that says more than its status (more words than its matched phrases and codes
 * hold) had no specific entry for what the rest says.
 */
function loneCatchAll(top: Match, source: CalibrationText, notes: string[]): boolean {
  if (!top.entry.generic) return false;
  const own = new Set(top.signals.filter((s) => s.kind !== 'keyword').flatMap((s) => tokenize(s.detail)));
  const rest = new Set(tokenize(source.lower).filter((w) => !own.has(w)));
  if (rest.size <= BARE_STATUS_WORDS) return false;
  notes.push(`${top.entry.id} is a catch-all and no specific entry explains the rest of the text`);
  return true;
}

function moveToFront(ranked: Match[], index: number): Match[] {
  const chosen = ranked[index] as Match;
  return [chosen, ...ranked.slice(0, index), ...ranked.slice(index + 1)];
}

/** SMTP and HTTP codes are statuses: they say which kind of failure, where an ESE, Windows or Kerberos code names one. */
const STATUS_FAMILIES = ['smtp:', 'http:'];

/**
 * A phrase of several words (a condition quoted, not a single name) with a word of its own: a phrase made only of the
 * consequence's matched words is the consequence again in another entry's words.
 */
function quotesCondition(signal: Signal, consequenceWords: ReadonlySet<string>): boolean {
  if (signal.kind !== 'phrase' || !/\s/.test(signal.detail.trim())) return false;
  return tokenize(signal.detail).some((w) => !consequenceWords.has(w));
}

/** A code signal strong enough to stand for one error, from a family that names errors rather than statuses. */
function namesError(signal: Signal): boolean {
  return (
    signal.kind === 'code' &&
    signal.score >= SPECIFIC_CODE_WEIGHT &&
    !STATUS_FAMILIES.some((family) => signal.detail.startsWith(family))
  );
}

/**
 * Principle 1: the entry that explains the text's identifying code goes first; a catch-all yields to a specific entry
 * that scores close to it (GENERIC_YIELD_SHARE) with evidence of its own (words or codes the catch-all cannot explain).
 */
export function preferSpecific(ranked: Match[], contrast?: Contrast, notes: string[] = []): Match[] {
  const top = ranked[0];
  if (!top) return ranked;
  // Only an entry resting on generic evidence yields: one with a phrase of its own has earned its place (the neighbour step weighs it).
  if (top.specificCodes.length === 0 && !top.signals.some((s) => s.kind === 'phrase')) {
    const i = ranked.findIndex(
      (m) => m.specificCodes.length > 0 && hasStrongEvidence(m) && m.score >= top.score * SPECIFIC_SHARE,
    );
    if (i > 0) {
      notes.push(
        `${ranked[i]?.entry.id} explains ${ranked[i]?.specificCodes.join(', ')}, which ${top.entry.id} does not`,
      );
      return moveToFront(ranked, i);
    }
  }
  const own = (m: Match): boolean => {
    if (!contrast) return true;
    const c = contrast(m, top);
    return c.marks > 0 || c.words >= DISCRIMINATING_MARGIN;
  };
  if (top.entry.consequence) {
    // However far ahead on the consequence's own words: the cause is what the admin has to fix. The cause must be quoted
    // (a phrase of its own, more than a name: `MSExchangeOWAAppPool` in a crash report says where, not what) or named by a
    // code that identifies it (`ec=-1022` under "Failed to mount database"): a status alone (Postfix's `dsn=4.4.1,
    // status=expired`) only says which kind it was.
    const consequenceWords = new Set(top.signals.filter((s) => s.kind === 'phrase').flatMap((s) => tokenize(s.detail)));
    const i = ranked.findIndex(
      (m) =>
        !m.entry.consequence &&
        !m.entry.generic &&
        m.confidence >= MATCH_THRESHOLD &&
        hasStrongEvidence(m) &&
        m.signals.some((s) => quotesCondition(s, consequenceWords) || namesError(s)) &&
        own(m),
    );
    if (i > 0) {
      notes.push(`${top.entry.id} is a consequence; ${ranked[i]?.entry.id} names its cause`);
      return moveToFront(ranked, i);
    }
  }
  if (top.entry.generic) {
    const i = ranked.findIndex(
      (m) => !m.entry.generic && hasStrongEvidence(m) && m.score >= top.score * GENERIC_YIELD_SHARE && own(m),
    );
    if (i > 0) {
      notes.push(`${top.entry.id} is a catch-all; ${ranked[i]?.entry.id} is specific`);
      return moveToFront(ranked, i);
    }
    // Further behind, a specific entry with a phrase and evidence of its own still says more than a catch-all that explains
    // nothing it cannot (no specific code or pattern of the text only the catch-all has; its words are the catch-all's
    // own vague phrase): it goes first, its own
    // confidence deciding the band.
    const j = ranked.findIndex(
      (m) =>
        !m.entry.generic &&
        m.signals.some((s) => s.kind === 'phrase') &&
        m.confidence >= RELATED_FLOOR &&
        own(m) &&
        !(contrast && contrast(top, m).marks > 0),
    );
    if (j > 0) {
      notes.push(
        `${top.entry.id} is a catch-all explaining nothing ${ranked[j]?.entry.id} cannot; the specific one goes first`,
      );
      return moveToFront(ranked, j);
    }
  }
  return ranked;
}

/**
 * Principle 2: of two close candidates, the one with discriminating evidence of its own (at least DISCRIMINATING_MARGIN:
 * a rare word, a specific code or a pattern the other cannot explain) goes first. When both have some, the text shows both
 * conditions and the scores keep their order (the runner-up is shown beside the diagnosis); when neither has any and
 * they score within AMBIGUOUS_SHARE, the text does not tell them apart: no diagnosis, both offered as possibly related.
 */
export function settleNeighbours(
  ranked: Match[],
  contrast: Contrast,
  notes: string[] = [],
): { ranked: Match[]; ambiguous: boolean } {
  const [top, next] = ranked;
  if (!top || !next) return { ranked, ambiguous: false };
  if (next.score < top.score * NEIGHBOUR_SHARE) return { ranked, ambiguous: unbacked(top, next, contrast, notes) };
  // A catch-all next to a specific entry is principle 1's business: its vocabulary is not a rival story.
  if (next.entry.generic && !top.entry.generic) return { ranked, ambiguous: false };
  // Likewise a consequence behind the cause it yielded to (principle 1).
  if (next.entry.consequence && !top.entry.consequence) return { ranked, ambiguous: false };
  const forTop = contrast(top, next);
  const forNext = contrast(next, top);
  const topHas = forTop.marks > 0 || forTop.words >= DISCRIMINATING_MARGIN;
  const nextHas = forNext.marks > 0 || forNext.words >= DISCRIMINATING_MARGIN;
  if (topHas) return { ranked, ambiguous: false };
  if (nextHas) {
    notes.push(
      `${next.entry.id} over its neighbour ${top.entry.id}: only it has discriminating evidence (${forNext.words} vs ${forTop.words})`,
    );
    return { ranked: moveToFront(ranked, 1), ambiguous: false };
  }
  if (next.score < top.score * AMBIGUOUS_SHARE) return { ranked, ambiguous: false };
  notes.push(
    `${top.entry.id} and ${next.entry.id} are neighbours the text does not tell apart (${forTop.words} vs ${forNext.words})`,
  );
  return { ranked, ambiguous: true };
}

/** A runner-up this close whose product the text names, when it names none of the top's, can make the top a guess. */
const PRODUCT_RIVAL_SHARE = 0.7;

/**
 * Principle 5: product names are evidence. When the text names a close specific runner-up's product and none of the top's,
 * and only the runner-up has discriminating evidence between the two, the top's words are likely that other product's
 * error (curl's TLS words in a Postfix log): possibly related, not a diagnosis.
 */
function otherProduct(ranked: readonly Match[], contrast: Contrast, source: CalibrationText, notes: string[]): boolean {
  const [top, ...rest] = ranked;
  if (!top || namesProduct(top, source.lower)) return false;
  const rival = rest.find(
    (m) =>
      m.score >= top.score * PRODUCT_RIVAL_SHARE &&
      !m.entry.generic &&
      namesProduct(m, source.lower) &&
      discriminates(contrast(m, top)) &&
      !discriminates(contrast(top, m)),
  );
  if (!rival) return false;
  notes.push(`the text names a product of ${rival.entry.id}, none of ${top.entry.id}'s`);
  return true;
}

function discriminates(c: Evidence): boolean {
  return c.marks > 0 || c.words >= DISCRIMINATING_MARGIN;
}

/** Status codes (0xC000006A) and Kerberos failure codes (0x18): the two shapes a title names. */
const HEX_CODE = /\b0x(?:[0-9a-f]{8}|[0-9a-f]{1,2})\b/gi;

/** A code's shape: eight digits, or one or two (a process id or handle, 0x1f4, is neither and never compared). */
const shapeOf = (code: string): number => (code.length === 10 ? 8 : 2);

/**
 * Principle 6: a code the title names is the top's claim about the text. When the title names hex codes (0xC000006A,
 * Kerberos 0x18) the text does not hold, and the text holds one of the same shape the entry neither names nor lists, the
 * top reads the text's code as another: possibly related.
 */
function namesOtherCode(top: Match, source: CalibrationText, notes: string[]): boolean {
  const named = new Set((top.entry.title.match(HEX_CODE) ?? []).map((c) => c.toLowerCase()));
  if (named.size === 0) return false;
  const shapes = new Set([...named].map(shapeOf));
  const inText = new Set(
    (source.text.match(HEX_CODE) ?? []).map((c) => c.toLowerCase()).filter((c) => shapes.has(shapeOf(c))),
  );
  if ([...named].some((c) => inText.has(c))) return false;
  const listed = JSON.stringify(top.entry.signatures.codes).toLowerCase();
  const other = [...inText].find((c) => !listed.includes(c));
  if (!other) return false;
  notes.push(`${top.entry.id} names ${[...named].join(', ')}; the text holds ${other}`);
  return true;
}

/** An HTTP status a title names (`fails with 401`); not the detail of an enhanced code (`5.7.500`). */
const TITLE_STATUS = /(?<![.\d])[45]\d\d(?![.\d])/g;

/**
 * Principle 6 for HTTP: a title naming a status (`hybrid OAuth fails with 401`) claims it. A text whose HTTP status is
 * another (`(503) Server Unavailable`), and that holds the named number nowhere, is another failure: possibly related.
 */
function namesOtherStatus(top: Match, source: CalibrationText, notes: string[]): boolean {
  const named = top.entry.title.match(TITLE_STATUS);
  if (!named || !source.codeKeys) return false;
  const statuses = [...source.codeKeys].filter((k) => k.startsWith('http:'));
  if (statuses.length === 0) return false;
  if (named.some((n) => source.text.includes(n))) return false;
  notes.push(`${top.entry.id} names ${named.join(', ')}; the text answers ${statuses.join(', ')}`);
  return true;
}

/**
 * Principle 2b: a top with no evidence at all against a confident specific runner-up, further behind than a neighbour but
 * with discriminating evidence of its own, leads only on the words both share (often the symptom, where the runner-up
 * also has the cause): the text says more than the top does, so the answer is possibly related.
 */
function unbacked(top: Match, next: Match, contrast: Contrast, notes: string[]): boolean {
  if (next.entry.generic || next.confidence < MATCH_THRESHOLD || !hasStrongEvidence(next)) return false;
  const forTop = contrast(top, next);
  if (forTop.marks > 0 || forTop.words > 0) return false;
  const forNext = contrast(next, top);
  if (!discriminates(forNext)) return false;
  notes.push(`${top.entry.id} has nothing ${next.entry.id} cannot explain; ${next.entry.id} has ${forNext.words}`);
  return true;
}

/** A local service on the loopback address with its port (`127.0.0.1[127.0.0.1]:10024`): the text names which service failed. */
const LOOPBACK_PORT = /\b(?:127\.0\.0\.1|localhost|\[::1\])\]?:(\d{2,5})\b/gi;

const entryTexts = new WeakMap<object, string>();
function entryText(top: Match): string {
  let text = entryTexts.get(top.entry);
  if (text === undefined) {
    text = JSON.stringify(top.entry).toLowerCase();
    entryTexts.set(top.entry, text);
  }
  return text;
}

/**
 * Principle 7: the text's own identifiers are the most specific thing it states. A refused local service (a loopback
 * address with its port: the content filter on 127.0.0.1:10024, a milter, a policy daemon) that the top's entry never
 * mentions is a cause the top does not explain ("could not connect to the next hop" reads it as a remote MX): possibly
 * related. (A snake_case setting given a value was tried too and changed no answer in ~870 development items.)
 */
function namesLocalService(top: Match, source: CalibrationText, notes: string[]): boolean {
  const known = entryText(top);
  for (const m of source.text.matchAll(LOOPBACK_PORT)) {
    if (!known.includes('127.0.0.1') && !known.includes('localhost') && !known.includes(`:${m[1]}`)) {
      notes.push(`the text names a local service on port ${m[1]}, which ${top.entry.id} never mentions`);
      return true;
    }
  }
  return false;
}
