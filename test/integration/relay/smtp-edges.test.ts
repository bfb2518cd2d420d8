import type { NetContext } from '../../../src/net/connect';
import { createTargetPolicy } from '../../../src/net/policy';
import { tableResolver } from '../../../src/net/resolver';
import { probeRelay, type RelayProbeRequest } from '../../../src/smtp/probe';
import { freePort } from '../../helpers/postfix';
import { findingOf, ids, relayApp } from '../../unit/relay/relay-app';
import { startFakeSmtp, type FakeSmtp, type FakeSmtpScript } from './fake-smtp';
import { diagFailure as failure } from '../../helpers/diag-error';

/** Scripted servers on loopback (ports 22200–22299) for what a real Postfix will not do on demand. */
const net: NetContext = {
  policy: createTargetPolicy({ allow: ['127.0.0.0/8'], deny: [] }),
  resolver: tableResolver({}),
  timeouts: { connectMs: 2000, stepMs: 400 },
};
const elsewhere = { isLocal: async () => false };

let server: FakeSmtp | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(script: FakeSmtpScript): Promise<FakeSmtp> {
  server = await startFakeSmtp(await freePort(22200, 22299), script);
  return server;
}

function request(port: number, over: Partial<RelayProbeRequest> = {}): RelayProbeRequest {
  return {
    target: { host: '127.0.0.1', port },
    client: '10.1.2.3',
    sender: 'probe@contoso.example',
    recipient: 'relay-test@example.org',
    startTls: false,
    allowXclient: false,
    ...over,
  };
}

describe('deadlines', () => {
  it('names the banner step when the server never greets', async () => {
    const s = await serve({ banner: null });
    const error = await failure(probeRelay(request(s.port), { net, localAddresses: elsewhere }));
    expect(error.code).toBe('net.timeout');
    expect(error.message).toMatch(/the SMTP banner/);
    expect(error.data?.transcript).toEqual([expect.objectContaining({ send: null, reply: null })]);
  });

  it('names the EHLO step when the server stalls after EHLO', async () => {
    const s = await serve({ replies: { EHLO: null } });
    const error = await failure(probeRelay(request(s.port), { net, localAddresses: elsewhere }));
    expect(error.code).toBe('net.timeout');
    expect(error.message).toMatch(/the reply to EHLO/);
    expect(s.received).toEqual(['EHLO [127.0.0.1]']);
  });

  it('turns a stall into an error Reply that names the step, through the command', async () => {
    const s = await serve({ replies: { MAIL: null } });
    const reply = await relayApp({}, { localAddresses: elsewhere, stepMs: 400 }).ask(
      `relay 10.1.2.3 via 127.0.0.1:${s.port}`,
    );
    expect(reply.status).toBe('error');
    expect(findingOf(reply, 'net.timeout').message).toMatch(/the reply to MAIL FROM/);
    expect((reply.data.transcript as unknown[]).length).toBe(3);
  });
});

describe('greetings that are not SMTP', () => {
  it('reports a non-SMTP banner as smtp.greeting-failed', async () => {
    const s = await serve({ banner: 'SSH-2.0-OpenSSH_9.2p1 Debian-2' });
    const reply = await relayApp({}, { localAddresses: elsewhere }).ask(`relay 10.1.2.3 via 127.0.0.1:${s.port}`);
    expect(reply.status).toBe('error');
    const finding = findingOf(reply, 'smtp.greeting-failed');
    expect(finding.message).toMatch(/SSH-2\.0-OpenSSH/);
    expect(finding.fix?.links?.length).toBeGreaterThan(0);
    expect(s.received).toEqual([]);
  });

  it("reports 421 at connect as smtp.greeting-failed with the server's text", async () => {
    const s = await serve({
      banner: '421 4.3.2 Service not available, closing transmission channel',
      closeAfterBanner: true,
    });
    const reply = await relayApp({}, { localAddresses: elsewhere }).ask(`relay 10.1.2.3 via 127.0.0.1:${s.port}`);
    expect(reply.status).toBe('error');
    expect(findingOf(reply, 'smtp.greeting-failed').message).toContain('421 4.3.2 Service not available');
    expect(reply.data.transcript).toEqual([
      { send: null, reply: '421 4.3.2 Service not available, closing transmission channel' },
    ]);
  });

  it('reports a connection closed before any banner', async () => {
    const s = await serve({ banner: null, closeAfterBanner: true });
    const error = await failure(probeRelay(request(s.port), { net, localAddresses: elsewhere }));
    expect(error.code).toBe('smtp.greeting-failed');
  });

  it('stops reading a 100 KB reply line with a clear error', async () => {
    const s = await serve({ replies: { EHLO: `250 ${'x'.repeat(100 * 1024)}` } });
    const reply = await relayApp({}, { localAddresses: elsewhere }).ask(`relay 10.1.2.3 via 127.0.0.1:${s.port}`);
    expect(reply.status).toBe('error');
    expect(findingOf(reply, 'smtp.unexpected-reply').message).toMatch(/longer than \d+ bytes/);
    expect(JSON.stringify(reply).length).toBeLessThan(20_000);
  });
});

describe('reply parsing', () => {
  it('reads multi-line replies dribbled one byte per packet', async () => {
    const s = await serve({
      dribble: true,
      replies: { EHLO: '250-fake.test greets you\r\n250-SIZE 1000\r\n250-XCLIENT ADDR NAME\r\n250 STARTTLS' },
    });
    const result = await probeRelay(request(s.port), {
      net: { ...net, timeouts: { connectMs: 2000, stepMs: 5000 } },
      localAddresses: elsewhere,
    });
    expect(result.ehlo).toEqual(['SIZE 1000', 'XCLIENT ADDR NAME', 'STARTTLS']);
    expect(result.xclient.offered).toBe(true);
    expect(result.accepted).toBe(true);
  });

  it('falls back to HELO when EHLO is unknown', async () => {
    const s = await serve({ replies: { EHLO: '502 5.5.2 Error: command not recognized' } });
    const result = await probeRelay(request(s.port, { heloName: 'probe.contoso.example' }), {
      net,
      localAddresses: elsewhere,
    });
    expect(s.received.slice(0, 2)).toEqual(['EHLO probe.contoso.example', 'HELO probe.contoso.example']);
    expect(result.ehlo).toEqual([]);
    expect(result.accepted).toBe(true);
  });

  it('records a refused XCLIENT and goes on from its own address', async () => {
    const s = await serve({
      replies: { EHLO: '250-fake.test\r\n250 XCLIENT ADDR', XCLIENT: '550 5.7.0 Error: insufficient authorization' },
    });
    const reply = await relayApp({ relay: { probe: { allowXclient: true } } }, { localAddresses: elsewhere }).ask(
      `relay 10.1.2.3 via 127.0.0.1:${s.port}`,
    );
    expect(s.received).toContain('XCLIENT ADDR=10.1.2.3');
    expect(reply.data.method).toBe('direct');
    expect(findingOf(reply, 'smtp.xclient-unsupported').message).toContain('550 5.7.0');
    expect(findingOf(reply, 'relay.accepted').message).toMatch(
      /for diagbot's own address 127\.0\.0\.1, not for 10\.1\.2\.3/,
    );
  });

  it.each([
    ['Exchange 2010 anonymous submission', '530 5.7.1 Client was not authenticated', 'relay.auth-required'],
    [
      'Exchange Online',
      '550 5.7.57 SMTP; Client was not authenticated to send anonymous mail during MAIL FROM',
      'relay.auth-required',
    ],
    ['Exchange 2013+', '550 5.7.54 SMTP; Unable to relay recipient in non-accepted domain', 'relay.denied'],
    ['Postfix defer_unauth_destination', '454 4.7.1 <relay-test@example.org>: Relay access denied', 'relay.denied'],
    ['Sendmail', '550 5.7.1 <relay-test@example.org>... Relaying denied', 'relay.denied'],
    [
      'a recipient check',
      '550 5.1.1 <relay-test@example.org>: Recipient address rejected: User unknown',
      'smtp.unexpected-reply',
    ],
    [
      'greylisting',
      '450 4.2.0 <relay-test@example.org>: Recipient address rejected: Greylisted',
      'smtp.unexpected-reply',
    ],
  ])('classifies %s at RCPT', async (_name, rcpt, id) => {
    const s = await serve({ replies: { RCPT: rcpt } });
    const reply = await relayApp({}, { localAddresses: elsewhere }).ask(`relay 10.1.2.3 via 127.0.0.1:${s.port}`);
    expect(ids(reply)).toContain(id);
    expect(reply.status).toBe(id === 'smtp.unexpected-reply' ? 'warn' : 'ok');
    expect(reply.data.rcptReply).toMatchObject({ raw: rcpt });
    expect(reply.data.accepted).toBe(false);
    expect(s.received).not.toContain('DATA');
  });

  it('stops at MAIL FROM when the server wants authentication there, without sending RCPT', async () => {
    const s = await serve({ replies: { MAIL: '530 5.7.0 Authentication required' } });
    const reply = await relayApp({}, { localAddresses: elsewhere }).ask(`relay 10.1.2.3 via 127.0.0.1:${s.port}`);
    expect(ids(reply)).toContain('relay.auth-required');
    expect(s.received.some((l) => l.startsWith('RCPT'))).toBe(false);
    expect(s.received.slice(-2)).toEqual(['RSET', 'QUIT']);
  });

  it('calls a public client accepted over XCLIENT an open relay even without a topology', async () => {
    const s = await serve({
      replies: { EHLO: '250-fake.test\r\n250 XCLIENT ADDR NAME', XCLIENT: '220 fake.test ESMTP' },
    });
    const reply = await relayApp({ relay: { probe: { allowXclient: true } } }, { localAddresses: elsewhere }).ask(
      `relay 8.8.8.8 via 127.0.0.1:${s.port}`,
    );
    expect(s.received).toContain('XCLIENT ADDR=8.8.8.8');
    expect(reply.status).toBe('fail');
    expect(findingOf(reply, 'relay.open').message).toMatch(/8\.8\.8\.8 is a public address/);
    expect(reply.title).toMatch(/OPEN RELAY/);
  });

  it('writes IPv6 clients as XCLIENT ADDR=IPV6:…', async () => {
    const s = await serve({ replies: { EHLO: '250-fake.test\r\n250 XCLIENT ADDR', XCLIENT: '220 fake.test ESMTP' } });
    await probeRelay(request(s.port, { client: '2001:db8::25', allowXclient: true }), {
      net,
      localAddresses: elsewhere,
    });
    expect(s.received).toContain('XCLIENT ADDR=IPV6:2001:db8::25');
  });
});
