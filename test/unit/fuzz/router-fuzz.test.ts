import dns from 'node:dns';
import { Socket } from 'node:net';
import fc from 'fast-check';
import { createCommands } from '../../../commands';
import { createApp, type App } from '../../../src/app/create-app';
import { createMemoryAuditStore } from '../../../src/store/audit-memory';
import { parseConfig } from '../../../src/config/load';
import { flagsOf } from '../../../src/core/args';
import type { ChatRequest, Door, Platform } from '../../../src/core/chat-request';
import type { Reply } from '../../../src/core/reply';
import type { Router } from '../../../src/core/router';
import type { TargetPolicy } from '../../../src/net/policy';
import type { Resolver } from '../../../src/net/resolver';
import { openSqliteStore } from '../../../src/store/sqlite';
import { captureLogger } from '../../helpers/logger';

/**
 * Every command's text, fuzzed through the whole router as createApp wires it (guard hooks, audit,
 * secret scrub): always a Reply, never a throw or a stack trace, never `internal`, and never an outbound
 * connection. The net context records instead of connecting: the resolver answers every name with a
 * TEST-NET address and the policy records each check and refuses it, so nothing may ever connect — a
 * socket that opens anyway bypassed src/net. Socket#connect and dns.lookup are spied on (recording,
 * refusing) for that reason only: they are the ways out of the process this test must see.
 *
 * CI runs FUZZ_RUNS (default 2,000) per command; `npm run fuzz` runs 20,000.
 */
const RUNS = Math.max(1, Number(process.env.FUZZ_RUNS ?? '') || 2000);

const lookups: string[] = [];
const checks: string[] = [];
const connects: string[] = [];
const systemLookups: string[] = [];

const resolver: Resolver = {
  async resolve(hostname) {
    lookups.push(hostname);
    return [{ address: '192.0.2.10', family: 4 }];
  },
};
const policy: TargetPolicy = {
  check(address, hostname) {
    checks.push(`${hostname ?? ''}→${address}`);
    return { allowed: false, reason: 'the fuzz test allows no connection' };
  },
};

const SECRET = 'fuzz-Secret-Value-9f8e7d';

/** The whole app as `diagbot` builds it (guard hooks, audit, secret scrub), with the recording net ports. */
function buildApp(): Promise<App> {
  // `mail` asks its own resolvers: a loopback port where nothing answers keeps its DNS on this machine.
  const config = parseConfig({
    ldap: { url: 'ldaps://dc01.contoso.test:636', baseDn: 'DC=contoso,DC=test' },
    dns: { servers: ['127.0.0.1:9'], timeoutMs: 50 },
    timeouts: { connectMs: 200, stepMs: 200 },
    roles: { admins: ['U0ADMIN01'], operators: ['U0OPER001'] },
    // The limits run but never refuse: 100,000 a second is more than any fuzz run sends.
    limits: {
      perUser: { points: 100_000, durationSeconds: 1 },
      perChannel: { points: 100_000, durationSeconds: 1 },
      concurrentPerTarget: 1000,
      exemptPlatforms: [],
    },
  });
  return createApp(config, {
    log: captureLogger(),
    now: () => new Date('2026-03-02T12:00:00Z'),
    resolver,
    policy,
    audit: createMemoryAuditStore({ maxRows: 100 }),
    // The store in memory (digests).
    store: openSqliteStore(':memory:'),
    secrets: [SECRET],
  });
}

let app: App;
let router: Router;
/** The registered commands' names, known before the app is built (jest lists the cases first). */
const NAMES = createCommands({
  config: parseConfig({}),
  net: { policy, resolver, timeouts: { connectMs: 200, stepMs: 200 } },
  log: captureLogger(),
  now: () => new Date(),
}).map((c) => c.name);

const TRICKY = [
  'mail.contoso.com',
  'mail.contoso.com:25',
  'MAIL.Contoso.COM.',
  '2130706433',
  '0x7f.1',
  '0177.0.0.1',
  '127.1',
  '[::ffff:127.0.0.1]:443',
  '[::ffff:7f00:1]',
  '[fe80::1%25eth0]:993',
  '169.254.169.254',
  '[fd00:ec2::254]',
  'metadata.google.internal.',
  'https://user@evil.test:443/owa?x=1#y',
  'smtp://relay.contoso.com',
  '10.0.0.5:8080',
  '10.1.2.3',
  '256.1.1.1',
  '::1',
  '1.2.3.4.5',
  'a'.repeat(70),
  `${'x.'.repeat(130)}com`,
  '999999',
  '0',
  ':25',
  '[::1',
  'host:0',
  'host:65536',
  'host:-1',
  'xn--bcher-kva.example',
  '%31%32%37.0.0.1',
  'user@contoso.com',
  'someone@example.org',
  'CN=Doe\\, Jane,OU=Staff,DC=contoso,DC=local',
  'OU=IT Professionals,DC=contoso,DC=local',
  'contoso.local/Users/Jane',
  'via',
  'to',
  'add',
  'remove',
  'list',
  'pause',
  'resume',
  'daily',
  '08:00',
  'weekdays 07:30',
  '0x80070005',
  '-2147024891',
  '550 5.7.1 Unable to relay',
  'The trust relationship between this workstation and the primary domain failed',
  '--',
  '-',
  '---',
  '--=',
  '"',
  "'",
  '\\',
  '\\"',
  '"unterminated',
  "'also",
  '<@U0ADMIN01>',
  '<#C123|general>',
  '&amp;',
  '&#0;',
  '\u0000',
  '\u202e',
  '\u200b',
  '😀',
  '\r\n',
  '\t',
  '```',
  'help',
  'audit',
  SECRET,
];

const PEOPLE = ['U0ADMIN01', 'U0OPER001', 'U0STRANGER', 'local'];
const envelope = fc.record({
  platform: fc.constantFrom<Platform>('slack', 'teams', 'cli', 'digest'),
  door: fc.constantFrom<Door>('command', 'dm', 'mention', 'terminal', 'schedule', 'action'),
  userId: fc.constantFrom(...PEOPLE),
});

function textFor(name: string): fc.Arbitrary<string> {
  const command = router.commands().find((c) => c.name === name);
  const flags = command
    ? flagsOf(command).flatMap((f) => [`--${f.name}`, `--${f.name}=`, `--${f.name}=x`, `--${f.name.toUpperCase()}`])
    : [];
  const word = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...TRICKY, ...(flags.length > 0 ? flags : ['--x'])) },
    { weight: 2, arbitrary: fc.string({ maxLength: 24 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 16 }) },
    { weight: 1, arbitrary: fc.integer({ min: -1, max: 70000 }).map(String) },
  );
  const gap = fc.constantFrom(' ', ' ', ' ', '  ', '\n', '\t', '=', '');
  const words = fc
    .array(fc.tuple(word, gap), { maxLength: 8 })
    .map((parts) => parts.map(([w, g]) => `${g}${w}`).join(''));
  const examples = command?.examples ?? [name];
  const mutatedExample = fc.tuple(fc.constantFrom(...examples), fc.nat(), word).map(([example, at, replacement]) => {
    const parts = example.split(' ');
    parts[at % parts.length] = replacement;
    return parts.join(' ');
  });
  const trickyExample = fc
    .tuple(fc.constantFrom(...examples), fc.nat(), fc.constantFrom(...TRICKY))
    .map(([example, at, replacement]) => {
      const parts = example.split(' ');
      parts[1 + (at % Math.max(1, parts.length - 1))] = replacement;
      return parts.join(' ');
    });
  return fc.oneof(
    { weight: 6, arbitrary: words.map((rest) => `${name}${rest.startsWith(' ') ? '' : ' '}${rest}`) },
    { weight: 3, arbitrary: fc.constantFrom(...TRICKY).map((word) => `${name} ${word}`) },
    { weight: 3, arbitrary: trickyExample },
    { weight: 2, arbitrary: mutatedExample },
    { weight: 1, arbitrary: fc.constantFrom(...examples) },
    { weight: 1, arbitrary: fc.string({ maxLength: 60 }) },
  );
}

const STATUSES = new Set(['ok', 'warn', 'fail', 'error']);
const SEVERITIES = new Set(['ok', 'info', 'warn', 'fail', 'error']);
/** Findings for input refused before any work: these must leave no trace on the network at all. */
const REFUSED_EARLY = new Set(['usage', 'auth.forbidden', 'rate.limited']);

function assertReplyShape(reply: Reply): void {
  expect(typeof reply.command).toBe('string');
  expect(STATUSES.has(reply.status)).toBe(true);
  expect(typeof reply.title).toBe('string');
  expect(Array.isArray(reply.findings) && Array.isArray(reply.facts) && Array.isArray(reply.actions)).toBe(true);
  for (const finding of reply.findings) {
    expect(typeof finding.id === 'string' && finding.id.length > 0).toBe(true);
    expect(SEVERITIES.has(finding.severity)).toBe(true);
    expect(typeof finding.message).toBe('string');
  }
  expect(typeof reply.data === 'object' && reply.data !== null).toBe(true);
}

beforeAll(async () => {
  app = await buildApp();
  router = app.router;
  // Recording stand-ins for the process's ways out (see the file comment); they refuse, never connect.
  jest.spyOn(Socket.prototype, 'connect').mockImplementation(function (this: Socket, ...args: unknown[]) {
    connects.push(JSON.stringify(args[0]));
    process.nextTick(() =>
      this.destroy(Object.assign(new Error('connect refused by the fuzz test'), { code: 'ECONNREFUSED' })),
    );
    return this;
  });
  jest.spyOn(dns, 'lookup').mockImplementation(((hostname: string, ...rest: unknown[]) => {
    systemLookups.push(hostname);
    const callback = rest[rest.length - 1] as (error: Error) => void;
    process.nextTick(() =>
      callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' })),
    );
  }) as unknown as typeof dns.lookup);
  jest.spyOn(dns.promises, 'lookup').mockImplementation(async (hostname: string) => {
    systemLookups.push(hostname);
    throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
  });
});

afterAll(async () => {
  await app.close();
  jest.restoreAllMocks();
});

describe('fuzzing every command through the router', () => {
  it('covers every registered command', () => {
    expect(NAMES).toEqual(expect.arrayContaining(['help', 'audit']));
  });

  it.each(NAMES.map((name) => [name]))(
    `%s: ${RUNS} texts, always a Reply, no throw, no connection`,
    async (name) => {
      const outcomes = new Map<string, number>();
      await fc.assert(
        fc.asyncProperty(textFor(name), envelope, async (text, who) => {
          const before = { lookups: lookups.length, checks: checks.length };
          const request: ChatRequest = { ...who, channelId: 'C0FUZZ', rawText: text, text };
          let reply: Reply;
          try {
            reply = await router.handle(request);
          } catch (error) {
            throw new Error(`router.handle threw for ${JSON.stringify(text)}: ${String(error)}`);
          }
          assertReplyShape(reply);
          const serialised = JSON.stringify(reply);
          expect(serialised).not.toMatch(/\\n\s+at [^\s]+ \(/);
          expect(serialised).not.toContain(SECRET);
          expect(reply.findings.map((f) => f.id)).not.toContain('internal');
          const first = reply.findings[0]?.id ?? '';
          const outcome = reply.status === 'error' ? first : reply.status;
          outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
          if (reply.status === 'error' && REFUSED_EARLY.has(first)) {
            expect({ lookups: lookups.length, checks: checks.length }).toEqual(before);
          }
          expect(connects).toEqual([]);
          expect(systemLookups).toEqual([]);
        }),
        { numRuns: RUNS },
      );
      // The texts must reach past the parser too, or this fuzzes only the usage message.
      const early = [...outcomes.entries()]
        .filter(([id]) => REFUSED_EARLY.has(id))
        .reduce((n, [, count]) => n + count, 0);
      if (process.env.FUZZ_STATS) process.stderr.write(`${name}: ${JSON.stringify(Object.fromEntries(outcomes))}\n`);
      expect(early).toBeLessThan(RUNS);
    },
    600_000,
  );
});
