import { decodeCodes, type DecodedCode } from '../../../src/kb/codes';
import { createExplainer } from '../../../src/kb/explain';
import { fillFollowUps, isThirdPartyHost, isThirdPartyIp } from '../../../src/kb/follow-ups';
import { looksLikeError } from '../../../src/kb/looks-like-error';
import { detectPlatform } from '../../../src/kb/platform';
import { prepareText } from '../../../src/kb/text';
import { loadFixtureCases } from './fixtures';

/** The code families of issue 15: ESE/JET, Exchange Online NDR codes, AADSTS, Kerberos, SSPI, WinHTTP, Schannel. */
const of = (text: string, kind: DecodedCode['kind']): DecodedCode[] => decodeCodes(text).filter((c) => c.kind === kind);

describe('ESE / JET errors', () => {
  it.each([
    ['Database recovery failed with error -1018 (JET_errReadVerifyFailure)', -1018],
    [
      'MapiExceptionJetErrorReadVerifyFailure: Unable to mount database. (hr=0x80004005, ec=-1018) StoreEc: 0xFFFFFC06',
      -1018,
    ],
    [
      'Failed to mount database "DB01". Error: An Active Manager operation failed. Error: The database action failed. Error: Operation failed with message: MapiExceptionDatabaseError: Unable to mount database. (hr=0x80004005, ec=-550)',
      -550,
    ],
    ['eseutil /mh shows State: Dirty Shutdown; mount fails with JET_errDatabaseDirtyShutdown', -550],
    ['Information Store (4420) DB02: Database recovery/restore failed with unexpected error -1216.', -1216],
    ['Log file E00.log is missing; recovery stopped with error -528 on database DB03', -528],
    ['StoreEc: 0xFFFFF8ED', -1811],
  ])('%s → jet:%d', (text, num) => {
    const codes = of(text, 'jet');
    expect(codes.map((c) => c.keys[0])).toContain(`jet:${num}`);
    expect(codes.find((c) => c.keys[0] === `jet:${num}`)?.name).toMatch(/^JET_err/);
  });

  it('does not read a negative number as JET without a database context, nor an unknown one', () => {
    expect(of('temperature dropped to -1018 units on sensor 4', 'jet')).toEqual([]);
    expect(of('the database returned -1234 rows', 'jet')).toEqual([]);
    expect(of('range 2025-11-20 database export', 'jet')).toEqual([]);
  });
});

describe('Exchange Online enhanced status codes', () => {
  it.each([
    ['550 5.7.64 TenantAttribution; Relay Access Denied', /TenantAttribution/],
    ['550 5.7.606 Access denied, banned sending IP [203.0.113.9]', /banned sending IP/],
    ['451 4.7.500 Server busy. Please try again later from [203.0.113.9]. (AS843)', /throttled/],
    ['550 5.7.708 Service unavailable. Access denied, traffic not accepted from this IP.', /tenant has exceeded/],
    ['550 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant.', /SMTP AUTH/],
    [
      'Remote Server returned 550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup',
      /not found by SMTP address/,
    ],
    ['554 5.6.211 Invalid MIME Content: Single text value size (32768) exceeded', /MIME/],
    ['550 5.7.520 Access denied, Your organization does not allow external forwarding.', /forwarding/],
  ])('%s', (text, meaning) => {
    const code = of(text, 'smtp').find((c) => c.parts?.subject !== undefined);
    expect(code?.meaning).toMatch(meaning);
  });

  it('keeps the RFC wording where a provider adds its own', () => {
    const code = of('452 4.4.7 Message delayed', 'smtp').find((c) => c.value === '4.4.7');
    expect(code?.meaning).toMatch(/delivery time expired/);
    expect(code?.meaning).toMatch(/retry/);
  });
});

describe('AADSTS', () => {
  it('decodes the code with its meaning, and an unknown one without inventing a meaning', () => {
    const [code] = of(
      'AADSTS50076: Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication',
      'aadsts',
    );
    expect(code).toMatchObject({ value: '50076', keys: ['aadsts:50076'] });
    expect(code?.meaning).toMatch(/multi-factor/);
    expect(of('AADSTS99999: something', 'aadsts')[0]?.meaning).toMatch(/look the number up/);
  });
});

describe('Kerberos', () => {
  it.each([
    [
      'An account failed to log on. Event ID 4771 Kerberos pre-authentication failed. Failure Code: 0x18',
      'kdc:0x18',
      'KDC_ERR_PREAUTH_FAILED',
    ],
    [
      'A Kerberos authentication ticket (TGT) was requested. Event 4768 Result Code: 0x6',
      'kdc:0x6',
      'KDC_ERR_C_PRINCIPAL_UNKNOWN',
    ],
    ['4769 A Kerberos service ticket was requested. Failure Code: 0xE', 'kdc:0xe', 'KDC_ERR_ETYPE_NOTSUPP'],
    ['kinit: Preauthentication failed while getting initial credentials', 'kdc:0x18', 'KDC_ERR_PREAUTH_FAILED'],
    ['kinit: Clock skew too great while getting initial credentials', 'kdc:0x25', 'KRB_AP_ERR_SKEW'],
    [
      'The Kerberos client received a KRB_AP_ERR_MODIFIED error from the server host/web01.contoso.com',
      'kdc:0x29',
      'KRB_AP_ERR_MODIFIED',
    ],
  ])('%s → %s', (text, key, name) => {
    const code = of(text, 'kdc').find((c) => c.keys[0] === key);
    expect(code?.name).toBe(name);
  });

  it('is not Win32 24 or 6 in a Kerberos event', () => {
    expect(of('Event 4771 Kerberos pre-authentication failed. Failure Code: 0x18', 'win32')).toEqual([]);
  });

  it('reads a short hex status as Kerberos only in a Kerberos text', () => {
    expect(of('HTTP parser error code: 0x18 in module foo', 'kdc')).toEqual([]);
  });
});

describe('SSPI, WinHTTP and Schannel', () => {
  it('gives SEC_E codes their own kind with both keys', () => {
    const [code] = of(
      'The certificate chain was issued by an authority that is not trusted. (Exception from HRESULT: 0x80090325)',
      'sspi',
    );
    expect(code).toMatchObject({ name: 'SEC_E_UNTRUSTED_ROOT', keys: ['sspi:0x80090325', 'hresult:0x80090325'] });
    expect(code?.meaning).toMatch(/not trusted/);
  });

  it('gives WinHTTP numbers the WinHTTP name and key, also inside an HRESULT', () => {
    expect(of('WinHttpSendRequest failed with error 12175', 'winhttp')[0]).toMatchObject({
      name: 'ERROR_WINHTTP_SECURE_FAILURE',
      keys: ['winhttp:12175', 'win32:12175'],
    });
    expect(decodeCodes('Exception from HRESULT: 0x80072F8F')[0]?.keys).toContain('winhttp:12175');
  });

  it('decodes Schannel event ids and the alert inside them', () => {
    const text =
      'Log Name: System Source: Schannel Event ID: 36887 A fatal alert was received from the remote endpoint. The TLS protocol defined fatal alert code is 40.';
    expect(of(text, 'schannel').map((c) => c.keys[0])).toEqual(['schannel:event:36887']);
    expect(of(text, 'tls').map((c) => c.keys[0])).toEqual(['tls:alert:40']);
    expect(of('invoice 36887 paid in full', 'schannel')).toEqual([]);
  });
});

describe('a bare number is not a Windows error without context', () => {
  it.each([
    '2025-11-20 10:14:03 ERROR 1 job failed to parse invoice',
    '[main] ERROR 2 records skipped',
    'there was an error 3 of 7 times',
  ])('%s → no win32', (text) => {
    expect(of(text, 'win32')).toEqual([]);
  });

  it.each([
    ['System error 5 has occurred.', '5'],
    ['Win32 error 1722', '1722'],
    ['The replication failed with error 8453', '8453'],
    ['Error 5: Access is denied.', '5'],
    ['Last error: 0x5', '5'],
  ])('%s → win32 %s', (text, value) => {
    expect(of(text, 'win32').map((c) => c.value)).toContain(value);
  });
});

describe("follow-ups only against the admin's own systems", () => {
  it.each([
    'contoso-com.mail.protection.outlook.com',
    'outlook.office365.com',
    'smtp.office365.com',
    'gmail-smtp-in.l.google.com',
    'zen.spamhaus.org',
    'b.barracudacentral.org',
    'learn.microsoft.com',
    'login.microsoftonline.com',
    'd1234.cloudfront.net',
    'myapp.azurewebsites.net',
    'contoso.onmicrosoft.com',
  ])('%s is a third party', (host) => expect(isThirdPartyHost(host)).toBe(true));

  it.each(['mail.contoso.com', 'ex01.contoso.local', 'smtp.fabrikam.co.uk', 'outlook-gw.contoso.com'])(
    '%s is not',
    (host) => {
      expect(isThirdPartyHost(host)).toBe(false);
    },
  );

  it('never offers relay against Microsoft or Google addresses, or the server that rejected us', () => {
    expect(isThirdPartyIp('40.107.22.51')).toBe(true);
    expect(isThirdPartyIp('142.250.27.26')).toBe(true);
    expect(isThirdPartyIp('10.1.20.33')).toBe(false);
    const text =
      'postfix/smtp[1234]: 4F1A2: to=<bob@fabrikam.com>, relay=mx.fabrikam.com[198.51.100.25]:25, status=bounced (host mx.fabrikam.com[198.51.100.25] said: 550 5.7.1 rejected)';
    const prepared = prepareText(text);
    expect(fillFollowUps(['relay {ip}'], prepared.entities, prepared.text)).toEqual([]);
    const eop = prepareText(
      'Client host [40.107.22.51] reported 451 4.7.500 from contoso-com.mail.protection.outlook.com',
    );
    expect(fillFollowUps(['relay {ip}', 'cert {host}', 'mail {domain}'], eop.entities, eop.text)).toEqual([]);
  });

  it('names the registered domain for mail, also under a country second level', () => {
    const prepared = prepareText('TLS handshake to smtp.fabrikam.co.uk failed');
    expect(fillFollowUps(['mail {domain}'], prepared.entities, prepared.text)).toEqual(['mail fabrikam.co.uk']);
  });

  it('still offers relay for an own client address and cert for an own host', () => {
    const prepared = prepareText(
      'NOQUEUE: reject: RCPT from unknown[10.1.20.33]: 554 5.7.1 <bob@gmail.com>: Relay access denied; helo app01.contoso.local',
    );
    expect(fillFollowUps(['relay {ip}', 'mail {domain}'], prepared.entities, prepared.text)).toEqual([
      'relay 10.1.20.33',
      'mail contoso.local',
    ]);
  });
});

describe('platform of the paste', () => {
  it.each([
    [
      'Nov 20 10:14:03 mx1 postfix/smtpd[2211]: warning: SASL authentication failure: cannot connect to saslauthd server',
      'linux',
    ],
    ['PS C:\\> Mount-Database DB01\n+ CategoryInfo : InvalidOperation', 'windows'],
    ['Log Name: Application Source: MSExchangeTransport Event ID: 15004', 'windows'],
    ['0x80090325', undefined],
  ])('%s → %s', (text, platform) => {
    expect(detectPlatform(text)).toBe(platform);
  });
});

describe('right or silent', () => {
  const explainer = createExplainer();

  it('offers a weak guess as possibly related, never as the diagnosis', () => {
    const result = explainer.explain('something about a certificate on the proxy server, not sure what');
    expect(result.band).not.toBe('diagnosis');
    expect(result.matches).toEqual([]);
  });

  it('keeps every returned match at or above the diagnosis threshold, runner-ups only when close', () => {
    const result = explainer.explain(
      "Remote Server returned '550 5.7.54 SMTP; Unable to relay recipient in non-accepted domain'",
    );
    expect(result.band).toBe('diagnosis');
    const [top, ...others] = result.matches;
    for (const other of others) expect(other.score).toBeGreaterThanOrEqual((top?.score ?? 0) * 0.75);
  });

  it('puts the codes the diagnosis names first', () => {
    const result = explainer.explain(
      'Error 0x80070005 while reading. The RPC server is unavailable. (Exception from HRESULT: 0x800706BA)',
    );
    expect(result.matches[0]?.entry.id).toBe('rpc.server-unavailable');
    expect(result.codes[0]?.value).toBe('0x800706BA');
  });
});

describe('the DM fallback recognises the new code families', () => {
  it.each([
    'JET_errReadVerifyFailure',
    'StoreEc: 0xFFFFFC06',
    'SEC_E_UNTRUSTED_ROOT',
    'ERROR_WINHTTP_SECURE_FAILURE',
    'KDC_ERR_PREAUTH_FAILED',
  ])('%s', (text) => {
    expect(looksLikeError(text)).toBe(true);
  });
});

describe('a decode never contradicts the diagnosis on top', () => {
  const explainer = createExplainer();
  const cases = loadFixtureCases();

  it('lists first the codes the diagnosis names, so the decode reads as its detail', () => {
    const wrong: string[] = [];
    for (const c of cases) {
      for (const text of c.positive) {
        const result = explainer.explain(text);
        const top = result.matches[0];
        if (!top) continue;
        const named = new Set(top.signals.filter((s) => s.kind === 'code').map((s) => s.detail));
        const first = result.codes[0];
        if (named.size > 0 && first && ![...named].some((k) => first.keys.includes(k) || k.includes('-')))
          wrong.push(`${top.entry.id}: first code ${first.keys[0]}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
