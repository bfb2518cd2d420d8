import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { openSqliteStore } from '../../../src/store/sqlite';
import { startSlackCapture, type SlackCapture } from '../../helpers/slack-capture';
import { freePort, health, PORTS, serve, waitFor, writeConfig, type Served } from './serve';

/**
 * Two `diagbot serve` processes share one SQLite file and start at the same moment, each finding the
 * same missed slots: every digest is posted exactly once between them (Slack capture server).
 */
let dir: string;
let capture: SlackCapture;
const running: Served[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'diagbot-digest-two-'));
  capture = await startSlackCapture({ from: PORTS.from + 200, to: PORTS.from + 299 });
});
afterAll(async () => {
  for (const served of running) served.child.kill('SIGKILL');
  await capture?.close();
  rmSync(dir, { recursive: true, force: true });
});

it("two instances on one database post each digest's slot exactly once", async () => {
  const db = join(dir, 'shared.db');
  const config = writeConfig(dir, 'shared');
  const store = openSqliteStore(db);
  const now = new Date();
  const channels = ['C0ONE', 'C0TWO', 'C0THREE', 'C0FOUR', 'C0FIVE'];
  for (const [i, channel] of channels.entries()) {
    const slot = new Date(now.getTime() - (i + 1) * 600_000);
    await store.digests.create(
      {
        platform: 'slack',
        channelId: channel,
        schedule: `${slot.getUTCMinutes()} ${slot.getUTCHours()} * * *`,
        scheduleText: 'test',
        timezone: 'UTC',
        commands: ['help', 'help digest'],
        createdBy: 'U0ADMIN',
        now: new Date(now.getTime() - 2 * 86_400_000),
      },
      { maxPerChannel: 20 },
    );
  }
  store.close();

  const [portA, portB] = [await freePort(), await freePort()];
  const a = serve({ configFile: config, db, port: portA, slackApiUrl: capture.apiUrl });
  const b = serve({
    configFile: config,
    db,
    port: portB === portA ? await freePort() : portB,
    slackApiUrl: capture.apiUrl,
  });
  running.push(a, b);
  const posted = (): typeof capture.calls =>
    capture.calls.filter((c) => c.name === 'chat.postMessage' && channels.includes(String(c.body.channel)));
  await waitFor('five posts', () => posted().length >= channels.length, 40_000).catch((error: unknown) => {
    throw new Error(`${(error as Error).message}\n--- A\n${a.output()}\n--- B\n${b.output()}`);
  });
  // Both instances keep running through several polls and leases: nothing is posted twice.
  await sleep(5000);
  expect(
    posted()
      .map((c) => c.body.channel)
      .sort(),
  ).toEqual([...channels].sort());
  expect((await health(a.port))?.components.scheduler).toBe(true);
  expect((await health(b.port))?.components.scheduler).toBe(true);

  const check = openSqliteStore(db);
  const runs = check.db.prepare('SELECT digest_id, state, post_state, owner FROM digest_runs').all() as Array<{
    digest_id: string;
    state: string;
    post_state: string;
    owner: string;
  }>;
  check.close();
  expect(runs.length).toBe(channels.length);
  expect(runs.every((r) => r.state === 'finished' && r.post_state === 'posted')).toBe(true);
  expect(await a.stop()).toBe(0);
  expect(await b.stop()).toBe(0);
});
