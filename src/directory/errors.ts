import { DiagError, isDiagError, isFindingError } from '../core/errors';
import type { Fix, Link } from '../core/reply';
import { timeoutError } from '../net/deadline';

/*
 * ldapts and socket failures → the contract's findings: `ldap.bind-failed` (with AD's `data 52e`
 * sub-code in words), `ldap.unavailable`, `net.timeout` (naming the step). The password never appears:
 * messages are built from the bind name, the server and the error code, never from the request.
 */

const BIND_ERROR_LINKS: Link[] = [
  {
    title: 'Win32 error codes 1300–1699 (52e = 1326, 533 = 1331, …)',
    url: 'https://learn.microsoft.com/en-us/windows/win32/debug/system-error-codes--1300-1699-',
  },
  {
    title: 'Win32 error codes 1700–3999 (701 = 1793, 773 = 1907, 775 = 1909)',
    url: 'https://learn.microsoft.com/en-us/windows/win32/debug/system-error-codes--1700-3999-',
  },
];

const UNAVAILABLE_LINKS: Link[] = [
  {
    title: 'Test-NetConnection',
    url: 'https://learn.microsoft.com/en-us/powershell/module/nettcpip/test-netconnection',
  },
  {
    title: 'Enable LDAP over SSL with a third-party certification authority',
    url: 'https://learn.microsoft.com/en-us/troubleshoot/windows-server/active-directory/enable-ldap-over-ssl-3rd-certification-authority',
  },
];

/** AD's bind sub-codes (the `data XXX` in `AcceptSecurityContext error, data 52e`), in words, with what to do. */
export const AD_BIND_SUBCODES: Record<string, { meaning: string; action: string }> = {
  '525': {
    meaning: 'the account does not exist',
    action:
      'Check ldap.bindDn: use the full DN, the UPN (svc-diagbot@contoso.com) or DOMAIN\\name of an existing account.',
  },
  '52e': {
    meaning: 'the password is wrong (or the bind name is not one AD knows)',
    action: "Set the service account's current password in DIAGBOT_LDAP_PASSWORD and restart diagbot.",
  },
  '530': {
    meaning: 'the account may not log on at this time (logon hours)',
    action: 'Allow the service account to log on at all hours (Logon Hours in the account properties).',
  },
  '531': {
    meaning: 'the account may not log on from this computer (Log On To)',
    action: 'Remove the "Log On To" workstation restriction from the service account.',
  },
  '532': {
    meaning: 'the password has expired',
    action: 'Reset the service account\'s password, then set "Password never expires" or rotate it on a schedule.',
  },
  '533': {
    meaning: 'the account is disabled',
    action: 'Enable the service account (Enable-ADAccount) or point ldap.bindDn at an enabled one.',
  },
  '568': {
    meaning: 'the account is in too many groups (token too large)',
    action: 'Remove the service account from groups it does not need.',
  },
  '701': {
    meaning: 'the account has expired',
    action: 'Extend or clear the account expiry date of the service account.',
  },
  '773': {
    meaning: 'the password must be changed before first logon',
    action: 'Set a password for the service account and clear "User must change password at next logon".',
  },
  '775': {
    meaning: 'the account is locked out',
    action: 'Unlock the account (Unlock-ADAccount) and find what keeps sending the old password.',
  },
};

/** The `data XXX` sub-code AD puts in a failed bind's diagnostic message, lower case; undefined when absent. */
export function adBindSubcode(message: string): string | undefined {
  const match = /\bdata ([0-9a-f]{1,8})\b/i.exec(message);
  return match ? (match[1] as string).toLowerCase() : undefined;
}

interface ErrorShape {
  name?: string;
  code?: string | number;
  message?: string;
}

function shape(error: unknown): ErrorShape {
  return typeof error === 'object' && error !== null ? (error as ErrorShape) : { message: String(error) };
}

/** Where we talked to, for messages: `ldaps://dc1.contoso.local:636 (127.0.0.5)`. */
export interface Endpoint {
  url: string;
  address: string;
}

function where(endpoint: Endpoint): string {
  return endpoint.url.includes(endpoint.address) ? endpoint.url : `${endpoint.url} (${endpoint.address})`;
}

/** A failed simple bind as `ldap.bind-failed`: what AD said, in words, never the password. */
export function bindError(error: unknown, bindDn: string, endpoint: Endpoint): DiagError {
  const { code, message = '' } = shape(error);
  const resultCode = typeof code === 'number' ? code : undefined;
  if (resultCode === 8 || resultCode === 13) {
    return new DiagError(
      'ldap.bind-failed',
      `${where(endpoint)} refuses a simple bind over an unencrypted connection (it requires signing or TLS).`,
      {
        cause: error,
        fix: {
          summary: 'Use LDAPS or StartTLS so the bind is encrypted.',
          steps: [
            'Set ldap.url to ldaps://<dc>:636, or keep ldap:// and set ldap.startTls: true.',
            "Trust the DC certificate's issuing CA with ldap.caFiles.",
          ],
          links: [UNAVAILABLE_LINKS[1] as Link],
        },
        data: { bindDn, resultCode },
      },
    );
  }
  const sub = adBindSubcode(message);
  const known = sub ? AD_BIND_SUBCODES[sub] : undefined;
  const detail = known
    ? `${known.meaning} (AD data ${sub})`
    : sub
      ? `AD data ${sub}`
      : resultCode === 49
        ? 'invalid credentials'
        : message.split('\n')[0] || 'the bind was refused';
  const fix: Fix = {
    summary: known?.action ?? 'Check ldap.bindDn and DIAGBOT_LDAP_PASSWORD for the service account.',
    steps: [
      `Test the account: Get-ADUser -Identity <name> -Properties Enabled,LockedOut,PasswordExpired,AccountExpirationDate.`,
      'diagbot reads the password only from DIAGBOT_LDAP_PASSWORD; restart it after changing the variable.',
    ],
    links: BIND_ERROR_LINKS,
  };
  return new DiagError('ldap.bind-failed', `${where(endpoint)} refused the bind as ${bindDn}: ${detail}.`, {
    cause: error,
    fix,
    data: { bindDn, resultCode, subcode: sub },
  });
}

const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ALTNAME|ERR_TLS|ERR_SSL|EPROTO/i;

/** A failure to reach or talk to the directory: `ldap.unavailable`, or `net.timeout` naming the step. */
export function unavailableError(error: unknown, step: string, endpoint: Endpoint, timeoutMs: number): DiagError {
  if (isFindingError(error)) return error;
  const { code, message = '' } = shape(error);
  const text = typeof code === 'string' ? code : '';
  if (/timed? ?out/i.test(message) || text === 'ETIMEDOUT') return withLdapFix(timeoutError(step, timeoutMs), endpoint);
  if (TLS_CODES.test(text) || /certificate|handshake|tls|ssl/i.test(message)) {
    return new DiagError(
      'ldap.unavailable',
      `The TLS handshake with ${where(endpoint)} failed: ${message.split('\n')[0]}.`,
      {
        cause: error,
        fix: {
          summary: 'Trust the DC certificate and connect by the name it was issued to.',
          steps: [
            'Add the PEM file of the CA that issued the DC certificate to ldap.caFiles.',
            'Use a host name in ldap.url that the certificate names (its SAN), not an IP address.',
          ],
          links: [UNAVAILABLE_LINKS[1] as Link],
        },
        data: { step, code: text || undefined },
      },
    );
  }
  const why =
    text === 'ECONNREFUSED'
      ? 'refused the connection (nothing listens there, or a firewall rejects it)'
      : text === 'EHOSTUNREACH' || text === 'ENETUNREACH'
        ? 'is unreachable from diagbot'
        : text === 'ECONNRESET' || /closed|socket/i.test(message)
          ? 'closed the connection'
          : `failed: ${message.split('\n')[0] || 'unknown error'}`;
  return new DiagError('ldap.unavailable', `The directory at ${where(endpoint)} ${why} during ${step}.`, {
    cause: error,
    fix: {
      summary: 'Check that the domain controller runs and that diagbot can reach its LDAP port.',
      steps: [
        `From the network diagbot runs in: Test-NetConnection <dc> -Port ${/^ldaps:/i.test(endpoint.url) ? 636 : 389}.`,
        'Check ldap.url (ldaps://<dc>:636 or ldap://<dc>:389) and any firewall between diagbot and the DC.',
      ],
      links: UNAVAILABLE_LINKS,
    },
    data: { step, code: text || undefined },
  });
}

function withLdapFix(error: DiagError, endpoint: Endpoint): DiagError {
  return new DiagError(error.code, error.message, {
    cause: error.cause,
    fix: {
      summary: `The directory at ${where(endpoint)} did not answer in time: check that the DC is healthy and reachable.`,
      steps: [
        "Check the DC's load and its LDAP service (dcdiag /test:services).",
        'Raise timeouts.stepMs only if the DC is known to be slow.',
      ],
      links: UNAVAILABLE_LINKS,
    },
    data: error.data,
  });
}

/** True for failures of the connection itself (not of one request): the session must be re-established. */
export function isConnectionFailure(error: unknown): boolean {
  if (isFindingError(error)) return isDiagError(error, 'ldap.unavailable', 'net.timeout');
  const { code, message = '' } = shape(error);
  if (typeof code === 'number') return code === 1 && /bind must be completed/i.test(message);
  return true;
}
