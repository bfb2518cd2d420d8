import { randomInt } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import { withBusyRetry } from './errors';
import { toDigest } from './rows';
import type { DigestPlatform, DigestRecord, DigestStore, NewDigest } from './types';

/** No 0/o, 1/l/i: ids are read off a chat message and typed back. */
const ID_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

export function newDigestId(): string {
  let id = 'd';
  for (let i = 0; i < 6; i += 1) id += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
  return id;
}

/** Digest definitions in SQLite. Each method is one short statement or transaction. */
export function createSqliteDigestStore(db: Database): DigestStore {
  const countInChannel = db.prepare<[string, string], { n: number }>(
    'SELECT COUNT(*) AS n FROM digests WHERE platform = ? AND channel_id = ?',
  );
  const idTaken = db.prepare<[string], { id: string }>('SELECT id FROM digests WHERE id = ?');
  const insert = db.prepare(
    `INSERT INTO digests (id, platform, channel_id, team_id, schedule, schedule_text, timezone, commands, paused, created_by, created_at, active_since)
     VALUES (@id, @platform, @channel_id, @team_id, @schedule, @schedule_text, @timezone, @commands, 0, @created_by, @now, @now)`,
  );
  const byId = db.prepare('SELECT * FROM digests WHERE id = ?');
  const all = db.prepare('SELECT * FROM digests ORDER BY created_at, id');
  const byChannel = db.prepare('SELECT * FROM digests WHERE platform = ? AND channel_id = ? ORDER BY created_at, id');
  const pause = db.prepare('UPDATE digests SET paused = 1 WHERE id = ?');
  const resume = db.prepare('UPDATE digests SET paused = 0, active_since = ? WHERE id = ? AND paused = 1');
  const remove = db.prepare('DELETE FROM digests WHERE id = ?');

  const create = db.transaction(
    (input: NewDigest, maxPerChannel: number): { created: DigestRecord } | { limitReached: number } => {
      const count = countInChannel.get(input.platform, input.channelId)?.n ?? 0;
      if (count >= maxPerChannel) return { limitReached: count };
      let id = newDigestId();
      while (idTaken.get(id)) id = newDigestId();
      insert.run({
        id,
        platform: input.platform,
        channel_id: input.channelId,
        team_id: input.teamId ?? null,
        schedule: input.schedule,
        schedule_text: input.scheduleText,
        timezone: input.timezone,
        commands: JSON.stringify(input.commands),
        created_by: input.createdBy,
        now: input.now.getTime(),
      });
      return { created: toDigest(byId.get(id)) };
    },
  );

  const setPaused = db.transaction((id: string, paused: boolean, now: Date): DigestRecord | undefined => {
    if (paused) pause.run(id);
    else resume.run(now.getTime(), id);
    const row = byId.get(id);
    return row === undefined ? undefined : toDigest(row);
  });

  return {
    create: (input, limits) => withBusyRetry(() => create.immediate(input, limits.maxPerChannel)),
    get: (id) =>
      withBusyRetry(() => {
        const row = byId.get(id);
        return row === undefined ? undefined : toDigest(row);
      }),
    list: (filter?: { platform: DigestPlatform; channelId: string }) =>
      withBusyRetry(() => (filter ? byChannel.all(filter.platform, filter.channelId) : all.all()).map(toDigest)),
    setPaused: (id, paused, now) => withBusyRetry(() => setPaused.immediate(id, paused, now)),
    remove: (id) => withBusyRetry(() => remove.run(id).changes > 0),
  };
}
