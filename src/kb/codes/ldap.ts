import { matches } from './limit';
import { describeWin32 } from './windows';
import { tables } from './tables';
import type { Found } from './types';

/**
 * LDAP result codes (RFC 4511) as the usual clients print them — Java (`LDAP: error code 49`),
 * OpenLDAP tools (`ldap_bind: Invalid credentials (49)`), ldp.exe (`Error <49>:`), ldapts
 * (`InvalidCredentialsError`) — with Active Directory's sub-code (`data 52e`) and extended error
 * prefix (`00002028: LdapErr:`) decoded as the Win32 codes they are.
 */

/** RFC 4511 result names, plus the client-side codes OpenLDAP and wldap32 report. */
export const LDAP_RESULTS: Record<number, string> = {
  [-1]: 'serverDown (client: cannot contact the LDAP server)',
  0: 'success',
  1: 'operationsError',
  2: 'protocolError',
  3: 'timeLimitExceeded',
  4: 'sizeLimitExceeded',
  5: 'compareFalse',
  6: 'compareTrue',
  7: 'authMethodNotSupported',
  8: 'strongerAuthRequired',
  10: 'referral',
  11: 'adminLimitExceeded',
  12: 'unavailableCriticalExtension',
  13: 'confidentialityRequired',
  14: 'saslBindInProgress',
  16: 'noSuchAttribute',
  17: 'undefinedAttributeType',
  18: 'inappropriateMatching',
  19: 'constraintViolation',
  20: 'attributeOrValueExists',
  21: 'invalidAttributeSyntax',
  32: 'noSuchObject',
  33: 'aliasProblem',
  34: 'invalidDNSyntax',
  36: 'aliasDereferencingProblem',
  48: 'inappropriateAuthentication',
  49: 'invalidCredentials',
  50: 'insufficientAccessRights',
  51: 'busy',
  52: 'unavailable',
  53: 'unwillingToPerform',
  54: 'loopDetect',
  64: 'namingViolation',
  65: 'objectClassViolation',
  66: 'notAllowedOnNonLeaf',
  67: 'notAllowedOnRDN',
  68: 'entryAlreadyExists',
  69: 'objectClassModsProhibited',
  71: 'affectsMultipleDSAs',
  80: 'other',
  81: 'serverDown (client: the server cannot be reached)',
  85: 'timeout (client)',
};

/** Active Directory's `data` sub-codes on a failed bind (AcceptSecurityContext error), in plain words. */
export const AD_BIND_DATA: Record<string, string> = {
  '525': 'the user does not exist',
  '52e': 'the user exists but the password (or user name form) is wrong',
  '52f': 'an account restriction prevents this logon',
  '530': 'the account may not log on at this time of day (logon hours)',
  '531': 'the account may not log on from this workstation',
  '532': 'the password has expired',
  '533': 'the account is disabled',
  '568': 'the user is in too many groups (the security token is too large)',
  '701': 'the account has expired',
  '773': 'the user must change the password before the first logon',
  '775': 'the account is locked out',
};

const ERROR_CLASSES: Record<string, number> = {
  OperationsError: 1,
  ProtocolError: 2,
  TimeLimitExceeded: 3,
  SizeLimitExceeded: 4,
  AuthMethodNotSupported: 7,
  StrongAuthRequired: 8,
  Referral: 10,
  AdminLimitExceeded: 11,
  ConfidentialityRequired: 13,
  NoSuchAttribute: 16,
  UndefinedType: 17,
  ConstraintViolation: 19,
  InvalidSyntax: 21,
  NoSuchObject: 32,
  InvalidDNSyntax: 34,
  InappropriateAuth: 48,
  InvalidCredentials: 49,
  InsufficientAccess: 50,
  Busy: 51,
  Unavailable: 52,
  UnwillingToPerform: 53,
  NamingViolation: 64,
  ObjectClassViolation: 65,
  NotAllowedOnNonLeaf: 66,
  AlreadyExists: 68,
};

const JAVA = /\bLDAP: error code (\d{1,3})\b/gi;
const LDP = /\bError <(\d{1,3})>:/g;
const OPENLDAP = /\bldap_[a-z_]{2,30}[(A-Z)]{0,14}: [^\n()]{1,80} \((-?\d{1,3})\)/g;
const GENERIC = /\b(?:result ?code|ldap error|ldap result code|ldap error code)[\s:=#]{1,3}(-?\d{1,3})\b/gi;
const CLASS =
  /\b(OperationsError|ProtocolError|TimeLimitExceeded|SizeLimitExceeded|AuthMethodNotSupported|StrongAuthRequired|Referral|AdminLimitExceeded|ConfidentialityRequired|NoSuchAttribute|UndefinedType|ConstraintViolation|InvalidSyntax|NoSuchObject|InvalidDNSyntax|InappropriateAuth|InvalidCredentials|InsufficientAccess|Busy|Unavailable|UnwillingToPerform|NamingViolation|ObjectClassViolation|NotAllowedOnNonLeaf|AlreadyExists)Error\b/g;
const AD_DATA = /\bdata ([0-9a-f]{1,4})\b/gi;
const AD_PREFIX = /\b([0-9A-F]{8}): (?:LdapErr|RefErr|NameErr|SecErr|SvcErr|AtrErr|UpdErr|SysErr)\b/g;
const AD_CONTEXT = /ldaperr|acceptsecuritycontext|dsid-/i;
/** The ldapts class names all end in `Error` right after a lower-case letter (`InvalidCredentialsError`). */
const CLASS_GATE = /[a-z]Error\b/;
const LDAP_GATE = /ldap|err:|error <|result ?code|error\b/;

/** Every regex here, for the static backtracking check in the tests. */
export const LDAP_PATTERNS: readonly RegExp[] = [
  JAVA,
  LDP,
  OPENLDAP,
  GENERIC,
  CLASS,
  AD_DATA,
  AD_PREFIX,
  AD_CONTEXT,
  LDAP_GATE,
  CLASS_GATE,
];

function ldapCode(code: number, raw: string, index: number, end: number): Found {
  const rfc = LDAP_RESULTS[code];
  return {
    kind: 'ldap',
    raw,
    value: String(code),
    name: tables().ldap.names(code)?.[0] ?? (code === -1 ? 'LDAP_SERVER_DOWN' : undefined),
    meaning: rfc ? `${rfc}.` : undefined,
    parts: rfc ? { rfcName: rfc } : {},
    keys: [`ldap:${code}`],
    index,
    end,
  };
}

export function findLdapCodes(text: string, lower: string = text.toLowerCase()): Found[] {
  const out: Found[] = [];
  // Every spelling below names LDAP, an AD error family (`…Err:`), ldp's `Error <n>` or an ldapts class (`…Error`);
  // a short question (`explain data 775`) is about the AD sub-code itself.
  const short = lower.trim().length <= 60;
  if (!LDAP_GATE.test(lower) && !short) return out;
  const add = (m: RegExpMatchArray, value: number): void => {
    const digits = m[1] as string;
    const start = (m.index as number) + m[0].lastIndexOf(digits);
    out.push(ldapCode(value, m[0], start, start + digits.length));
  };
  // Each spelling is looked for only when its fixed part is in the text: most error pastes name none of them.
  if (lower.includes('ldap: error code')) for (const m of matches(text, JAVA)) add(m, Number(m[1]));
  if (text.includes('Error <')) for (const m of matches(text, LDP)) add(m, Number(m[1]));
  if (lower.includes('ldap_')) for (const m of matches(text, OPENLDAP)) add(m, Number(m[1]));
  if (lower.includes('code') || lower.includes('ldap error'))
    for (const m of matches(text, GENERIC)) add(m, Number(m[1]));
  for (const m of CLASS_GATE.test(text) ? matches(text, CLASS) : []) {
    const code = ERROR_CLASSES[m[1] as string];
    if (code !== undefined) out.push(ldapCode(code, m[0], m.index, m.index + m[0].length));
  }
  for (const m of lower.includes('err:') ? matches(text, AD_PREFIX) : []) {
    const value = Number.parseInt(m[1] as string, 16);
    if (value > 0 && value <= 0xffff) out.push(describeWin32(value, m[1] as string, m.index, m.index + 8));
  }
  if (!AD_CONTEXT.test(text) && !(short && lower.includes('data '))) return out;
  for (const m of matches(text, AD_DATA)) {
    const data = (m[1] as string).toLowerCase();
    const meaning = AD_BIND_DATA[data];
    if (!meaning) continue;
    const win32 = Number.parseInt(data, 16);
    const win32Name = tables().win32.names(win32)?.[0];
    const bind = out.find((c) => c.kind === 'ldap' && c.value === '49');
    const extra = { adData: data, adDataMeaning: meaning, win32, ...(win32Name ? { win32Name } : {}) };
    const keys = [`ldap-data:${data}`, `win32:${win32}`];
    if (bind && bind.parts?.adData === undefined) {
      bind.parts = { ...bind.parts, ...extra };
      bind.keys.push(...keys);
      bind.meaning = `invalidCredentials: ${meaning}.`;
    } else {
      // The sub-code alone still means a failed bind (AcceptSecurityContext turned it down).
      const found = ldapCode(49, m[0], m.index, m.index + m[0].length);
      found.parts = { ...found.parts, ...extra };
      found.keys.push(...keys);
      found.meaning = `invalidCredentials: ${meaning}.`;
      out.push(found);
    }
  }
  return out;
}
