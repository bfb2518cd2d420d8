import { findAadstsCodes } from './aadsts';
import { findHttpCodes } from './http';
import { findJetCodes } from './jet';
import { findKerberosCodes } from './kerberos';
import { findLdapCodes } from './ldap';
import { findSmtpCodes } from './smtp';
import { findSchannelCodes } from './schannel';
import { findTlsCodes } from './tls';
import type { DecodedCode, Found } from './types';
import { findWindowsCodes } from './windows';

export type { CodeKind, DecodedCode } from './types';
export { describeHresult, describeNtstatus, describeWin32 } from './windows';
export { describeEnhanced } from './smtp';
export { tables, hex8, key32 } from './tables';

/** At most this many codes per text: a 64 KB log full of hex must not produce a 64 KB answer. */
const MAX_CODES = 40;

/**
 * Every code in a text, in order of appearance, each once. Decoders run from the most specific
 * (TLS, Entra, Kerberos, Schannel, ESE, LDAP, SMTP, HTTP) to the most general (Windows numbers), and a later decoder may not claim
 * characters an earlier one already explained — `LDAP: error code 49` is not also Win32 error 49.
 */
export function decodeCodes(text: string, lower: string = text.toLowerCase()): DecodedCode[] {
  const claimed: Found[] = [];
  // Which characters an earlier decoder explained: a mask keeps this linear on a 64 KB paste full of codes.
  const taken = new Uint8Array(text.length + 1);
  const overlaps = (f: Found): boolean => {
    for (let i = f.index; i < f.end; i += 1) if (taken[i] === 1) return true;
    return false;
  };
  const groups: Found[][] = [
    findTlsCodes(text, lower),
    findAadstsCodes(text, lower),
    findKerberosCodes(text, lower),
    findSchannelCodes(text),
    findJetCodes(text, lower),
    findLdapCodes(text, lower),
    findSmtpCodes(text),
    findHttpCodes(text, lower),
    findWindowsCodes(text, lower),
  ];
  for (const group of groups) {
    const accepted = group.filter((f) => !overlaps(f));
    for (const f of accepted) taken.fill(1, f.index, f.end);
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
