import { DiagError } from '../core/errors';
import type { CommandTarget } from '../core/target';
import { asciiHostname, canonicalHostname, canonicalIp, isHostname, looksLikeIpv4, looksNumeric } from './address';

export interface Target extends CommandTarget {
  /** A host name (lower case, no trailing dot) or an IP address (no brackets). */
  host: string;
  port: number;
  /** True when `host` is an IP address. */
  isIp: boolean;
  /** The URL scheme when the text was a URL (`https`, `smtp`, …). */
  scheme?: string;
}

const SCHEME_PORTS: Record<string, number> = {
  https: 443,
  http: 80,
  smtp: 25,
  smtps: 465,
  submission: 587,
  imap: 143,
  imaps: 993,
  pop3: 110,
  pop3s: 995,
  ldap: 389,
  ldaps: 636,
};

/**
 * Reads what an admin types or pastes as a target: `mail.contoso.com`, `mail.contoso.com:25`,
 * `10.0.0.5:443`, `[2001:db8::1]:443`, `2001:db8::1`, `https://mail.contoso.com/owa`.
 * Throws a `usage` DiagError that says what is wrong; `example` is shown as the fix.
 */
export function parseTarget(text: string, defaultPort: number, example: string): Target {
  const input = text.trim();
  const fail = (why: string): never => {
    throw new DiagError('usage', `${why}`, { fix: { summary: `Try: ${example}` } });
  };
  if (input === '') fail('No host was given.');

  let rest = input;
  let scheme: string | undefined;
  const schemeMatch = /^([a-z][a-z0-9+.-]*):\/\//i.exec(rest);
  if (schemeMatch) {
    scheme = (schemeMatch[1] as string).toLowerCase();
    rest = rest
      .slice(schemeMatch[0].length)
      .replace(/[/?#].*$/s, '')
      .replace(/^[^@]*@/, '');
    if (rest === '') fail(`\`${input}\` has no host after ${scheme}://.`);
  }
  let port: number | undefined = scheme ? SCHEME_PORTS[scheme] : undefined;
  let host = rest;

  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(rest);
  if (bracketed) {
    host = bracketed[1] as string;
    if (bracketed[2] !== undefined) port = parsePort(bracketed[2], input, fail);
  } else if ((rest.match(/:/g) ?? []).length === 1) {
    const idx = rest.indexOf(':');
    host = rest.slice(0, idx);
    port = parsePort(rest.slice(idx + 1), input, fail);
  }
  if (host === '') fail(`\`${input}\` has a port but no host.`);
  host = asciiHostname(host);

  // Every spelling of an address (`2130706433`, `0x7f.1`, `::ffff:127.0.0.1`) becomes the address itself,
  // so the policy and the audit trail see what a resolver would connect to.
  const ip = canonicalIp(host);
  if (ip) return { host: ip.address, port: port ?? defaultPort, isIp: true, scheme };
  if (looksLikeIpv4(host)) fail(`\`${host}\` is not a valid IPv4 address (each part must be 0–255).`);
  if (isHostname(host) && looksNumeric(host))
    fail(`\`${host}\` ends in a number, so it is neither a host name nor a valid IPv4 address.`);
  if (!isHostname(host)) fail(`\`${host.slice(0, 80)}\` is not a valid host name.`);
  return { host: canonicalHostname(host), port: port ?? defaultPort, isIp: false, scheme };
}

function parsePort(text: string, input: string, fail: (why: string) => never): number {
  if (!/^\d{1,5}$/.test(text)) fail(`\`${text}\` in \`${input}\` is not a port number.`);
  const port = Number(text);
  if (port < 1 || port > 65535) fail(`Port ${port} in \`${input}\` is out of range (1–65535).`);
  return port;
}

export { formatTarget } from '../core/target';
