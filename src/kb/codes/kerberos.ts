import { matches } from './limit';
import type { Found } from './types';

/**
 * Kerberos error codes (RFC 4120 section 7.5.9, RFC 4556): symbolic (`KDC_ERR_PREAUTH_FAILED`,
 * `KRB_AP_ERR_SKEW`), as Windows security events print them (4768 `Result Code: 0x6`, 4771
 * `Failure Code: 0x18`, 4769 `Failure Code: 0xE`) and as MIT/Heimdal say them (`Preauthentication failed`).
 * A short hex number is read as Kerberos only in a text that talks about Kerberos or names those events.
 */

interface KerberosError {
  name: string;
  meaning: string;
  /** MIT krb5 / Heimdal message for the same error, matched in lower case. */
  phrase?: string;
}

export const KERBEROS_ERRORS: Record<number, KerberosError> = {
  0x1: { name: 'KDC_ERR_NAME_EXP', meaning: "the client's entry in the database has expired" },
  0x2: { name: 'KDC_ERR_SERVICE_EXP', meaning: "the server's entry in the database has expired" },
  0x3: { name: 'KDC_ERR_BAD_PVNO', meaning: 'the requested protocol version is not supported' },
  0x6: {
    name: 'KDC_ERR_C_PRINCIPAL_UNKNOWN',
    meaning:
      'the client (user or computer) was not found in the Kerberos database (wrong name or realm, or a deleted account)',
    phrase: 'not found in kerberos database while getting initial credentials',
  },
  0x7: {
    name: 'KDC_ERR_S_PRINCIPAL_UNKNOWN',
    meaning: 'the service principal (SPN) was not found: no account has the SPN, or the name used is an alias or IP',
    phrase: 'server not found in kerberos database',
  },
  0x8: {
    name: 'KDC_ERR_PRINCIPAL_NOT_UNIQUE',
    meaning: 'more than one account holds the principal name (duplicate SPN or UPN)',
  },
  0x9: { name: 'KDC_ERR_NULL_KEY', meaning: 'the client or server has a null key' },
  0xc: {
    name: 'KDC_ERR_POLICY',
    meaning:
      'the KDC policy rejects the request (logon hours, workstation restriction, smart card required or a protected-user restriction)',
  },
  0xd: {
    name: 'KDC_ERR_BADOPTION',
    meaning: 'the KDC cannot honour the requested option (often constrained delegation that is not allowed)',
  },
  0xe: {
    name: 'KDC_ERR_ETYPE_NOTSUPP',
    meaning: 'no encryption type both sides support (RC4/DES disabled, or the account has no AES keys yet)',
    phrase: 'kdc has no support for encryption type',
  },
  0xf: { name: 'KDC_ERR_SUMTYPE_NOSUPP', meaning: 'the checksum type is not supported' },
  0x10: {
    name: 'KDC_ERR_PADATA_TYPE_NOSUPP',
    meaning: 'the pre-authentication type is not supported (smart card logon without a KDC certificate)',
  },
  0x12: {
    name: 'KDC_ERR_CLIENT_REVOKED',
    meaning: "the client's credentials are revoked: the account is disabled, expired or locked out",
    phrase: 'clients credentials have been revoked',
  },
  0x17: { name: 'KDC_ERR_KEY_EXPIRED', meaning: 'the password has expired and must be changed' },
  0x18: {
    name: 'KDC_ERR_PREAUTH_FAILED',
    meaning: 'pre-authentication failed: the password (or keytab key) is wrong',
    phrase: 'preauthentication failed',
  },
  0x19: {
    name: 'KDC_ERR_PREAUTH_REQUIRED',
    meaning: 'pre-authentication is required (normal in the first round trip; only a problem if it repeats)',
  },
  0x1b: {
    name: 'KDC_ERR_MUST_USE_USER2USER',
    meaning: 'the server principal is valid only for user-to-user authentication',
  },
  0x1d: { name: 'KDC_ERR_SVC_UNAVAILABLE', meaning: 'the KDC service is unavailable' },
  0x1f: {
    name: 'KRB_AP_ERR_BAD_INTEGRITY',
    meaning: 'integrity check on a decrypted field failed (wrong key: password or keytab out of date)',
    phrase: 'decrypt integrity check failed',
  },
  0x20: { name: 'KRB_AP_ERR_TKT_EXPIRED', meaning: 'the ticket has expired', phrase: 'ticket expired' },
  0x21: { name: 'KRB_AP_ERR_TKT_NYV', meaning: 'the ticket is not yet valid (clock skew)' },
  0x22: { name: 'KRB_AP_ERR_REPEAT', meaning: 'the request is a replay' },
  0x23: { name: 'KRB_AP_ERR_NOT_US', meaning: 'the ticket is not for this server' },
  0x25: {
    name: 'KRB_AP_ERR_SKEW',
    meaning: 'the clocks of client and server differ by more than the allowed skew (5 minutes by default)',
    phrase: 'clock skew too great',
  },
  0x29: {
    name: 'KRB_AP_ERR_MODIFIED',
    meaning:
      'the message was modified: usually the ticket was encrypted with a key the server does not have (duplicate SPN, stale keytab, or a machine password out of sync)',
    phrase: 'message stream modified',
  },
  0x3c: { name: 'KRB_ERR_GENERIC', meaning: 'a generic Kerberos error (see the accompanying text)' },
  0x34: { name: 'KRB_ERR_RESPONSE_TOO_BIG', meaning: 'the response is too big for UDP; the client retries over TCP' },
  0x3e: { name: 'KDC_ERR_CLIENT_NOT_TRUSTED', meaning: "the client's certificate (smart card, PKINIT) is not trusted" },
  0x3f: { name: 'KDC_ERR_KDC_NOT_TRUSTED', meaning: "the KDC's certificate is not trusted by the client" },
  0x41: { name: 'KDC_ERR_KEY_TOO_WEAK', meaning: 'the key is too weak' },
  0x44: { name: 'KDC_ERR_WRONG_REALM', meaning: 'the request went to the wrong realm (referral)' },
  0x46: { name: 'KDC_ERR_CANT_VERIFY_CERTIFICATE', meaning: 'the KDC cannot verify the client certificate' },
  0x47: { name: 'KDC_ERR_INVALID_CERTIFICATE', meaning: 'the client certificate is invalid' },
  0x48: { name: 'KDC_ERR_REVOKED_CERTIFICATE', meaning: 'the client certificate is revoked' },
  0x49: {
    name: 'KDC_ERR_REVOCATION_STATUS_UNKNOWN',
    meaning: "the client certificate's revocation status cannot be determined",
  },
  0x4a: { name: 'KDC_ERR_REVOCATION_STATUS_UNAVAILABLE', meaning: 'the revocation server is unavailable' },
  0x4b: { name: 'KDC_ERR_CLIENT_NAME_MISMATCH', meaning: 'the client name does not match the name in the certificate' },
};

const byName = new Map(Object.entries(KERBEROS_ERRORS).map(([num, e]) => [e.name, Number(num)]));
const PHRASES: Array<[string, number]> = Object.entries(KERBEROS_ERRORS)
  .filter(([, e]) => e.phrase !== undefined)
  .map(([num, e]) => [e.phrase as string, Number(num)]);

const NAME = /\b(?:KDC_ERR|KRB_AP_ERR|KRB_ERR)_[A-Z0-9_]{3,40}\b/g;
const EVENT_CODE =
  /\b(?:failure code|result code|error code|status|ticket options and failure code)[\s:=]{1,4}(0x[0-9a-f]{1,2})\b/gi;
const CONTEXT =
  /\bkerberos\b|\bkrb5?|\bkdc\b|\b(?:4768|4769|4771|4772|4773)\b|\bkinit\b|\bticket granting\b|\bpre-?authentication\b/i;

/** Every regex here, for the static backtracking check in the tests. */
export const KERBEROS_PATTERNS: readonly RegExp[] = [NAME, EVENT_CODE, CONTEXT];

function kerberosCode(num: number, raw: string, index: number, end: number): Found | undefined {
  const error = KERBEROS_ERRORS[num];
  if (!error) return undefined;
  return {
    kind: 'kdc',
    raw,
    value: `0x${num.toString(16)}`,
    name: error.name,
    meaning: `Kerberos error 0x${num.toString(16).toUpperCase()}: ${error.meaning}.`,
    parts: { kerberos: num },
    keys: [`kdc:0x${num.toString(16)}`],
    index,
    end,
  };
}

export function findKerberosCodes(text: string, lower: string): Found[] {
  const out: Found[] = [];
  const push = (found: Found | undefined): void => {
    if (found) out.push(found);
  };
  if (text.includes('_ERR')) {
    for (const m of matches(text, NAME)) {
      const num = byName.get(m[0]);
      if (num !== undefined) push(kerberosCode(num, m[0], m.index, m.index + m[0].length));
    }
  }
  if (!CONTEXT.test(text)) return out;
  if (lower.includes('0x')) {
    for (const m of matches(text, EVENT_CODE)) {
      const raw = m[1] as string;
      const start = m.index + m[0].length - raw.length;
      push(kerberosCode(Number.parseInt(raw.slice(2), 16), raw, start, start + raw.length));
    }
  }
  for (const [phrase, num] of PHRASES) {
    const at = lower.indexOf(phrase);
    if (at !== -1) push(kerberosCode(num, text.slice(at, at + phrase.length), at, at + phrase.length));
  }
  return out;
}
