import { DiagError } from '../../../src/core/errors';
import { resolveChecked, type NetContext } from '../../../src/net/connect';
import { createTargetPolicy, isMetadataTarget, type TargetRules } from '../../../src/net/policy';
import { tableResolver, type ResolvedAddress, type Resolver } from '../../../src/net/resolver';
import { parseTarget } from '../../../src/net/target';
import { createPortPolicy } from '../../../src/guard/ports';
import { diagErrorWith } from '../../helpers/diag-error';

/**
 * The SSRF matrix: what a chat user types as a target, under which policy, and whether diagbot may
 * reach it. Each case goes the way a probe goes: parseTarget → resolveChecked (resolve once, check
 * every answer). No socket is opened here; test/integration/guard connects for real.
 */
interface Case {
  name: string;
  input: string;
  rules?: Partial<TargetRules>;
  dns?: Record<string, string[]>;
  expect: 'allowed' | 'policy.denied' | 'usage';
}

const PUBLIC = '93.184.216.34';

const CASES: Case[] = [
  // IPv4 spellings of loopback under the default policy
  { name: 'decimal loopback', input: '2130706433', expect: 'policy.denied' },
  { name: 'octal loopback', input: '0177.0.0.1', expect: 'policy.denied' },
  { name: 'hex short loopback', input: '0x7f.1', expect: 'policy.denied' },
  { name: 'hex whole loopback', input: '0x7f000001:25', expect: 'policy.denied' },
  { name: 'octal whole loopback', input: '017700000001', expect: 'policy.denied' },
  { name: 'two-part loopback', input: '127.1', expect: 'policy.denied' },
  { name: 'loopback with a trailing dot', input: '127.0.0.1.', expect: 'policy.denied' },
  { name: 'zero is 0.0.0.0', input: '0', expect: 'policy.denied' },
  // IPv6 carrying IPv4
  { name: 'IPv4-mapped dotted', input: '[::ffff:127.0.0.1]:443', expect: 'policy.denied' },
  { name: 'IPv4-mapped hex', input: '[::ffff:7f00:1]', expect: 'policy.denied' },
  { name: 'IPv4-mapped long form', input: '[0:0:0:0:0:ffff:7f00:0001]', expect: 'policy.denied' },
  { name: 'IPv4-translated', input: '[::ffff:0:7f00:1]', expect: 'policy.denied' },
  { name: 'IPv4-compatible', input: '[::127.0.0.1]', expect: 'policy.denied' },
  { name: 'NAT64 of loopback', input: '[64:ff9b::7f00:1]', expect: 'policy.denied' },
  { name: '6to4 of metadata', input: '[2002:a9fe:a9fe::1]', rules: { allow: ['::/0'] }, expect: 'policy.denied' },
  { name: 'IPv6 loopback', input: '[::1]:25', expect: 'policy.denied' },
  { name: 'IPv6 unspecified', input: '[::]', expect: 'policy.denied' },
  // zone ids
  { name: 'link-local with a URL zone id', input: 'https://[fe80::1%25eth0]/', expect: 'policy.denied' },
  { name: 'link-local with a zone id', input: '[fe80::1%eth0]:443', expect: 'policy.denied' },
  // metadata under broad allows
  {
    name: 'metadata under 0.0.0.0/0',
    input: '169.254.169.254',
    rules: { allow: ['0.0.0.0/0'] },
    expect: 'policy.denied',
  },
  {
    name: 'hex metadata under link-local allow',
    input: '0xa9fea9fe',
    rules: { allow: ['169.254.0.0/16'] },
    expect: 'policy.denied',
  },
  {
    name: 'mapped metadata under ::/0 and 0.0.0.0/0',
    input: '[::ffff:169.254.169.254]',
    rules: { allow: ['::/0', '0.0.0.0/0'] },
    expect: 'policy.denied',
  },
  {
    name: 'AWS IPv6 metadata written long',
    input: '[fd00:ec2:0:0:0:0:0:254]',
    rules: { allow: ['::/0'] },
    expect: 'policy.denied',
  },
  {
    name: 'ECS credentials endpoint',
    input: '169.254.170.2',
    rules: { allow: ['169.254.0.0/16'] },
    expect: 'policy.denied',
  },
  {
    name: 'Azure WireServer under a broad allow',
    input: '168.63.129.16',
    rules: { allow: ['0.0.0.0/0'] },
    expect: 'policy.denied',
  },
  { name: 'Alibaba metadata', input: '100.100.100.200', expect: 'policy.denied' },
  {
    name: 'metadata name with a trailing dot, suffix allowed',
    input: 'metadata.google.internal.',
    rules: { allow: ['internal'] },
    dns: { 'metadata.google.internal': ['10.0.0.5'] },
    expect: 'policy.denied',
  },
  {
    name: 'metadata name in capitals',
    input: 'METADATA.Google.Internal',
    dns: { 'metadata.google.internal': ['169.254.169.254'] },
    expect: 'policy.denied',
  },
  {
    name: 'metadata named exactly in allow',
    input: '169.254.169.254',
    rules: { allow: ['169.254.169.254/32'] },
    expect: 'allowed',
  },
  {
    name: 'metadata named exactly as mapped IPv6 in allow',
    input: '[::ffff:a9fe:a9fe]',
    rules: { allow: ['::ffff:169.254.169.254/128'] },
    expect: 'allowed',
  },
  // names resolving to denied addresses (every answer is checked)
  {
    name: 'name with one loopback answer among public ones',
    input: 'evil.test',
    dns: { 'evil.test': [PUBLIC, '127.0.0.1'] },
    expect: 'policy.denied',
  },
  {
    name: 'name answering IPv4-mapped loopback',
    input: 'evil.test',
    dns: { 'evil.test': ['::ffff:127.0.0.1'] },
    expect: 'policy.denied',
  },
  {
    name: 'name answering metadata under 0.0.0.0/0',
    input: 'evil.test',
    rules: { allow: ['0.0.0.0/0'] },
    dns: { 'evil.test': ['169.254.169.254'] },
    expect: 'policy.denied',
  },
  {
    name: 'name answering a decimal address',
    input: 'evil.test',
    dns: { 'evil.test': ['2130706433'] },
    expect: 'policy.denied',
  },
  // the order of the rules
  {
    name: 'explicit allow opens loopback',
    input: '127.0.0.1:25',
    rules: { allow: ['127.0.0.0/8'] },
    expect: 'allowed',
  },
  {
    name: 'deny wins over allow',
    input: '0x7f.1',
    rules: { allow: ['127.0.0.0/8'], deny: ['127.0.0.1/32'] },
    expect: 'policy.denied',
  },
  {
    name: 'denied suffix with a trailing dot and capitals',
    input: 'MAIL.Contoso.com.',
    rules: { deny: ['contoso.com'] },
    dns: { 'mail.contoso.com': [PUBLIC] },
    expect: 'policy.denied',
  },
  { name: 'private address by default', input: '10.0.0.5:443', expect: 'allowed' },
  {
    name: 'public name by default',
    input: 'mail.example.org',
    dns: { 'mail.example.org': [PUBLIC, '2001:db8::25'] },
    expect: 'allowed',
  },
  // text that is no address at all
  { name: 'out-of-range dotted quad', input: '10.0.0.300', expect: 'usage' },
  { name: 'out-of-range hex parts', input: '0x7f.0x0.0x0.0x100', expect: 'usage' },
  { name: 'percent-encoded address', input: '%31%32%37.0.0.1', expect: 'usage' },
];

function netFor(testCase: Case, resolver?: Resolver): NetContext {
  return {
    policy: createTargetPolicy({ allow: testCase.rules?.allow ?? [], deny: testCase.rules?.deny ?? [] }),
    resolver: resolver ?? tableResolver(testCase.dns ?? {}),
    timeouts: { connectMs: 1000, stepMs: 1000 },
  };
}

async function outcome(testCase: Case): Promise<string> {
  try {
    const target = parseTarget(testCase.input, 443, 'cert mail.contoso.com');
    await resolveChecked(target.host, netFor(testCase));
    return 'allowed';
  } catch (error) {
    return error instanceof DiagError ? error.code : `unexpected: ${String(error)}`;
  }
}

describe('SSRF matrix', () => {
  it('has at least 25 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(25);
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, testCase) => {
    expect(await outcome(testCase)).toBe(testCase.expect);
  });
});

/** A resolver whose answer changes after the first lookup, as an attacker's DNS server does. */
function rebindingResolver(first: string[], later: string[]): Resolver & { calls: () => number } {
  let calls = 0;
  return {
    calls: () => calls,
    async resolve(): Promise<ResolvedAddress[]> {
      calls += 1;
      return (calls === 1 ? first : later).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    },
  };
}

describe('DNS rebinding', () => {
  it('resolves once and hands back the checked address, never the later answer', async () => {
    const resolver = rebindingResolver([PUBLIC], ['127.0.0.1']);
    const net = netFor({ name: '', input: '', expect: 'allowed' }, resolver);
    const checked = await resolveChecked('rebind.test', net);
    expect(checked.address).toBe(PUBLIC);
    expect(resolver.calls()).toBe(1);
  });

  it('refuses when the first answer is already the internal one', async () => {
    const resolver = rebindingResolver(['169.254.169.254'], [PUBLIC]);
    const net = netFor({ name: '', input: '', rules: { allow: ['0.0.0.0/0'] }, expect: 'allowed' }, resolver);
    await expect(resolveChecked('rebind.test', net)).rejects.toMatchObject({ code: 'policy.denied' });
    expect(resolver.calls()).toBe(1);
  });

  it('never asks DNS about an address however it is spelled', async () => {
    const resolver = rebindingResolver([PUBLIC], [PUBLIC]);
    const net = netFor({ name: '', input: '', rules: { allow: ['127.0.0.0/8'] }, expect: 'allowed' }, resolver);
    for (const spelling of ['2130706433', '0x7f.1', '0177.0.0.1', '::ffff:127.0.0.1', '127.1']) {
      expect((await resolveChecked(spelling, net)).address).toBe('127.0.0.1');
    }
    expect(resolver.calls()).toBe(0);
  });
});

describe('ports per command', () => {
  const ports = createPortPolicy({ cert: [8443], ou: [389] });
  it.each([
    ['cert', 443, true],
    ['cert', 3269, true],
    ['cert', 8443, true],
    ['cert', 8080, false],
    ['cert', 22, false],
    ['relay', 25, true],
    ['relay', 2525, true],
    ['relay', 443, false],
    ['relay', 6379, false],
    ['ou', 389, true],
    ['ou', 636, false],
  ] as const)('%s to port %i: %s', (command, port, allowed) => {
    expect(ports.check(command, port).allowed).toBe(allowed);
  });

  it('leaves commands without a list alone', () => {
    expect(ports.check('explain', 8080)).toEqual({ allowed: true, ports: undefined });
  });
});

describe('policy configuration', () => {
  it('refuses ambiguous IPv4 spellings in allow and deny', () => {
    expect(() => createTargetPolicy({ allow: ['0177.0.0.1'], deny: [] })).toThrow(diagErrorWith('config.invalid'));
    expect(() => createTargetPolicy({ allow: [], deny: ['2130706433/32'] })).toThrow(/dotted decimal \(127\.0\.0\.1\)/);
  });

  it('reads IPv4-mapped networks as the IPv4 network', () => {
    const policy = createTargetPolicy({ allow: ['::ffff:127.0.0.0/120'], deny: [] });
    expect(policy.check('127.0.0.9').allowed).toBe(true);
    expect(policy.check('::ffff:127.0.0.200').allowed).toBe(true);
    expect(policy.check('127.0.1.9').allowed).toBe(false);
    expect(() => createTargetPolicy({ allow: ['::ffff:127.0.0.0/64'], deny: [] })).toThrow(
      diagErrorWith('config.invalid'),
    );
  });

  it('knows metadata however it is written', () => {
    for (const spelling of [
      '169.254.169.254',
      '2852039166',
      '::ffff:a9fe:a9fe',
      '64:ff9b::a9fe:a9fe',
      'FD00:EC2::254',
    ]) {
      expect(isMetadataTarget(spelling)).toBe(true);
    }
    expect(isMetadataTarget('10.0.0.5', 'metadata.google.internal.')).toBe(true);
    expect(isMetadataTarget('10.0.0.5', 'mail.contoso.com')).toBe(false);
  });

  it('denies names under a denied suffix whatever they resolve to, and says why', () => {
    const decision = createTargetPolicy({ allow: ['0.0.0.0/0'], deny: ['corp.internal'] }).check(
      PUBLIC,
      'hr.CORP.internal.',
    );
    expect(decision).toEqual({ allowed: false, reason: expect.stringContaining('corp.internal') });
  });
});
