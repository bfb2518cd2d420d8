import { DiagError } from '../../../src/core/errors';
import type { NetContext } from '../../../src/net/connect';
import { createTargetPolicy } from '../../../src/net/policy';
import { tableResolver } from '../../../src/net/resolver';
import type { LocalAddressCheck } from '../../../src/smtp/local-address';
import { probeRelay, type RelayProbeRequest, type RelayProbeResult } from '../../../src/smtp/probe';
import {
  ensureLoopbackAddresses,
  freePort,
  postfixUnavailableReason,
  startPostfix,
  type PostfixInstance,
} from '../../helpers/postfix';
import { describeNeeding } from '../../helpers/describe-needing';

/**
 * The SMTP probe against a real Postfix (test/helpers/postfix.ts): mynetworks = 127.0.0.2/32,
 * permit_mynetworks + reject_unauth_destination, XCLIENT for 127.0.0.1 on the plain port, STARTTLS
 * on the second port, every transport `discard`.
 */
const describeLive = describeNeeding('Postfix', postfixUnavailableReason());

const net: NetContext = {
  policy: createTargetPolicy({ allow: ['127.0.0.0/8'], deny: [] }),
  resolver: tableResolver({ 'mx.diagbot.test': ['127.0.0.1'] }),
  timeouts: { connectMs: 3000, stepMs: 8000 },
};

/** On Linux every 127/8 address is this host's, so to exercise XCLIENT the probe is told these clients are elsewhere. */
const remoteClients = (...addresses: string[]): LocalAddressCheck => ({
  isLocal: async (address) => !addresses.includes(address),
});

function sent(result: { transcript: Array<{ send: string | null }> }): string[] {
  return result.transcript.map((t) => t.send ?? '<banner>');
}

function assertNoData(result: { transcript: Array<{ send: string | null }> }): void {
  for (const line of sent(result)) expect(line).not.toMatch(/^\s*(DATA|BDAT)\b/i);
}

describeLive('relay probe against a real Postfix', () => {
  let postfix: PostfixInstance;
  const external = 'relay-test@example.org';
  let request: (over: Partial<RelayProbeRequest>) => RelayProbeRequest;

  beforeAll(async () => {
    await ensureLoopbackAddresses(['127.0.0.2', '127.0.0.3', '127.0.0.9']);
    const port = await freePort(22100, 22149);
    const tlsPort = await freePort(22100, 22149, [port]);
    postfix = await startPostfix({ port, tlsPort });
    request = (over) => ({
      target: { host: postfix.host, port: postfix.port },
      client: '127.0.0.2',
      sender: 'probe@contoso.example',
      recipient: external,
      startTls: false,
      allowXclient: false,
      ...over,
    });
  });

  afterAll(async () => {
    await postfix?.stop();
  });

  it('binds 127.0.0.2 (in mynetworks) and the external recipient is accepted at RCPT', async () => {
    const result = await probeRelay(request({ client: '127.0.0.2' }), { net });
    expect(result.method).toBe('source-bind');
    expect(result.localAddress).toBe('127.0.0.2');
    expect(result.testedAddress).toBe('127.0.0.2');
    expect(result.outcome).toBe('accepted');
    expect(result.accepted).toBe(true);
    expect(result.rcptReply?.code).toBe(250);
    expect(result.banner).toMatch(/^220 /);
    expect(result.ehlo).toContain('PIPELINING');
    expect(sent(result)).toEqual([
      '<banner>',
      'EHLO [127.0.0.2]',
      'MAIL FROM:<probe@contoso.example>',
      `RCPT TO:<${external}>`,
      'RSET',
      'QUIT',
    ]);
    assertNoData(result);
    expect(await postfix.logMatching(/connect from \S+\[127\.0\.0\.2\]/)).toMatch(/connect from \S+\[127\.0\.0\.2\]/);
  });

  it("binds 127.0.0.3 (not in mynetworks) and gets Postfix's real 5.7.1 relay refusal", async () => {
    const result = await probeRelay(request({ client: '127.0.0.3' }), { net });
    expect(result.method).toBe('source-bind');
    expect(result.outcome).toBe('denied');
    expect(result.accepted).toBe(false);
    expect(result.rcptReply?.code).toBe(554);
    expect(result.rcptReply?.enhanced).toBe('5.7.1');
    expect(result.rcptReply?.text).toContain('Relay access denied');
    expect(
      await postfix.logMatching(
        /NOQUEUE: reject: RCPT from \S+\[127\.0\.0\.3\]: 554 5\.7\.1 <relay-test@example\.org>: Relay access denied/,
      ),
    ).toMatch(
      /NOQUEUE: reject: RCPT from \S+\[127\.0\.0\.3\]: 554 5\.7\.1 <relay-test@example\.org>: Relay access denied/,
    );
    assertNoData(result);
  });

  it.each(['127.0.0.2', '127.0.0.3'])('accepts an internal recipient from %s', async (client) => {
    const result = await probeRelay(request({ client, recipient: `postmaster@${postfix.localDomain}` }), { net });
    expect(result.method).toBe('source-bind');
    expect(result.accepted).toBe(true);
    expect(result.rcptReply?.enhanced).toBe('2.1.5');
  });

  it('speaks for 127.0.0.2 from 127.0.0.1 with XCLIENT ADDR and is accepted', async () => {
    const result = await probeRelay(request({ client: '127.0.0.2', allowXclient: true }), {
      net,
      localAddresses: remoteClients('127.0.0.2'),
    });
    expect(result.localAddress).toBe('127.0.0.1');
    expect(result.method).toBe('xclient');
    expect(result.xclient).toMatchObject({ offered: true, problem: null });
    expect(sent(result)).toEqual([
      '<banner>',
      'EHLO [127.0.0.1]',
      'XCLIENT ADDR=127.0.0.2',
      'EHLO [127.0.0.1]',
      'MAIL FROM:<probe@contoso.example>',
      `RCPT TO:<${external}>`,
      'RSET',
      'QUIT',
    ]);
    expect(result.testedAddress).toBe('127.0.0.2');
    expect(result.accepted).toBe(true);
  });

  it('speaks for 127.0.0.9 with XCLIENT and is refused: XCLIENT changes what Postfix judges', async () => {
    const result = await probeRelay(request({ client: '127.0.0.9', allowXclient: true }), {
      net,
      localAddresses: remoteClients('127.0.0.9'),
    });
    expect(result.method).toBe('xclient');
    expect(result.outcome).toBe('denied');
    expect(await postfix.logMatching(/reject: RCPT from \S+\[127\.0\.0\.9\]/)).toMatch(
      /reject: RCPT from \S+\[127\.0\.0\.9\]/,
    );
  });

  it('falls back to a direct probe when XCLIENT is off, and says the answer is for its own address', async () => {
    const result = await probeRelay(request({ client: '127.0.0.2' }), {
      net,
      localAddresses: remoteClients('127.0.0.2'),
    });
    expect(result.method).toBe('direct');
    expect(result.xclient).toMatchObject({ offered: true, problem: null });
    expect(result.testedAddress).toBe('127.0.0.1');
    // 127.0.0.1 is not in mynetworks: diagbot's own address may not relay.
    expect(result.outcome).toBe('denied');
  });

  it('records XCLIENT as not offered on the STARTTLS port and goes on directly', async () => {
    const result = await probeRelay(
      request({ client: '127.0.0.2', allowXclient: true, target: { host: postfix.host, port: postfix.tlsPort } }),
      { net, localAddresses: remoteClients('127.0.0.2') },
    );
    expect(result.xclient).toMatchObject({ offered: false, problem: 'not-offered' });
    expect(result.method).toBe('direct');
    expect(sent(result)).not.toContain('XCLIENT ADDR=127.0.0.2');
  });

  it('runs STARTTLS, EHLOs again over TLS and reaches the same relay decision', async () => {
    const result = await probeRelay(
      request({ client: '127.0.0.2', startTls: true, target: { host: 'mx.diagbot.test', port: postfix.tlsPort } }),
      { net },
    );
    expect(sent(result)).toEqual([
      '<banner>',
      'EHLO [127.0.0.2]',
      'STARTTLS',
      'EHLO [127.0.0.2]',
      'MAIL FROM:<probe@contoso.example>',
      `RCPT TO:<${external}>`,
      'RSET',
      'QUIT',
    ]);
    expect(result.tls?.protocol).toMatch(/^TLSv1\.[23]$/);
    expect(result.tls?.authorized).toBe(false); // the test certificate is self-signed
    expect(result.accepted).toBe(true);
    expect(result.address).toBe('127.0.0.1');
  });

  it('refuses --tls when the server does not offer STARTTLS, with the transcript so far', async () => {
    const error = await probeRelay(request({ startTls: true }), { net }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DiagError);
    expect((error as DiagError).code).toBe('smtp.unexpected-reply');
    expect((error as DiagError).message).toMatch(/does not offer STARTTLS/);
    expect(((error as DiagError).data?.transcript as unknown[]).length).toBe(2);
  });

  it('uses the null sender when configured so', async () => {
    const result: RelayProbeResult = await probeRelay(request({ sender: '' }), { net });
    expect(sent(result)).toContain('MAIL FROM:<>');
    expect(result.accepted).toBe(true);
  });

  it('never queued a message: no DATA in any session, empty queue, postqueue agrees', async () => {
    const log = await postfix.settledLog();
    expect(log).toMatch(/disconnect from/);
    // A session that sent DATA would log data=N on disconnect and a qmgr line for the queued message.
    expect(log).not.toMatch(/\bdata=\d/);
    expect(log).not.toMatch(/qmgr\[\d+\]: [0-9A-F]+: from=/);
    expect(log).not.toMatch(/status=sent/);
    expect(await postfix.settledQueueFiles()).toBe(0);
    expect(await postfix.postqueue()).toMatch(/Mail queue is empty/);
  });
});
