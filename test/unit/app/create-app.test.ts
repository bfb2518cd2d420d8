import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type App } from '../../../src/app/create-app';
import { parseConfig } from '../../../src/config/load';
import type { CompletedEvent } from '../../../src/core/router';
import { createMetrics } from '../../../src/metrics';
import { openSqliteStore } from '../../../src/store/sqlite';
import { createSqliteAuditStore } from '../../../src/store/audit-store';
import { captureLogger } from '../../helpers/logger';
import { chatRequest } from '../../helpers/requests';

/** createApp as the terminal builds it: one store opened once and shared, metrics and listeners from the start. */
let dir: string;
let app: App | undefined;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'diagbot-app-'));
});
afterEach(async () => {
  await app?.close();
  app = undefined;
  rmSync(dir, { recursive: true, force: true });
});

const build = async (overrides: Parameters<typeof createApp>[1] = {}): Promise<App> =>
  (app = await createApp(parseConfig({ store: { path: join(dir, 'diagbot.db') } }), {
    log: captureLogger(),
    ...overrides,
  }));

it('answers help without opening or creating a database (the terminal)', async () => {
  const built = await build({ quiet: true });
  const reply = await built.router.handle(chatRequest('help'));
  expect(reply.status).toBe('ok');
  expect(existsSync(join(dir, 'diagbot.db'))).toBe(false);
});

it('opens the store once: the digest and its audit row land in the same file, closed by app.close()', async () => {
  const built = await build();
  expect(await built.store.open()).toBe(await built.store.open());
  const added = await built.router.handle(chatRequest('digest add daily 08:00 help'));
  expect(added.findings[0]?.id).toBe('digest.created');
  await built.close();
  app = undefined;
  const reopened = openSqliteStore(join(dir, 'diagbot.db'));
  try {
    expect(await reopened.digests.list()).toHaveLength(1);
    expect((await createSqliteAuditStore(reopened.db).query({})).map((row) => row.command)).toEqual(['digest']);
  } finally {
    reopened.close();
  }
});

it("runs a digest's checks through its own router (runText), listeners and metrics included", async () => {
  const events: CompletedEvent[] = [];
  const metrics = createMetrics({ defaultMetrics: false });
  const built = await build({ metrics, listeners: [(event) => void events.push(event)] });
  const added = await built.router.handle(chatRequest('digest add daily 08:00 help; explain 0x80070005'));
  const id = (added.data.digest as { id: string }).id;
  const run = await built.router.handle(chatRequest(`digest run ${id}`));
  expect(run.command).toBe('digest');
  const checks = events.filter((event) => event.request.platform === 'digest').map((event) => event.command);
  expect(checks.sort()).toEqual(['explain', 'help']);
  expect((await metrics.render()).body).toMatch(
    /diagbot_commands_total\{command="help",status="ok",platform="digest"\} 1/,
  );
});

it.each([[true], [false]])(
  "scrubs the configured secrets from a digest check's stored result (scrubbing: %s)",
  async (scrubbing) => {
    const secret = 'sup3r-secret-value-42';
    const built = await build(scrubbing ? { secrets: [secret] } : {});
    const added = await built.router.handle(chatRequest(`digest add daily 08:00 explain ${secret}`));
    const id = (added.data.digest as { id: string }).id;
    await built.router.handle(chatRequest(`digest run ${id}`));
    const store = await built.store.open();
    const [last] = await store.runs.recent(id, 1);
    const results = await store.runs.results(last?.id ?? -1);
    expect(results).toHaveLength(1);
    // The control (no secret configured) shows the check does echo the text, so the scrubbed case means something.
    expect(JSON.stringify(results).includes(secret)).toBe(!scrubbing);
  },
);
