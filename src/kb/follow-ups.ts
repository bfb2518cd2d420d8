import { isIPv4 } from 'node:net';
import { isVendorHost, type Entities } from './entities';

/**
 * Enhanced status codes of an authentication (SPF, DKIM, DMARC, sender authentication) or TLS rejection:
 * RFC 7372 (5.7.20–5.7.27), RFC 3207/4954 (5.7.10, 5.7.11), Exchange Online (5.7.509 DMARC reject,
 * 5.7.515 sender authentication requirements), and 5.7.0/4.7.0 with STARTTLS words.
 */
const AUTH_OR_TLS_CODE = /^smtp:[45]\.7\.(2[0-7]|1[01]|509|515)$/;
const AUTH_OR_TLS_WORDS =
  /\b(spf|dkim|dmarc|compauth)\b[^\n]{0,80}\b(fail|failed|reject|rejected|did not pass|not pass)\b|\b(must issue a starttls|tls not available|encryption (is )?(needed|required)|tls is required)\b/i;

/**
 * `mail {domain}` when the text is a rejection for authentication or TLS: the next question is the
 * sending domain's posture (its SPF, DKIM, DMARC, or its MX TLS). The domain is the first one the
 * text names by address (the sender, in bounces and NDRs), so it is usually the organisation's own.
 */
export function postureFollowUps(codeKeys: ReadonlySet<string>, text: string): string[] {
  const coded = [...codeKeys].some((key) => AUTH_OR_TLS_CODE.test(key));
  return coded || AUTH_OR_TLS_WORDS.test(text) ? ['mail {domain}'] : [];
}

/** At most this many follow-up commands per answer. */
const MAX_FOLLOW_UPS = 5;

/**
 * Hosts that are never the admin's own system, so never a `relay`, `cert` or `mail` target: Microsoft's
 * and Google's mail front ends and consumer mail, block lists, documentation sites and cloud front ends.
 * A probe against them tests someone else's server (and a relay probe against Microsoft is abuse).
 */
const THIRD_PARTY_HOST = new RegExp(
  '(^|\\.)(' +
    [
      // Microsoft 365 / Exchange Online / Entra / consumer mail
      'outlook\\.com',
      'office365\\.com',
      'office\\.net',
      'microsoftonline\\.com',
      'windows\\.net',
      'live\\.com',
      'hotmail\\.com',
      'msn\\.com',
      'azure\\.com',
      'azure\\.net',
      'azurewebsites\\.net',
      'azureedge\\.net',
      'trafficmanager\\.net',
      'cloudapp\\.net',
      'onmicrosoft\\.com',
      'sharepoint\\.com',
      'msft\\.net',
      'msedge\\.net',
      'bing\\.com',
      'technet\\.com',
      'msdn\\.com',
      // Google and other large mail providers / filtering services
      'google\\.com',
      'gmail\\.com',
      'googlemail\\.com',
      'googleusercontent\\.com',
      'yahoo\\.com',
      'yahoodns\\.net',
      'aol\\.com',
      'icloud\\.com',
      'me\\.com',
      'mimecast\\.com',
      'pphosted\\.com',
      'proofpoint\\.com',
      'messagelabs\\.com',
      'barracudanetworks\\.com',
      // Block lists
      'spamhaus\\.org',
      'spamcop\\.net',
      'barracudacentral\\.org',
      'sorbs\\.net',
      'uceprotect\\.net',
      'surbl\\.org',
      'abuseat\\.org',
      'mailspike\\.net',
      'spameatingmonkey\\.net',
      'senderscore\\.com',
      'dnswl\\.org',
      'psbl\\.org',
      'mxtoolbox\\.com',
      // Cloud front ends and CDNs
      'amazonaws\\.com',
      'cloudfront\\.net',
      'cloudflare\\.com',
      'cloudflare\\.net',
      'akamai\\.net',
      'akamaiedge\\.net',
      'akamaihd\\.net',
      'edgekey\\.net',
      'edgesuite\\.net',
      'fastly\\.net',
      'googleapis\\.com',
      'gstatic\\.com',
      // Documentation and references
      'stackoverflow\\.com',
      'serverfault\\.com',
      'superuser\\.com',
      'stackexchange\\.com',
      'postfix\\.org',
      'openssl\\.org',
      'apache\\.org',
      'oracle\\.com',
      'mozilla\\.org',
      'wikipedia\\.org',
      'docs\\.[a-z0-9-]+\\.[a-z]+',
      'learn\\.[a-z0-9-]+\\.[a-z]+',
    ].join('|') +
    ')$',
);

/** Hosts a follow-up may never target: the vendor list of entities.ts plus the third parties above. */
export function isThirdPartyHost(host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '').replace(/:\d+$/, '');
  return isVendorHost(h) || THIRD_PARTY_HOST.test(h);
}

/** IPv4 ranges of Microsoft's and Google's mail front ends (EOP / Exchange Online, Gmail): never a relay target. */
const THIRD_PARTY_NETS: Array<[string, number]> = [
  ['40.92.0.0', 15],
  ['40.107.0.0', 16],
  ['52.100.0.0', 14],
  ['104.47.0.0', 17],
  ['52.96.0.0', 14],
  ['40.96.0.0', 13],
  ['13.107.6.152', 31],
  ['209.85.128.0', 17],
  ['142.250.0.0', 15],
  ['172.217.0.0', 16],
  ['74.125.0.0', 16],
  ['64.233.160.0', 19],
  ['66.102.0.0', 20],
  ['173.194.0.0', 16],
  ['108.177.0.0', 17],
  ['216.58.192.0', 19],
  ['35.190.247.0', 24],
];

function ipv4Number(ip: string): number {
  return ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

const NETS = THIRD_PARTY_NETS.map(([base, bits]) => ({ base: ipv4Number(base), size: 2 ** (32 - bits) }));

export function isThirdPartyIp(ip: string): boolean {
  if (!isIPv4(ip)) return false;
  const n = ipv4Number(ip);
  return NETS.some((net) => n >= net.base && n < net.base + net.size);
}

// Checked against the text just before and after one address, never against the whole paste.
const RELAY_BEFORE = /\brelay=[\w.-]{1,253}\[$/i;
const HOST_BEFORE = /\bhost [\w.-]{1,253}\[$/i;
const SAID_AFTER = /^\]:? said/i;
const REMOTE_SERVER_BEFORE = /\bremote server at [\w.-]{1,253} \($/i;
const CLIENT_HOST_BEFORE = /\bclient host \[$/i;
const BLOCKED_AFTER = /^\] blocked/i;
const NAMED_BEFORE = /([\w.-]{3,253}) ?[[(]$/;
const REMOTE_PATTERNS: readonly RegExp[] = [
  RELAY_BEFORE,
  HOST_BEFORE,
  SAID_AFTER,
  REMOTE_SERVER_BEFORE,
  CLIENT_HOST_BEFORE,
  BLOCKED_AFTER,
  NAMED_BEFORE,
];

/**
 * Is this address, where the text names it, someone else's: the server that rejected us (`host mx.google.com[ip]
 * said:`, `relay=mx.example.net[ip]`, `Remote Server at … (ip)`), a client our server blocked (`Client host [ip]
 * blocked using`), or written next to a third-party host name?
 */
function isRemoteAddress(ip: string, text: string): boolean {
  let from = 0;
  for (let n = 0; n < 5; n += 1) {
    const at = text.indexOf(ip, from);
    if (at === -1) return false;
    from = at + ip.length;
    const before = text.slice(Math.max(0, at - 270), at);
    const after = text.slice(from, from + 12);
    if (RELAY_BEFORE.test(before) || (HOST_BEFORE.test(before) && SAID_AFTER.test(after))) return true;
    if (REMOTE_SERVER_BEFORE.test(before) || (CLIENT_HOST_BEFORE.test(before) && BLOCKED_AFTER.test(after)))
      return true;
    const named = NAMED_BEFORE.exec(before);
    if (named && isThirdPartyHost(named[1] as string)) return true;
  }
  return false;
}

/** Every regex here, for the static backtracking check in the tests. */
export const FOLLOW_UP_PATTERNS: readonly RegExp[] = [THIRD_PARTY_HOST, ...REMOTE_PATTERNS];

/** `mail.contoso.com` → `contoso.com`; `mail.contoso.co.uk` → `contoso.co.uk` (a country's second level is not a domain of its own). */
function registeredDomain(host: string): string {
  const labels = host.split('.');
  const secondLevel = labels.at(-2) ?? '';
  const countrySecondLevel =
    (labels.at(-1) ?? '').length === 2 &&
    ['co', 'com', 'net', 'org', 'gov', 'ac', 'edu', 'or', 'ne', 'go'].includes(secondLevel);
  return labels.slice(countrySecondLevel ? -3 : -2).join('.');
}

/** Values for each placeholder, best first: URL hosts before hosts merely mentioned; third parties never. */
function valuesFor(entities: Entities, text: string): Record<string, string[]> {
  const urlHosts: string[] = [];
  for (const url of entities.urls) {
    try {
      const host = new URL(url).hostname.toLowerCase();
      if (host.includes('.') && !/^[\d.]+$/.test(host) && !host.startsWith('[')) urlHosts.push(host);
    } catch {
      // A URL the parser refuses offers no host; the other entities still apply.
      continue;
    }
  }
  const hosts = [...new Set([...urlHosts, ...entities.hosts])].filter((h) => !isThirdPartyHost(h));
  const emailDomains = entities.emails.map((e) => e.slice(e.lastIndexOf('@') + 1));
  return {
    host: hosts,
    ip: entities.ips.filter((ip) => !isThirdPartyIp(ip) && !isRemoteAddress(ip, text)),
    dn: entities.dns.map((dn) => dn.replace(/"/g, '\\"')),
    email: entities.emails,
    domain: [...new Set([...emailDomains, ...hosts.map(registeredDomain)])].filter((d) => !isThirdPartyHost(d)),
    url: entities.urls.filter((u) => {
      try {
        return !isThirdPartyHost(new URL(u).hostname);
      } catch {
        return false;
      }
    }),
  };
}

/**
 * Fills follow-up templates (`cert {host}`, `relay {ip}`, `ou "{dn}"`, `mail {domain}`) from the entities of the
 * text. A template whose placeholder has no value is skipped; `{host}` yields one command per host (two at most).
 * Only the admin's own systems are targets: `text` (the analysed paste) tells which addresses belong to others.
 */
export function fillFollowUps(templates: readonly string[], entities: Entities, text = ''): string[] {
  if (templates.length === 0) return [];
  const values = valuesFor(entities, text);
  const out: string[] = [];
  for (const template of templates) {
    const names = [...template.matchAll(/\{([a-z]+)\}/g)].map((m) => m[1] as string);
    if (names.length === 0) {
      out.push(template);
      continue;
    }
    const first = names[0] as string;
    const options = (values[first] ?? []).slice(0, first === 'host' || first === 'ip' ? 2 : 1);
    for (const option of options) {
      let command = template;
      let complete = true;
      for (const name of names) {
        const value = name === first ? option : values[name]?.[0];
        if (value === undefined) {
          complete = false;
          break;
        }
        command = command.split(`{${name}}`).join(value);
      }
      if (complete) out.push(command);
    }
  }
  return [...new Set(out)].slice(0, MAX_FOLLOW_UPS);
}
