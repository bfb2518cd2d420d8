import fc from 'fast-check';
import { decodeCodes, describeEnhanced, tables, type DecodedCode } from '../../../src/kb/codes';

const one = (text: string, kind?: DecodedCode['kind']): DecodedCode => {
  const codes = decodeCodes(text).filter((c) => kind === undefined || c.kind === kind);
  expect(codes).toHaveLength(1);
  return codes[0] as DecodedCode;
};

describe('HRESULT decoding', () => {
  it.each([
    '-2147024891',
    '2147942405',
    '0x80070005',
    '80070005h',
    '0X80070005',
    'HResult = -2147024891',
    'failed with 2147942405.',
  ])('%s → 0x80070005 E_ACCESSDENIED with Win32 5 inside', (text) => {
    const code = one(text);
    expect(code).toMatchObject({ kind: 'hresult', value: '0x80070005', name: 'E_ACCESSDENIED' });
    expect(code.parts).toMatchObject({
      severity: 'failure',
      facility: 7,
      facilityName: 'WIN32',
      code: 5,
      win32: 5,
      win32Name: 'ERROR_ACCESS_DENIED',
    });
    expect(code.keys).toEqual(['hresult:0x80070005', 'win32:5']);
  });

  it('names an HRESULT_FROM_WIN32 value by the Win32 code inside', () => {
    const code = one('The RPC server is unavailable. (Exception from HRESULT: 0x800706BA)');
    expect(code).toMatchObject({ value: '0x800706BA', name: 'HRESULT_FROM_WIN32(RPC_S_SERVER_UNAVAILABLE)' });
    expect(code.keys).toContain('win32:1722');
  });

  it('prefers the MAPI name for Outlook facility-ITF codes', () => {
    expect(one('reported error (0x8004010F)')).toMatchObject({
      name: 'MAPI_E_NOT_FOUND',
      parts: { facilityName: 'ITF' },
    });
  });

  it('decodes every spelling of the same value alike (property over the generated table)', () => {
    const win32 = [5, 53, 1326, 1722, 1753, 1909, 8524, 10060, 12029];
    fc.assert(
      fc.property(fc.constantFrom(...win32), (w) => {
        const value = (0x80070000 | w) >>> 0;
        const hex = value.toString(16).padStart(8, '0');
        const spellings = [`0x${hex}`, `${hex.toUpperCase()}h`, `-${2 ** 32 - value}`, `${value}`];
        const decoded = spellings.map((s) => decodeCodes(`error ${s} occurred`).find((c) => c.kind === 'hresult'));
        for (const d of decoded) {
          expect(d?.value).toBe(`0x${hex.toUpperCase()}`);
          expect(d?.parts?.win32).toBe(w);
        }
      }),
    );
  });

  it('decodes an unknown HRESULT by structure without inventing a name', () => {
    const code = one('0x80AB1234');
    expect(code.name).toBeUndefined();
    expect(code.meaning).toMatch(/facility/);
  });

  it('leaves bare hex words alone unless they are known codes', () => {
    expect(decodeCodes('commit 8f3e2a1b deployed, hash deadbeef')).toEqual([]);
    expect(decodeCodes('80090308: LdapErr')[0]).toMatchObject({ value: '0x80090308', name: 'SEC_E_INVALID_TOKEN' });
  });

  it('does not read timestamps or ports as HRESULTs', () => {
    expect(decodeCodes('at 1732096800 the job ran on port 8443')).toEqual([]);
  });
});

describe('NTSTATUS and Win32 decoding', () => {
  it('decodes NTSTATUS values from event logs', () => {
    const codes = decodeCodes('Status: 0xC000006D Sub Status: 0xC000006A');
    expect(codes.map((c) => [c.kind, c.name])).toEqual([
      ['ntstatus', 'STATUS_LOGON_FAILURE'],
      ['ntstatus', 'STATUS_WRONG_PASSWORD'],
    ]);
    expect(codes[0]?.parts).toMatchObject({ severity: 'error' });
  });

  it('decodes a negative decimal NTSTATUS', () => {
    expect(one('NTSTATUS -1073741715')).toMatchObject({ kind: 'ntstatus', value: '0xC000006D' });
  });

  it.each([
    ['Error 1722: The RPC server is unavailable.', 1722, 'RPC_S_SERVER_UNAVAILABLE'],
    ['Winsock error code: 10060', 10060, 'WSAETIMEDOUT'],
    ['System error 5 has occurred.', 5, 'ERROR_ACCESS_DENIED'],
    ['error 0x6BA', 1722, 'RPC_S_SERVER_UNAVAILABLE'],
  ])('%s → Win32 %i %s', (text, value, name) => {
    expect(one(text, 'win32')).toMatchObject({ value: String(value), name });
  });

  it('decodes symbolic names pasted on their own', () => {
    expect(one('E_ACCESSDENIED')).toMatchObject({ kind: 'hresult', value: '0x80070005' });
    expect(one('STATUS_ACCOUNT_LOCKED_OUT')).toMatchObject({ kind: 'ntstatus', value: '0xC0000234' });
    expect(one('ERROR_LOGON_FAILURE')).toMatchObject({ kind: 'win32', value: '1326' });
  });

  it('has thousands of names generated from the mingw-w64 headers', () => {
    const t = tables();
    expect(t.win32.size + t.hresult.size + t.ntstatus.size).toBeGreaterThan(4000);
    expect(t.ldap.names(49)).toContain('LDAP_INVALID_CREDENTIALS');
    expect(t.hresult.codeOf('SEC_E_UNTRUSTED_ROOT')).toBe(0x80090325);
  });
});

describe('LDAP decoding', () => {
  it.each([
    '[LDAP: error code 49 - 80090308: LdapErr: DSID-0C09044E, comment: AcceptSecurityContext error, data 52e, v4563]',
    'ldap_bind: Invalid credentials (49)\n\tadditional info: 80090308: LdapErr: DSID-0C090447, comment: AcceptSecurityContext error, data 52e, v3839',
    'Error <49>: ldap_simple_bind_s() failed: Invalid Credentials\nServer error: 80090308: LdapErr: DSID-0C090439, comment: AcceptSecurityContext error, data 52e, v4563',
    'InvalidCredentialsError: 80090308: LdapErr: DSID-0C090569, comment: AcceptSecurityContext error, data 52e, v4563',
  ])('reads result 49 with AD sub-code 52e from %s', (text) => {
    const ldap = one(text, 'ldap');
    expect(ldap).toMatchObject({ value: '49', name: 'LDAP_INVALID_CREDENTIALS' });
    expect(ldap.parts).toMatchObject({
      rfcName: 'invalidCredentials',
      adData: '52e',
      win32: 1326,
      win32Name: 'ERROR_LOGON_FAILURE',
    });
    expect(ldap.keys).toEqual(expect.arrayContaining(['ldap:49', 'ldap-data:52e', 'win32:1326']));
    expect(ldap.meaning).toMatch(/password/);
  });

  it('reads a bare AD sub-code asked about on its own, but not "data 52e" inside unrelated text', () => {
    expect(one('data 52e', 'ldap').parts).toMatchObject({ adData: '52e', win32Name: 'ERROR_LOGON_FAILURE' });
    const log =
      'Exported the data 52e7 rows to the warehouse, then copied data 123 files; the nightly batch finished on time without any problems.';
    expect(decodeCodes(log)).toEqual([]);
  });

  it('does not also read "error code 49" as Win32 error 49', () => {
    expect(decodeCodes('LDAP: error code 49 - invalid').map((c) => c.kind)).toEqual(['ldap']);
  });

  it('decodes the AD extended error prefix as the Win32 code it is', () => {
    expect(one('00002028: LdapErr: DSID-0C090259, comment: The server requires binds', 'win32')).toMatchObject({
      value: '8232',
      name: 'ERROR_DS_STRONG_AUTH_REQUIRED',
    });
  });

  it('reads the OpenLDAP client code for an unreachable server', () => {
    expect(one("ldap_sasl_bind(SIMPLE): Can't contact LDAP server (-1)", 'ldap')).toMatchObject({ value: '-1' });
  });
});

describe('SMTP decoding', () => {
  it('reads a basic and an enhanced code with RFC 3463 class, subject and detail', () => {
    const codes = decodeCodes("Remote Server returned '550 5.7.1 Unable to relay'");
    expect(codes.map((c) => c.value)).toEqual(['550', '5.7.1']);
    expect(codes[1]?.parts).toEqual({ class: 5, subject: 7, detail: 1 });
    expect(codes[1]?.meaning).toMatch(/permanent.*security or policy.*not authorized/);
  });

  it('reads Gmail-style continuation lines and NDR hash codes', () => {
    expect(decodeCodes('550-5.7.26 This mail has been blocked').map((c) => c.value)).toEqual(['550', '5.7.26']);
    expect(decodeCodes('#550 5.1.10 RESOLVER.ADR.RecipientNotFound ##').map((c) => c.value)).toContain('5.1.10');
  });

  it('does not read version numbers as status codes in texts about something else', () => {
    const log =
      'Upgraded the build agents from node 20.1.0 and npm 5.1.2 to the latest release; tests are green again after the change.';
    expect(decodeCodes(log).filter((c) => c.kind === 'smtp')).toEqual([]);
  });

  it('describes enhanced codes from their parts', () => {
    expect(describeEnhanced('4', '4', '7')).toMatch(/transient.*routing.*delivery time expired/);
    expect(describeEnhanced('5', '9', '9')).toMatch(/unknown subject/);
  });
});

describe('HTTP decoding', () => {
  it.each([
    ['The remote server returned an error: (503) Server Unavailable.', '503'],
    ['HTTP Error 500.19 - Internal Server Error', '500.19'],
    ['HTTP/1.1 401 Unauthorized', '401'],
    ['The WinRM client received an HTTP server error status (500)', '500'],
    ['The request failed with HTTP status 401: Unauthorized.', '401'],
  ])('%s → %s', (text, value) => {
    expect(one(text, 'http').value).toBe(value);
  });

  it('ignores parenthesised numbers that are not statuses', () => {
    expect(decodeCodes('Call me at (555) Monday').filter((c) => c.kind === 'http')).toEqual([]);
  });
});

describe('TLS decoding', () => {
  it.each([
    [
      'verify error:num=20:unable to get local issuer certificate',
      'verify:20',
      'X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
    ],
    ["code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'", 'verify:21', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'],
    ['self signed certificate in certificate chain', 'verify:19', 'X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN'],
    ['Error: self-signed certificate', 'verify:18', 'X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT'],
    ['X509_V_ERR_CERT_HAS_EXPIRED', 'verify:10', 'X509_V_ERR_CERT_HAS_EXPIRED'],
    ['SSL alert number 48', 'alert:48', 'unknown_ca'],
    ['sslv3 alert handshake failure', 'alert:40', 'handshake_failure'],
  ])('%s → %s', (text, value, name) => {
    expect(one(text, 'tls')).toMatchObject({ value, name });
  });
});

describe('any text', () => {
  it('decodes without throwing and returns at most 40 codes', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 2000 }), (text) => {
        const codes = decodeCodes(text);
        expect(codes.length).toBeLessThanOrEqual(40);
        for (const c of codes) expect(c.keys.length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
    expect(decodeCodes('0x80070005 '.repeat(500)).length).toBe(1);
  });
});
