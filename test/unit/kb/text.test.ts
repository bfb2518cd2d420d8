import { classify, findDns, hostName } from '../../../src/kb/entities';
import { fillFollowUps } from '../../../src/kb/follow-ups';
import { looksLikeError } from '../../../src/kb';
import { decodePercent, joinConsoleWraps, MAX_TEXT, prepareText } from '../../../src/kb/text';

describe('text preparation', () => {
  it('joins lines a console cut mid-word, but keeps prose line breaks', () => {
    const width = 80;
    const core =
      'The underlying connection was closed: Could not establish trust relationship for the SSL/TLS secure channel.';
    // Pad so that the console's 80th column falls inside "relationship".
    const message = `${'x'.repeat(width - core.indexOf('relationship') - 5)} ${core}`;
    const wrapped = [message.slice(0, width), message.slice(width)].join('\n');
    expect(wrapped.split('\n')[0]?.endsWith('rela')).toBe(true);
    expect(joinConsoleWraps(wrapped)).toBe(message);
    expect(prepareText(wrapped).tokens).toContain('relationship');
    const prose = 'first line of a wrapped paragraph that is long enough to count\nsecond line';
    expect(joinConsoleWraps(prose)).toBe(prose);
    // A line exactly as wide as a console that ends a word is not cut when the next line opens a field of its own.
    const headers =
      'X-OWA-Error: Microsoft.Exchange.Data.Storage.ConnectionFailedTransientException\nX-FEServer: EXFE01';
    expect(headers.split('\n')[0]).toHaveLength(79);
    expect(joinConsoleWraps(headers)).toBe(headers);
    // Nor when the next line is PowerShell's position line under the error.
    const error = `${'y'.repeat(76)} deleted object is uninstantiated or deleted`;
    expect(error).toHaveLength(120);
    for (const at of ['At line:1 char:87', 'At C:\\scripts\\move.ps1:41 char:5'])
      expect(joinConsoleWraps(`${error}\n${at}`)).toBe(`${error}\n${at}`);
    // Nor when the next line is a Format-List property under an 80-column command line, or a sentence under
    // curl's 80-column error: both lines are whole, and gluing them made one word of two ('chainMore').
    const command = '[PS] C:\\>Get-ReceiveConnector "EX02\\Default Frontend EX02" | fl PermissionGroups';
    const curl = 'curl: (60) SSL certificate problem: self-signed certificate in certificate chain';
    for (const [first, next] of [
      [command, 'PermissionGroups : ExchangeUsers, ExchangeServers, ExchangeLegacyServers'],
      [curl, 'More details here: https://curl.se/docs/sslcerts.html'],
    ] as const) {
      expect(first).toHaveLength(80);
      expect(joinConsoleWraps(`${first}\n${next}`)).toBe(`${first}\n${next}`);
    }
    // Nor repeated log records, which share their length because they are the same line.
    const record = 'Jun  4 11:20:01 ldap1 slapd[912]: <= mdb_equality_candidates: (mailAlternateAddress) not indexed';
    const iso =
      '2025-03-11T07:02:19.498Z,EX02\\Default Frontend EX02,08DD5F1A2C3B4D10,6,10.0.5.20:25,203.0.113.77:49122,<,QUIT';
    for (const line of [record, iso])
      expect(joinConsoleWraps(`${line}\n${line}\n${line}`)).toBe(`${line}\n${line}\n${line}`);
    // A cut inside an identifier still joins, even where the rest starts in upper case.
    const identifier = `${'z'.repeat(31)} Microsoft.Exchange.Data.Storage.ConnectionFailedTransientException`;
    const cut = identifier.indexOf('Transient');
    expect(cut).toBe(80);
    expect(joinConsoleWraps(`${identifier.slice(0, cut)}\n${identifier.slice(cut)}`)).toBe(identifier);
  });

  it('straightens smart quotes and decodes URL-encoding', () => {
    const { tokens } = prepareText('An IIS directory entry couldn\u2019t be created%2E Access%20is%20denied');
    expect(tokens).toEqual(expect.arrayContaining(['couldn', 't', 'access', 'is', 'denied']));
    expect(decodePercent('a%20b %ZZ %e2%82%ac %ff')).toBe('a b %ZZ € %ff');
  });

  it('makes one server name look like another', () => {
    const a = prepareText('(PER-EXCHMBX\\Exchange (Default Web Site):ADObjectId) on PER-EXCHMBX.contoso.local');
    const b = prepareText('(EX01\\Exchange (Default Web Site):ADObjectId) on ex01.fabrikam.com');
    expect(a.tokens).toEqual(b.tokens);
  });

  it('abstracts GUIDs, IPs, URLs, e-mail addresses, paths (keeping the file name) and long numbers', () => {
    const { tokens } = prepareText(
      'Trace ID {0f6d1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b} from 10.1.2.3 to https://mail.contoso.com/owa for jane@contoso.com in C:\\inetpub\\web.config after 123456 ms',
    );
    expect(tokens).toEqual([
      'trace',
      'id',
      'xguid',
      'from',
      'xip',
      'to',
      'xurl',
      'for',
      'xemail',
      'in',
      'xpath',
      'web',
      'config',
      'after',
      'xnum',
      'ms',
    ]);
  });

  it('caps the analysed text at 64 KB and says so', () => {
    const big = prepareText('x'.repeat(MAX_TEXT + 10));
    expect(big.truncated).toBe(true);
    expect(big.text.length).toBe(MAX_TEXT);
  });
});

describe('entities', () => {
  it('finds hosts, URLs, IPs and e-mail addresses, and not .NET namespaces', () => {
    const { entities } = prepareText(
      '[System.Net.WebException] Test-ActiveSyncConnectivity -URL https://mail.contoso.com/Microsoft-Server-ActiveSync from 203.0.113.7 (smtp.fabrikam.co.uk:25) mailto admin@contoso.com, file web.config',
    );
    expect(entities.urls).toEqual(['https://mail.contoso.com/Microsoft-Server-ActiveSync']);
    expect(entities.hosts).toEqual(['mail.contoso.com', 'smtp.fabrikam.co.uk']);
    expect(entities.ips).toEqual(['203.0.113.7']);
    expect(entities.emails).toEqual(['admin@contoso.com']);
  });

  it('finds IPv6 addresses, bracketed or not', () => {
    const { entities } = prepareText('Client host [2001:db8::25] and fe80::1 connected');
    expect(entities.ips).toEqual(['2001:db8::25', 'fe80::1']);
  });

  it('finds DNs with spaces and escaped commas, and stops at the end of the DN', () => {
    const text =
      'Bind as "CN=Doe\\, Jane,OU=IT Professionals,OU=Engineers,DC=contoso,DC=local" failed; base OU=Staff,DC=fabrikam,DC=com.';
    expect(findDns(text).map((d) => d.dn)).toEqual([
      'CN=Doe\\, Jane,OU=IT Professionals,OU=Engineers,DC=contoso,DC=local',
      'OU=Staff,DC=fabrikam,DC=com',
    ]);
    expect(findDns('CN=alone is not a DN')).toEqual([]);
    // A domain component ends at a space: the words after a DN are the message, not part of it.
    expect(findDns('partition DC=corp,DC=example,DC=org has not been backed up').map((d) => d.dn)).toEqual([
      'DC=corp,DC=example,DC=org',
    ]);
  });

  it('classifies words one by one', () => {
    expect(classify('mail.contoso.com:443')).toEqual({ kind: 'host', value: 'mail.contoso.com' });
    expect(classify('System.Net')).toBeUndefined();
    expect(classify('Microsoft.Exchange.Management.SystemConfigurationTasks')).toBeUndefined();
    expect(classify('/DisasterRecovery')).toBeUndefined();
    expect(classify('SSL/TLS')).toBeUndefined();
    expect(hostName('contoso.local')).toBe('contoso.local');
    expect(hostName('report.docx')).toBeUndefined();
  });
});

describe('follow-ups', () => {
  it('fills templates from the entities, URL hosts first, documentation hosts never', () => {
    const { entities } = prepareText(
      'see https://go.microsoft.com/fwlink and https://mail.contoso.com/EWS/Exchange.asmx; also owa.contoso.com',
    );
    expect(fillFollowUps(['cert {host}'], entities)).toEqual(['cert mail.contoso.com', 'cert owa.contoso.com']);
  });

  it('skips a template whose placeholder has no value', () => {
    expect(fillFollowUps(['relay {ip}', 'cert {host}'], prepareText('no names here').entities)).toEqual([]);
  });

  it('quotes DNs for ou and escapes quotes inside them', () => {
    // RFC 4514 escapes a quote inside a value as \"; the ou command reads \" inside double quotes as a quote.
    const { entities } = prepareText('0000208D: NameErr: best match of: \'OU=Sales \\"West\\",DC=contoso,DC=com\'');
    expect(entities.dns).toEqual(['OU=Sales \\"West\\",DC=contoso,DC=com']);
    expect(fillFollowUps(['ou "{dn}"'], entities)).toEqual(['ou "OU=Sales \\\\"West\\\\",DC=contoso,DC=com"']);
  });

  it('offers relay for the client IP of a relay denial', () => {
    const { entities } = prepareText(
      'NOQUEUE: reject: RCPT from unknown[10.1.20.33]: 554 5.7.1 <bob@gmail.com>: Relay access denied',
    );
    expect(fillFollowUps(['relay {ip}'], entities)).toEqual(['relay 10.1.20.33']);
  });
});

describe('looksLikeError', () => {
  it.each([
    "Remote Server returned '550 5.7.1 Unable to relay'",
    'The RPC server is unavailable. (Exception from HRESULT: 0x800706BA)',
    'why do I get 0x8004010F in Outlook',
    'AADSTS50126 when connecting',
    '5.7.1',
    'The trust relationship between this workstation and the primary domain failed.',
  ])('true for %s', (text) => {
    expect(looksLikeError(text)).toBe(true);
  });

  it.each([
    'hello',
    'hi there, how are you?',
    'thanks!',
    'can you look at mail.contoso.com later',
    '',
    'error',
    'v1.2.3',
  ])('false for %j', (text) => {
    expect(looksLikeError(text)).toBe(false);
  });

  it('is cheap on huge input (looks at the first 8 KB only)', () => {
    expect(looksLikeError(`${'a'.repeat(10_000)} error`)).toBe(false);
  });
});
