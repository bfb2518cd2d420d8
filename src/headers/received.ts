import { parseMailDate, type ParsedDate } from './date';

/**
 * One `Received:` field (RFC 5321 §4.4 and the shapes Postfix, Exchange, Exchange Online, Gmail, Exim, sendmail
 * and qmail write) split into its clauses. The grammar is loose in practice, so this reads it as words and
 * comments: the clause keywords (`from`, `by`, `via`, `with`, `id`, `for`) start a clause, comments belong to
 * the clause before them, and the date is whatever follows the last `;` outside a comment.
 */

export interface ReceivedParts {
  /** The name the client gave (HELO/EHLO) or the first word after `from`. */
  fromHelo?: string;
  /** The client's reverse-DNS name as the receiving server recorded it. */
  fromHost?: string;
  fromIp?: string;
  /** The receiving server. */
  by?: string;
  byIp?: string;
  /** The protocol (`ESMTPS`, `Microsoft SMTP Server`, `SMTP`, `LMTP`, `HTTPS` …). */
  with?: string;
  /** TLS as the header gives it, e.g. `TLS 1.3 TLS_AES_256_GCM_SHA384`; `TLS` when only the protocol name says so. */
  tls?: string;
  id?: string;
  for?: string;
  date?: ParsedDate;
  /** The text after the last `;`, when it held no readable date. */
  dateText?: string;
}

type Token = { kind: 'word'; text: string } | { kind: 'comment'; text: string };

const KEYWORDS = new Set(['from', 'by', 'via', 'with', 'id', 'for']);
const IPV4 = /\b(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}\b/;
const IPV6 =
  /(?:^|[\s[(:=])((?:[0-9a-f]{1,4}:){2,7}[0-9a-f]{0,4}(?::[0-9a-f]{1,4})*|(?:[0-9a-f]{1,4}:)*:(?::?[0-9a-f]{1,4})+)(?=$|[\s\]),;])/i;
const HOSTNAME =
  /^(?=.{1,253}\.?$)[a-z0-9_](?:[a-z0-9_-]{0,62}[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,62}[a-z0-9_])?)*\.?$/i;

/** Splits at the last `;` that is outside a comment: clauses before it, the date after it. */
function splitDate(value: string): { clauses: string; date: string } {
  let depth = 0;
  let last = -1;
  for (let i = 0; i < value.length; i += 1) {
    const c = value[i];
    if (c === '\\') i += 1;
    else if (c === '(') depth += 1;
    else if (c === ')' && depth > 0) depth -= 1;
    else if (c === ';' && depth === 0) last = i;
  }
  return last < 0
    ? { clauses: value, date: '' }
    : { clauses: value.slice(0, last), date: value.slice(last + 1).trim() };
}

/** Space, tab, CR, LF: the only white space left in an unfolded field. */
function isSpace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\r' || c === '\n';
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (isSpace(c)) {
      i += 1;
    } else if (c === '(') {
      let depth = 0;
      const start = i;
      for (; i < text.length; i += 1) {
        const d = text[i];
        if (d === '\\') i += 1;
        else if (d === '(') depth += 1;
        else if (d === ')') {
          depth -= 1;
          if (depth === 0) break;
        }
      }
      tokens.push({ kind: 'comment', text: text.slice(start + 1, Math.min(i, text.length)).trim() });
      i += 1;
    } else {
      const start = i;
      let bracket = c === '[' ? ']' : c === '<' ? '>' : '';
      i += 1;
      while (i < text.length) {
        const d = text[i] as string;
        if (bracket) {
          if (d === bracket) bracket = '';
        } else if (isSpace(d) || d === '(') break;
        else if (d === '[') bracket = ']';
        i += 1;
      }
      tokens.push({ kind: 'word', text: text.slice(start, i) });
    }
  }
  return tokens;
}

function findIp(text: string): string | undefined {
  const literal = /\[(?:ipv6:)?([0-9a-f:.]+)\]/i.exec(text);
  if (literal && (IPV4.test(literal[1] as string) || (literal[1] as string).includes(':'))) return literal[1];
  const v4 = IPV4.exec(text);
  if (v4) return v4[0];
  const v6 = IPV6.exec(text);
  return v6?.[1];
}

function cleanHost(word: string | undefined): string | undefined {
  if (!word) return undefined;
  const host = word.replace(/^\[|\]$/g, '').replace(/\.$/, '');
  return host === '' ? undefined : host;
}

function normaliseTlsVersion(version: string): string {
  const m = /(?:TLS|SSL)v?\s*(\d)[._](\d)/i.exec(version) ?? /(?:TLS|SSL)v?\s*(\d)(\d)?/i.exec(version);
  if (!m) return version;
  const kind = /ssl/i.test(version) ? 'SSL' : 'TLS';
  return `${kind} ${m[1]}${m[2] !== undefined ? `.${m[2]}` : ''}`;
}

/** TLS details in the shapes each MTA writes them. */
function findTls(all: string, protocol: string | undefined): string | undefined {
  const postfix = /using\s+(TLSv?[\d.]+|SSLv[\d.]+)\s+with\s+cipher\s+([A-Za-z0-9_-]+)/i.exec(all);
  if (postfix) return `${normaliseTlsVersion(postfix[1] as string)} ${postfix[2]}`;
  const keyed = /version=\s*(TLS[v\d._]*|SSL[v\d._]*)[,\s]+cipher=\s*([A-Za-z0-9_-]+)/i.exec(all);
  if (keyed) return `${normaliseTlsVersion(keyed[1] as string)} ${keyed[2]}`;
  const exim =
    /\((TLS\s?1[.\d]*|SSLv?\d[.\d]*)\)(?:\s+tls\s+([A-Za-z0-9_-]+))?/i.exec(all) ??
    /\btls\s+(TLS_[A-Za-z0-9_]+)/.exec(all);
  if (exim)
    return exim[2]
      ? `${normaliseTlsVersion(exim[1] as string)} ${exim[2]}`
      : /^TLS_/.test(exim[1] as string)
        ? `TLS ${exim[1]}`
        : normaliseTlsVersion(exim[1] as string);
  // RFC 3848: ESMTPS, ESMTPSA, LMTPS, UTF8SMTPS … name a TLS session; Gmail says "Google Transport Security".
  if (protocol && /^(?:utf8)?(?:e?smtps|lmtps|esmtpsa|utf8smtpsa|https)a?$/i.test(protocol.split(/\s/)[0] as string))
    return 'TLS';
  if (/google transport security|\(TLS\)/i.test(all)) return 'TLS';
  return undefined;
}

/** Parses one Received: value (already unfolded). */
export function parseReceived(value: string): ReceivedParts {
  const { clauses, date } = splitDate(value);
  const tokens = tokenize(clauses);
  const clause: Record<string, { words: string[]; comments: string[] }> = {};
  let current: string | undefined;
  for (const token of tokens) {
    if (token.kind === 'word' && KEYWORDS.has(token.text.toLowerCase()) && !clause[token.text.toLowerCase()]) {
      current = token.text.toLowerCase();
      clause[current] = { words: [], comments: [] };
    } else if (current) {
      const target = clause[current] as { words: string[]; comments: string[] };
      if (token.kind === 'word') target.words.push(token.text);
      else target.comments.push(token.text);
    }
  }
  const parts: ReceivedParts = {};
  const from = clause.from;
  if (from) {
    const first = from.words[0];
    const comment = from.comments.join(' ');
    const helo = /helo[=\s]+([^\s)\]]+)/i.exec(comment)?.[1];
    if (first && !/^\[/.test(first)) parts.fromHelo = cleanHost(first);
    else if (helo) parts.fromHelo = cleanHost(helo);
    const rdns = from.comments
      .map((c) => c.split(/\s+/)[0])
      .find(
        (w) =>
          w !== undefined && HOSTNAME.test(w) && !IPV4.test(w) && (w.includes('.') || w.toLowerCase() === 'localhost'),
      );
    if (rdns && rdns.toLowerCase() !== 'unknown') parts.fromHost = cleanHost(rdns);
    parts.fromIp = findIp(`${comment} ${first ?? ''}`);
  }
  const by = clause.by;
  if (by) {
    parts.by = cleanHost(by.words[0]);
    const byIp = findIp(by.comments.join(' '));
    if (byIp) parts.byIp = byIp;
  }
  const withClause = clause.with;
  if (withClause && withClause.words.length > 0) {
    // Exim writes "with esmtps (TLS1.3) tls TLS_AES…": the protocol is the first word.
    const words = /^(?:e?smtps?a?|lmtps?|utf8smtps?a?|esmtpa|local|http|https|mapi)$/i.test(
      withClause.words[0] as string,
    )
      ? [withClause.words[0] as string]
      : withClause.words.slice(0, 4);
    parts.with = words.join(' ');
  }
  const id = clause.id?.words[0];
  if (id) parts.id = id.replace(/[;,]$/, '');
  const forWord = clause.for?.words[0];
  if (forWord) parts.for = forWord.replace(/^<|>;?$/g, '');
  const tls = findTls(value, parts.with);
  if (tls) parts.tls = tls;
  if (date !== '') {
    const parsed = parseMailDate(date);
    if (parsed) parts.date = parsed;
    else parts.dateText = date.slice(0, 80);
  }
  return parts;
}
