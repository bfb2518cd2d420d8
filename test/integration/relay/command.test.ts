import type { Reply } from '../../../src/core/reply';
import {
  ensureLoopbackAddresses,
  freePort,
  postfixUnavailableReason,
  startPostfix,
  type PostfixInstance,
} from '../../helpers/postfix';
import { findingOf, ids, relayApp } from '../../unit/relay/relay-app';
import { describeNeeding } from '../../helpers/describe-needing';

/**
 * The `relay` command end to end through the router against a real Postfix (mynetworks 127.0.0.2/32),
 * with topologies that agree with the server and topologies that do not.
 */
const describeLive = describeNeeding('Postfix', postfixUnavailableReason());

/** What the Postfix instance really does, written as Exchange-style receive connectors. */
const AGREEING = [
  { name: 'Default Frontend', remoteIpRanges: ['0.0.0.0-255.255.255.255'], anonymousRelay: false },
  { name: 'Anonymous Relay', remoteIpRanges: ['127.0.0.2'], anonymousRelay: true },
];
/** A topology that believes the opposite of the server. */
const WRONG = [
  { name: 'Default Frontend', remoteIpRanges: ['127.0.0.0/8'], anonymousRelay: false },
  { name: 'Printers', remoteIpRanges: ['127.0.0.3-127.0.0.7'], anonymousRelay: true },
];

function transcriptSends(reply: Reply): Array<string | null> {
  return (reply.data.transcript as Array<{ send: string | null }>).map((t) => t.send);
}

describeLive('relay command against a real Postfix', () => {
  let postfix: PostfixInstance;
  let via: string;

  beforeAll(async () => {
    await ensureLoopbackAddresses(['127.0.0.2', '127.0.0.3']);
    const port = await freePort(22150, 22199);
    const tlsPort = await freePort(22150, 22199, [port]);
    postfix = await startPostfix({ port, tlsPort });
    via = `127.0.0.1:${postfix.port}`;
  });

  afterAll(async () => {
    await postfix?.stop();
  });

  it('agrees with a matching topology: 127.0.0.2 accepted at RCPT, the path says allowed', async () => {
    const reply = await relayApp({ relay: { connectors: AGREEING } }).ask(`relay 127.0.0.2 via ${via}`);
    expect(reply.status).toBe('ok');
    expect(ids(reply)).toEqual(['relay.accepted', 'relay.policy.path']);
    expect(findingOf(reply, 'relay.accepted').message).toMatch(
      /accepted the external recipient <relay-test@example\.org> at RCPT from 127\.0\.0\.2 \(bound to the client address\)/,
    );
    expect(findingOf(reply, 'relay.accepted').message).toMatch(/not proof of delivery/);
    expect(reply.data).toMatchObject({
      client: '127.0.0.2',
      method: 'source-bind',
      accepted: true,
      policy: { connector: 'Anonymous Relay', verdict: 'allowed', anonymousRelay: true, allowedByDataGroup: null },
    });
    expect(transcriptSends(reply)).not.toContain('DATA');
  });

  it("agrees with a matching topology: 127.0.0.3 denied with Postfix's exact reply, and the fix says how to allow it", async () => {
    const reply = await relayApp({ relay: { connectors: AGREEING } }).ask(`relay 127.0.0.3 via ${via}`);
    expect(reply.status).toBe('ok');
    expect(findingOf(reply, 'relay.denied').message).toContain(
      '`554 5.7.1 <relay-test@example.org>: Relay access denied`',
    );
    expect(reply.data.rcptReply).toMatchObject({ code: 554, enhanced: '5.7.1' });
    const path = findingOf(reply, 'relay.policy.path');
    expect(path.message).toMatch(
      /client 127\.0\.0\.3 → connector "Default Frontend" \(0\.0\.0\.0-255\.255\.255\.255\), anonymous relay not allowed/,
    );
    expect(path.fix?.steps?.join('\n')).toContain(
      `Where-Object { $_.Name -eq 'Anonymous Relay' } | Set-ReceiveConnector -RemoteIPRanges @{Add='127.0.0.3'}`,
    );
  });

  it('calls it an open relay when the server accepts a client the topology does not allow', async () => {
    const reply = await relayApp({
      relay: { connectors: WRONG },
      links: { 'relay.open': 'https://wiki.contoso.example/relay' },
    }).ask(`relay 127.0.0.2 via ${via}`);
    expect(reply.status).toBe('fail');
    const open = findingOf(reply, 'relay.open');
    expect(open.message).toMatch(/although the topology does not let 127\.0\.0\.2 relay/);
    expect(open.fix?.links).toContainEqual({ title: 'Your runbook', url: 'https://wiki.contoso.example/relay' });
    expect(open.fix?.steps?.some((s) => s.includes('Get-ADPermission'))).toBe(true);
  });

  it('reports a blocked allowed client when the server refuses a client the topology allows', async () => {
    const reply = await relayApp({ relay: { connectors: WRONG } }).ask(`relay 127.0.0.3 via ${via}`);
    expect(reply.status).toBe('fail');
    expect(findingOf(reply, 'relay.blocked-allowed-client').message).toMatch(
      /refused to relay from 127\.0\.0\.3.*although the topology lets 127\.0\.0\.3 relay \(connector "Printers"\)/,
    );
    expect(ids(reply)).toContain('relay.denied');
  });

  it('treats a recipient in a local domain as delivery, not relay', async () => {
    const reply = await relayApp({ relay: { connectors: WRONG, probe: { localDomains: [postfix.localDomain] } } }).ask(
      `relay 127.0.0.2 via ${via} to postmaster@${postfix.localDomain}`,
    );
    expect(reply.status).toBe('ok');
    expect(findingOf(reply, 'relay.accepted').message).toMatch(/a local domain, so this is delivery, not relay/);
  });

  it('without a topology reports the live answer only', async () => {
    const reply = await relayApp({}).ask(`relay 127.0.0.3 via ${via}`);
    expect(ids(reply)).toEqual(['relay.denied']);
    expect(reply.data.policy).toBeNull();
  });

  it('probes the configured extra ports too, and STARTTLS with --tls', async () => {
    const reply = await relayApp({
      relay: { target: { host: 'mx.diagbot.test', port: postfix.tlsPort }, probe: { extraPorts: [postfix.port] } },
    }).ask('relay 127.0.0.2 --tls');
    expect(reply.data.target).toEqual({ host: 'mx.diagbot.test', port: postfix.tlsPort });
    expect(transcriptSends(reply)).toContain('STARTTLS');
    expect(reply.data.tls).toMatchObject({ authorized: false });
    // The plain port offers no STARTTLS, so --tls there is an error for that port only.
    expect(findingOf(reply, 'smtp.unexpected-reply').message).toMatch(
      new RegExp(`Port ${postfix.port}: .*does not offer STARTTLS`),
    );
    expect(reply.status).toBe('warn');
    expect(reply.data.ports).toEqual([
      { port: postfix.port, error: expect.objectContaining({ code: 'smtp.unexpected-reply' }) },
    ]);
  });

  it('with a load balancer in the topology, compares the live answer with the path through SNAT', async () => {
    const relay = {
      loadBalancer: {
        name: 'SMTP_VS',
        dataGroup: { name: 'smtp_relay_allowed', members: ['127.0.0.2'] },
        relaySnat: '127.0.0.2',
        defaultSnat: '127.0.0.3',
      },
      connectors: AGREEING,
    };
    const reply = await relayApp({ relay }).ask(`relay 127.0.0.2 via ${via}`);
    expect(reply.status).toBe('ok');
    expect(reply.data.policy).toMatchObject({
      allowedByDataGroup: true,
      snatAddress: '127.0.0.2',
      connector: 'Anonymous Relay',
      verdict: 'allowed',
    });
    expect(findingOf(reply, 'relay.policy.path').message).toMatch(
      /SMTP_VS: in data group smtp_relay_allowed \(127\.0\.0\.2\) → SNAT 127\.0\.0\.2/,
    );
  });

  it('left nothing in the queue and never sent DATA', async () => {
    expect(await postfix.settledLog()).not.toMatch(/\bdata=\d/);
    expect(await postfix.settledQueueFiles()).toBe(0);
    expect(await postfix.postqueue()).toMatch(/Mail queue is empty/);
  });
});
