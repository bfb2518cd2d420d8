import { isIP } from 'node:net';

/**
 * Canonical form of an IP address for policy checks: IPv4-mapped / IPv4-compatible IPv6 become the
 * IPv4 address they carry, zone ids are dropped, brackets removed. Returns undefined for non-addresses.
 */
export function canonicalIp(input: string): { address: string; family: 4 | 6 } | undefined {
  let text = input.trim();
  if (text.startsWith('[') && text.endsWith(']')) text = text.slice(1, -1);
  const zone = text.indexOf('%');
  if (zone !== -1) text = text.slice(0, zone);
  const family = isIP(text);
  if (family === 4) return { address: text, family: 4 };
  if (family !== 6) return undefined;
  const lower = text.toLowerCase();
  const mapped = /^(?:0{0,4}:){0,4}:?(?:0{0,4}:)?ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(lower)
    ?? /^::(\d{1,3}(?:\.\d{1,3}){3})$/.exec(lower);
  if (mapped && isIP(mapped[1] as string) === 4) return { address: mapped[1] as string, family: 4 };
  const hexMapped = /^(?:0{0,4}:){0,5}:?ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower)
    ?? /^::([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (hexMapped) {
    const hi = parseInt(hexMapped[1] as string, 16);
    const lo = parseInt(hexMapped[2] as string, 16);
    return { address: `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`, family: 4 };
  }
  return { address: lower, family: 6 };
}

/** True for text shaped like a dotted IPv4 address, valid or not (`999.1.1.1` is shaped like one). */
export function looksLikeIpv4(text: string): boolean {
  return /^\d{1,10}(\.\d{1,10}){3}$/.test(text);
}

/** Hostname syntax (RFC 1123 labels, an optional trailing dot), not whether it resolves. */
export function isHostname(text: string): boolean {
  if (text.length === 0 || text.length > 254) return false;
  const name = text.endsWith('.') ? text.slice(0, -1) : text;
  return name.split('.').every((label) => /^(?!-)[a-zA-Z0-9_-]{1,63}(?<!-)$/.test(label));
}
