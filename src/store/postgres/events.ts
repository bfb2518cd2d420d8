import type { Db } from './pool';

/** Remembers Slack delivery ids for every replica at once (the `SharedEventLog` port in adapters/slack/dedupe.ts). */
export interface PgEventLog {
  /** True when this call recorded the id first (or its earlier record had expired). */
  firstSeen(id: string, ttlMs: number): Promise<boolean>;
}

/**
 * The shared dedupe table: an insert that conflicts with a live row means another replica (or this one)
 * already took the delivery. Expired rows are reused by the same statement and swept now and then.
 */
export function createPgEventLog(db: Db, now: () => number = Date.now): PgEventLog {
  let lastSweep = 0;
  return {
    async firstSeen(id, ttlMs) {
      const at = now();
      const { rowCount } = await db.query(
        `INSERT INTO slack_events (id, expires_at) VALUES ($1, $2)
         ON CONFLICT (id) DO UPDATE SET expires_at = excluded.expires_at WHERE slack_events.expires_at <= $3
         RETURNING id`,
        [id, at + ttlMs, at],
      );
      if (at - lastSweep > 60_000) {
        lastSweep = at;
        // Housekeeping, off the acknowledgement's path; a failure only delays it to the next minute.
        void db.query('DELETE FROM slack_events WHERE expires_at <= $1', [at]).catch(() => undefined);
      }
      return rowCount > 0;
    },
  };
}
