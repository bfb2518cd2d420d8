import { z } from 'zod';
import type { AuditQuery, AuditRow, AuditStore } from '../audit-types';
import type { Db } from './pool';

const optional = z
  .string()
  .nullable()
  .transform((value) => value ?? undefined);
const rowSchema = z.object({
  at: z.number().int(),
  platform: z.enum(['slack', 'teams', 'cli', 'digest']),
  user_id: z.string(),
  team_id: optional,
  channel_id: z.string(),
  command: z.string(),
  target: optional,
  status: z.enum(['ok', 'warn', 'fail', 'error']),
  outcome: optional,
  duration_ms: z.number().int(),
  correlation_id: z.string(),
});

function toAuditRow(raw: unknown): AuditRow {
  const r = rowSchema.parse(raw);
  return {
    at: new Date(r.at).toISOString(),
    platform: r.platform,
    userId: r.user_id,
    ...(r.team_id !== undefined ? { teamId: r.team_id } : {}),
    channelId: r.channel_id,
    command: r.command,
    ...(r.target !== undefined ? { target: r.target } : {}),
    status: r.status,
    ...(r.outcome !== undefined ? { outcome: r.outcome } : {}),
    durationMs: r.duration_ms,
    correlationId: r.correlation_id,
  };
}

/** The audit trail in PostgreSQL: one trail for every replica, so `audit` on any of them sees all requests. */
export function createPgAuditStore(db: Db): AuditStore {
  return {
    async append(row) {
      await db.query(
        `INSERT INTO audit (at, platform, user_id, team_id, channel_id, command, target, status, outcome, duration_ms, correlation_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [
          Date.parse(row.at),
          row.platform,
          row.userId,
          row.teamId ?? null,
          row.channelId,
          row.command,
          row.target ?? null,
          row.status,
          row.outcome ?? null,
          Math.round(row.durationMs),
          row.correlationId,
        ],
      );
    },
    async query(query: AuditQuery) {
      const where: string[] = [];
      const values: unknown[] = [];
      if (query.userId !== undefined) {
        values.push(query.userId);
        where.push(`lower(user_id) = lower($${values.length})`);
      }
      if (query.since !== undefined) {
        values.push(query.since.getTime());
        where.push(`at >= $${values.length}`);
      }
      values.push(Math.max(1, Math.min(10_000, query.limit ?? 50)));
      const sql = `SELECT * FROM audit ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY at DESC, id DESC LIMIT $${values.length}`;
      return (await db.query(sql, values)).rows.map(toAuditRow);
    },
    async prune(before) {
      return (await db.query('DELETE FROM audit WHERE at < $1', [before.getTime()])).rowCount;
    },
  };
}
