import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../helpers/cli';
import { freePort, serve, writeConfig } from './serve';

/**
 * The database file as operators meet it: missing (a fresh store is made), corrupt (a clear start-up
 * error, the file untouched), and digests kept between separate runs of the program.
 */
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'diagbot-digest-file-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const json = (
  stdout: string,
): { status: string; findings: Array<{ id: string; message: string }>; data: Record<string, unknown> } =>
  JSON.parse(stdout);

it('creates a missing database and keeps digests between runs of the program', async () => {
  const db = join(dir, 'fresh', 'nested', 'diagbot.db');
  expect(existsSync(db)).toBe(false);
  const env = { DIAGBOT_DB: db };
  const added = await runCli(['--json', 'digest add weekdays 07:45 --tz Europe/London help; help cert'], { env });
  expect(added.code).toBe(0);
  const created = json(added.stdout);
  expect(created.findings[0]?.id).toBe('digest.created');
  expect(existsSync(db)).toBe(true);
  const listed = json((await runCli(['--json', 'digest list'], { env })).stdout);
  expect((listed.data.digests as Array<{ id: string; schedule: string }>).map((d) => [d.id, d.schedule])).toEqual([
    [(created.data.digest as { id: string }).id, 'weekdays 07:45'],
  ]);
});

it('`diagbot help` does not create a database', async () => {
  const db = join(dir, 'untouched', 'diagbot.db');
  expect((await runCli(['--json', 'help'], { env: { DIAGBOT_DB: db } })).code).toBe(0);
  expect(existsSync(db)).toBe(false);
});

it('refuses to serve on a corrupt database with a clear message, leaving the file as it was', async () => {
  const db = join(dir, 'corrupt.db');
  const bytes = Buffer.concat([Buffer.from('SQLite format 3\0'), Buffer.alloc(4096, 0x5a)]);
  writeFileSync(db, bytes);
  const served = serve({
    configFile: writeConfig(dir, 'corrupt'),
    db,
    port: await freePort(),
    slackApiUrl: 'http://127.0.0.1:9/api/',
  });
  const code = await served.exited;
  expect(code).toBe(3);
  expect(served.output()).toContain(db);
  expect(served.output()).toMatch(/damaged or is not an SQLite database/);
  expect(served.output()).not.toMatch(/\n\s+at /);
  expect(readFileSync(db).equals(bytes)).toBe(true);
});

it('answers a digest command on a corrupt database with store.unavailable (exit 3), not a stack trace', async () => {
  const db = join(dir, 'corrupt-cli.db');
  writeFileSync(db, 'definitely not sqlite\n'.repeat(50));
  const result = await runCli(['--json', 'digest list'], { env: { DIAGBOT_DB: db } });
  expect(result.code).toBe(3);
  const reply = json(result.stdout);
  expect(reply.findings[0]?.id).toBe('store.unavailable');
  expect(reply.findings[0]?.message).toContain(db);
});
