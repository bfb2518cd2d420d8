import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { createSqliteAuditStore } from '../../../src/store/audit-store';
import type { Command } from '../../../src/core/command';
import { makeReply } from '../../../src/core/reply';
import { createRouter } from '../../../src/core/router';
import { createStoreGuard } from '../../../src/store/guarded';
import { openSqliteStore } from '../../../src/store/sqlite';
import type { NewDigest, Store } from '../../../src/store/types';
import { silentLogger } from '../../../src/log/logger';
import { diagFailure as failure } from '../../helpers/diag-error';
import { freePort } from '../../helpers/postfix';
import { startSlackCapture } from '../../helpers/slack-capture';
import { chatRequest } from '../../helpers/requests';
import { healthy, PORTS, serve, until } from './serve-process';

/**
 * Issue 14, defect 6 (store): the real SQLite store when its disk is full (SQLite's own SQLITE_FULL, reached
 * by capping the file's page count) and when its directory is deleted under it.
 */
const digest = (n: number): NewDigest => ({
  platform: 'slack',
  channelId: 'C0STORE',
  schedule: '0 8 * * *',
  scheduleText: 'daily 08:00',
  timezone: 'UTC',
  commands: [`cert host${n}.contoso.com`],
  createdBy: 'U0ADMIN',
  now: new Date('2026-01-01T00:00:00Z'),
});

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'diagbot-hardening-store-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('a store that fails', () => {
  it('answers store.unavailable on a full disk, for digests and for the audit trail, and reports it', async () => {
    const file = join(dir, 'diagbot.db');
    const states: Array<[boolean, string | undefined]> = [];
    const guard = createStoreGuard(file, (up, reason) => states.push([up, reason]));
    const raw = openSqliteStore(file);
    const store = guard.guard<Store>(raw);
    const audit = guard.guard(createSqliteAuditStore(raw.db));
    await store.digests.create(digest(0), { maxPerChannel: 1000 });
    // No page more than the file has now: the next write that needs one fails as a full disk does.
    const pages = Number(raw.db.pragma('page_count', { simple: true }));
    raw.db.pragma(`max_page_count = ${pages}`);
    let error: unknown;
    for (let i = 1; i < 500 && error === undefined; i += 1) {
      error = await store.digests.create(digest(i), { maxPerChannel: 1000 }).then(
        () => undefined,
        (e: unknown) => e,
      );
    }
    expect(error).toMatchObject({ code: 'store.unavailable' });
    expect(states.at(-1)).toEqual([false, expect.stringContaining('SQLITE_FULL')]);
    const row = {
      at: new Date().toISOString(),
      platform: 'slack' as const,
      userId: 'U1',
      channelId: 'C1',
      command: 'help',
      status: 'ok' as const,
      durationMs: 1,
      correlationId: 'x'.repeat(3000),
    };
    let auditError: unknown;
    for (let i = 0; i < 500 && auditError === undefined; i += 1)
      auditError = await audit.append(row).then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(auditError).toMatchObject({ code: 'store.unavailable' });

    // Through the router: an answer that says what is wrong, not "something went wrong".
    const save: Command<{ positional: string[] }> = {
      name: 'save',
      summary: 'save a digest (test)',
      usage: 'save',
      examples: ['save'],
      args: z.object({ positional: z.array(z.string()) }),
      async run() {
        await store.digests.create(digest(999), { maxPerChannel: 1000 });
        return makeReply({ command: 'save', title: 'saved', findings: [] });
      },
    };
    const reply = await createRouter({ commands: [save], log: silentLogger() }).handle(chatRequest('save'));
    expect(reply.findings[0]?.id).toBe('store.unavailable');
    raw.close();
  });

  it('notices a deleted database directory instead of writing into the deleted file', async () => {
    const sub = join(dir, 'data');
    mkdirSync(sub);
    const file = join(sub, 'diagbot.db');
    const states: boolean[] = [];
    const guard = createStoreGuard(file, (up) => states.push(up));
    const raw = openSqliteStore(file);
    const store = guard.guard<Store>(raw);
    await store.digests.create(digest(0), { maxPerChannel: 100 });
    rmSync(sub, { recursive: true, force: true });
    const error = await failure(store.digests.create(digest(1), { maxPerChannel: 100 }));
    expect(error.code).toBe('store.unavailable');
    expect(error.message).toContain('deleted');
    expect(states.at(-1)).toBe(false);
    raw.close();
  });

  it('shows a deleted store on /healthz and turns /readyz 503 in the served process, which keeps serving', async () => {
    const sub = join(dir, 'data');
    mkdirSync(sub);
    const port = await freePort(PORTS.from, PORTS.to);
    const capture = await startSlackCapture(PORTS);
    const bot = serve(dir, port, 'http:\n  host: 127.0.0.1\nlog:\n  level: warn\n', {
      SLACK_BOT_TOKEN: 'xoxb-store-test',
      SLACK_SIGNING_SECRET: 'store-test-signing-secret',
      SLACK_API_URL: capture.apiUrl,
      DIAGBOT_DB: join(sub, 'diagbot.db'),
    });
    try {
      const health = await healthy(bot);
      expect(health.components.store).toBe(true);
      rmSync(sub, { recursive: true, force: true });
      const down = await until(
        '/healthz to show the store down',
        async () => {
          const body = (await (await fetch(`${bot.base}/healthz`)).json()) as {
            components: Record<string, boolean>;
            problems?: Record<string, string>;
          };
          return body.components.store === false ? body : undefined;
        },
        bot,
        30_000,
      );
      expect(down.problems?.store).toContain('deleted');
      const ready = await fetch(`${bot.base}/readyz`);
      expect(ready.status).toBe(503);
      expect(bot.alive()).toBe(true);
    } finally {
      await bot.stop();
      await capture.close();
    }
  }, 60_000);
});
