import { InvalidCredentialsError, NoSuchObjectError, StrongAuthRequiredError } from 'ldapts';
import { DiagError } from '../../../src/core/errors';
import {
  AD_BIND_SUBCODES,
  adBindSubcode,
  bindError,
  isConnectionFailure,
  unavailableError,
} from '../../../src/directory/errors';
import { missingDirectorySettings } from '../../../src/directory/settings';

const endpoint = { url: 'ldaps://dc1.contoso.local:636', address: '10.0.0.5' };
const adMessage = (code: string): string =>
  `80090308: LdapErr: DSID-0C09041C, comment: AcceptSecurityContext error, data ${code}, v4563\u0000`;

describe('AD bind sub-codes', () => {
  it('reads the data code from what AD says', () => {
    expect(adBindSubcode(adMessage('52e'))).toBe('52e');
    expect(adBindSubcode(adMessage('775'))).toBe('775');
    expect(adBindSubcode('something else entirely')).toBeUndefined();
  });

  it.each(['525', '52e', '530', '531', '532', '533', '701', '773', '775'])(
    'explains data %s in words with an action',
    (code) => {
      const error = bindError(new InvalidCredentialsError(adMessage(code)), 'svc-diagbot@contoso.local', endpoint);
      expect(error.code).toBe('ldap.bind-failed');
      expect(error.message).toContain(AD_BIND_SUBCODES[code]?.meaning);
      expect(error.message).toContain(`AD data ${code}`);
      expect(error.message).toContain('svc-diagbot@contoso.local');
      expect(error.fix?.summary).toBe(AD_BIND_SUBCODES[code]?.action);
      expect(error.fix?.links?.length).toBeGreaterThan(0);
    },
  );

  it('still says something useful for an unknown code and for servers that are not AD', () => {
    expect(bindError(new InvalidCredentialsError(adMessage('9999')), 'cn=x', endpoint).message).toContain(
      'AD data 9999',
    );
    expect(bindError(new InvalidCredentialsError(), 'cn=x', endpoint).message).toContain('invalid credentials');
  });

  it('tells to use TLS when the DC wants a signed or encrypted bind', () => {
    const error = bindError(
      new StrongAuthRequiredError(
        '00002028: LdapErr: DSID-0C090259, comment: The server requires binds to turn on integrity checking',
      ),
      'svc',
      endpoint,
    );
    expect(error.code).toBe('ldap.bind-failed');
    expect(error.fix?.steps?.join(' ')).toMatch(/ldaps:\/\/|startTls/);
  });
});

describe('unavailable and timeout errors', () => {
  it.each([
    [
      Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:636'), { code: 'ECONNREFUSED' }),
      'ldap.unavailable',
      'refused',
    ],
    [Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }), 'ldap.unavailable', 'closed'],
    [
      new Error('Connection closed before message response was received. Message type: SearchRequest (0x63)'),
      'ldap.unavailable',
      'closed',
    ],
    [
      Object.assign(new Error('self-signed certificate in certificate chain'), { code: 'SELF_SIGNED_CERT_IN_CHAIN' }),
      'ldap.unavailable',
      'TLS',
    ],
    [
      Object.assign(new Error("Hostname/IP does not match certificate's altnames"), {
        code: 'ERR_TLS_CERT_ALTNAME_INVALID',
      }),
      'ldap.unavailable',
      'TLS',
    ],
    [new Error('Connection timeout'), 'net.timeout', 'Timed out'],
    [new Error('SearchRequest: Operation timed out'), 'net.timeout', 'Timed out'],
  ])('maps %s', (error, code, words) => {
    const mapped = unavailableError(error, 'the LDAP search', endpoint, 5000);
    expect(mapped.code).toBe(code);
    expect(mapped.message).toContain(words);
    expect(mapped.fix?.links?.length).toBeGreaterThan(0);
    expect(isConnectionFailure(error)).toBe(true);
  });

  it('treats an LDAP result (not a broken socket) as a failure of the request, not of the connection', () => {
    expect(isConnectionFailure(new NoSuchObjectError('0000208D: NameErr'))).toBe(false);
    expect(isConnectionFailure(new DiagError('ldap.unavailable', 'down'))).toBe(true);
    expect(isConnectionFailure(new DiagError('ldap.bind-failed', 'no'))).toBe(false);
  });
});

describe('missingDirectorySettings', () => {
  it('names every missing setting with its variable, and nothing when all are there', () => {
    expect(missingDirectorySettings({}).map((m) => m.env)).toEqual([
      'DIAGBOT_LDAP_URL',
      'DIAGBOT_LDAP_BASE_DN',
      'DIAGBOT_LDAP_BIND_DN',
      'DIAGBOT_LDAP_PASSWORD',
    ]);
    expect(
      missingDirectorySettings({ url: 'ldaps://dc', baseDn: 'DC=x', bindDn: ' ', password: 'p' }).map((m) => m.key),
    ).toEqual(['ldap.bindDn']);
    expect(missingDirectorySettings({ url: 'ldaps://dc', baseDn: 'DC=x', bindDn: 'svc', password: 'p' })).toEqual([]);
  });
});
