import fc from 'fast-check';
import { createExplainCommand, describeCode } from '../../../commands/explain';
import { createHelpCommand } from '../../../commands/help';
import type { ChatRequest, Door } from '../../../src/core/chat-request';
import type { Logger } from '../../../src/core/command';
import type { Reply } from '../../../src/core/reply';
import { createRouter } from '../../../src/core/router';
import { looksLikeError } from '../../../src/kb';

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };
const RUNBOOK = 'https://wiki.contoso.com/runbooks/tls-trust';

const router = createRouter({
  commands: [createExplainCommand(), createHelpCommand()],
  log: silent,
  runbooks: { 'kb.tls.trust-relationship': RUNBOOK },
  fallback: { command: 'explain', accepts: looksLikeError },
});

function request(text: string, door: Door = 'terminal'): ChatRequest {
  return { platform: 'cli', door, userId: 'U1', channelId: 'C1', rawText: text, text };
}

const SEED = `[System.Net.WebException]: The underlying connection was closed: Could not establish trust relationship for the SSL/TLS secure channel. Inner error [System.Security.Authentication.AuthenticationException]: The remote certificate is invalid according to the validation procedure.
Test-ActiveSyncConnectivity -URL https://mail.contoso.com/Microsoft-Server-ActiveSync`;

function expectValidReply(reply: Reply): void {
  expect(['ok', 'warn', 'fail', 'error']).toContain(reply.status);
  expect(typeof reply.title).toBe('string');
  expect(reply.findings.length).toBeGreaterThan(0);
  for (const f of reply.findings) {
    expect(typeof f.id).toBe('string');
    expect(['ok', 'info', 'warn', 'fail', 'error']).toContain(f.severity);
    expect(f.message.length).toBeGreaterThan(0);
  }
  expect(() => JSON.stringify(reply)).not.toThrow();
}

describe('explain through the router', () => {
  it('explains the SSL trust error with the fix, links, the runbook and a cert follow-up', async () => {
    const reply = await router.handle(request(`explain ${SEED}`));
    expect(reply.command).toBe('explain');
    expect(reply.status).toBe('fail');
    const [top] = reply.findings;
    expect(top?.id).toBe('kb.tls.trust-relationship');
    expect(top?.fix?.steps?.length).toBeGreaterThan(0);
    expect(top?.fix?.links?.some((l) => l.url.startsWith('https://learn.microsoft.com/'))).toBe(true);
    expect(top?.fix?.links?.map((l) => l.url)).toContain(RUNBOOK);
    expect(reply.actions).toContainEqual({ label: 'cert mail.contoso.com', command: 'cert mail.contoso.com' });
    expect(reply.data).toMatchObject({
      matches: [expect.objectContaining({ id: 'tls.trust-relationship', title: expect.any(String) })],
      entities: {
        hosts: ['mail.contoso.com'],
        urls: ['https://mail.contoso.com/Microsoft-Server-ActiveSync'],
        ips: [],
        emails: [],
        dns: [],
      },
      followUps: ['cert mail.contoso.com'],
    });
    const confidence = (reply.data.matches as Array<{ confidence: number }>)[0]?.confidence ?? 0;
    expect(confidence).toBeGreaterThan(0.5);
    expect(confidence).toBeLessThanOrEqual(1);
  });

  it('reports decoded codes as code.<kind> findings with the contract fields', async () => {
    const reply = await router.handle(
      request(
        "explain Remote Server returned '550 5.7.54 SMTP; Unable to relay recipient in non-accepted domain' from 10.1.5.40",
      ),
    );
    expect(reply.findings[0]?.id).toBe('kb.smtp.unable-to-relay');
    expect(reply.findings.map((f) => f.id)).toEqual(expect.arrayContaining(['code.smtp']));
    expect(reply.data.codes).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: 'smtp', raw: '5.7.54', value: '5.7.54' })]),
    );
    expect(reply.data.followUps).toEqual(['relay 10.1.5.40']);
  });

  it('keeps line breaks of a verbatim paste', async () => {
    const reply = await router.handle(
      request(
        `explain An IIS directory entry couldn't be created. The error message is Access is denied.\n. HResult = -2147024891\n+ CategoryInfo : NotInstalled: (PER-EXCHMBX\\Exchange (Default Web Site):ADObjectId) [Get-OwaVirtualDirecory], IISGeneralCOMException`,
      ),
    );
    expect(reply.findings[0]?.id).toBe('kb.exchange.ems-iis-access-denied');
    const hresult = (reply.data.codes as Array<{ kind: string; value: string; name: string }>).find(
      (c) => c.kind === 'hresult',
    );
    expect(hresult).toMatchObject({ value: '0x80070005', name: 'E_ACCESSDENIED' });
  });

  it('answers explain.no-match with the decoded codes when nothing is known', async () => {
    const reply = await router.handle(
      request('explain my build script says 0x80004005 and then nothing else happened'),
    );
    expect(reply.command).toBe('explain');
    expect(reply.status).toBe('ok');
    expect(reply.findings[0]?.id).toBe('explain.no-match');
    expect(reply.findings[0]?.fix?.links?.length).toBeGreaterThan(0);
    expect(reply.findings.map((f) => f.id)).toContain('code.hresult');
    expect(reply.data.matches).toEqual([]);
  });

  it('refuses an empty explain with a usage error and an example', async () => {
    const reply = await router.handle(request('explain   '));
    expect(reply.status).toBe('error');
    expect(reply.findings[0]?.id).toBe('usage');
    expect(reply.findings[0]?.fix?.summary).toMatch(/explain /);
  });

  it('says when the paste was longer than 64 KB', async () => {
    const reply = await router.handle(request(`explain ${'The RPC server is unavailable. '.repeat(3000)}`));
    expect(reply.findings[0]?.id).toBe('kb.rpc.server-unavailable');
    expect(reply.facts.map((f) => f.value).join(' ')).toMatch(/64 KB/);
    expect(reply.data.truncated).toBe(true);
  });
});

describe('explain as the fallback for DMs and mentions', () => {
  it('explains an error pasted in a DM without the word explain', async () => {
    const reply = await router.handle(
      request('The trust relationship between this workstation and the primary domain failed.', 'dm'),
    );
    expect(reply.command).toBe('explain');
    expect(reply.findings[0]?.id).toBe('kb.ad.workstation-trust-failed');
  });

  it('explains an error in a mention', async () => {
    const reply = await router.handle(
      request(
        'LDAP: error code 49 - 80090308: LdapErr: DSID-0C09044E, comment: AcceptSecurityContext error, data 775, v4563',
        'mention',
      ),
    );
    expect(reply.findings[0]?.id).toBe('kb.ldap.bind-775-account-locked');
  });

  it('leaves small talk to the usage answer', async () => {
    const reply = await router.handle(request('hello there, how are you?', 'dm'));
    expect(reply.command).toBe('usage');
  });

  it('does not fall back for slash commands', async () => {
    const reply = await router.handle(request('The RPC server is unavailable.', 'command'));
    expect(reply.command).toBe('usage');
  });
});

describe('describeCode', () => {
  it('spells out an HRESULT with its Win32 code', () => {
    expect(
      describeCode({
        kind: 'hresult',
        raw: '-2147024891',
        value: '0x80070005',
        name: 'E_ACCESSDENIED',
        meaning: 'Access denied.',
        keys: [],
        index: 0,
        parts: {
          severity: 'failure',
          facility: 7,
          facilityName: 'WIN32',
          code: 5,
          win32: 5,
          win32Name: 'ERROR_ACCESS_DENIED',
        },
      }),
    ).toBe(
      '-2147024891 (0x80070005) = E_ACCESSDENIED — HRESULT failure, facility WIN32 (7), code 5; the Win32 error inside is 5 ERROR_ACCESS_DENIED. Access denied.',
    );
  });
});

describe('any text up to 64 KB gives a Reply, never a throw', () => {
  const fragments = [
    '0x80070005',
    '550 5.7.1',
    'data 52e',
    'CN=x,DC=y',
    'https://a.b.com/%zz',
    '%E2%82',
    '\u201Cquoted\u201D',
    '\\\\server\\share',
    'LdapErr: DSID-0C09044E, comment: AcceptSecurityContext error, data 775',
    '[',
    ']',
    '{',
    '\n',
    '\r\n',
    'AADSTS50126',
    '#5.1.10',
  ];
  const text = fc.oneof(
    fc.string({ maxLength: 2000 }),
    fc.string({ maxLength: 2000, unit: 'binary' }),
    fc.array(fc.constantFrom(...fragments), { maxLength: 300 }).map((parts) => parts.join(' ')),
    fc
      .tuple(fc.string({ maxLength: 20 }), fc.integer({ min: 1, max: 64 * 1024 }))
      .map(([s, n]) => (s || 'x').repeat(Math.ceil(n / Math.max(1, (s || 'x').length))).slice(0, n)),
  );

  it('through the router, as a command and as a DM', async () => {
    await fc.assert(
      fc.asyncProperty(text, fc.boolean(), async (t, asDm) => {
        const reply = await router.handle(request(asDm ? t : `explain ${t}`, asDm ? 'dm' : 'terminal'));
        expectValidReply(reply);
        expect(reply.findings.every((f) => f.id !== 'internal')).toBe(true);
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 150) },
    );
  });

  it('for a full 64 KB of arbitrary characters', async () => {
    const big = Array.from({ length: 64 * 1024 }, (_v, i) => String.fromCharCode((i * 7919) % 0x2fff)).join('');
    expectValidReply(await router.handle(request(`explain ${big}`)));
  });
});

describe('answers fit the paste (issue 15)', () => {
  it('gives a Postfix paste the Postfix steps and no PowerShell', async () => {
    const reply = await router.handle(
      request(
        'explain Nov 20 10:14:03 mx1 postfix/smtpd[2211]: NOQUEUE: reject: RCPT from unknown[10.1.20.33]: 554 5.7.1 <bob@fabrikam.example>: Relay access denied; from=<app@contoso.com> to=<bob@fabrikam.example> proto=ESMTP helo=<app01>',
      ),
    );
    expect(reply.findings[0]?.id).toBe('kb.smtp.unable-to-relay');
    expect(reply.data.platform).toBe('linux');
    const steps = reply.findings[0]?.fix?.steps ?? [];
    expect(steps.some((s) => s.includes('postconf'))).toBe(true);
    expect(steps.some((s) => s.includes('New-ReceiveConnector'))).toBe(false);
  });

  it('gives an Exchange paste the PowerShell steps and no postconf', async () => {
    const reply = await router.handle(
      request(
        "explain [PS] C:\\> Send-MailMessage ... Remote Server returned '550 5.7.54 SMTP; Unable to relay recipient in non-accepted domain'",
      ),
    );
    expect(reply.findings[0]?.id).toBe('kb.smtp.unable-to-relay');
    expect(reply.data.platform).toBe('windows');
    const steps = reply.findings[0]?.fix?.steps ?? [];
    expect(steps.some((s) => s.includes('New-ReceiveConnector'))).toBe(true);
    expect(steps.some((s) => s.includes('postconf'))).toBe(false);
  });

  it('labels both platforms when the paste does not say', async () => {
    const reply = await router.handle(request('explain 550 5.7.1 Unable to relay'));
    const steps = reply.findings[0]?.fix?.steps ?? [];
    expect(steps.some((s) => s.startsWith('(Linux) '))).toBe(true);
    expect(steps.some((s) => s.startsWith('(Windows) '))).toBe(true);
  });

  it('shows version notes after the steps', async () => {
    const reply = await router.handle(
      request('explain ContentIndexState : FailedAndSuspended on DB01\\EX02, search in OWA is empty'),
    );
    expect(reply.findings[0]?.id).toBe('kb.exchange.content-index-failed');
    expect(reply.findings[0]?.fix?.steps?.at(-1)).toMatch(/^Version note — Exchange 2019/);
  });

  it('states the band and decodes a JET error under an Exchange diagnosis', async () => {
    const reply = await router.handle(
      request('explain MapiExceptionJetErrorReadVerifyFailure: Unable to mount database. (hr=0x80004005, ec=-1018)'),
    );
    expect(reply.data.band).toBe('diagnosis');
    expect(reply.findings[0]?.id).toBe('kb.exchange.jet-read-verify-failure');
    expect(reply.findings.map((f) => f.id)).toContain('code.jet');
    const codes = reply.data.codes as Array<{ kind: string; value: string }>;
    expect(codes[0]).toMatchObject({ kind: 'jet', value: '-1018' });
  });

  it('offers a weak guess as possibly related under explain.no-match', async () => {
    const reply = await router.handle(
      request('explain the database copy on the second server looks odd today, not sure'),
    );
    expect(reply.data.band).not.toBe('diagnosis');
    expect(reply.findings[0]?.id).toBe('explain.no-match');
    expect(reply.data.matches).toEqual([]);
    expect(Array.isArray(reply.data.related)).toBe(true);
  });
});
