import { createRelayCommand } from '../../../commands/relay';
import { parseConfig } from '../../../src/config/load';
import { parseArgs } from '../../../src/core/args';
import { formatTarget } from '../../../src/core/target';
import { findingOf, ids, relayApp } from './relay-app';

/** The command's words, --policy-only and its replies; nothing here touches the network. */
const TOPOLOGY = {
  target: { host: 'smtp.contoso.com', port: 25 },
  loadBalancer: {
    name: 'SMTP_VS',
    dataGroup: { name: 'smtp_relay_allowed', members: ['10.0.5.20', '10.0.6.0/24'] },
    relaySnat: '10.0.0.200',
    defaultSnat: 'automap',
    selfIps: ['10.0.0.100'],
  },
  connectors: [
    { name: 'Default Frontend', remoteIpRanges: ['0.0.0.0-255.255.255.255'], anonymousRelay: false },
    { name: 'Anonymous Relay', remoteIpRanges: ['10.0.0.200'], anonymousRelay: true },
  ],
};

describe('relay: bad input is a clear usage error', () => {
  it.each([
    ['relay', /needs the client IP/],
    ['relay not-an-ip', /`not-an-ip` is not an IP address/],
    ['relay 10.1.2.999', /is not an IP address/],
    ['relay 10.1', /`10.1` is not an IP address/],
    ['relay 10.1.2.3 via', /`via` needs a server/],
    ['relay 10.1.2.3 via smtp.contoso.com:99999', /out of range/],
    ['relay 10.1.2.3 via bad_host!', /not a valid host name/],
    ['relay 10.1.2.3 to not-an-address', /`not-an-address` is not an email address/],
    ['relay 10.1.2.3 to', /`to` needs an address/],
    ['relay 10.1.2.3 to "a b@example.org"', /is not an email address/],
    ['relay 10.1.2.3 from x', /unexpected `from`/],
    ['relay 10.1.2.3 via a.example via b.example', /`via` is given twice/],
    ['relay 10.1.2.3 --policy-only via smtp.contoso.com', /--policy-only contacts no server/],
    ['relay 10.1.2.3 --starttls', /has no option --starttls/],
  ])('%s', async (text, why) => {
    const reply = await relayApp({ relay: TOPOLOGY }).ask(text);
    expect(reply.status).toBe('error');
    expect(reply.findings).toHaveLength(1);
    const usage = findingOf(reply, 'usage');
    expect(usage.message).toMatch(why);
    expect(usage.fix?.summary).toMatch(/^Try: relay /);
  });

  it('asks for a server when neither `via` nor relay.target says which', async () => {
    const reply = await relayApp({}).ask('relay 10.1.2.3');
    expect(findingOf(reply, 'usage').message).toMatch(/No server to probe/);
  });

  it('asks for a topology when --policy-only has none to evaluate', async () => {
    const reply = await relayApp({}).ask('relay 10.1.2.3 --policy-only');
    expect(reply.status).toBe('error');
    expect(findingOf(reply, 'usage').message).toMatch(/needs a relay topology/);
  });

  it('accepts `to` before `via`, IPv6 clients and bracketed IPv6 servers', () => {
    const command = createRelayCommand({
      config: parseConfig({ relay: TOPOLOGY }),
      net: undefined as never,
      log: undefined as never,
      now: () => new Date(),
    });
    const args = parseArgs(
      command,
      'relay 2001:db8::5 to someone@example.org via [2001:db8::25]:587'.slice('relay '.length),
    );
    const target = (input: Parameters<NonNullable<typeof command.targetOf>>[0]): string | undefined => {
      const named = command.targetOf?.(input);
      return named ? formatTarget(named) : undefined;
    };
    expect(target(args)).toBe('[2001:db8::25]:587');
    expect(target(parseArgs(command, '10.1.2.3'))).toBe('smtp.contoso.com:25');
    expect(target(parseArgs(command, '10.1.2.3 via mail.contoso.com'))).toBe('mail.contoso.com:25');
    expect(command.targetOf?.(parseArgs(command, '10.1.2.3 --policy-only'))).toBeUndefined();
    expect(command.minRole).toBe('operator');
  });
});

describe('relay --policy-only', () => {
  it('traces a data-group member to the relay connector', async () => {
    const reply = await relayApp({ relay: TOPOLOGY }).ask('relay 10.0.6.9 --policy-only');
    expect(reply.status).toBe('ok');
    expect(ids(reply)).toEqual(['relay.policy.path']);
    expect(findingOf(reply, 'relay.policy.path').message).toBe(
      'client 10.0.6.9 → SMTP_VS: in data group smtp_relay_allowed (10.0.6.0/24) → SNAT 10.0.0.200 → connector "Anonymous Relay" (10.0.0.200), anonymous relay allowed ⇒ anonymous relay allowed.',
    );
    expect(reply.data).toMatchObject({
      client: '10.0.6.9',
      method: 'policy-only',
      accepted: null,
      transcript: [],
      policy: {
        allowedByDataGroup: true,
        snatAddress: '10.0.0.200',
        connector: 'Anonymous Relay',
        anonymousRelay: true,
        verdict: 'allowed',
      },
    });
  });

  it('tells an outsider how to get in: the exact tmsh command', async () => {
    const reply = await relayApp({ relay: TOPOLOGY }).ask('relay 10.1.2.3 --policy-only');
    const path = findingOf(reply, 'relay.policy.path');
    expect(path.message).toMatch(
      /not in data group smtp_relay_allowed → SNAT automap → 10\.0\.0\.100 → connector "Default Frontend"/,
    );
    expect(path.fix?.steps).toEqual([
      'On the BIG-IP: tmsh modify ltm data-group internal smtp_relay_allowed records add { 10.1.2.3/32 }',
    ]);
    expect(reply.actions).toContainEqual({ label: 'Probe live', command: 'relay 10.1.2.3 via smtp.contoso.com:25' });
  });

  it('fails on the automap open-relay trap whoever asks, and says why the outsider is allowed', async () => {
    const trap = {
      ...TOPOLOGY,
      connectors: [
        TOPOLOGY.connectors[0],
        { name: 'Anonymous Relay', remoteIpRanges: ['10.0.0.0/24'], anonymousRelay: true },
      ],
    };
    const reply = await relayApp({
      relay: trap,
      links: { 'relay.policy.automap-open-relay': 'https://wiki.contoso.example/f5-relay' },
    }).ask('relay 192.0.2.44 --policy-only');
    expect(reply.status).toBe('fail');
    const finding = findingOf(reply, 'relay.policy.automap-open-relay');
    expect(finding.message).toMatch(
      /Everyone can relay: SMTP_VS SNATs clients outside smtp_relay_allowed to 10\.0\.0\.100/,
    );
    expect(finding.fix?.links).toContainEqual({ title: 'Your runbook', url: 'https://wiki.contoso.example/f5-relay' });
    expect(findingOf(reply, 'relay.policy.path').message).toMatch(/not because of the data group/);
  });

  it('warns when no connector takes the address, with both ways to fix it', async () => {
    const reply = await relayApp({
      relay: {
        connectors: [
          { name: 'Internal', remoteIpRanges: ['10.0.0.0/8'] },
          { name: 'Relay', remoteIpRanges: ['10.9.9.9'], anonymousRelay: true },
        ],
      },
    }).ask('relay 2001:db8::77 --policy-only');
    expect(reply.status).toBe('warn');
    const finding = findingOf(reply, 'relay.policy.no-connector');
    expect(finding.fix?.steps?.[0]).toMatch(/^If it should relay — .*'Relay'.*Add='2001:db8::77'/);
    expect(finding.fix?.steps?.[1]).toMatch(/^If it should only send to your own domains — .*'Internal'/);
  });

  it('lists relay in help with its usage', async () => {
    const command = createRelayCommand({
      config: parseConfig({}),
      net: undefined as never,
      log: undefined as never,
      now: () => new Date(),
    });
    expect(command.usage).toBe('relay <client-ip> [via host[:port]] [to address] [--tls] [--policy-only]');
    expect(command.examples).toContain('relay 10.1.2.3 --policy-only');
  });
});
