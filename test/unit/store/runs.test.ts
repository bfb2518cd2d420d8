import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { makeReply, type Reply } from '../../../src/core/reply';
import { openSqliteStore, type SqliteStore } from '../../../src/store/sqlite';
import type { RunRecord } from '../../../src/store/types';

/** Claims, leases and post bookkeeping: the exactly-once rules, on two connections to one file. */
let dir: string;
let a: SqliteStore;
let b: SqliteStore;
let digestId: string;
const T0 = new Date('2026-03-01T08:00:00Z');
const at = (minutes: number): Date => new Date(T0.getTime() + minutes * 60_000);
const reply: Reply = makeReply({ command: 'digest', title: 't', findings: [] });

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'diagbot-runs-'));
  a = openSqliteStore(join(dir, 'db.sqlite'));
  b = openSqliteStore(join(dir, 'db.sqlite'));
  const made = await a.digests.create({
    platform: 'slack', channelId: 'C1', schedule: '0 8 * * *', scheduleText: 'daily 08:00', timezone: 'UTC', commands: ['help'], createdBy: 'U1', now: T0,
  }, { maxPerChannel: 20 });
  if (!('created' in made)) throw new Error('not created');
  digestId = made.created.id;
});
afterEach(() => {
  a.close();
  b.close();
  rmSync(dir, { recursive: true, force: true });
});

const claim = (store: SqliteStore, slot: string, owner: string, now = T0, kind: RunRecord['kind'] = 'scheduled') =>
  store.runs.claim({ digestId, slot, slotAt: now, kind, owner, now, posts: kind !== 'manual' });

async function claimed(store: SqliteStore, slot: string, owner: string, now = T0): Promise<RunRecord> {
  const outcome = await claim(store, slot, owner, now);
  if (outcome.outcome !== 'claimed') throw new Error(`expected a claim, got ${outcome.outcome}`);
  return outcome.run;
}

it('gives each slot to exactly one of two connections', async () => {
  const [x, y] = await Promise.all([claim(a, 'slot-1', 'A'), claim(b, 'slot-1', 'B')]);
  expect([x.outcome, y.outcome].sort()).toEqual(['claimed', 'taken']);
  expect(a.db.prepare('SELECT COUNT(*) FROM digest_runs').pluck().get()).toBe(1);
});

it('property: whatever the interleaving of claims, each slot has exactly one winner', async () => {
  await fc.assert(fc.asyncProperty(
    fc.array(fc.record({ slot: fc.integer({ min: 0, max: 5 }), who: fc.boolean() }), { minLength: 1, maxLength: 30 }),
    async (attempts) => {
      a.db.exec('DELETE FROM digest_runs');
      const outcomes = await Promise.all(attempts.map(({ slot, who }) => claim(who ? a : b, `p-${slot}`, who ? 'A' : 'B', at(slot))
        .then(async (o) => {
          // Finish at once so the next slot is not skipped for overlap.
          if (o.outcome === 'claimed') await (who ? a : b).runs.finish(o.run.id, who ? 'A' : 'B', { results: [], reply, status: 'ok', now: at(slot) });
          return { slot, outcome: o.outcome };
        })));
      for (const slot of new Set(attempts.map((x) => x.slot))) {
        const forSlot = outcomes.filter((o) => o.slot === slot);
        expect(forSlot.filter((o) => o.outcome === 'claimed' || o.outcome === 'skipped').length).toBe(1);
      }
    },
  ), { numRuns: 25 });
});

it('records a slot that comes due while the previous run is going as skipped', async () => {
  const first = await claimed(a, 'slot-1', 'A');
  const second = await claim(b, 'slot-2', 'B', at(5));
  expect(second.outcome).toBe('skipped');
  if (second.outcome !== 'skipped') return;
  expect(second.busyRunId).toBe(first.id);
  expect(second.run.state).toBe('skipped');
  expect(second.run.skipReason).toMatch(/still running/);
  // The skipped slot stays claimed: nobody runs it later either.
  expect((await claim(a, 'slot-2', 'A', at(6))).outcome).toBe('taken');
});

it('lets only the owner finish, and only once', async () => {
  const run = await claimed(a, 'slot-1', 'A');
  expect(await b.runs.finish(run.id, 'B', { results: [], reply, status: 'ok', now: at(1) })).toBe(false);
  expect(await a.runs.finish(run.id, 'A', { results: [], reply, status: 'ok', now: at(1) })).toBe(true);
  expect(await a.runs.finish(run.id, 'A', { results: [], reply, status: 'ok', now: at(2) })).toBe(false);
  expect((await a.runs.get(run.id))?.state).toBe('finished');
});

it('takes over a run whose owner stopped renewing, once, and locks the old owner out', async () => {
  const run = await claimed(a, 'slot-1', 'A');
  // Still fresh: nothing to take.
  expect(await b.runs.takeOverStale('B', at(1), at(-2))).toEqual([]);
  const [taken] = await b.runs.takeOverStale('B', at(5), at(3));
  expect(taken?.id).toBe(run.id);
  expect(taken?.owner).toBe('B');
  expect(taken?.attempt).toBe(2);
  // A second taker in the same instant finds nothing left.
  expect(await a.runs.takeOverStale('C', at(5), at(3))).toEqual([]);
  expect(await a.runs.heartbeat(run.id, 'A', at(6))).toBe(false);
  expect(await a.runs.finish(run.id, 'A', { results: [], reply, status: 'ok', now: at(6) })).toBe(false);
  expect(await b.runs.finish(run.id, 'B', { results: [], reply, status: 'ok', now: at(6) })).toBe(true);
});

it('hands an unposted finished run to a new owner, and marks a run that died mid-post unknown instead', async () => {
  const pending = await claimed(a, 'slot-1', 'A');
  await a.runs.finish(pending.id, 'A', { results: [], reply, status: 'ok', now: at(1) });
  const [taken] = await b.runs.takeOverStale('B', at(10), at(5));
  expect(taken?.id).toBe(pending.id);
  expect(taken?.attempt).toBe(1);
  expect(taken?.postState).toBe('pending');
  expect(await b.runs.beginPost(pending.id, 'B', at(10))).toBe(true);
  await b.runs.endPost(pending.id, 'B', { state: 'posted', now: at(10) });

  const midPost = await claimed(a, 'slot-2', 'A', at(20));
  await a.runs.finish(midPost.id, 'A', { results: [], reply, status: 'ok', now: at(21) });
  expect(await a.runs.beginPost(midPost.id, 'A', at(21))).toBe(true);
  // A dies here. Whoever looks later must not post again.
  expect(await b.runs.takeOverStale('B', at(40), at(30))).toEqual([]);
  const after = await b.runs.get(midPost.id);
  expect(after?.postState).toBe('unknown');
  expect(after?.postError).toMatch(/not sent again/);
});

it('counts post attempts and records the outcome', async () => {
  const run = await claimed(a, 'slot-1', 'A');
  expect(await a.runs.beginPost(run.id, 'A', T0)).toBe(false);
  await a.runs.finish(run.id, 'A', { results: [], reply, status: 'ok', now: at(1) });
  expect(await b.runs.beginPost(run.id, 'B', at(1))).toBe(false);
  expect(await a.runs.beginPost(run.id, 'A', at(1))).toBe(true);
  await a.runs.endPost(run.id, 'A', { state: 'pending', error: 'HTTP 500', now: at(1) });
  expect(await a.runs.beginPost(run.id, 'A', at(2))).toBe(true);
  await a.runs.endPost(run.id, 'A', { state: 'posted', messageId: '1700000000.000100', now: at(2) });
  const done = await a.runs.get(run.id);
  expect(done).toMatchObject({ postState: 'posted', postAttempts: 2, messageId: '1700000000.000100', postError: undefined });
  expect(done?.postedAt?.toISOString()).toBe(at(2).toISOString());
  expect(await a.runs.beginPost(run.id, 'A', at(3))).toBe(false);
});

it('lets a clean shutdown release a run for immediate takeover', async () => {
  const run = await claimed(a, 'slot-1', 'A');
  await a.runs.release(run.id, 'A');
  const [taken] = await b.runs.takeOverStale('B', at(0), at(-1));
  expect(taken?.id).toBe(run.id);
});

it('finds the previous finished run by slot time and scope, and the last slots per digest', async () => {
  const r1 = await claimed(a, 's1', 'A', at(0));
  await a.runs.finish(r1.id, 'A', { results: [], reply, status: 'ok', now: at(1) });
  const manual = await claim(a, 'manual:1', 'A', at(30), 'manual');
  if (manual.outcome !== 'claimed') throw new Error('manual not claimed');
  await a.runs.finish(manual.run.id, 'A', { results: [], reply, status: 'ok', now: at(31) });
  const r2 = await claimed(a, 's2', 'A', at(60));
  expect((await a.runs.previousFinished(digestId, { atOrBefore: at(60), excludeRunId: r2.id, scope: 'scheduled' }))?.id).toBe(r1.id);
  expect((await a.runs.previousFinished(digestId, { atOrBefore: at(60), excludeRunId: r2.id, scope: 'any' }))?.id).toBe(manual.run.id);
  expect((await a.runs.lastSlots()).get(digestId)?.toISOString()).toBe(at(60).toISOString());
});

it('prunes old runs but never a running one', async () => {
  for (let i = 0; i < 6; i += 1) {
    const run = await claimed(a, `s${i}`, 'A', at(i * 10));
    await a.runs.finish(run.id, 'A', { results: [{ position: 0, command: 'help', reply }], reply, status: 'ok', now: at(i * 10 + 1) });
  }
  const running = await claimed(a, 's-old', 'A', at(-100));
  expect(await a.runs.prune(digestId, 3)).toBe(3);
  const left = (await a.runs.recent(digestId, 50)).map((r) => r.slot);
  expect(left).toEqual(['s5', 's4', 's3', 's-old']);
  expect((await a.runs.get(running.id))?.state).toBe('running');
  expect(a.db.prepare('SELECT COUNT(*) FROM digest_results').pluck().get()).toBe(3);
});
