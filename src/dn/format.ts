import { parseDn } from './parse';
import type { Ava, Dn, Rdn } from './types';

/** Anything in a value that RFC 4514 §2.4 wants escaped, plus control characters (escaped as hex so they stay visible). */
function needsEscape(value: string): boolean {
  const n = value.length;
  if (n === 0) return false;
  const first = value.charCodeAt(0);
  if (first === 0x20 || first === 0x23 || value.charCodeAt(n - 1) === 0x20) return true;
  for (let i = 0; i < n; i += 1) {
    const c = value.charCodeAt(i);
    // \ " + , ; < > and C0 controls / DEL
    if (
      c < 0x20 ||
      c === 0x7f ||
      c === 0x5c ||
      c === 0x22 ||
      c === 0x2b ||
      c === 0x2c ||
      c === 0x3b ||
      c === 0x3c ||
      c === 0x3e
    )
      return true;
  }
  return false;
}

function hexEscape(ch: string): string {
  return `\\${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`;
}

/**
 * Escapes one attribute value for a DN string (RFC 4514 §2.4): `Doe, Jane` → `Doe\, Jane`,
 * `#Ops` → `\#Ops`, a trailing space → `\ `. Non-ASCII letters stay as they are (UTF-8).
 */
export function escapeDnValue(value: string): string {
  if (!needsEscape(value)) return value;
  let out = '';
  const last = value.length - 1;
  for (let i = 0; i <= last; i += 1) {
    const ch = value[i] as string;
    const code = ch.charCodeAt(0);
    if (ch === '\\' || ch === '"' || ch === '+' || ch === ',' || ch === ';' || ch === '<' || ch === '>')
      out += `\\${ch}`;
    else if (code < 0x20 || code === 0x7f) out += hexEscape(ch);
    else if ((i === 0 && (ch === ' ' || ch === '#')) || (i === last && ch === ' ')) out += `\\${ch}`;
    else out += ch;
  }
  return out;
}

function formatAva(ava: Ava): string {
  return `${ava.type}=${ava.ber !== undefined ? `#${ava.ber}` : escapeDnValue(ava.value)}`;
}

/** One RDN as text (`CN=Doe\, Jane`, `CN=Jane+UID=jdoe`). */
export function formatRdn(rdn: Rdn): string {
  return rdn.length === 1 ? formatAva(rdn[0] as Ava) : rdn.map(formatAva).join('+');
}

/** Serialises a DN (RFC 4514): types as written, values escaped, `#`-hex values kept as hex. */
export function formatDn(dn: Dn): string {
  let out = '';
  for (let i = 0; i < dn.length; i += 1) {
    if (i > 0) out += ',';
    out += formatRdn(dn[i] as Rdn);
  }
  return out;
}

/** Well-known numeric OIDs and the names AD and OpenLDAP print for them. */
const OID_NAMES: Record<string, string> = {
  '2.5.4.3': 'cn',
  '2.5.4.6': 'c',
  '2.5.4.7': 'l',
  '2.5.4.8': 'st',
  '2.5.4.9': 'street',
  '2.5.4.10': 'o',
  '2.5.4.11': 'ou',
  '0.9.2342.19200300.100.1.1': 'uid',
  '0.9.2342.19200300.100.1.25': 'dc',
};

/** The attribute type in comparable form: lower case, well-known OIDs as their names (`2.5.4.11` → `ou`). */
export function attributeName(type: string): string {
  const lower = type.toLowerCase();
  return Object.hasOwn(OID_NAMES, lower) ? (OID_NAMES[lower] as string) : lower;
}

/** Case and insignificant spaces don't matter to AD's DN matching; Unicode composition shouldn't either. */
function normaliseValue(ava: Ava): string {
  if (ava.ber !== undefined && ava.value.startsWith('#')) return ava.value;
  return ava.value.normalize('NFC').toLowerCase().replace(/ +/g, ' ').trim();
}

/**
 * The DN in the form used for equality: types by name in lower case, values lower-cased with runs of
 * spaces folded, the AVAs of a multi-valued RDN sorted. `CN=Jane  Doe,ou=Eng` and `cn=jane doe,OU=eng` agree.
 */
export function normaliseDn(dn: Dn | string): string {
  const parsed = typeof dn === 'string' ? parseDn(dn) : dn;
  return parsed
    .map((rdn) =>
      rdn
        .map((ava) => `${attributeName(ava.type)}=${escapeDnValue(normaliseValue(ava))}`)
        .sort()
        .join('+'),
    )
    .join(',');
}

/** True when two DNs name the same entry (compared by {@link normaliseDn}). */
export function dnEquals(a: Dn | string, b: Dn | string): boolean {
  return normaliseDn(a) === normaliseDn(b);
}
