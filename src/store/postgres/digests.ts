import { toDigest } from '../rows';
import { newDigestId } from '../sqlite-digests';
import type { DigestPlatform, DigestRecord, DigestStore } from '../types';
import type { Db } from './pool';

/**
 * Digest definitions in PostgreSQL. Every replica reads them at each scheduler pass, so an add, a pause or a
 * removal on one replica is seen by the others before their next slot.
 */
export function createPgDigestStore(db: Db): DigestStore {
  const one = (rows: unknown[]): DigestRecord | undefined => (rows[0] === undefined ? undefined : toDigest(rows[0]));
  return {
    create: (input, limits) =>
      db.tx(async (client) => {
        // The count and the insert must not interleave with another replica's add to the same channel:
        // a transaction-scoped advisory lock on the channel serialises them (READ COMMITTED alone would not).
        await client.query("SELECT pg_advisory_xact_lock(hashtext('diagbot.digests:' || $1 || ':' || $2))", [
          input.platform,
          input.channelId,
        ]);
        const count = Number(
          (
            await client.query<{ n: number }>(
              'SELECT COUNT(*)::int AS n FROM digests WHERE platform = $1 AND channel_id = $2',
              [input.platform, input.channelId],
            )
          ).rows[0]?.n ?? 0,
        );
        if (count >= limits.maxPerChannel) return { limitReached: count };
        for (;;) {
          const inserted = await client.query(
            `INSERT INTO digests (id, platform, channel_id, team_id, schedule, schedule_text, timezone, commands, paused, created_by, created_at, active_since)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9, $10, $10) ON CONFLICT (id) DO NOTHING RETURNING *`,
            [
              newDigestId(),
              input.platform,
              input.channelId,
              input.teamId ?? null,
              input.schedule,
              input.scheduleText,
              input.timezone,
              JSON.stringify(input.commands),
              input.createdBy,
              input.now.getTime(),
            ],
          );
          const created = one(inserted.rows);
          if (created) return { created };
        }
      }),
    get: async (id) => one((await db.query('SELECT * FROM digests WHERE id = $1', [id])).rows),
    list: async (filter?: { platform: DigestPlatform; channelId: string }) => {
      const { rows } = filter
        ? await db.query('SELECT * FROM digests WHERE platform = $1 AND channel_id = $2 ORDER BY created_at, id', [
            filter.platform,
            filter.channelId,
          ])
        : await db.query('SELECT * FROM digests ORDER BY created_at, id');
      return rows.map(toDigest);
    },
    setPaused: async (id, paused, now) => {
      const { rows } = paused
        ? await db.query('UPDATE digests SET paused = 1 WHERE id = $1 RETURNING *', [id])
        : // A resume moves active_since only when the digest was paused (slots missed meanwhile are not run late).
          await db.query(
            'UPDATE digests SET active_since = CASE WHEN paused = 1 THEN $2 ELSE active_since END, paused = 0 WHERE id = $1 RETURNING *',
            [id, now.getTime()],
          );
      return one(rows);
    },
    remove: async (id) => (await db.query('DELETE FROM digests WHERE id = $1', [id])).rowCount > 0,
  };
}
