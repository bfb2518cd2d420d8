import { analyseHeadersReply } from '../../../commands/headers';
import { startMailChain, opendkimUnavailableReason, type MailChain } from '../../helpers/mail-chain';
import { ensureLoopbackAddresses, freePort, postfixUnavailableReason } from '../../helpers/postfix';
import { describeNeeding } from '../../helpers/describe-needing';

/**
 * Headers written by real servers: a message submitted over SMTP to one Postfix instance, signed there by
 * OpenDKIM, relayed (with and without TLS) to a second Postfix whose OpenDKIM verifies it, delivered to a
 * maildir, and the delivered message's headers analysed. The receiver is started only after the sender has
 * deferred the message, so the wait between the two hops is real.
 */

const describeLive = describeNeeding('Postfix and OpenDKIM', postfixUnavailableReason() ?? opendkimUnavailableReason());
const SENDER = '127.0.19.1';
const RECEIVER = '127.0.19.2';
const CLIENT = '127.0.19.3';
const WAIT_MS = 3000;

/** Four ports, never one an earlier chain of this file used (its listeners on 127.0.19.x may linger a moment). */
const used: number[] = [];
async function ports(): Promise<{ sender: number; receiver: number; signer: number; verifier: number }> {
  const next = async (): Promise<number> => {
    const port = await freePort(26000, 26999, used);
    used.push(port);
    return port;
  };
  return { sender: await next(), receiver: await next(), signer: await next(), verifier: await next() };
}

function message(subject: string): string {
  return [
    'From: Alice <alice@sender.test>',
    'To: Bob <bob@receiver.test>',
    `Subject: ${subject}`,
    `Date: ${new Date().toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <${Date.now()}.headers-test@sender.test>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Hello Bob,',
    'this message went through two Postfix instances.',
  ].join('\n');
}

/** Sends one message with the receiver down for WAIT_MS, then returns what was delivered. */
async function deliverDelayed(chain: MailChain, subject: string): Promise<string> {
  await chain.submit(message(subject), 'alice@sender.test', 'bob@receiver.test', CLIENT);
  await new Promise((r) => setTimeout(r, WAIT_MS));
  await chain.startReceiver();
  await chain.flushSender();
  return chain.delivered();
}

describeLive('headers from real mail through Postfix and OpenDKIM', () => {
  jest.setTimeout(90_000);

  beforeAll(async () => {
    await ensureLoopbackAddresses([SENDER, RECEIVER, CLIENT]);
  });

  it('TLS between the relays, signed and verified: the hops, the TLS, the wait and DKIM pass', async () => {
    const chain = await startMailChain({
      senderAddress: SENDER,
      receiverAddress: RECEIVER,
      ports: await ports(),
      tls: true,
    });
    try {
      const delivered = await deliverDelayed(chain, 'over TLS');
      const block = delivered.slice(0, delivered.indexOf('\n\n'));
      const reply = await analyseHeadersReply(delivered);
      const data = reply.data as {
        hops: Record<string, unknown>[];
        largestDelay: { hop: number; seconds: number; by: string };
        auth: Record<string, { result: string; domain?: string } | null>;
      };

      expect(reply.command).toBe('headers');
      expect(data.hops).toHaveLength(2);
      expect(data.hops[0]).toMatchObject({ by: 'mx1.sender.test', fromIp: CLIENT, with: 'ESMTP', tls: null });
      expect(data.hops[1]).toMatchObject({ by: 'mx2.receiver.test', fromIp: SENDER, with: 'ESMTPS' });
      expect(String(data.hops[1]?.tls)).toMatch(/^TLS 1\.[23] /);
      // The receiver was down for WAIT_MS: that wait is the largest delay, at the second hop.
      expect(data.largestDelay.hop).toBe(1);
      expect(data.largestDelay.by).toBe('mx2.receiver.test');
      expect(data.largestDelay.seconds).toBeGreaterThanOrEqual(Math.floor(WAIT_MS / 1000) - 1);
      expect(data.largestDelay.seconds).toBeLessThan(60);
      expect(data.auth.dkim).toMatchObject({ result: 'pass', domain: 'sender.test' });
      expect(reply.findings.find((f) => f.id === 'headers.auth.dkim')?.severity).toBe('ok');
      expect(block).toMatch(/^DKIM-Signature: .*d=sender\.test/m);
      // The part of the body pasted with the headers is reported, not read.
      expect(reply.findings.find((f) => f.id === 'headers.partial')?.message).toMatch(/message body/);
    } finally {
      await chain.stop();
    }
  });

  it('no TLS, and a verifier that knows another key: no TLS noted and DKIM fail', async () => {
    const chain = await startMailChain({
      senderAddress: SENDER,
      receiverAddress: RECEIVER,
      ports: await ports(),
      tls: false,
      wrongKey: true,
    });
    try {
      const delivered = await deliverDelayed(chain, 'in the clear');
      const headersOnly = delivered.slice(0, delivered.indexOf('\n\n'));
      const reply = await analyseHeadersReply(headersOnly);
      const data = reply.data as {
        hops: Record<string, unknown>[];
        auth: Record<string, { result: string } | null>;
        problems: unknown[];
      };
      expect(data.hops[1]).toMatchObject({ by: 'mx2.receiver.test', with: 'ESMTP', tls: null });
      expect(data.auth.dkim?.result).toBe('fail');
      expect(reply.status).toBe('fail');
      expect(reply.findings.find((f) => f.id === 'headers.auth.dkim')?.fix?.summary).toMatch(/did not verify/);
      expect(data.problems).toEqual([]);
    } finally {
      await chain.stop();
    }
  });
});
