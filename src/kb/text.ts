import { classify, EntityBag, findDns, trimWord, type Entities } from './entities';
import { SMART_QUOTES } from '../core/normalise';

/**
 * Text preparation for matching. A pasted error arrives wrapped by a console, with smart quotes,
 * URL-encoded, full of server names and GUIDs; what is matched is the same text with those
 * differences removed, so `PER-EXCHMBX` and `EX01` (or two URLs) look alike to the knowledge base.
 */

/** The most text analysed; the rest of a larger paste is ignored (and the reply says so). */
export const MAX_TEXT = 64 * 1024;

export interface PreparedText {
  /** The text as analysed (capped, line breaks and quotes normalised, console wraps joined). */
  text: string;
  lower: string;
  truncated: boolean;
  /** Lower-case words of the abstracted text (`xhost`, `xurl`, `xip`, `xpath`, `xguid`, `xemail`, `xdn`, `xnum`). */
  tokens: string[];
  /**
   * Words the abstraction hid that still say what failed, in runs separated by '': a URL's path (`/mapi/emsmdb` →
   * `mapi emsmdb`, `/EWS/Exchange.asmx` → `ews exchange asmx`) names the protocol; a block list's host its list.
   * A DN's names too (`CN=DST Root CA X3`, `OU=Domain Controllers` → `dst root ca x3`, `domain controllers`).
   * Matched as words (and pairs within a run), never in the sequence of `tokens`, so phrases with `{url}` keep their pairs.
   */
  hidden: string[];
  entities: Entities;
}

/** The doors' smart-quote table, plus what only matching folds: zero-width characters and dashes. */
const QUOTES: ReadonlyArray<readonly [RegExp, string]> = [
  ...SMART_QUOTES,
  [/[\u200B-\u200D\uFEFF]/g, ''],
  [/[\u2010-\u2015]/g, '-'],
];
const TOKEN = /[a-z0-9_]+/g;
const NON_ASCII = /[^\t\n\r -~]/;

/**
 * Hosts whose name is evidence, not a server of the admin's: block lists by their zone (`zen.spamhaus.org` → `spamhaus`)
 * and Microsoft 365's front ends (`outlook.office365.com` → `office365`: Exchange Online, not an Exchange server).
 */
const NAMED_HOST =
  /(?:^|\.)(spamhaus|spamcop|barracudacentral|sorbs|uceprotect|spameatingmonkey|mailspike|psbl|surbl|abuseat|senderscore|backscatterer|s5h|nordspam|invaluement|office365|microsoftonline)\.(?:org|net|com|de|to)$/;
/**
 * A header or event field opening a line (`X-FEServer: EXFE01`, `Event ID: 4625`), a Format-List property
 * (`PermissionGroups : ExchangeUsers`), or PowerShell's position line under an error (`At line:1 char:87`,
 * `At C:\scripts\move.ps1:41 char:5`).
 */
const FIELD_START = /^[A-Za-z][\w-]* *:\s|^[A-Za-z][\w-]* [A-Z]\w*:\s|^At (?:line|[A-Za-z]:\\\S*|\/\S*):\d/;

/**
 * A sentence opening a line (`More details here: …` under curl's 80-column error): a capitalised word and a lower-case
 * one. The rest of a word cut at the console's edge starts in lower case, or in upper case inside an identifier
 * (`ConnectionFailed|TransientException`), never as a capitalised word followed by another word.
 */
const SENTENCE_START = /^[A-Z][a-z]+ [a-z]/;

/**
 * A log record opening a line (`Jun  4 11:20:01 ldap1 slapd[912]: …`, `2025-03-11T07:02:19Z …`): repeated records share
 * their length, which is no sign that a console cut them.
 */
const RECORD_START = /^(?:[A-Z][a-z]{2} [ \d]\d \d\d:\d\d|\d{4}-\d\d-\d\d[T ]\d\d:)/;

/** Every regex here, for the static backtracking check in the tests. */
export const TEXT_PATTERNS: readonly RegExp[] = [
  ...QUOTES.map(([r]) => r),
  TOKEN,
  NON_ASCII,
  NAMED_HOST,
  FIELD_START,
  SENTENCE_START,
  RECORD_START,
];

/** Console widths PowerShell and cmd.exe wrap at, cutting words in two. */
const CONSOLE_WIDTHS = new Set([79, 80, 119, 120]);

/**
 * Joins lines a console cut mid-word: every wrapped line has exactly the console's width, so a line
 * whose length several lines share (or a usual console width) and that ends inside a word is glued to
 * the next line without a space. Prose wrapped at word boundaries keeps its line breaks.
 */
export function joinConsoleWraps(text: string): string {
  if (!text.includes('\n')) return text;
  const lines = text.split('\n');
  const counts = new Map<number, number>();
  for (const line of lines) if (line.length >= 60) counts.set(line.length, (counts.get(line.length) ?? 0) + 1);
  const wrapped = (length: number): boolean =>
    length >= 60 && ((counts.get(length) ?? 0) >= 2 || CONSOLE_WIDTHS.has(length));
  let out = lines[0] as string;
  for (let i = 1; i < lines.length; i += 1) {
    const prev = lines[i - 1] as string;
    const line = lines[i] as string;
    // A line that opens a field (`X-FEServer: …`), a sentence or a log record is a line of its own, whatever the one before it.
    const glue =
      wrapped(prev.length) &&
      /[A-Za-z0-9]$/.test(prev) &&
      /^[A-Za-z0-9]/.test(line) &&
      !FIELD_START.test(line) &&
      !SENTENCE_START.test(line) &&
      !RECORD_START.test(line);
    out += glue ? line : `\n${line}`;
  }
  return out;
}

/** Decodes runs of `%XX` (URL-encoded pastes); a run that is not valid UTF-8 stays as typed. Scanned by hand: no regex. */
export function decodePercent(text: string): string {
  if (!text.includes('%')) return text;
  let out = '';
  let i = 0;
  while (i < text.length) {
    const at = text.indexOf('%', i);
    if (at === -1) break;
    let end = at;
    while (end + 2 < text.length && text[end] === '%' && isHex(text[end + 1]) && isHex(text[end + 2])) end += 3;
    if (end === at) {
      out += text.slice(i, at + 1);
      i = at + 1;
      continue;
    }
    const run = text.slice(at, end);
    let decoded = run;
    try {
      decoded = decodeURIComponent(run);
    } catch {
      // Not valid UTF-8 once decoded (e.g. `%ff`): leave it as typed.
      decoded = run;
    }
    out += text.slice(i, at) + decoded;
    i = end;
  }
  return out + text.slice(i);
}

function isHex(ch: string | undefined): boolean {
  return ch !== undefined && ((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F'));
}

const PLACEHOLDER: Record<string, string> = {
  url: ' xurl ',
  email: ' xemail ',
  guid: ' xguid ',
  ip: ' xip ',
  path: ' xpath ',
  host: ' xhost ',
  server: ' xhost ',
};

/**
 * Lower-case words, with long digit runs (sizes, offsets, ids) folded to `xnum`. Five digits stay as they are:
 * event ids (`15021`, `36887`), Winsock errors (`10060`) and ports are what an error says, not noise.
 */
export function tokenize(abstracted: string): string[] {
  const tokens = abstracted.toLowerCase().match(TOKEN) ?? [];
  for (let i = 0; i < tokens.length; i += 1) {
    const t = tokens[i] as string;
    if (t.length >= 6 && allDigits(t)) tokens[i] = 'xnum';
  }
  return tokens;
}

/** `EX01\\Exchange`, `PER-EXCHMBX\\OWA (Default Web Site)`: the server part is abstracted like a server name. */
function serverPrefixed(lead: string, core: string, tail: string): string | undefined {
  const slash = core.indexOf('\\');
  if (slash <= 0) return undefined;
  const head = classify(core.slice(0, slash));
  if (head?.kind !== 'server' && head?.kind !== 'host') return undefined;
  return `${lead} xhost ${core.slice(slash)}${tail}`;
}

function allDigits(s: string): boolean {
  for (let i = 0; i < s.length; i += 1) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

const MAX_HIDDEN = 40;

/** A URL's path words (not its query: ids and tokens), at most eight, without ids and long numbers. */
function pathWords(url: string): string[] {
  const scheme = url.indexOf('://');
  const slash = url.indexOf('/', scheme + 3);
  if (slash < 0) return [];
  let end = url.length;
  for (const stop of ['?', '#']) {
    const at = url.indexOf(stop, slash);
    if (at >= 0 && at < end) end = at;
  }
  const words = decodePercent(url.slice(slash, end)).toLowerCase().match(TOKEN) ?? [];
  return words.filter((w) => w.length <= 24 && !(w.length >= 6 && allDigits(w))).slice(0, 8);
}

/** The evidence word of a NAMED_HOST (`spamhaus`, `office365`), none for other hosts. */
function hostWords(host: string): string[] {
  const named = NAMED_HOST.exec(host.toLowerCase());
  return named ? [named[1] as string] : [];
}

function hide(hidden: string[], words: readonly string[]): void {
  if (words.length === 0 || hidden.length >= MAX_HIDDEN) return;
  hidden.push('', ...words);
}

/** The placeholder for a word that names a URL, address, host, path…, recording it in the bag; the word itself otherwise. */
function abstractWord(word: string, bag: EntityBag, hidden: string[]): string {
  const { lead, core, tail } = trimWord(word);
  const chunk = classify(core);
  if (!chunk) return serverPrefixed(lead, core, tail) ?? word;
  switch (chunk.kind) {
    case 'url':
      bag.addUrl(chunk.value);
      hide(hidden, [
        ...hostWords(chunk.value.slice(chunk.value.indexOf('://') + 3).split(/[/:?#]/, 1)[0] as string),
        ...pathWords(chunk.value),
      ]);
      break;
    case 'email':
      bag.add('emails', chunk.value.toLowerCase());
      break;
    case 'ip':
      bag.add('ips', chunk.value);
      break;
    case 'host': {
      bag.add('hosts', chunk.value);
      hide(hidden, hostWords(chunk.value));
      break;
    }
    case 'server':
      // `EX01` and `PER-EXCHMBX` are server names, but `ATTR35`, `TSS04` and `SC-001` are codes of that shape: the word
      // stays evidence for keywords and required terms, outside the sequence phrases are read from.
      hide(hidden, tokenize(chunk.value));
      break;
    case 'guid':
    case 'path':
      break;
    default: {
      const unreachable: never = chunk.kind;
      throw new Error(`unknown chunk kind ${String(unreachable)}`);
    }
  }
  // A path keeps its file name (`SharedWebConfig.config`, `web.config`): that part says what failed.
  const keep =
    chunk.kind === 'path'
      ? `${chunk.value.slice(Math.max(chunk.value.lastIndexOf('\\'), chunk.value.lastIndexOf('/')) + 1)} `
      : '';
  return `${lead}${PLACEHOLDER[chunk.kind]}${keep}${tail}`;
}

/**
 * Rewrites whitespace-separated words through `map`, but only words holding a character an entity
 * needs (`. : @ / \\ { -` or a digit) — a hand-written scan, so plain words cost no callback.
 */
function mapWords(text: string, map: (word: string) => string): string {
  let out = '';
  let copied = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    while (i < n && isSpace(text.charCodeAt(i))) i += 1;
    const start = i;
    // Digits alone make no entity (`1824`, `41ms`) unless the word starts upper-case (`EX01`).
    const upper = i < n && text.charCodeAt(i) >= 65 && text.charCodeAt(i) <= 90;
    let special = false;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (isSpace(c)) break;
      if (!special && (isEntityPunct(c) || (upper && c >= 48 && c <= 57))) special = true;
      i += 1;
    }
    if (!special || i === start) continue;
    const word = text.slice(start, i);
    const mapped = map(word);
    if (mapped !== word) {
      out += text.slice(copied, start) + mapped;
      copied = i;
    }
  }
  return copied === 0 ? text : out + text.slice(copied);
}

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 9 || c === 13 || c === 12 || c === 11;
}

function isEntityPunct(c: number): boolean {
  // . : @ / \ { -
  return c === 46 || c === 58 || c === 64 || c === 47 || c === 92 || c === 123 || c === 45;
}

/** Normalises, extracts entities and abstracts them, then splits into words. */
export function prepareText(input: string): PreparedText {
  const truncated = input.length > MAX_TEXT;
  let text = truncated ? input.slice(0, MAX_TEXT) : input;
  if (text.includes('\r')) text = text.replace(/\r\n?/g, '\n');
  // Smart quotes, odd spaces and dashes are all outside ASCII: most pastes skip the five passes.
  if (NON_ASCII.test(text)) for (const [pattern, replacement] of QUOTES) text = text.replace(pattern, replacement);
  text = joinConsoleWraps(text);

  const bag = new EntityBag();
  // DNs hold spaces and commas, so they are cut out before the text is split into words.
  let withoutDns = text;
  const dns = text.includes('=') ? findDns(text) : [];
  const dnRuns: string[][] = [];
  if (dns.length > 0) {
    let rebuilt = '';
    let at = 0;
    for (const { start, end, dn, names } of dns) {
      bag.add('dns', dn);
      // A DN's names say what is involved: a certificate's issuer (`CN=DST Root CA X3`), a container (`OU=Domain Controllers`).
      for (const name of names) {
        const words = tokenize(name).filter((w) => w !== 'xnum');
        if (words.length > 0) dnRuns.push(words.slice(0, 6));
      }
      rebuilt += `${text.slice(at, start)} xdn `;
      at = end;
    }
    withoutDns = rebuilt + text.slice(at);
  }

  const hidden: string[] = [];
  const abstracted = mapWords(withoutDns, (word) => abstractWord(word, bag, hidden));
  // After the URL words, which name a protocol: a DN list (repadmin, an LDAP dump) must not crowd them out.
  for (const run of dnRuns) hide(hidden, run);

  return {
    text,
    lower: text.toLowerCase(),
    truncated,
    tokens: tokenize(decodePercent(abstracted)),
    hidden,
    entities: bag.result(),
  };
}
