import { findHttpCodes } from './http';
import { findLdapCodes } from './ldap';
import { findSmtpCodes } from './smtp';
import { findTlsCodes } from './tls';
import type { DecodedCode, Found } from './types';
import { findWindowsCodes } from './windows';

export type { CodeKind, DecodedCode } from './types';
export { describeHresult, describeNtstatus, describeWin32 } from './windows';
export { describeEnhanced } from './smtp';
export { tables, hex8 } from './tables';

/** At most this many codes per text: a 64 KB log full of hex must not produce a 64 KB answer. */
const MAX_CODES = 40;

/**
 * Every code in a text, in order of appearance, each once. Decoders run from the most specific
 * (TLS, LDAP, SMTP, HTTP) to the most general (Windows numbers), and a later decoder may not claim
 * characters an earlier one already explained — `LDAP: error code 49` is not also Win32 error 49.
 */
export function decodeCodes(text: string, lower: string = text.toLowerCase()): DecodedCode[] {
  const claimed: Found[] = [];
  const overlaps = (f: Found): boolean => claimed.some((c) => f.index < c.end && f.end > c.index);
  const groups: Found[][] = [findTlsCodes(text, lower), findLdapCodes(text, lower), findSmtpCodes(text), findHttpCodes(text, lower), findWindowsCodes(text, lower)];
  for (const group of groups) {
    const accepted = group.filter((f) => !overlaps(f));
    claimed.push(...accepted);
  }
  claimed.sort((a, b) => a.index - b.index);
  const seen = new Set<string>();
  const out: DecodedCode[] = [];
  for (const found of claimed) {
    const id = `${found.kind}:${found.value}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const { end: _end, ...code } = found;
    out.push(code);
    if (out.length >= MAX_CODES) break;
  }
  return out;
}
