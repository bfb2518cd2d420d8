import { matches } from './limit';
import type { Found } from './types';

/**
 * Microsoft Entra ID (Azure AD) sign-in errors: `AADSTS50076: Due to a configuration change made by your
 * administrator…`. The number is the whole code; the meanings follow Microsoft's published table.
 */

/** AADSTS codes admins meet, in plain words (learn.microsoft.com: Microsoft Entra authentication and authorization error codes). */
export const AADSTS_MEANINGS: Record<number, string> = {
  16000: 'the user is signed in with more than one account, or must pick an account (interaction required)',
  50011: 'the reply (redirect) URI in the request does not match any reply URI registered for the application',
  50020:
    "the user's account is from an identity provider that does not exist in this tenant (a guest not invited, or the wrong tenant endpoint)",
  50034: 'the user account does not exist in the directory (wrong user name or tenant)',
  50053: 'the account is locked (too many failed sign-ins, or Smart Lockout saw a malicious IP)',
  50055: 'the password has expired',
  50056:
    'no password exists for the user in the directory (e.g. a federated or never-synced account) or the password is null',
  50057: 'the user account is disabled',
  50058: 'a silent sign-in was requested but no user is signed in',
  50072: 'the user must enrol for multi-factor authentication (proof-up)',
  50074: 'strong authentication (MFA) is required',
  50076:
    'multi-factor authentication is required (a Conditional Access policy, security defaults or a location change); a non-interactive client cannot answer it',
  50079: 'the user must register for multi-factor authentication',
  50097: 'device authentication is required (the device is not registered or not compliant)',
  50105: 'the user is not assigned to a role for the application (assignment required)',
  50126: 'invalid user name or password (or, for federated/PTA users, the on-premises check failed)',
  50128: 'invalid domain name: no tenant found for the domain in the user name',
  50132: 'the session is no longer valid: the password changed or the session was revoked',
  50133: 'the session is invalid because the password expired or was recently changed',
  50140: 'the "keep me signed in" prompt interrupted the sign-in (informational)',
  50158: 'an external security challenge (third-party MFA or a federated provider) was not satisfied',
  50173: 'the grant expired because the password was reset or the user re-registered',
  50199: 'a user confirmation is required for the client application (CmsiInterrupt)',
  51004: 'the user account does not exist in the directory',
  53000: 'Conditional Access requires a compliant or managed device, and this device is not',
  53001: 'Conditional Access requires a domain-joined (hybrid joined) device',
  53003: 'access was blocked by a Conditional Access policy',
  53004: 'the user must complete MFA registration, which is blocked (proof-up blocked by policy or risk)',
  65001: 'the user or an administrator has not consented to the application',
  65004: 'the user declined consent to the application',
  70000: 'the grant is invalid (expired, revoked or for another client)',
  70001: 'the application is disabled or does not exist in the tenant',
  70008: 'the authorization code or refresh token expired or was revoked',
  70011: 'the requested scope is invalid',
  70043: 'the refresh token expired or is invalid because of a Conditional Access sign-in frequency check',
  80012: 'the user tried to sign in outside the allowed hours (pass-through authentication)',
  81010: 'Seamless SSO failed: the Kerberos ticket is expired or invalid',
  90002: 'the tenant was not found (wrong tenant id or domain, or the tenant was deleted)',
  90072: 'the account from another tenant has not been added as a guest to this tenant',
  90094: 'an administrator must consent (admin consent required)',
  90095: 'an administrator must consent: user consent is not allowed for this application',
  500011:
    'the resource principal (the API) was not found in the tenant: the resource application is not installed or the URI is wrong',
  700016: 'the application (client id) was not found in the tenant: wrong app id, wrong tenant or not yet consented',
  700024: 'the client assertion is not within its valid time range (clock or token lifetime)',
  700027: 'the client assertion signature is invalid: the certificate is not registered for the application',
  700082: 'the refresh token expired because it was not used for too long',
  7000112: 'the application is disabled',
  7000215:
    'invalid client secret: the value sent is not a secret of this application (often the secret id instead of its value)',
  7000222: 'the client secret has expired',
};

const CODE = /\bAADSTS(\d{5,7})\b/gi;

/** Every regex here, for the static backtracking check in the tests. */
export const AADSTS_PATTERNS: readonly RegExp[] = [CODE];

export function findAadstsCodes(text: string, lower: string): Found[] {
  if (!lower.includes('aadsts')) return [];
  const out: Found[] = [];
  for (const m of matches(text, CODE)) {
    const num = Number(m[1]);
    const meaning = AADSTS_MEANINGS[num];
    out.push({
      kind: 'aadsts',
      raw: m[0],
      value: String(num),
      name: `AADSTS${num}`,
      meaning: meaning
        ? `Entra ID sign-in error: ${meaning}.`
        : "An Entra ID (Azure AD) sign-in error; look the number up in Microsoft's AADSTS table.",
      keys: [`aadsts:${num}`],
      index: m.index,
      end: m.index + m[0].length,
    });
  }
  return out;
}
