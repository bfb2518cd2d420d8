import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, parseConfig } from '../../../src/config/load';
import { isDiagError } from '../../../src/core/errors';

function relayError(relay: unknown): string {
  try {
    parseConfig({ relay });
  } catch (error) {
    if (isDiagError(error, 'config.invalid')) return error.message;
    throw error;
  }
  throw new Error('expected a config.invalid DiagError');
}

describe('relay configuration', () => {
  it('fills the probe defaults when relay is absent', () => {
    const config = parseConfig({});
    expect(config.relay.connectors).toEqual([]);
    expect(config.relay.probe).toEqual({
      sender: 'relay-probe@example.com',
      externalRecipient: 'relay-test@example.org',
      localDomains: [],
      allowXclient: false,
      extraPorts: [],
    });
  });

  it('names the connector and the value of a bad range', () => {
    const message = relayError({
      connectors: [
        { name: 'Default Frontend', remoteIpRanges: ['0.0.0.0-255.255.255.255'] },
        { name: 'Anonymous Relay', remoteIpRanges: ['10.0.0.200', '10.0.0.300'], anonymousRelay: true },
      ],
    });
    expect(message).toContain('relay.connectors.1.remoteIpRanges.1');
    expect(message).toContain('connector "Anonymous Relay"');
    expect(message).toContain('"10.0.0.300"');
  });

  it.each([
    ['10.0.0.9-10.0.0.1', /ends before it starts/],
    ['10.0.0.0/40', /prefix length/],
    ['smtp.contoso.com', /not an IP address/],
  ])('explains why %s is not a range', (value, why) => {
    expect(relayError({ connectors: [{ name: 'Apps', remoteIpRanges: [value] }] })).toMatch(why);
  });

  it('names the data group and the value of a bad member', () => {
    const message = relayError({
      loadBalancer: {
        dataGroup: { name: 'smtp_relay_allowed', members: ['10.0.5.20', '10.0.5.'] },
        relaySnat: '10.0.0.200',
        defaultSnat: '10.0.0.100',
      },
      connectors: [{ name: 'A', remoteIpRanges: ['10.0.0.200'], anonymousRelay: true }],
    });
    expect(message).toContain('data group "smtp_relay_allowed"');
    expect(message).toContain('"10.0.5."');
  });

  it('refuses automap without self IPs, bad SNAT addresses, duplicate connectors and bad probe settings', () => {
    expect(
      relayError({
        loadBalancer: { dataGroup: { name: 'g' }, relaySnat: '10.0.0.200' },
        connectors: [{ name: 'A', remoteIpRanges: ['10.0.0.0/8'] }],
      }),
    ).toMatch(/selfIps.*automap/s);
    expect(
      relayError({
        loadBalancer: { dataGroup: { name: 'g' }, relaySnat: 'snat-1', defaultSnat: 'none' },
        connectors: [{ name: 'A', remoteIpRanges: ['10.0.0.0/8'] }],
      }),
    ).toMatch(/relaySnat: "snat-1" is not an IP address/);
    expect(
      relayError({
        connectors: [
          { name: 'A', remoteIpRanges: ['10.0.0.0/8'] },
          { name: 'a', remoteIpRanges: ['10.0.0.1'] },
        ],
      }),
    ).toMatch(/two connectors are named "a"/);
    expect(relayError({ probe: { externalRecipient: 'not-an-address' } })).toMatch(/relay\.probe\.externalRecipient/);
    expect(relayError({ probe: { extraPorts: [70000] } })).toMatch(/relay\.probe\.extraPorts/);
  });

  it('loads the topology from YAML at start and fails fast there', () => {
    const dir = mkdtempSync(join(tmpdir(), 'diagbot-relay-config-'));
    try {
      const good = join(dir, 'good.yaml');
      writeFileSync(
        good,
        [
          'relay:',
          '  target: { host: smtp.contoso.com, port: 25 }',
          '  loadBalancer:',
          '    name: SMTP_VS',
          '    dataGroup: { name: smtp_relay_allowed, members: [10.0.5.20, 10.0.6.0/24] }',
          '    relaySnat: 10.0.0.200',
          '    defaultSnat: automap',
          '    selfIps: [10.0.0.100]',
          '    expectedConnections: 20000',
          '  connectors:',
          '    - { name: Default Frontend, remoteIpRanges: ["0.0.0.0-255.255.255.255"], anonymousRelay: false }',
          '    - { name: Anonymous Relay, remoteIpRanges: [10.0.0.200], anonymousRelay: true }',
          '  probe: { sender: relay-probe@contoso.com, allowXclient: true }',
        ].join('\n'),
      );
      const config = loadConfig({ file: good, env: {} });
      expect(config.relay.target).toEqual({ host: 'smtp.contoso.com', port: 25 });
      expect(config.relay.loadBalancer?.dataGroup.members).toEqual(['10.0.5.20', '10.0.6.0/24']);
      expect(config.relay.probe.allowXclient).toBe(true);

      const bad = join(dir, 'bad.yaml');
      writeFileSync(bad, 'relay:\n  connectors:\n    - { name: Printers, remoteIpRanges: [10.1.1.1-10.1.1.0] }\n');
      expect(() => loadConfig({ file: bad, env: {} })).toThrow(
        /connector "Printers": "10\.1\.1\.1-10\.1\.1\.0" ends before it starts/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
