import { isIP, isIPv4, isIPv6 } from 'node:net';

/** What a pasted text names, for follow-up checks (contracts/reply.md `data.entities`). */
export interface Entities {
  hosts: string[];
  urls: string[];
  ips: string[];
  emails: string[];
  dns: string[];
}

const MAX_PER_KIND = 10;

/** Top-level domains that make a dotted word a host name rather than `System.Net.WebException` or `web.config`. */
const TLDS = new Set([
  'com',
  'net',
  'org',
  'edu',
  'gov',
  'mil',
  'int',
  'info',
  'biz',
  'io',
  'co',
  'me',
  'us',
  'uk',
  'au',
  'nz',
  'ca',
  'de',
  'fr',
  'nl',
  'be',
  'ch',
  'at',
  'se',
  'no',
  'dk',
  'fi',
  'es',
  'it',
  'pt',
  'ie',
  'pl',
  'cz',
  'jp',
  'cn',
  'in',
  'sg',
  'hk',
  'za',
  'br',
  'mx',
  'ru',
  'eu',
  'asia',
  'cloud',
  'online',
  'tech',
  'app',
  'dev',
  'ms',
  'local',
  'lan',
  'corp',
  'internal',
  'intranet',
  'home',
  'test',
  'example',
  'invalid',
  'localdomain',
  'ad',
]);

/** Namespaces that look like host names: `System.Net`, `Microsoft.Exchange.Data`. */
const NAMESPACE_ROOTS = new Set(['system', 'microsoft', 'windows', 'java', 'javax', 'org', 'com', 'sun']);

const LABEL = /^[A-Za-z0-9-]+$/;
const IPV4_SHAPE = /\d\.\d{1,3}\.\d/;
const IPV6_CHARS = /^[\w.:[\]%-]+$/;
const URL_WORD = /^[a-z][a-z0-9+.-]{1,15}:\/\/[^\s]/i;
const EMAIL_WORD = /^[^\s@]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,24}$/;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SERVER_HYPHEN = /^[A-Z][A-Z0-9]{1,14}-[A-Z0-9-]{1,30}$/;
const SERVER_NUMBERED = /^[A-Z]{2,8}\d{2}$/;

/** Classifies one whitespace-separated word; returns the placeholder that replaces it in matching text. */
export type Chunk = { kind: 'url' | 'email' | 'guid' | 'ip' | 'path' | 'host' | 'server'; value: string } | undefined;

function isGuid(s: string): boolean {
  const core = s.startsWith('{') && s.endsWith('}') ? s.slice(1, -1) : s;
  if (core.length !== 36) return false;
  return GUID.test(core);
}

/** A dotted name with a known top-level domain, e.g. `mail.contoso.com` (with an optional `:port`). */
export function hostName(word: string): string | undefined {
  const colon = word.lastIndexOf(':');
  const name = (colon > 0 && /^\d{1,5}$/.test(word.slice(colon + 1)) ? word.slice(0, colon) : word).replace(/\.$/, '');
  if (name.length > 253 || name.indexOf('.') <= 0) return undefined;
  // The top-level domain decides first: `10:14:03.120Z`, `Transport.cs` and `web.config` stop here.
  if (!TLDS.has(name.slice(name.lastIndexOf('.') + 1).toLowerCase())) return undefined;
  const labels = name.split('.');
  if (labels.length < 2) return undefined;
  for (const label of labels) {
    if (label.length === 0 || label.length > 63 || !LABEL.test(label) || label.startsWith('-') || label.endsWith('-'))
      return undefined;
  }
  const tld = (labels[labels.length - 1] as string).toLowerCase();
  if (!TLDS.has(tld)) return undefined;
  const first = (labels[0] as string).toLowerCase();
  // `System.Net`, `Microsoft.Exchange.Management` are namespaces; `microsoft.com` is a host.
  if (NAMESPACE_ROOTS.has(first) && /^[A-Z]/.test(labels[1] as string) && labels.length > 2) return undefined;
  if (first === 'system' && /^[A-Z]/.test(labels[0] as string)) return undefined;
  return name.toLowerCase();
}

/**
 * An IPv6 address has `::` or at least six colons (seven, or six before a dotted quad): times such as `10:15:00`
 * do not reach node's isIP, whose IPv6 expression is the costliest test of a word.
 */
function mayBeIpv6(word: string): boolean {
  if (word.includes('::')) return true;
  let colons = 0;
  for (let i = 0; i < word.length; i += 1) if (word.charCodeAt(i) === 58) colons += 1;
  return colons >= 6;
}

function ipAddress(word: string): string | undefined {
  // Cheap gate first: node's isIP runs a large regex, and most words are not addresses.
  if (!IPV4_SHAPE.test(word) && !(mayBeIpv6(word) && IPV6_CHARS.test(word))) return undefined;
  let core = word;
  // `[2001:db8::25]`, and Postfix's `host[10.1.2.3]` / `unknown[10.1.2.3]`.
  const open = core.indexOf('[');
  if (open >= 0 && core.endsWith(']')) core = core.slice(open + 1, -1);
  else if (core.startsWith('[') && core.includes(']')) core = core.slice(1, core.indexOf(']'));
  // node's isIP tries IPv6 after IPv4; only an IPv6 address has a colon, and the first IPv6 test compiles a large
  // regex (~10 ms of a cold `explain` of `5.7.1`, which has the IPv4 shape).
  if (core.includes(':') ? isIPv6(core) : isIPv4(core)) return core.toLowerCase();
  const colon = core.lastIndexOf(':');
  if (colon > 0 && core.indexOf(':') === colon && /^\d{1,5}$/.test(core.slice(colon + 1))) {
    const host = core.slice(0, colon);
    if (isIPv4(host)) return host;
  }
  return undefined;
}

/** Classifies a word (punctuation around it already trimmed). */
export function classify(word: string): Chunk {
  if (word.length < 3) return undefined;
  // Each test is gated by a character check, so a word that cannot be that kind costs one indexOf.
  if (word.includes('://') && URL_WORD.test(word)) return { kind: 'url', value: word };
  const at = word.indexOf('@');
  if (at > 0 && at < word.length - 3 && EMAIL_WORD.test(word)) return { kind: 'email', value: word };
  if ((word.length === 36 || word.length === 38) && isGuid(word)) return { kind: 'guid', value: word };
  const ip = ipAddress(word);
  if (ip) return { kind: 'ip', value: ip };
  if (
    (word[1] === ':' && word[2] === '\\' && /^[A-Za-z]/.test(word)) ||
    word.startsWith('\\\\') ||
    (word.startsWith('/') && word.indexOf('/', 1) > 1)
  ) {
    return { kind: 'path', value: word };
  }
  const host = word.includes('.') ? hostName(word) : undefined;
  if (host) return { kind: 'host', value: host };
  // Server names without dots (`PER-EXCHMBX`, `EX01`): abstracted so one server name matches another.
  if (SERVER_HYPHEN.test(word) || SERVER_NUMBERED.test(word)) return { kind: 'server', value: word };
  return undefined;
}

/** Hosts that belong to documentation and schemas, not to the admin's servers: never a follow-up target. */
const VENDOR_HOST =
  /(^|\.)(microsoft\.com|microsoftonline\.com|office\.com|aka\.ms|w3\.org|xmlsoap\.org|spamhaus\.org|example\.com|example\.org|example\.net|ietf\.org|rfc-editor\.org|digicert\.com|letsencrypt\.org|github\.com)$/;

export function isVendorHost(host: string): boolean {
  return VENDOR_HOST.test(host);
}

/** Accumulates entities without duplicates, at most ten of each kind. */
export class EntityBag {
  private readonly sets = {
    hosts: new Set<string>(),
    urls: new Set<string>(),
    ips: new Set<string>(),
    emails: new Set<string>(),
    dns: new Set<string>(),
  };

  add(kind: keyof Entities, value: string): void {
    const set = this.sets[kind];
    if (set.size < MAX_PER_KIND) set.add(value);
  }

  addUrl(url: string): void {
    this.add('urls', url);
    try {
      const host = new URL(url).hostname.replace(/^\[|\]$/g, '').toLowerCase();
      if (isIP(host)) this.add('ips', host);
      else if (host.includes('.')) this.add('hosts', host);
    } catch {
      // Not a URL the WHATWG parser accepts (e.g. `https://` alone): keep the text, skip its host.
      return;
    }
  }

  result(): Entities {
    return {
      hosts: [...this.sets.hosts],
      urls: [...this.sets.urls],
      ips: [...this.sets.ips],
      emails: [...this.sets.emails],
      dns: [...this.sets.dns],
    };
  }
}

const LEAD_CHARS = new Set(['(', '"', "'", '<', '[', '{', '`']);
const TAIL_CHARS = new Set([')', '"', "'", '>', ']', '}', ',', ';', ':', '.', '!', '?', '`']);

/** Splits punctuation around a word (`("https://x/y").` → `("`, `https://x/y`, `").`). */
export function trimWord(word: string): { lead: string; core: string; tail: string } {
  let a = 0;
  while (a < word.length && LEAD_CHARS.has(word[a] as string)) a += 1;
  let b = word.length;
  while (b > a && TAIL_CHARS.has(word[b - 1] as string)) b -= 1;
  const lead = word.slice(0, a);
  const rest = word.slice(a);
  let tail = word.slice(b);
  // `https://mail.contoso.com/` keeps its slash; `…/owa).` loses `).`
  if (tail.length === rest.length) tail = '';
  let core = rest.slice(0, rest.length - tail.length);
  // `unknown[10.1.2.3]:` keeps the bracket that closes its own `[`.
  if (tail.startsWith(']') && core.includes('[') && !core.includes(']')) {
    core += ']';
    tail = tail.slice(1);
  }
  return { lead, core, tail };
}

const DN_START = /\b(?:CN|OU|DC|O|UID)=/gi;
const ATTR = /^[A-Za-z][A-Za-z0-9-]{0,40}=/;
const DN_STOP = new Set(['"', "'", '\n', '\r', '\t', ')', ']', '>', ';', '<', '`']);
/** The attribute types whose values name something (a certificate's issuer, a container); DC repeats a DNS name. */
const NAMING = /^(?:cn|o|ou)=$/i;

/** Every regex here, for the static backtracking check in the tests. */
export const ENTITY_PATTERNS: readonly RegExp[] = [
  LABEL,
  IPV4_SHAPE,
  IPV6_CHARS,
  URL_WORD,
  EMAIL_WORD,
  GUID,
  SERVER_HYPHEN,
  SERVER_NUMBERED,
  DN_START,
  ATTR,
  NAMING,
  VENDOR_HOST,
];

/** A DN found in a text: its span, and the values of its naming RDNs (`CN`, `O`, `OU`, not `DC`) as written. */
export interface FoundDn {
  start: number;
  end: number;
  dn: string;
  names: string[];
}

/**
 * Distinguished names (`CN=Doe\, Jane,OU=Engineers,DC=contoso,DC=local`): scanned by hand, RDN by
 * RDN, so escaped commas and spaces in values are kept and nothing can backtrack. Returns spans and names.
 */
export function findDns(text: string): FoundDn[] {
  const out: FoundDn[] = [];
  let from = 0;
  DN_START.lastIndex = 0;
  for (;;) {
    DN_START.lastIndex = from;
    const m = DN_START.exec(text);
    if (!m) break;
    const start = m.index;
    let i = start;
    let rdns = 0;
    let end = start;
    const names: string[] = [];
    for (;;) {
      const attr = ATTR.exec(text.slice(i, i + 42));
      if (!attr) break;
      i += attr[0].length;
      const valueStart = i;
      // A domain component is a DNS label: it ends at a space, or "DC=org has not been backed up" swallows the sentence.
      const label = /^dc=$/i.test(attr[0]);
      // The value runs to an unescaped comma or a stop character.
      while (i < text.length) {
        const ch = text[i] as string;
        if (label && (ch === ' ' || ch === '\u00a0')) break;
        if (ch === '\\' && i + 1 < text.length && text[i + 1] !== '\n') {
          i += 2;
          continue;
        }
        if (ch === ',' || ch === '+' || DN_STOP.has(ch)) break;
        i += 1;
      }
      rdns += 1;
      if (NAMING.test(attr[0])) names.push(text.slice(valueStart, i));
      end = i;
      if (text[i] !== ',' && text[i] !== '+') break;
      let next = i + 1;
      while (text[next] === ' ') next += 1;
      if (!ATTR.test(text.slice(next, next + 42))) break;
      i = next;
    }
    const dn = text.slice(start, end).replace(/[\s.]+$/, '');
    if (rdns >= 2 && dn.length <= 1024) out.push({ start, end: start + dn.length, dn, names });
    from = Math.max(end, start + 3);
  }
  return out;
}
