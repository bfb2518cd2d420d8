import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { openSqliteStore } from '../../../src/store/sqlite';
import { startSlackCapture, type SlackCapture } from '../../helpers/slack-capture';
import { freePort, health, PORTS, serve, startSilentServer, waitFor, writeConfig, type Served } from './serve';

/**
 * Kill `diagbot serve` with SIGKILL in the middle of a digest run and start it again: the slot is finished
 * once and posted once (to the Slack capture server, through the real Slack post port), and a third start
 * posts nothing more.
 */
let dir: string;
let capture: SlackCapture;
let silent: { port: number; close(): Promise<void> };
const running: Served[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'diagbot-digest-restart-'));
  capture = await startSlackCapture({ from: PORTS.from, to: PORTS.from + 99 });
  silent = await startSilentServer();
});
afterAll(async () => {
  for (const served of running) served.child.kill('SIGKILL');
  await capture?.close();
  await silent?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface RunRow {
  id: number;
  slot: string;
  kind: string;
  state: string;
  attempt: number;
  post_state: string;
  post_attempts: number;
}

function rows(db: string, digestId: string): RunRow[] {
  const store = openSqliteStore(db);
  try {
    return store.db
      .prepare('SELECT id, slot, kind, state, attempt, post_state, post_attempts FROM digest_runs WHERE digest_id = ?')
      .all(digestId) as RunRow[];
  } finally {
    store.close();
  }
}

const posts = (channel: string) =>
  capture.calls.filter((c) => c.name === 'chat.postMessage' && c.body.channel === channel);

it('a run killed mid-way is finished once and posted once after the restart', async () => {
  const db = join(dir, 'restart.db');
  const config = writeConfig(dir, 'restart', silent.port);
  // A digest whose slot an hour ago was missed while the bot was down: it runs at start, marked late.
  const now = new Date();
  const slot = new Date(now.getTime() - 3_600_000);
  const store = openSqliteStore(db);
  const made = await store.digests.create(
    {
      platform: 'slack',
      channelId: 'C0RESTART',
      schedule: `${slot.getUTCMinutes()} ${slot.getUTCHours()} * * *`,
      scheduleText: 'test',
      timezone: 'UTC',
      // The certificate check waits for its handshake deadline (3 s): long enough to kill the process mid-run.
      commands: [`cert 127.0.0.1:${silent.port}`, 'help'],
      createdBy: 'U0ADMIN',
      now: new Date(now.getTime() - 2 * 86_400_000),
    },
    { maxPerChannel: 20 },
  );
  store.close();
  if (!('created' in made)) throw new Error('not created');
  const digestId = made.created.id;

  const first = serve({ configFile: config, db, port: await freePort(), slackApiUrl: capture.apiUrl });
  running.push(first);
  await waitFor(
    'the first process to claim the missed slot',
    () => rows(db, digestId).find((r) => r.state === 'running'),
    30_000,
  ).catch((error: unknown) => {
    throw new Error(`${(error as Error).message}\n${first.output()}`);
  });
  first.child.kill('SIGKILL');
  await first.exited;
  expect(posts('C0RESTART')).toEqual([]);
  const killed = rows(db, digestId);
  expect(killed).toEqual([expect.objectContaining({ state: 'running', kind: 'late', attempt: 1 })]);

  const second = serve({ configFile: config, db, port: await freePort(), slackApiUrl: capture.apiUrl });
  running.push(second);
  await capture
    .waitFor((c) => c.name === 'chat.postMessage' && c.body.channel === 'C0RESTART', 40_000)
    .catch((error: unknown) => {
      throw new Error(`${(error as Error).message}\n${second.output()}`);
    });
  // Give a would-be duplicate time to show up: several lease and poll periods.
  await sleep(4000);
  expect(posts('C0RESTART').length).toBe(1);
  const after = rows(db, digestId);
  expect(after).toEqual([
    expect.objectContaining({
      slot: killed[0]?.slot,
      state: 'finished',
      attempt: 2,
      post_state: 'posted',
      post_attempts: 1,
    }),
  ]);
  expect((await health(second.port))?.components.scheduler).toBe(true);
  expect(await second.stop()).toBe(0);

  const third = serve({ configFile: config, db, port: await freePort(), slackApiUrl: capture.apiUrl });
  running.push(third);
  await waitFor('the third process to be up', async () => (await health(third.port))?.components.scheduler);
  await sleep(3000);
  expect(posts('C0RESTART').length).toBe(1);
  expect(rows(db, digestId).length).toBe(1);
  expect(await third.stop()).toBe(0);
  // The post is the digest as Slack shows it: the title names the digest.
  expect(JSON.stringify(posts('C0RESTART')[0]?.body)).toContain(`Digest ${digestId}`);
});
