import { existsSync } from 'node:fs';
import type { Database } from 'better-sqlite3';
import { createMemoryAuditStore } from './audit-memory';
import type { AuditQuery, AuditRow, AuditStore } from './audit-types';
import type { Logger } from '../core/command';
import type { Platform } from '../core/chat-request';
import type { Status } from '../core/reply';

interface AuditRecordRow {
  at: number;
  platform: string;
  user_id: string;
  team_id: string | null;
  channel_id: string;
  command: string;
  target: string | null;
  status: string;
  outcome: string | null;
  duration_ms: number;
  correlation_id: string;
}

function fromRecord(record: AuditRecordRow): AuditRow {
  const row: AuditRow = {
    at: new Date(record.at).toISOString(),
    platform: record.platform as Platform,
    userId: record.user_id,
    channelId: record.channel_id,
    command: record.command,
    status: record.status as Status,
    durationMs: record.duration_ms,
    correlationId: record.correlation_id,
  };
  if (record.team_id !== null) row.teamId = record.team_id;
  if (record.target !== null) row.target = record.target;
  if (record.outcome !== null) row.outcome = record.outcome;
  return row;
}

/**
 * The audit trail in the SQLite store (the `audit` table of migration 2). Pass the connection of an
 * opened store (`openSqliteStore(path).db`), whose migrations have run.
 */
export function createSqliteAuditStore(db: Database): AuditStore {
  const insert = db.prepare(`
    INSERT INTO audit (at, platform, user_id, team_id, channel_id, command, target, status, outcome, duration_ms, correlation_id)
    VALUES (@at, @platform, @userId, @teamId, @channelId, @command, @target, @status, @outcome, @durationMs, @correlationId)`);
  const remove = db.prepare('DELETE FROM audit WHERE at < ?');
  return {
    async append(row) {
      insert.run({
        at: Date.parse(row.at),
        platform: row.platform,
        userId: row.userId,
        teamId: row.teamId ?? null,
        channelId: row.channelId,
        command: row.command,
        target: row.target ?? null,
        status: row.status,
        outcome: row.outcome ?? null,
        durationMs: Math.round(row.durationMs),
        correlationId: row.correlationId,
      });
    },
    async query(query: AuditQuery) {
      const where: string[] = [];
      const params: Array<string | number> = [];
      if (query.userId !== undefined) {
        where.push('user_id = ? COLLATE NOCASE');
        params.push(query.userId);
      }
      if (query.since !== undefined) {
        where.push('at >= ?');
        params.push(query.since.getTime());
      }
      params.push(Math.max(1, Math.min(10_000, query.limit ?? 50)));
      const sql = `SELECT * FROM audit ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY at DESC, id DESC LIMIT ?`;
      return (db.prepare(sql).all(...params) as AuditRecordRow[]).map(fromRecord);
    },
    async prune(before) {
      return remove.run(before.getTime()).changes;
    },
  };
}

export interface OpenAuditStoreOptions {
  /**
   * The app's one SQLite store, opened on first use; the audit shares its connection (createApp opens the
   * file once and closes it once).
   */
  store: () => Promise<{ readonly db: Database }>;
  /** `store.path`. */
  path: string;
  /**
   * Create the database when it is missing (`serve`). The terminal passes false: it records into the
   * database when one is there, and in memory otherwise, so `diagbot help` never leaves files behind.
   */
  create: boolean;
  /** Rows older than this many days are deleted when the store opens. */
  retentionDays: number;
  now: () => Date;
  log: Logger;
}

/**
 * The audit store on the shared SQLite store, opened on first use: SQLite (and better-sqlite3) load only when a
 * command completes or `audit` runs, which keeps the terminal's start fast. A database that cannot be opened fails each
 * use with the store's own message; the recorder logs it and `audit` shows it.
 */
export function openAuditStore(options: OpenAuditStoreOptions): AuditStore {
  let opened: Promise<AuditStore> | undefined;
  const open = (): Promise<AuditStore> => {
    opened ??= (async (): Promise<AuditStore> => {
      if (!options.create && options.path !== ':memory:' && !existsSync(options.path)) return createMemoryAuditStore();
      const store = createSqliteAuditStore((await options.store()).db);
      const cutoff = new Date(options.now().getTime() - options.retentionDays * 86_400_000);
      const removed = await store.prune(cutoff);
      if (removed > 0) options.log.info({ removed, retentionDays: options.retentionDays }, 'old audit rows deleted');
      return store;
    })();
    return opened;
  };
  return {
    append: async (row) => (await open()).append(row),
    query: async (query) => (await open()).query(query),
    prune: async (before) => (await open()).prune(before),
  };
}
