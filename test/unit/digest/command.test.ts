import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDigestCommand } from '../../../commands/digest';
import { commandHelp, createHelpCommand } from '../../../commands/help';
import { parseConfig } from '../../../src/config/load';
import type { ChatRequest } from '../../../src/core/chat-request';
import type { Role } from '../../../src/core/command';
import type { Reply } from '../../../src/core/reply';
import { createRouter, type Router } from '../../../src/core/router';
import { createTargetPolicy } from '../../../src/net/policy';
import { systemResolver } from '../../../src/net/resolver';
import { openSqliteStore, type SqliteStore } from '../../../src/store/sqlite';
import type { Store } from '../../../src/store/types';
import { FakeClock } from '../../helpers/digest-clock';
import { memoryLogger, testCommands } from './fixture';

/** The `digest` command through a real router (roles from a hook, as the guard provides them) and a real SQLite store. */
let dir: string;
let store: SqliteStore | undefined;
let router: Router;
const clock = new FakeClock('2026-01-05T10:00:00Z');

function build(options: { digest?: Record<string, unknown>; storeFile?: string } = {}): void {
  const config = parseConfig({ digest: { maxChecksPerDigest: 3, maxDigestsPerChannel: 2, ...options.digest } });
  const file = options.storeFile ?? join(dir, 'diagbot.db');
  const log = memoryLogger();
  let opened: Promise<Store> | undefined;
  const deps = {
    config,
    log,
    now: clock.now,
    net: { policy: createTargetPolicy(config.targets), resolver: systemResolver, timeouts: config.timeouts },
    store: () => (opened ??= Promise.resolve().then(() => (store = openSqliteStore(file)))),
  };
  const roleOf = (request: ChatRequest): Role =>
    request.userId === 'U0ADMIN' || request.platform === 'cli' ? 'admin' : 'everyone';
  router = createRouter({
    commands: [...testCommands(new Map(), { waiting: [] }), createDigestCommand(deps), createHelpCommand()],
    log,
    now: clock.now,
    hooks: { roleOf },
  });
}

const say = (text: string, over: Partial<ChatRequest> = {}): Promise<Reply> =>
  router.handle({
    platform: 'slack',
    door: 'command',
    userId: 'U0ADMIN',
    channelId: 'C0OPS',
    rawText: text,
    text,
    ...over,
  });

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'diagbot-digest-cmd-'));
  build();
});
afterEach(() => {
  store?.close();
  store = undefined;
  rmSync(dir, { recursive: true, force: true });
});

async function added(text = 'digest add daily 08:00 --tz Europe/London probe a; probe b'): Promise<string> {
  const reply = await say(text);
  expect(reply.findings[0]?.id).toBe('digest.created');
  return (reply.data.digest as { id: string }).id;
}

it("adds a digest for an admin and answers with the contract's data.digest", async () => {
  const reply = await say('digest add weekly mon,fri 09:15 --tz america/new_york probe a; probe "b c"');
  expect(reply.status).toBe('ok');
  expect(reply.data.digest).toMatchObject({
    channel: 'slack:C0OPS',
    schedule: 'weekly mon,fri 09:15',
    timezone: 'America/New_York',
    commands: ['probe a', 'probe "b c"'],
    nextRun: '2026-01-05T14:15:00.000Z',
  });
  expect(reply.facts.find((f) => f.label === 'Next run')?.value).toBe(
    '2026-01-05 09:15 America/New_York (2026-01-05T14:15:00.000Z)',
  );
});

it('refuses add, pause, resume and remove to someone who is not an admin, but lets them list, show and run', async () => {
  const id = await added();
  for (const text of [
    'digest add daily 08:00 probe a',
    `digest pause ${id}`,
    `digest resume ${id}`,
    `digest remove ${id}`,
  ]) {
    const reply = await say(text, { userId: 'U0MEMBER' });
    expect(reply.findings[0]?.id).toBe('auth.forbidden');
  }
  expect((await say('digest list', { userId: 'U0MEMBER' })).findings[0]?.id).toBe('digest.list');
  expect((await say(`digest show ${id}`, { userId: 'U0MEMBER' })).status).toBe('ok');
  expect((await say(`digest run ${id}`, { userId: 'U0MEMBER' })).command).toBe('digest');
});

it('refuses a bad schedule or time zone at add with digest.bad-schedule and a fix with links', async () => {
  for (const text of [
    'digest add daily 8am probe a',
    'digest add "0 8 * *" probe a',
    'digest add daily 08:00 --tz Europe/Lndon probe a',
    'digest add "* * * * *" probe a',
  ]) {
    const reply = await say(text);
    expect(reply.status).toBe('error');
    expect(reply.findings[0]?.id).toBe('digest.bad-schedule');
    expect(reply.findings[0]?.fix?.links?.length).toBeGreaterThan(0);
  }
});

it("refuses a bad check at add with that command's own usage error, naming the check", async () => {
  const reply = await say('digest add daily 08:00 probe a; probe');
  expect(reply.findings[0]).toMatchObject({ id: 'usage' });
  expect(reply.findings[0]?.message).toMatch(/^Check 2 \(`probe`\): probe takes one key/);
  expect((await say('digest add daily 08:00 nosuch thing')).findings[0]?.message).toMatch(/`nosuch` is not a command/);
  expect((await say('digest add daily 08:00 digest list')).findings[0]?.message).toMatch(/cannot contain `digest`/);
  expect((await say('digest add daily 08:00 probe a --color red')).findings[0]?.message).toMatch(/no option --color/);
  expect(await say('digest list')).toMatchObject({ title: '0 digest(s) in this channel' });
});

it('enforces the checks-per-digest and digests-per-channel limits from config', async () => {
  expect((await say('digest add daily 08:00 probe a; probe b; probe c; probe d')).findings[0]?.id).toBe('digest.limit');
  await added();
  await added();
  const third = await say('digest add daily 09:00 probe a');
  expect(third.findings[0]).toMatchObject({ id: 'digest.limit' });
  expect(third.findings[0]?.message).toMatch(/already has 2 digests/);
  // Another channel has its own allowance.
  expect((await say('digest add daily 09:00 probe a', { channelId: 'C0OTHER' })).findings[0]?.id).toBe(
    'digest.created',
  );
});

it('keeps digests per channel: another channel can neither see nor touch them; the terminal sees all', async () => {
  const id = await added();
  await say('digest add daily 09:00 probe z', { channelId: 'C0OTHER' });
  const list = await say('digest list');
  expect((list.data.digests as Array<{ id: string }>).map((d) => d.id)).toEqual([id]);
  for (const sub of ['show', 'run', 'pause', 'resume', 'remove']) {
    expect((await say(`digest ${sub} ${id}`, { channelId: 'C0OTHER' })).findings[0]?.id).toBe('digest.not-found');
    expect((await say(`digest ${sub} ${id}`, { platform: 'teams', channelId: 'C0OPS' })).findings[0]?.id).toBe(
      'digest.not-found',
    );
  }
  const all = await say('digest list', { platform: 'cli', door: 'terminal', userId: 'local', channelId: 'terminal' });
  expect((all.data.digests as unknown[]).length).toBe(2);
});

it('runs a digest on request, stores it as a manual run, and shows it afterwards', async () => {
  const id = await added();
  const ran = await say(`digest run ${id}`);
  expect(ran.command).toBe('digest');
  expect(ran.data.run).toMatchObject({ kind: 'manual' });
  expect((ran.data.results as Reply[]).map((r) => r.title)).toEqual(['a: probe.ok', 'b: probe.ok']);
  const shown = await say(`digest show ${id}`);
  expect(shown.facts[0]?.value).toMatch(/\(manual\): ok, not posted/);
  expect(shown.data.results).toEqual(ran.data.results);
});

it('pauses, resumes and removes', async () => {
  const id = await added();
  expect((await say(`digest pause ${id}`)).findings[0]?.id).toBe('digest.paused');
  expect((await say('digest list')).findings[0]?.message).toMatch(/PAUSED/);
  expect((await say(`digest resume ${id}`)).findings[0]?.id).toBe('digest.resumed');
  expect((await say(`digest remove ${id}`)).findings[0]?.id).toBe('digest.removed');
  expect((await say(`digest show ${id}`)).findings[0]?.id).toBe('digest.not-found');
});

it('answers usage for nonsense and refuses digest commands inside a digest run', async () => {
  expect((await say('digest frobnicate')).findings[0]).toMatchObject({ id: 'usage' });
  expect((await say('digest show')).findings[0]?.message).toMatch(/needs a digest id/);
  expect((await say('digest list', { platform: 'digest', door: 'schedule' })).findings[0]?.message).toMatch(
    /cannot run `digest`/,
  );
});

it('turns a damaged database into a clear store.unavailable answer', async () => {
  const bad = join(dir, 'bad.db');
  writeFileSync(bad, 'not a database '.repeat(100));
  build({ storeFile: bad });
  const reply = await say('digest list');
  expect(reply.status).toBe('error');
  expect(reply.findings[0]?.id).toBe('store.unavailable');
  expect(reply.findings[0]?.message).toMatch(/damaged or is not an SQLite database/);
});

it('help digest explains the OR rule of the day fields', () => {
  const command = router.commands().find((c) => c.name === 'digest');
  if (!command) throw new Error('no digest command');
  const help = commandHelp(command);
  expect(help.findings.some((f) => /OR/.test(f.message) && /day-of-month and day-of-week/.test(f.message))).toBe(true);
});
