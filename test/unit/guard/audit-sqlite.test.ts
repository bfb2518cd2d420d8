import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditRow } from '../../../src/store/audit-types';
import { createSqliteAuditStore, openAuditStore } from '../../../src/store/audit-store';
import { openSqliteStore, type SqliteStore } from '../../../src/store/sqlite';
import { captureLogger } from '../../helpers/logger';

const row = (at: string, userId: string, extra: Partial<AuditRow> = {}): AuditRow => ({
  at,
  platform: 'slack',
  userId,
  channelId: 'C0CHANNEL',
  command: 'cert',
  status: 'ok',
  durationMs: 7,
  correlationId: `id-${at}-${userId}`,
  ...extra,
});

describe('the SQLite audit store', () => {
  it('stores rows through the migration and reads them back newest first, filtered', async () => {
    const store = openSqliteStore(':memory:');
    const audit = createSqliteAuditStore(store.db);
    await audit.append(row('2026-03-01T10:00:00.000Z', 'U0ALICE', { teamId: 'T0', target: 'mail.contoso.com:443' }));
    await audit.append(row('2026-03-02T10:00:00.000Z', 'U0BOB', { status: 'error', outcome: 'rate.limited' }));
    await audit.append(row('2026-03-02T11:00:00.000Z', 'u0alice'));
    const all = await audit.query({});
    expect(all.map((r) => r.at)).toEqual([
      '2026-03-02T11:00:00.000Z',
      '2026-03-02T10:00:00.000Z',
      '2026-03-01T10:00:00.000Z',
    ]);
    expect(all[2]).toEqual(
      row('2026-03-01T10:00:00.000Z', 'U0ALICE', { teamId: 'T0', target: 'mail.contoso.com:443' }),
    );
    expect(all[1]).toEqual(row('2026-03-02T10:00:00.000Z', 'U0BOB', { status: 'error', outcome: 'rate.limited' }));
    expect((await audit.query({ userId: 'U0ALICE' })).map((r) => r.userId)).toEqual(['u0alice', 'U0ALICE']);
    expect(await audit.query({ since: new Date('2026-03-02T00:00:00Z'), limit: 1 })).toHaveLength(1);
    expect(await audit.prune(new Date('2026-03-02T00:00:00Z'))).toBe(1);
    expect(await audit.query({})).toHaveLength(2);
    store.close();
  });

  describe('opened on first use', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'diagbot-audit-'));
    });
    afterEach(() => {
      rmSync(dir, { recursive: true, force: true });
    });

    const opened: SqliteStore[] = [];
    afterEach(() => {
      for (const store of opened.splice(0)) store.close();
    });
    /** As createApp does: the audit shares the app's one store, opened on first use. */
    const options = (path: string, create: boolean): Parameters<typeof openAuditStore>[0] => {
      let store: SqliteStore | undefined;
      return {
        store: async () => (store ??= opened[opened.push(openSqliteStore(path)) - 1] as SqliteStore),
        path,
        create,
        retentionDays: 30,
        now: () => new Date('2026-03-02T12:00:00Z'),
        log: captureLogger(),
      };
    };

    it('keeps rows in memory and creates no file when the terminal finds no database', async () => {
      const path = join(dir, 'none', 'diagbot.db');
      const audit = openAuditStore(options(path, false));
      await audit.append(row('2026-03-02T11:00:00.000Z', 'local'));
      expect(await audit.query({})).toHaveLength(1);
      expect(existsSync(path)).toBe(false);
    });

    it('creates the database for serve, persists rows, and prunes past the retention on open', async () => {
      const path = join(dir, 'diagbot.db');
      const first = openAuditStore(options(path, true));
      await first.append(row('2026-01-01T00:00:00.000Z', 'U0OLD'));
      await first.append(row('2026-03-02T11:00:00.000Z', 'U0NEW'));
      const second = openAuditStore(options(path, false));
      expect((await second.query({})).map((r) => r.userId)).toEqual(['U0NEW']);
    });
  });
});
