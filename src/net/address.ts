import { isIP } from 'node:net';
import { domainToASCII } from 'node:url';

/**
 * Address forms an attacker can use to smuggle a denied address past a naive check, and the one
 * canonical form each check compares instead:
 *
 * - IPv4 the way the C library's `inet_aton` reads it (and therefore `getaddrinfo`, `ping`, browsers):
 *   `2130706433`, `0x7f000001`, `0177.0.0.1`, `0x7f.1`, `127.1` are all 127.0.0.1;
 * - IPv4-mapped (`::ffff:127.0.0.1`, `::ffff:7f00:1`), IPv4-translated (`::ffff:0:7f00:1`) and
 *   IPv4-compatible (`::127.0.0.1`) IPv6 carry an IPv4 address and are checked as that address;
 * - zone ids (`fe80::1%eth0`, `%25eth0` from URLs), brackets, upper case, a trailing dot;
 * - IPv6 written long or short (`fd00:ec2:0:0:0:0:0:254`) becomes the RFC 5952 text (`fd00:ec2::254`).
 */
export interface CanonicalIp {
  address: string;
  family: 4 | 6;
}

/**
 * Canonical form of an IP address for policy checks: every IPv4 spelling above becomes dotted decimal,
 * IPv6 that carries an IPv4 address becomes that IPv4 address, other IPv6 becomes RFC 5952 text, zone
 * ids and brackets are dropped. Returns undefined for anything that is not an address (host names).
 *
 * @example canonicalIp('0x7f.1') // { address: '127.0.0.1', family: 4 }
 * @example canonicalIp('[::ffff:a9fe:a9fe]') // { address: '169.254.169.254', family: 4 }
 */
export function canonicalIp(input: string): CanonicalIp | undefined {
  let text = input.trim();
  if (text.startsWith('[') && text.endsWith(']')) text = text.slice(1, -1);
  const zone = text.indexOf('%');
  if (zone !== -1) text = text.slice(0, zone);
  if (text.includes(':')) return canonicalIpv6(text);
  const v4 = parseLooseIpv4(text);
  return v4 === undefined ? undefined : { address: formatIpv4(v4), family: 4 };
}

/**
 * Reads IPv4 as `inet_aton` does: one to four parts separated by dots, each decimal, octal (leading 0)
 * or hex (0x); the last part fills the remaining bytes. One trailing dot is tolerated, as resolvers do.
 * Returns the address as an unsigned 32-bit number, or undefined.
 */
export function parseLooseIpv4(text: string): number | undefined {
  const body = text.endsWith('.') ? text.slice(0, -1) : text;
  if (body === '' || body.length > 64) return undefined;
  const parts = body.split('.');
  if (parts.length > 4) return undefined;
  const values: number[] = [];
  for (const part of parts) {
    const value = parseIpv4Part(part);
    if (value === undefined) return undefined;
    values.push(value);
  }
  const last = values.pop() as number;
  let result = 0;
  for (const value of values) {
    if (value > 255) return undefined;
    result = result * 256 + value;
  }
  const lastBytes = 4 - values.length;
  if (last >= 256 ** lastBytes) return undefined;
  return result * 256 ** lastBytes + last;
}

function parseIpv4Part(part: string): number | undefined {
  let value: number;
  if (/^0x[0-9a-f]+$/i.test(part)) value = parseInt(part.slice(2), 16);
  else if (/^0[0-7]*$/.test(part)) value = parseInt(part, 8);
  else if (/^[1-9][0-9]*$/.test(part)) value = parseInt(part, 10);
  else return undefined;
  // Long digit strings overflow to huge numbers; anything above 32 bits is not an address.
  return Number.isSafeInteger(value) && value <= 0xffffffff ? value : undefined;
}

function formatIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

/** The 16 bytes of an IPv6 address (validated by Node first), or undefined. */
export function ipv6Bytes(text: string): Uint8Array | undefined {
  if (isIP(text) !== 6) return undefined;
  let head = text.toLowerCase();
  const bytes = new Uint8Array(16);
  const tailV4 = /(\d{1,3}(?:\.\d{1,3}){3})$/.exec(head);
  let v4: number[] = [];
  if (tailV4) {
    v4 = (tailV4[1] as string).split('.').map(Number);
    head = head.slice(0, -(tailV4[1] as string).length);
    // `::ffff:1.2.3.4` leaves `::ffff:`; a lone trailing colon belongs to the dotted part.
    if (head.endsWith(':') && !head.endsWith('::')) head = head.slice(0, -1);
  }
  const groupsWanted = 8 - (v4.length > 0 ? 2 : 0);
  const [left = '', right] = head.split('::');
  const leftGroups = left === '' ? [] : left.split(':');
  const rightGroups = right === undefined || right === '' ? [] : right.split(':');
  const fill = right === undefined ? 0 : groupsWanted - leftGroups.length - rightGroups.length;
  const groups = [...leftGroups, ...new Array<string>(fill).fill('0'), ...rightGroups];
  if (groups.length !== groupsWanted) return undefined;
  groups.forEach((group, i) => {
    const value = parseInt(group, 16);
    bytes[i * 2] = value >> 8;
    bytes[i * 2 + 1] = value & 255;
  });
  v4.forEach((value, i) => {
    bytes[12 + i] = value;
  });
  return bytes;
}

function canonicalIpv6(text: string): CanonicalIp | undefined {
  const bytes = ipv6Bytes(text);
  if (!bytes) return undefined;
  const zeroUpTo = (n: number): boolean => bytes.slice(0, n).every((b) => b === 0);
  const tail = `${bytes[12]}.${bytes[13]}.${bytes[14]}.${bytes[15]}`;
  // ::ffff:a.b.c.d (mapped) and ::ffff:0:a.b.c.d (SIIT translated) reach the IPv4 address on a dual-stack host.
  if (zeroUpTo(10) && bytes[10] === 0xff && bytes[11] === 0xff) return { address: tail, family: 4 };
  if (zeroUpTo(8) && bytes[8] === 0xff && bytes[9] === 0xff && bytes[10] === 0 && bytes[11] === 0)
    return { address: tail, family: 4 };
  // ::a.b.c.d (IPv4-compatible, deprecated); `::` and `::1` are the IPv6 unspecified and loopback addresses.
  if (zeroUpTo(12) && !(bytes[12] === 0 && bytes[13] === 0 && bytes[14] === 0 && (bytes[15] as number) <= 1)) {
    return { address: tail, family: 4 };
  }
  return { address: formatIpv6(bytes), family: 6 };
}

/** RFC 5952 text: lower case, no leading zeros, the longest run (≥ 2) of zero groups as `::`. */
export function formatIpv6(bytes: Uint8Array): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] as number) << 8) | (bytes[i + 1] as number));
  let bestStart = -1;
  let bestLength = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i += 1;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j += 1;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestLength < 2) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/**
 * The IPv4 address an IPv6 address tunnels to, for prefixes whose gateways forward to it: NAT64
 * (64:ff9b::/96, 64:ff9b:1::/48) and 6to4 (2002::/16). The policy checks that address too, so
 * `64:ff9b::7f00:1` is as denied as 127.0.0.1.
 */
export function embeddedIpv4(address: string): string | undefined {
  const bytes = ipv6Bytes(address);
  if (!bytes) return undefined;
  const word = (i: number): number => ((bytes[i] as number) << 8) | (bytes[i + 1] as number);
  if (word(0) === 0x64 && word(2) === 0xff9b && (word(4) === 0 || word(4) === 1)) {
    return `${bytes[12]}.${bytes[13]}.${bytes[14]}.${bytes[15]}`;
  }
  if (word(0) === 0x2002) return `${bytes[2]}.${bytes[3]}.${bytes[4]}.${bytes[5]}`;
  return undefined;
}

/** True for text shaped like a dotted IPv4 address, valid or not (`999.1.1.1` is shaped like one). */
export function looksLikeIpv4(text: string): boolean {
  return /^\d{1,10}(\.\d{1,10}){3}$/.test(text);
}

/**
 * True when the last label is numeric (`10.0.0.300`, `0x7f.0x100`, `mail.123`): no real DNS name ends
 * in an all-numeric label (RFC 3696), and resolvers would read such text as a (bad) IPv4 address.
 */
export function looksNumeric(text: string): boolean {
  const name = text.endsWith('.') ? text.slice(0, -1) : text;
  const last = name.slice(name.lastIndexOf('.') + 1);
  return /^(?:0x[0-9a-f]*|[0-9]+)$/i.test(last);
}

/** Hostname syntax (RFC 1123 labels, an optional trailing dot), not whether it resolves. */
export function isHostname(text: string): boolean {
  if (text.length === 0 || text.length > 254) return false;
  const name = text.endsWith('.') ? text.slice(0, -1) : text;
  return name.split('.').every((label) => /^(?!-)[a-zA-Z0-9_-]{1,63}(?<!-)$/.test(label));
}

/**
 * An internationalised name (`münchen.contoso.com`) in the ASCII form DNS and certificates carry
 * (`xn--mnchen-3ya.contoso.com`, IDNA/UTS #46 as in URLs); ASCII text is returned as it is, and a name that
 * cannot be converted comes back unchanged so the caller's validation rejects it.
 */
export function asciiHostname(text: string): string {
  if (/^\p{ASCII}*$/u.test(text)) return text;
  return domainToASCII(text) || text;
}

/** A host name compared the way DNS compares it: lower case, without the trailing dot. */
export function canonicalHostname(name: string): string {
  return name.trim().toLowerCase().replace(/\.+$/, '');
}
