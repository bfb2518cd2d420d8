import type { PoolClient } from 'pg';
import { toResult, toRun } from '../rows';
import type { ClaimOutcome, DigestRunStore, RunRecord } from '../types';
import type { Db } from './pool';

const UNKNOWN_POST =
  'The bot stopped while this post was in flight, so it may or may not have arrived; it is not sent again, so the channel never gets it twice.';

/**
 * Runs in PostgreSQL, shared by every replica. A slot is claimed by inserting the unique (digest, slot) row
 * inside a transaction that first locks the digest's row (so the overlap check and the insert see the same
 * world); stale runs are taken over with `FOR UPDATE SKIP LOCKED`, so two replicas never take the same run.
 * Every later change is a compare-and-set on (id, owner, state), as in SQLite.
 */
export function createPgRunStore(db: Db): DigestRunStore {
  const one = (rows: unknown[]): RunRecord | undefined => (rows[0] === undefined ? undefined : toRun(rows[0]));

  const insertRun = async (client: PoolClient, values: unknown[]): Promise<RunRecord | undefined> =>
    one(
      (
        await client.query(
          `INSERT INTO digest_runs (digest_id, slot, slot_at, kind, owner, claimed_at, heartbeat_at, state, finished_at, skip_reason, post_state)
     VALUES ($1, $2, $3, $4, $5, $6, $6, $7, $8, $9, $10) ON CONFLICT (digest_id, slot) DO NOTHING RETURNING *`,
          values,
        )
      ).rows,
    );

  return {
    claim: (c) =>
      db.tx(async (client): Promise<ClaimOutcome> => {
        // Serialises the claims of one digest; a digest removed meanwhile has nothing to claim.
        const digest = await client.query('SELECT id FROM digests WHERE id = $1 FOR UPDATE', [c.digestId]);
        if (digest.rowCount === 0) return { outcome: 'taken' };
        const held = await client.query('SELECT 1 FROM digest_runs WHERE digest_id = $1 AND slot = $2', [
          c.digestId,
          c.slot,
        ]);
        if ((held.rowCount ?? 0) > 0) return { outcome: 'taken' };
        const base = [c.digestId, c.slot, c.slotAt.getTime(), c.kind, c.owner, c.now.getTime()];
        const busy = (
          await client.query<{ id: number }>(
            "SELECT id FROM digest_runs WHERE digest_id = $1 AND state = 'running' ORDER BY id LIMIT 1",
            [c.digestId],
          )
        ).rows[0];
        if (busy) {
          const run = await insertRun(client, [
            ...base,
            'skipped',
            c.now.getTime(),
            `run ${busy.id} of this digest was still running when this slot was due`,
            'none',
          ]);
          return run ? { outcome: 'skipped', run, busyRunId: busy.id } : { outcome: 'taken' };
        }
        const run = await insertRun(client, [...base, 'running', null, null, c.posts ? 'pending' : 'none']);
        return run ? { outcome: 'claimed', run } : { outcome: 'taken' };
      }),

    heartbeat: async (id, owner, now) =>
      (
        await db.query('UPDATE digest_runs SET heartbeat_at = $1 WHERE id = $2 AND owner = $3', [
          now.getTime(),
          id,
          owner,
        ])
      ).rowCount > 0,

    release: async (id, owner) => {
      await db.query('UPDATE digest_runs SET heartbeat_at = 0 WHERE id = $1 AND owner = $2', [id, owner]);
    },

    takeOverStale: (owner, now, staleBefore) =>
      db.tx(async (client) => {
        await client.query(
          "UPDATE digest_runs SET post_state = 'unknown', post_error = $1 WHERE state = 'finished' AND post_state = 'posting' AND heartbeat_at < $2",
          [UNKNOWN_POST, staleBefore.getTime()],
        );
        const { rows } = await client.query(
          `UPDATE digest_runs SET owner = $1, heartbeat_at = $2, attempt = attempt + (CASE WHEN state = 'running' THEN 1 ELSE 0 END)
         WHERE heartbeat_at < $3 AND id IN (
           SELECT id FROM digest_runs WHERE heartbeat_at < $3 AND (state = 'running' OR (state = 'finished' AND post_state = 'pending'))
           ORDER BY slot_at LIMIT 20 FOR UPDATE SKIP LOCKED)
         RETURNING *`,
          [owner, now.getTime(), staleBefore.getTime()],
        );
        return rows.map(toRun).sort((a, b) => a.slotAt.getTime() - b.slotAt.getTime() || a.id - b.id);
      }),

    finish: (id, owner, input) =>
      db.tx(async (client) => {
        const changed = await client.query(
          `UPDATE digest_runs SET state = 'finished', finished_at = $1, heartbeat_at = $1, status = $2, reply = $3
         WHERE id = $4 AND owner = $5 AND state = 'running'`,
          [input.now.getTime(), input.status, JSON.stringify(input.reply), id, owner],
        );
        if (changed.rowCount === 0) return false;
        await client.query('DELETE FROM digest_results WHERE run_id = $1', [id]);
        if (input.results.length > 0) {
          // One statement for all results (a digest holds up to 500 checks), sent as one JSON document: three
          // unnested text[] arrays cost three to four times as much (every quote of every reply escaped into an
          // array literal and parsed back), 110-240 ms against 35-50 ms for 500 cert replies.
          await client.query(
            `INSERT INTO digest_results (run_id, position, command, reply)
             SELECT $1, (e->>'position')::int, e->>'command', (e->'reply')::text FROM json_array_elements($2::json) AS e`,
            [
              id,
              // A json value keeps its text: each reply is stored as written here, not escaped a second time.
              JSON.stringify(input.results.map((r) => ({ position: r.position, command: r.command, reply: r.reply }))),
            ],
          );
        }
        return true;
      }),

    beginPost: async (id, owner, now) =>
      (
        await db.query(
          `UPDATE digest_runs SET post_state = 'posting', post_attempts = post_attempts + 1, heartbeat_at = $1
       WHERE id = $2 AND owner = $3 AND state = 'finished' AND post_state = 'pending'`,
          [now.getTime(), id, owner],
        )
      ).rowCount > 0,

    endPost: async (id, owner, outcome) => {
      await db.query(
        `UPDATE digest_runs SET post_state = $1, post_error = $2, message_id = COALESCE($3, message_id),
           posted_at = CASE WHEN $1 = 'posted' THEN $4 ELSE posted_at END, heartbeat_at = $4
         WHERE id = $5 AND owner = $6 AND post_state = 'posting'`,
        [outcome.state, outcome.error ?? null, outcome.messageId ?? null, outcome.now.getTime(), id, owner],
      );
    },

    get: async (id) => one((await db.query('SELECT * FROM digest_runs WHERE id = $1', [id])).rows),

    recent: async (digestId, limit) =>
      (
        await db.query('SELECT * FROM digest_runs WHERE digest_id = $1 ORDER BY slot_at DESC, id DESC LIMIT $2', [
          digestId,
          limit,
        ])
      ).rows.map(toRun),

    previousFinished: async (digestId, options) =>
      one(
        (
          await db.query(
            `SELECT * FROM digest_runs WHERE digest_id = $1 AND state = 'finished' AND slot_at <= $2 AND id <> $3
         ${options.scope === 'scheduled' ? "AND kind IN ('scheduled', 'late')" : ''}
       ORDER BY slot_at DESC, id DESC LIMIT 1`,
            [digestId, options.atOrBefore.getTime(), options.excludeRunId],
          )
        ).rows,
      ),

    results: async (runId) =>
      (
        await db.query('SELECT position, command, reply FROM digest_results WHERE run_id = $1 ORDER BY position', [
          runId,
        ])
      ).rows.map(toResult),

    lastSlots: async () => {
      const { rows } = await db.query<{ digest_id: string; at: number }>(
        "SELECT digest_id, MAX(slot_at) AS at FROM digest_runs WHERE kind IN ('scheduled', 'late') GROUP BY digest_id",
      );
      return new Map(rows.map((row) => [row.digest_id, new Date(Number(row.at))]));
    },

    prune: async (digestId, keep) =>
      (
        await db.query(
          `DELETE FROM digest_runs WHERE digest_id = $1 AND state <> 'running' AND id NOT IN (
         SELECT id FROM digest_runs WHERE digest_id = $1 ORDER BY slot_at DESC, id DESC LIMIT $2)`,
          [digestId, Math.max(1, keep)],
        )
      ).rowCount,
  };
}
