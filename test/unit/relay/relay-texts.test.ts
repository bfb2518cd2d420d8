import { relayContext } from '../../../commands/relay/context';
import { liveReply } from '../../../commands/relay/live';
import { pathFindings, policyReply } from '../../../commands/relay/policy';
import { loadRelayTexts, relayTextsSchema } from '../../../commands/relay/texts';
import { parseConfig } from '../../../src/config/load';
import type { Reply } from '../../../src/core/reply';
import type { RelayProbeResult } from '../../../src/smtp/probe';
import { textsFile } from '../../helpers/texts-file';

// The words of `relay` live in commands/relay/texts.yaml. These tests render every outcome, method and XCLIENT
// case through liveReply, every path step and topology issue through policyReply, and hold the file to the shape
// the code reads.

const TOPOLOGY = {
  target: { host: 'smtp.contoso.com', port: 25 },
  loadBalancer: {
    name: 'SMTP_VS',
    dataGroup: { name: 'smtp_relay_allowed', members: ['10.0.5.20'] },
    relaySnat: '10.0.0.200',
    defaultSnat: 'automap',
    selfIps: ['10.0.0.100'],
  },
  connectors: [
    { name: 'Default Frontend', remoteIpRanges: ['0.0.0.0-255.255.255.255'], anonymousRelay: false },
    { name: 'Anonymous Relay', remoteIpRanges: ['10.0.0.200'], anonymousRelay: true },
  ],
};
const withTopology = relayContext(
  parseConfig({ relay: { ...TOPOLOGY, probe: { localDomains: ['contoso.com'] } } }).relay!,
);
const withoutTopology = relayContext(parseConfig({ relay: { probe: { localDomains: ['contoso.com'] } } }).relay!);
const summary = (code: number, raw: string) => ({ code, enhanced: null, text: raw, raw });

function probe(over: Partial<RelayProbeResult>): RelayProbeResult {
  return {
    target: { host: 'smtp.contoso.com', port: 25 },
    address: '10.0.0.100',
    method: 'source-bind',
    client: '10.9.9.9',
    recipient: 'relay-test@fabrikam.test',
    testedAddress: '10.9.9.9',
    localAddress: '10.0.0.1',
    banner: '220 hi',
    ehlo: [],
    tls: null,
    xclient: { offered: false, problem: null, reply: null },
    mailReply: summary(250, '250 ok'),
    rcptReply: summary(550, '550 5.7.1 Unable to relay'),
    outcome: 'denied',
    accepted: false,
    transcript: [],
    ...over,
  } as RelayProbeResult;
}

async function render(result: RelayProbeResult, ctx = withTopology, tls = false): Promise<Reply> {
  return liveReply(
    ctx,
    result.client,
    result.target,
    result.recipient,
    [{ port: 25, result }],
    tls,
    await loadRelayTexts(),
  );
}

const OUTCOMES = [
  'accepted',
  'denied',
  'auth-required',
  'sender-rejected',
  'recipient-rejected',
  'temporary',
  'unexpected',
] as const;

describe('relay texts (commands/relay/texts.yaml)', () => {
  const cases: Array<[string, RelayProbeResult, boolean]> = [];
  for (const outcome of OUTCOMES)
    for (const method of ['source-bind', 'xclient', 'direct'] as const)
      for (const problem of [null, 'refused', 'not-offered'] as const)
        for (const [client, tested] of [
          ['10.9.9.9', '10.9.9.9'],
          ['10.0.0.200', '10.0.0.200'],
          ['8.8.8.8', '8.8.8.8'],
          ['10.9.9.9', '10.0.0.100'],
        ])
          for (const topology of [true, false])
            cases.push([
              `${outcome} ${method} ${problem ?? 'xclient-ok'} ${client}→${tested} ${topology ? 'topology' : 'none'}`,
              probe({
                outcome,
                method,
                client,
                testedAddress: tested,
                accepted: outcome === 'accepted',
                xclient: {
                  offered: problem !== 'not-offered',
                  problem,
                  reply: problem === 'refused' ? summary(550, '550 no') : null,
                },
                recipient: outcome === 'accepted' && tested === '8.8.8.8' ? 'user@contoso.com' : 'user@fabrikam.test',
                tls: { protocol: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384', authorized: true },
              }),
              topology,
            ]);

  it.each(cases)('%s renders every text with every placeholder filled', async (_name, result, topology) => {
    const reply = await render(result, topology ? withTopology : withoutTopology, true);
    expect(JSON.stringify([reply.title, reply.findings])).not.toMatch(/\{[A-Za-z][A-Za-z0-9]*\}/);
    expect(reply.findings.length).toBeGreaterThan(0);
  });

  it('writes the words of an open relay exactly', async () => {
    const reply = await render(
      probe({
        outcome: 'accepted',
        accepted: true,
        client: '8.8.8.8',
        testedAddress: '8.8.8.8',
        rcptReply: summary(250, '250 2.1.5 ok'),
      }),
      withoutTopology,
    );
    expect(reply.title).toBe('relay 8.8.8.8 via smtp.contoso.com:25 — OPEN RELAY');
    expect(reply.findings[0]?.message).toBe(
      'smtp.contoso.com:25 accepted the external recipient <relay-test@fabrikam.test> at RCPT from 8.8.8.8 (bound to the client address) (`250 2.1.5 ok`), and 8.8.8.8 is a public address: anyone there can send mail anywhere through this server.',
    );
    expect(reply.findings[0]?.fix?.summary).toBe(
      'Stop anonymous relay from 8.8.8.8: find the connector that grants it and narrow its RemoteIPRanges.',
    );
  });

  it('says for whom a direct answer is, and why', async () => {
    const reply = await render(
      probe({ method: 'direct', testedAddress: '10.0.0.100', xclient: { offered: true, problem: null, reply: null } }),
    );
    expect(reply.findings.at(-2)?.message).toBe(
      "smtp.contoso.com:25 refused to relay from 10.0.0.100 (diagbot's own address) (`550 5.7.1 Unable to relay`). This live answer is for diagbot's own address 10.0.0.100, not for 10.9.9.9 (10.9.9.9 is not an address of this host and relay.probe.allowXclient is off); the policy evaluation is for 10.9.9.9.",
    );
  });

  describe('the topology alone (section policy)', () => {
    const LB = TOPOLOGY.loadBalancer;
    const topologies: Array<[string, Record<string, unknown>]> = [
      ['members relay', TOPOLOGY],
      [
        'automap trap, two self IPs',
        {
          loadBalancer: { ...LB, selfIps: ['10.0.0.100', '10.0.0.101'] },
          connectors: [
            TOPOLOGY.connectors[0],
            { name: 'Anonymous Relay', remoteIpRanges: ['10.0.0.100'], anonymousRelay: true },
            { name: 'Tied', remoteIpRanges: ['10.0.0.100'], anonymousRelay: false },
          ],
        },
      ],
      [
        'SNAT mismatch, port exhaustion',
        {
          loadBalancer: { ...LB, defaultSnat: 'none', expectedConnections: 60000 },
          connectors: [{ name: 'Internal', remoteIpRanges: ['10.0.0.0/8'] }],
        },
      ],
      [
        'a default SNAT on a relay connector, nothing for IPv6',
        {
          loadBalancer: { ...LB, defaultSnat: '10.0.0.150' },
          connectors: [{ name: 'Relay', remoteIpRanges: ['10.0.0.0/24'], anonymousRelay: true }],
        },
      ],
      ['no load balancer', { connectors: [{ name: 'Relay', remoteIpRanges: ['10.9.9.9'], anonymousRelay: true }] }],
    ];
    const cases = topologies.flatMap(([name, topology]) =>
      ['10.0.5.20', '10.1.2.3', '10.9.9.9', '2001:db8::77'].map((client) => [name, client, topology] as const),
    );

    it.each(cases)('%s, %s: every text with every placeholder filled', async (_name, client, topology) => {
      const ctx = relayContext(parseConfig({ relay: topology }).relay!);
      const texts = (await loadRelayTexts()).policy;
      const compiled = ctx.compiled!;
      const reply = policyReply(ctx, client, compiled, texts);
      // XCLIENT skips the load balancer: only a live probe's own evaluation takes that path.
      const bypass = pathFindings(ctx, compiled.evaluate(client, { bypassLoadBalancer: true }), compiled, texts);
      expect(JSON.stringify([reply.title, reply.findings, reply.facts, bypass])).not.toMatch(
        /\{[A-Za-z][A-Za-z0-9]*\}/,
      );
      expect(reply.findings[0]?.id).toBe('relay.policy.path');
    });

    it('writes the words of a SNAT mismatch and of port exhaustion exactly', async () => {
      const ctx = relayContext(parseConfig({ relay: topologies[2]?.[1] }).relay!);
      const reply = policyReply(ctx, '10.0.5.20', ctx.compiled!, (await loadRelayTexts()).policy);
      expect(reply.findings.find((f) => f.id === 'relay.policy.snat-mismatch')?.message).toBe(
        'Data-group members are SNATed to 10.0.0.200, but that lands on connector "Internal" (10.0.0.0/8), which does not allow anonymous relay: the clients you allowed cannot relay.',
      );
      expect(reply.findings.find((f) => f.id === 'relay.policy.port-exhaustion')?.message).toBe(
        '60,000 concurrent connections per SNAT address is 93% of the ~64,512 source ports one address has towards each server (10.0.0.200): new connections will fail at peak.',
      );
    });

    it('says the XCLIENT step', async () => {
      const ctx = relayContext(parseConfig({ relay: TOPOLOGY }).relay!);
      const [path] = pathFindings(
        ctx,
        ctx.compiled!.evaluate('10.0.0.200', { bypassLoadBalancer: true }),
        ctx.compiled!,
        (await loadRelayTexts()).policy,
      );
      expect(path?.message).toBe(
        'client 10.0.0.200 → XCLIENT (skips SMTP_VS\'s SNAT) → connector "Anonymous Relay" (10.0.0.200), anonymous relay allowed ⇒ anonymous relay allowed.',
      );
    });
  });

  describe('the file is held to the shape the code reads', () => {
    const { source, firstIssue } = textsFile<Record<string, Record<string, unknown>>>('relay', relayTextsSchema);

    it('as written', () => expect(firstIssue(source())).toBe('valid'));

    it('refuses a missing outcome, an unknown case, a link that is not in links.ts', () => {
      const noOutcome = source();
      delete (noOutcome.words?.outcome as Record<string, unknown>).temporary;
      expect(firstIssue(noOutcome)).toMatch(/^words\.outcome\.temporary: /);
      const extra = source();
      (extra.phrases?.forBot as Record<string, unknown>).typo = 'x';
      expect(firstIssue(extra)).toMatch(/^phrases\.forBot: .*typo/);
      const link = source();
      (
        (link.findings?.['relay.auth-required'] as Record<string, Record<string, unknown>>).fix as Record<
          string,
          unknown
        >
      ).links = ['auth', 'nowhere'];
      expect(firstIssue(link)).toMatch(/^findings\.relay\.auth-required\.fix\.links\.1: /);
    });
  });
});
