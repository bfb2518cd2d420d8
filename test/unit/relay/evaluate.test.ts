import fc from 'fast-check';
import { auditTopology, changesToAllow, PORTS_PER_SNAT_ADDRESS } from '../../../src/relay/audit';
import { compileTopology } from '../../../src/relay/evaluate';
import { bigIntToIp, parseIpRange, rangeSize } from '../../../src/relay/ip-range';
import { relayConfigSchema, type RelayTopology } from '../../../src/relay/topology-schema';

/** Topologies as an admin writes them in YAML, parsed by the real schema (defaults filled in). */
function topology(input: Record<string, unknown>): RelayTopology {
  return relayConfigSchema.parse(input);
}

const DEFAULT_FRONTEND = {
  name: 'Default Frontend',
  remoteIpRanges: ['0.0.0.0-255.255.255.255'],
  anonymousRelay: false,
};
const F5_LB = {
  name: 'SMTP_VS',
  dataGroup: { name: 'smtp_relay_allowed', members: ['10.0.5.20', '10.0.6.0/24'] },
  relaySnat: '10.0.0.200',
  defaultSnat: 'automap',
  selfIps: ['10.0.0.100'],
};

/** The F5 article's fix, done right: members SNAT to 10.0.0.200, which only the relay connector lists. */
const F5_RIGHT = topology({
  loadBalancer: F5_LB,
  connectors: [DEFAULT_FRONTEND, { name: 'Anonymous Relay', remoteIpRanges: ['10.0.0.200'], anonymousRelay: true }],
});
/** The trap: the relay connector lists the whole SNAT subnet, so the automap self IP relays too. */
const F5_TRAP = topology({
  loadBalancer: F5_LB,
  connectors: [DEFAULT_FRONTEND, { name: 'Anonymous Relay', remoteIpRanges: ['10.0.0.0/24'], anonymousRelay: true }],
});
/** Members land on 10.0.0.201, which the relay connector does not list. */
const F5_MISMATCH = topology({
  loadBalancer: { ...F5_LB, relaySnat: '10.0.0.201' },
  connectors: [DEFAULT_FRONTEND, { name: 'Anonymous Relay', remoteIpRanges: ['10.0.0.200'], anonymousRelay: true }],
});
const NO_LB = topology({
  connectors: [
    DEFAULT_FRONTEND,
    { name: 'Apps', remoteIpRanges: ['10.20.0.0/16'], anonymousRelay: true },
    { name: 'Printers', remoteIpRanges: ['10.20.30.0/24'], anonymousRelay: false },
    { name: 'Scanner', remoteIpRanges: ['10.20.30.40'], anonymousRelay: true },
  ],
});
const IPV6 = topology({
  loadBalancer: {
    name: 'SMTP_VS6',
    dataGroup: { name: 'relay6', members: ['2001:db8:5::/64'] },
    relaySnat: '2001:db8:0:1::200',
    defaultSnat: '2001:db8:0:1::100',
  },
  connectors: [
    {
      name: 'Default',
      remoteIpRanges: ['::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', '0.0.0.0-255.255.255.255'],
      anonymousRelay: false,
    },
    { name: 'Relay6', remoteIpRanges: ['2001:db8:0:1::200'], anonymousRelay: true },
  ],
});
const TWO_SELF_IPS = topology({
  loadBalancer: { ...F5_LB, selfIps: ['10.0.0.100', '10.0.0.101'] },
  connectors: [
    DEFAULT_FRONTEND,
    { name: 'Anonymous Relay', remoteIpRanges: ['10.0.0.200', '10.0.0.101'], anonymousRelay: true },
  ],
});
const NO_SNAT = topology({
  loadBalancer: { ...F5_LB, defaultSnat: 'none' },
  connectors: [
    { name: 'Internal', remoteIpRanges: ['10.0.0.0/8'] },
    { name: 'Anonymous Relay', remoteIpRanges: ['10.0.0.200'], anonymousRelay: true },
  ],
});

describe('path evaluation', () => {
  it.each([
    [
      'F5 right, member',
      F5_RIGHT,
      '10.0.5.20',
      { allowedByDataGroup: true, snatAddress: '10.0.0.200', connector: 'Anonymous Relay', verdict: 'allowed' },
    ],
    [
      'F5 right, member by CIDR',
      F5_RIGHT,
      '10.0.6.77',
      { allowedByDataGroup: true, connector: 'Anonymous Relay', verdict: 'allowed' },
    ],
    [
      'F5 right, outsider',
      F5_RIGHT,
      '10.1.2.3',
      { allowedByDataGroup: false, snatAddress: '10.0.0.100', connector: 'Default Frontend', verdict: 'denied' },
    ],
    [
      'automap trap, outsider relays',
      F5_TRAP,
      '10.1.2.3',
      { allowedByDataGroup: false, snatAddress: '10.0.0.100', connector: 'Anonymous Relay', verdict: 'allowed' },
    ],
    [
      'SNAT mismatch, member cannot relay',
      F5_MISMATCH,
      '10.0.5.20',
      { allowedByDataGroup: true, snatAddress: '10.0.0.201', connector: 'Default Frontend', verdict: 'denied' },
    ],
    [
      'no LB, single address beats its /24',
      NO_LB,
      '10.20.30.40',
      { allowedByDataGroup: null, snatAddress: null, connector: 'Scanner', verdict: 'allowed' },
    ],
    ['no LB, /24 beats /16', NO_LB, '10.20.30.41', { connector: 'Printers', verdict: 'denied' }],
    ['no LB, /16', NO_LB, '10.20.99.1', { connector: 'Apps', verdict: 'allowed' }],
    ['no LB, anything else', NO_LB, '192.0.2.1', { connector: 'Default Frontend', verdict: 'denied' }],
    ['no LB, IPv6 has no connector', NO_LB, '2001:db8::1', { connector: null, verdict: 'no-connector' }],
    [
      'IPv6 member',
      IPV6,
      '2001:db8:5::20',
      { allowedByDataGroup: true, snatAddress: '2001:db8:0:1::200', connector: 'Relay6', verdict: 'allowed' },
    ],
    [
      'IPv6 outsider',
      IPV6,
      '2001:db8:6::20',
      { allowedByDataGroup: false, snatAddress: '2001:db8:0:1::100', connector: 'Default', verdict: 'denied' },
    ],
    [
      'IPv4 client of an IPv6 data group',
      IPV6,
      '10.0.5.20',
      { allowedByDataGroup: false, snatAddress: '2001:db8:0:1::100', verdict: 'denied' },
    ],
    [
      'automap over two self IPs, one on the relay connector',
      TWO_SELF_IPS,
      '10.1.2.3',
      { snatAddress: '10.0.0.100', verdict: 'depends-on-automap' },
    ],
    [
      'no SNAT for outsiders: their own address decides',
      NO_SNAT,
      '10.0.0.200',
      { allowedByDataGroup: false, snatAddress: null, connector: 'Anonymous Relay', verdict: 'allowed' },
    ],
    ['no SNAT, outsider', NO_SNAT, '10.1.2.3', { snatAddress: null, connector: 'Internal', verdict: 'denied' }],
  ])('%s', (_name, topo, client, expected) => {
    expect(compileTopology(topo).evaluate(client)).toMatchObject({ client, ...expected });
  });

  it('traces every step, in order', () => {
    const evaluation = compileTopology(F5_RIGHT).evaluate('10.0.5.20');
    expect(evaluation.steps.map((s) => s.kind)).toEqual(['client', 'data-group', 'snat', 'connector']);
    expect(evaluation.steps[1]).toMatchObject({
      dataGroup: 'smtp_relay_allowed',
      member: true,
      matchedMember: '10.0.5.20',
    });
    expect(evaluation.routes).toHaveLength(1);
  });

  it('with XCLIENT, skips the load balancer and judges the client address itself', () => {
    const evaluation = compileTopology(F5_RIGHT).evaluate('10.0.0.200', { bypassLoadBalancer: true });
    expect(evaluation).toMatchObject({
      viaLoadBalancer: false,
      allowedByDataGroup: null,
      connector: 'Anonymous Relay',
    });
    expect(evaluation.steps[1]).toEqual({ kind: 'bypass-load-balancer', loadBalancer: 'SMTP_VS' });
  });

  it('without a load balancer, picks the same connector as a scan of every range would', () => {
    const rangeArb = fc
      .tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 8 }))
      .map(([a, b, bits]) => `10.${a}.${b}.0/${24 + bits}`);
    const connectorsArb = fc.array(
      fc.record({ ranges: fc.array(rangeArb, { minLength: 1, maxLength: 4 }), relay: fc.boolean() }),
      { minLength: 1, maxLength: 12 },
    );
    fc.assert(
      fc.property(
        connectorsArb,
        fc.array(
          fc.tuple(
            fc.integer({ min: 0, max: 255 }),
            fc.integer({ min: 0, max: 255 }),
            fc.integer({ min: 0, max: 255 }),
          ),
          { minLength: 1, maxLength: 20 },
        ),
        (connectors, clients) => {
          const topo = topology({
            connectors: connectors.map((c, i) => ({
              name: `C${i}`,
              remoteIpRanges: c.ranges,
              anonymousRelay: c.relay,
            })),
          });
          const compiled = compileTopology(topo);
          for (const [a, b, c] of clients) {
            const client = `10.${a}.${b}.${c}`;
            const value = parseIpRange(client).start;
            let best: { name: string; size: bigint } | undefined;
            topo.connectors.forEach((conn) =>
              conn.remoteIpRanges.map(parseIpRange).forEach((r) => {
                if (value >= r.start && value <= r.end && (!best || rangeSize(r) < best.size))
                  best = { name: conn.name, size: rangeSize(r) };
              }),
            );
            if (compiled.evaluate(client).connector !== (best?.name ?? null)) return false;
          }
          return true;
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('topology audit', () => {
  it("finds nothing wrong with the F5 article's design", () => {
    expect(auditTopology(compileTopology(F5_RIGHT))).toEqual([]);
  });

  it('catches the automap open relay and names the exact connector change', () => {
    const [issue, ...rest] = auditTopology(compileTopology(F5_TRAP));
    expect(rest).toEqual([]);
    expect(issue).toMatchObject({
      kind: 'automap-open-relay',
      snatAddress: '10.0.0.100',
      rule: 'automap',
      route: { connector: 'Anonymous Relay', matchedRange: '10.0.0.0/24' },
    });
    const commands = issue?.changes.map((c) => c.command) ?? [];
    expect(commands[0]).toBe(
      "Get-ReceiveConnector | Where-Object { $_.Name -eq 'Anonymous Relay' } | Set-ReceiveConnector -RemoteIPRanges @{Add='10.0.0.0-10.0.0.99','10.0.0.101-10.0.0.255'; Remove='10.0.0.0/24'}",
    );
  });

  it('catches a fixed default SNAT address on a relay connector too', () => {
    const topo = topology({ loadBalancer: { ...F5_LB, defaultSnat: '10.0.0.150' }, connectors: F5_TRAP.connectors });
    expect(auditTopology(compileTopology(topo))).toEqual([
      expect.objectContaining({ kind: 'automap-open-relay', snatAddress: '10.0.0.150', rule: 'default-snat' }),
    ]);
  });

  it('flags only the self IP that lands on a relay connector', () => {
    const issues = auditTopology(compileTopology(TWO_SELF_IPS));
    expect(issues.map((i) => (i.kind === 'automap-open-relay' ? i.snatAddress : i.kind))).toEqual(['10.0.0.101']);
  });

  it('catches a relay SNAT that lands on a non-relay connector', () => {
    const issues = auditTopology(compileTopology(F5_MISMATCH));
    expect(issues).toEqual([
      expect.objectContaining({
        kind: 'snat-mismatch',
        snatAddress: '10.0.0.201',
        route: expect.objectContaining({ connector: 'Default Frontend' }),
      }),
    ]);
    expect(issues[0]?.changes.map((c) => c.command)).toEqual([
      "Get-ReceiveConnector | Where-Object { $_.Name -eq 'Anonymous Relay' } | Set-ReceiveConnector -RemoteIPRanges @{Add='10.0.0.201'}",
    ]);
  });

  it('also removes a single-address entry that pins the relay SNAT to another connector', () => {
    const topo = topology({
      loadBalancer: F5_LB,
      connectors: [
        { ...DEFAULT_FRONTEND, remoteIpRanges: ['0.0.0.0-255.255.255.255', '10.0.0.200'] },
        { name: 'Relay', remoteIpRanges: ['10.0.1.0/24'], anonymousRelay: true },
      ],
    });
    const [issue] = auditTopology(compileTopology(topo));
    expect(issue?.changes.map((c) => c.purpose)).toEqual(['add-to-relay-connector', 'remove-from-connector']);
  });

  it.each([
    [1_000, undefined],
    [Math.ceil(PORTS_PER_SNAT_ADDRESS * 0.8), 2],
    [60_000, 2],
    [200_000, 4],
  ])('port exhaustion at %d expected connections per SNAT address → %s addresses', (expectedConnections, needed) => {
    const topo = topology({ loadBalancer: { ...F5_LB, expectedConnections }, connectors: F5_RIGHT.connectors });
    const issue = auditTopology(compileTopology(topo)).find((i) => i.kind === 'port-exhaustion');
    if (needed === undefined) {
      expect(issue).toBeUndefined();
      return;
    }
    expect(issue).toMatchObject({
      kind: 'port-exhaustion',
      addressesNeeded: needed,
      snatAddresses: ['10.0.0.200', '10.0.0.100'],
    });
    expect(issue?.changes[0]?.command).toMatch(
      /^tmsh create ltm snatpool smtp_relay_allowed_snatpool members add \{ 10\.0\.0\.200 <address 2>/,
    );
  });
});

describe('changes to allow a client', () => {
  it('through the load balancer: the tmsh command for the data group', () => {
    expect(changesToAllow(compileTopology(F5_RIGHT), '10.1.2.3').map((c) => c.command)).toEqual([
      'tmsh modify ltm data-group internal smtp_relay_allowed records add { 10.1.2.3/32 }',
    ]);
  });

  it('IPv6 members get a /128', () => {
    expect(changesToAllow(compileTopology(IPV6), '2001:db8:6::20')[0]?.command).toBe(
      'tmsh modify ltm data-group internal relay6 records add { 2001:db8:6::20/128 }',
    );
  });

  it('without a relay connector: create one and grant anonymous relay', () => {
    const topo = topology({ connectors: [DEFAULT_FRONTEND] });
    expect(changesToAllow(compileTopology(topo), '10.1.2.3').map((c) => c.purpose)).toEqual([
      'create-relay-connector',
      'grant-anonymous-relay',
    ]);
  });

  it('quotes connector names for PowerShell', () => {
    const topo = topology({
      connectors: [DEFAULT_FRONTEND, { name: "Relay 'Apps'", remoteIpRanges: ['10.9.0.0/16'], anonymousRelay: true }],
    });
    expect(changesToAllow(compileTopology(topo), '10.1.2.3')[0]?.command).toContain("$_.Name -eq 'Relay ''Apps''' }");
  });
});

it('formats addresses back for the trace', () => {
  expect(bigIntToIp(parseIpRange('10.0.0.200').start, 4)).toBe('10.0.0.200');
});
