import type { Database } from 'better-sqlite3';
import { withBusyRetry } from './errors';
import { toResult, toRun } from './rows';
import type { ClaimOutcome, DigestRunStore, FinishInput, RunRecord, SlotClaim } from './types';

const UNKNOWN_POST =
  'The bot stopped while this post was in flight, so it may or may not have arrived; it is not sent again, so the channel never gets it twice.';

/**
 * Runs in SQLite. Every state change is a compare-and-set on (id, owner, state) inside one short
 * immediate transaction: whoever loses a race changes nothing and learns it from the return value.
 */
export function createSqliteRunStore(db: Database): DigestRunStore {
  const bySlot = db.prepare('SELECT id FROM digest_runs WHERE digest_id = ? AND slot = ?');
  const digestExists = db.prepare('SELECT 1 FROM digests WHERE id = ?');
  const runningOf = db.prepare<[string], { id: number }>(
    "SELECT id FROM digest_runs WHERE digest_id = ? AND state = 'running' ORDER BY id LIMIT 1",
  );
  const insert = db.prepare(
    `INSERT INTO digest_runs (digest_id, slot, slot_at, kind, state, owner, claimed_at, heartbeat_at, finished_at, skip_reason, post_state)
     VALUES (@digestId, @slot, @slotAt, @kind, @state, @owner, @now, @now, @finishedAt, @skipReason, @postState)
     ON CONFLICT (digest_id, slot) DO NOTHING`,
  );
  const byId = db.prepare('SELECT * FROM digest_runs WHERE id = ?');
  const heartbeat = db.prepare('UPDATE digest_runs SET heartbeat_at = ? WHERE id = ? AND owner = ?');
  const release = db.prepare('UPDATE digest_runs SET heartbeat_at = 0 WHERE id = ? AND owner = ?');
  const markUnknown = db.prepare(
    "UPDATE digest_runs SET post_state = 'unknown', post_error = ? WHERE state = 'finished' AND post_state = 'posting' AND heartbeat_at < ?",
  );
  const stale = db.prepare<[number], { id: number; state: string }>(
    `SELECT id, state FROM digest_runs WHERE heartbeat_at < ? AND (state = 'running' OR (state = 'finished' AND post_state = 'pending'))
     ORDER BY slot_at LIMIT 20`,
  );
  const takeOver = db.prepare(
    "UPDATE digest_runs SET owner = ?, heartbeat_at = ?, attempt = attempt + (CASE WHEN state = 'running' THEN 1 ELSE 0 END) WHERE id = ? AND heartbeat_at < ?",
  );
  const finish = db.prepare(
    `UPDATE digest_runs SET state = 'finished', finished_at = @now, heartbeat_at = @now, status = @status, reply = @reply
     WHERE id = @id AND owner = @owner AND state = 'running'`,
  );
  const clearResults = db.prepare('DELETE FROM digest_results WHERE run_id = ?');
  const insertResult = db.prepare('INSERT INTO digest_results (run_id, position, command, reply) VALUES (?, ?, ?, ?)');
  const beginPost = db.prepare(
    `UPDATE digest_runs SET post_state = 'posting', post_attempts = post_attempts + 1, heartbeat_at = ?
     WHERE id = ? AND owner = ? AND state = 'finished' AND post_state = 'pending'`,
  );
  const endPost = db.prepare(
    `UPDATE digest_runs SET post_state = @state, post_error = @error, message_id = COALESCE(@messageId, message_id),
       posted_at = CASE WHEN @state = 'posted' THEN @now ELSE posted_at END, heartbeat_at = @now
     WHERE id = @id AND owner = @owner AND post_state = 'posting'`,
  );
  const recent = db.prepare('SELECT * FROM digest_runs WHERE digest_id = ? ORDER BY slot_at DESC, id DESC LIMIT ?');
  const previousAny = db.prepare(
    "SELECT * FROM digest_runs WHERE digest_id = ? AND state = 'finished' AND slot_at <= ? AND id <> ? ORDER BY slot_at DESC, id DESC LIMIT 1",
  );
  const previousScheduled = db.prepare(
    `SELECT * FROM digest_runs WHERE digest_id = ? AND state = 'finished' AND kind IN ('scheduled', 'late') AND slot_at <= ? AND id <> ?
     ORDER BY slot_at DESC, id DESC LIMIT 1`,
  );
  const results = db.prepare('SELECT position, command, reply FROM digest_results WHERE run_id = ? ORDER BY position');
  const lastSlots = db.prepare<[], { digest_id: string; at: number }>(
    "SELECT digest_id, MAX(slot_at) AS at FROM digest_runs WHERE kind IN ('scheduled', 'late') GROUP BY digest_id",
  );
  const prune = db.prepare(
    `DELETE FROM digest_runs WHERE digest_id = @digestId AND state <> 'running' AND id NOT IN (
       SELECT id FROM digest_runs WHERE digest_id = @digestId ORDER BY slot_at DESC, id DESC LIMIT @keep)`,
  );

  const load = (id: number | bigint): RunRecord => toRun(byId.get(id));

  const claim = db.transaction((c: SlotClaim): ClaimOutcome => {
    // Removed (by another instance) since the scheduler read it: nothing to claim, as on PostgreSQL.
    if (digestExists.get(c.digestId) === undefined) return { outcome: 'taken' };
    if (bySlot.get(c.digestId, c.slot) !== undefined) return { outcome: 'taken' };
    const busy = runningOf.get(c.digestId);
    const base = {
      digestId: c.digestId,
      slot: c.slot,
      slotAt: c.slotAt.getTime(),
      kind: c.kind,
      owner: c.owner,
      now: c.now.getTime(),
    };
    if (busy) {
      const info = insert.run({
        ...base,
        state: 'skipped',
        finishedAt: c.now.getTime(),
        postState: 'none',
        skipReason: `run ${busy.id} of this digest was still running when this slot was due`,
      });
      return { outcome: 'skipped', run: load(info.lastInsertRowid), busyRunId: busy.id };
    }
    const info = insert.run({
      ...base,
      state: 'running',
      finishedAt: null,
      skipReason: null,
      postState: c.posts ? 'pending' : 'none',
    });
    if (info.changes === 0) return { outcome: 'taken' };
    return { outcome: 'claimed', run: load(info.lastInsertRowid) };
  });

  const takeOverStale = db.transaction((owner: string, now: Date, staleBefore: Date): RunRecord[] => {
    markUnknown.run(UNKNOWN_POST, staleBefore.getTime());
    const taken: RunRecord[] = [];
    for (const row of stale.all(staleBefore.getTime())) {
      if (takeOver.run(owner, now.getTime(), row.id, staleBefore.getTime()).changes > 0) taken.push(load(row.id));
    }
    return taken;
  });

  const finishRun = db.transaction((id: number, owner: string, input: FinishInput): boolean => {
    const changed = finish.run({
      id,
      owner,
      now: input.now.getTime(),
      status: input.status,
      reply: JSON.stringify(input.reply),
    }).changes;
    if (changed === 0) return false;
    clearResults.run(id);
    for (const result of input.results)
      insertResult.run(id, result.position, result.command, JSON.stringify(result.reply));
    return true;
  });

  return {
    claim: (c) => withBusyRetry(() => claim.immediate(c)),
    heartbeat: (id, owner, now) => withBusyRetry(() => heartbeat.run(now.getTime(), id, owner).changes > 0),
    release: async (id, owner) => {
      await withBusyRetry(() => release.run(id, owner));
    },
    takeOverStale: (owner, now, staleBefore) => withBusyRetry(() => takeOverStale.immediate(owner, now, staleBefore)),
    finish: (id, owner, input) => withBusyRetry(() => finishRun.immediate(id, owner, input)),
    beginPost: (id, owner, now) => withBusyRetry(() => beginPost.run(now.getTime(), id, owner).changes > 0),
    endPost: async (id, owner, outcome) => {
      await withBusyRetry(() =>
        endPost.run({
          id,
          owner,
          state: outcome.state,
          error: outcome.error ?? null,
          messageId: outcome.messageId ?? null,
          now: outcome.now.getTime(),
        }),
      );
    },
    get: (id) =>
      withBusyRetry(() => {
        const row = byId.get(id);
        return row === undefined ? undefined : toRun(row);
      }),
    recent: (digestId, limit) => withBusyRetry(() => recent.all(digestId, limit).map(toRun)),
    previousFinished: (digestId, options) =>
      withBusyRetry(() => {
        const statement = options.scope === 'scheduled' ? previousScheduled : previousAny;
        const row = statement.get(digestId, options.atOrBefore.getTime(), options.excludeRunId);
        return row === undefined ? undefined : toRun(row);
      }),
    results: (runId) => withBusyRetry(() => results.all(runId).map(toResult)),
    lastSlots: () => withBusyRetry(() => new Map(lastSlots.all().map((row) => [row.digest_id, new Date(row.at)]))),
    prune: (digestId, keep) => withBusyRetry(() => prune.run({ digestId, keep: Math.max(1, keep) }).changes),
  };
}
