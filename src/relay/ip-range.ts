import { isIP } from 'node:net';
import { DiagError } from '../core/errors';
import { canonicalIp, formatIpv6 } from '../net/address';

/**
 * IP ranges as receive connectors and load-balancer data groups write them: a single address
 * (`10.0.0.5`), CIDR (`10.0.0.0/24`), Exchange's `a-b` form (`10.0.0.1-10.0.0.99`), Exchange's
 * address-with-mask form (`10.0.0.0(255.255.255.0)`), and the same for IPv6. Addresses are held as
 * bigints so IPv4 and IPv6 share one comparison.
 */
export interface IpRange {
  family: 4 | 6;
  /** First address, inclusive. */
  start: bigint;
  /** Last address, inclusive. */
  end: bigint;
  /** The text as configured, for traces and fixes. */
  text: string;
}

const BITS: Record<4 | 6, number> = { 4: 32, 6: 128 };

/**
 * The address as a number, or undefined when the text is not an IP address written the plain way.
 * Shorthand such as `10.1` or `0x0a.1` is refused: Exchange and F5 do not accept it, and in a
 * connector range it is far more likely a typo than a wish.
 */
export function ipToBigInt(text: string): { family: 4 | 6; value: bigint } | undefined {
  const plain = text.trim().replace(/^\[(.*)\]$/, '$1');
  if (isIP(plain) === 0) return undefined;
  const ip = canonicalIp(plain);
  if (!ip) return undefined;
  return { family: ip.family, value: ip.family === 4 ? ipv4ToBigInt(ip.address) : ipv6ToBigInt(ip.address) };
}

function ipv4ToBigInt(address: string): bigint {
  let value = 0n;
  for (const part of address.split('.')) value = (value << 8n) | BigInt(Number(part));
  return value;
}

function ipv6ToBigInt(address: string): bigint {
  let text = address;
  // An embedded IPv4 tail (`::ffff:1.2.3.4` was already canonicalised; `64:ff9b::1.2.3.4` was not).
  const v4 = /(\d{1,3}(?:\.\d{1,3}){3})$/.exec(text);
  if (v4) {
    const n = ipv4ToBigInt(v4[1] as string);
    text = `${text.slice(0, v4.index)}${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const headParts = head === '' ? [] : head.split(':');
  const tailParts = tail === undefined || tail === '' ? [] : tail.split(':');
  const missing = 8 - headParts.length - tailParts.length;
  const groups = tail === undefined ? headParts : [...headParts, ...Array<string>(missing).fill('0'), ...tailParts];
  let value = 0n;
  for (const group of groups) value = (value << 16n) | BigInt(parseInt(group, 16));
  return value;
}

/** Formats a number back into an address of the family (IPv6 compressed per RFC 5952). */
export function bigIntToIp(value: bigint, family: 4 | 6): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 255n)).join('.');
  const bytes = new Uint8Array(16);
  for (let i = 0; i < 16; i += 1) bytes[i] = Number((value >> BigInt(8 * (15 - i))) & 0xffn);
  return formatIpv6(bytes);
}

/**
 * Parses one range. Throws `relay.ip-range` with a message that says what is wrong and which forms work.
 */
export function parseIpRange(input: string): IpRange {
  const text = input.trim();
  const fail = (why: string): never => {
    throw new DiagError(
      'relay.ip-range',
      `"${input}" ${why} (write an address, a CIDR such as 10.0.0.0/24, or a range such as 10.0.0.1-10.0.0.99)`,
    );
  };
  if (text === '') fail('is empty');

  const dash = text.indexOf('-');
  if (dash !== -1) {
    if (text.indexOf('-', dash + 1) !== -1) return fail('has more than one dash');
    const from = ipToBigInt(text.slice(0, dash).trim());
    const to = ipToBigInt(text.slice(dash + 1).trim());
    if (!from || !to) return fail('is not a range of two IP addresses');
    if (from.family !== to.family) return fail('mixes IPv4 and IPv6');
    if (from.value > to.value) return fail('ends before it starts');
    return { family: from.family, start: from.value, end: to.value, text };
  }

  const masked = /^(.+)\(([^()]+)\)$/.exec(text);
  if (masked) {
    const base = ipToBigInt((masked[1] as string).trim());
    const mask = ipToBigInt((masked[2] as string).trim());
    if (!base || !mask || base.family !== 4 || mask.family !== 4)
      return fail('is not an IPv4 address with a subnet mask');
    const prefix = maskToPrefix(mask.value);
    if (prefix === undefined) return fail('has a subnet mask that is not contiguous');
    return prefixRange(base.value, prefix, 4, text);
  }

  const slash = text.lastIndexOf('/');
  if (slash !== -1) {
    const base = ipToBigInt(text.slice(0, slash));
    if (!base) return fail('is not an IP address before the /');
    const prefixText = text.slice(slash + 1);
    const prefix = /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : Number.NaN;
    if (!(prefix >= 0 && prefix <= BITS[base.family]))
      return fail(`has an invalid prefix length (0–${BITS[base.family]})`);
    return prefixRange(base.value, prefix, base.family, text);
  }

  const single = ipToBigInt(text);
  if (!single) return fail('is not an IP address');
  return { family: single.family, start: single.value, end: single.value, text };
}

function prefixRange(base: bigint, prefix: number, family: 4 | 6, text: string): IpRange {
  const hostBits = BigInt(BITS[family] - prefix);
  const size = 1n << hostBits;
  // Host bits set below the prefix are ignored, as Exchange and F5 both normalise to the network.
  const start = (base >> hostBits) << hostBits;
  return { family, start, end: start + size - 1n, text };
}

function maskToPrefix(mask: bigint): number | undefined {
  for (let prefix = 0; prefix <= 32; prefix += 1) {
    const expected = prefix === 0 ? 0n : ((1n << BigInt(prefix)) - 1n) << BigInt(32 - prefix);
    if (expected === mask) return prefix;
  }
  return undefined;
}

/** How many addresses the range holds. */
export function rangeSize(range: Pick<IpRange, 'start' | 'end'>): bigint {
  return range.end - range.start + 1n;
}

export function rangeContains(range: IpRange, address: { family: 4 | 6; value: bigint }): boolean {
  return range.family === address.family && range.start <= address.value && address.value <= range.end;
}

/**
 * The range with one address cut out, as the `a-b` (or single-address) pieces that remain: the exact
 * replacement to write when a connector must stop accepting that one address.
 */
export function subtractAddress(range: IpRange, value: bigint): string[] {
  const pieces: string[] = [];
  const piece = (from: bigint, to: bigint): string =>
    from === to ? bigIntToIp(from, range.family) : `${bigIntToIp(from, range.family)}-${bigIntToIp(to, range.family)}`;
  if (value < range.start || value > range.end) return [range.text];
  if (value > range.start) pieces.push(piece(range.start, value - 1n));
  if (value < range.end) pieces.push(piece(value + 1n, range.end));
  return pieces;
}

/**
 * Public means routable on the internet: not RFC 1918, loopback, link-local, CGNAT, ULA or documentation
 * space. A relay that accepts from a public address it was not told about is an open relay.
 */
export function isPublicAddress(text: string): boolean {
  const ip = ipToBigInt(text);
  if (!ip) return false;
  return !nonPublicRanges().some((range) => rangeContains(range, ip));
}

const NON_PUBLIC = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.0.0.0/24',
  '192.0.2.0/24',
  '192.168.0.0/16',
  '198.18.0.0/15',
  '198.51.100.0/24',
  '203.0.113.0/24',
  '224.0.0.0/3',
  '::/127',
  'fc00::/7',
  'fe80::/10',
  'ff00::/8',
  '2001:db8::/32',
];
let nonPublic: IpRange[] | undefined;

/** Parsed on first use, not at import: every start imports this module, few ask whether an address is public. */
function nonPublicRanges(): IpRange[] {
  return (nonPublic ??= NON_PUBLIC.map(parseIpRange));
}
