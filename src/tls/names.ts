import { isIP } from 'node:net';
import { canonicalIpText } from './ip';

/**
 * Server identity checks (RFC 6125 §6, as OpenSSL's X509_check_host applies them):
 * - DNS-IDs come from dNSName SANs; the subject CN counts only when the certificate has no dNSName SAN.
 * - A wildcard is exactly `*` as the whole left-most label, stands for exactly one label, needs at least
 *   two labels after it, and never matches the bare parent domain (`*.contoso.com` ≠ `contoso.com`).
 *   Partial-label wildcards (`w*.contoso.com`) are refused.
 * - An IP address matches only an iPAddress SAN, never a dNSName or the CN.
 */

export interface PresentedNames {
  dns: readonly string[];
  ips: readonly string[];
  commonNames: readonly string[];
}

export interface IdentityMatch {
  matched: boolean;
  by: 'san-dns' | 'san-ip' | 'subject-cn' | 'none';
  /** The presented identifiers that were compared (what the certificate carries for this kind of name). */
  compared: string[];
  usedCommonName: boolean;
}

const normalise = (name: string): string => name.trim().toLowerCase().replace(/\.$/, '');

/** True for an IPv4 or IPv6 address (brackets allowed). */
export function isIpAddress(text: string): boolean {
  const bare = text.replace(/^\[|\]$/g, '');
  // Cheap gate first (as in src/kb/entities.ts): node's IPv6 expression takes milliseconds to compile and again to
  // optimise on its second run, and a host name is neither digits and dots (IPv4) nor holds a colon (IPv6).
  return (/^[\d.]+$/.test(bare) || bare.includes(':')) && isIP(bare) !== 0;
}

/** One presented DNS-ID against one reference name. */
export function dnsNameMatches(pattern: string, reference: string): boolean {
  const p = normalise(pattern);
  const r = normalise(reference);
  if (p === '' || r === '') return false;
  if (!p.includes('*')) return p === r;
  if (!p.startsWith('*.') || p.indexOf('*', 1) !== -1) return false;
  const parent = p.slice(2);
  if (!parent.includes('.')) return false;
  const dot = r.indexOf('.');
  if (dot <= 0) return false;
  return r.slice(dot + 1) === parent;
}

/** Checks a reference identity (host name or IP address) against what a certificate presents. */
export function matchIdentity(reference: string, names: PresentedNames): IdentityMatch {
  if (isIpAddress(reference)) {
    const wanted = canonicalIpText(reference);
    const compared = names.ips.map(canonicalIpText);
    const matched = compared.includes(wanted);
    return { matched, by: matched ? 'san-ip' : 'none', compared, usedCommonName: false };
  }
  if (names.dns.length > 0) {
    const matched = names.dns.some((pattern) => dnsNameMatches(pattern, reference));
    return { matched, by: matched ? 'san-dns' : 'none', compared: [...names.dns], usedCommonName: false };
  }
  const matched = names.commonNames.some((cn) => dnsNameMatches(cn, reference));
  return { matched, by: matched ? 'subject-cn' : 'none', compared: [...names.commonNames], usedCommonName: true };
}

/** A name with one label (`mail`): clients treat it as a different name from `mail.contoso.com`. */
export function isSingleLabel(name: string): boolean {
  const n = normalise(name);
  return n !== '' && !n.includes('.') && !isIpAddress(n);
}

/** The subject CNs the SAN list does not repeat (only meaningful when the certificate has SANs). */
export function commonNamesMissingFromSan(names: PresentedNames): string[] {
  if (names.dns.length === 0 && names.ips.length === 0) return [];
  const dns = new Set(names.dns.map(normalise));
  const ips = new Set(names.ips.map(canonicalIpText));
  return names.commonNames.filter((cn) => (isIpAddress(cn) ? !ips.has(canonicalIpText(cn)) : !dns.has(normalise(cn))));
}
