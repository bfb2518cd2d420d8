import fc from 'fast-check';
import type { AuditStore } from '../../src/store/audit-types';
import { makeReply, type Reply } from '../../src/core/reply';
import type { NewDigest, RunRecord, Store } from '../../src/store/types';

/**
 * One contract for every store behind the ports in src/store/types.ts: the SQLite file and PostgreSQL run
 * the same cases (test/unit/store/contract.test.ts, test/integration/store/postgres.test.ts). `a` and `b`
 * are two separate connections to one database, standing for two processes or replicas.
 */
export interface ContractHandles {
  a: Store;
  b: Store;
  audit: AuditStore;
  /** Rows in a table, read directly (not through the ports). */
  count(table: 'digests' | 'digest_runs' | 'digest_results'): Promise<number>;
  /** Overwrites a digest's stored `commands` text, to prove rows are checked on the way out. */
  corruptCommands(id: string, text: string): Promise<void>;
  close(): Promise<void>;
}

const T0 = new Date('2026-03-01T08:00:00Z');
const at = (minutes: number): Date => new Date(T0.getTime() + minutes * 60_000);
const reply: Reply = makeReply({ command: 'digest', title: 't', findings: [] });

const digestInput = (over: Partial<NewDigest> = {}): NewDigest => ({
  platform: 'slack',
  channelId: 'C0MAIL',
  schedule: '0 8 * * *',
  scheduleText: 'daily 08:00',
  timezone: 'UTC',
  commands: ['cert mail.contoso.com', 'help'],
  createdBy: 'U1',
  now: T0,
  ...over,
});

export function storeContract(open: () => Promise<ContractHandles>): void {
  let h: ContractHandles;
  let digestId: string;

  beforeEach(async () => {
    h = await open();
    const made = await h.a.digests.create(digestInput({ channelId: 'C1' }), { maxPerChannel: 20 });
    if (!('created' in made)) throw new Error('not created');
    digestId = made.created.id;
  });
  afterEach(async () => {
    await h.close();
  });

  const claim = (store: Store, slot: string, owner: string, now = T0, kind: RunRecord['kind'] = 'scheduled') =>
    store.runs.claim({ digestId, slot, slotAt: now, kind, owner, now, posts: kind !== 'manual' });
  async function claimed(store: Store, slot: string, owner: string, now = T0): Promise<RunRecord> {
    const outcome = await claim(store, slot, owner, now);
    if (outcome.outcome !== 'claimed') throw new Error(`expected a claim, got ${outcome.outcome}`);
    return outcome.run;
  }
  const finish = (store: Store, id: number, owner: string, now: Date) =>
    store.runs.finish(id, owner, { results: [], reply, status: 'ok', now });

  describe('digests', () => {
    it('creates with a readable id and reads it back from the other connection', async () => {
      const made = await h.a.digests.create(digestInput({ teamId: 'T1' }), { maxPerChannel: 20 });
      if (!('created' in made)) throw new Error('not created');
      expect(made.created.id).toMatch(/^d[a-z2-9]{6}$/);
      expect(await h.b.digests.get(made.created.id)).toEqual(made.created);
      expect(made.created).toMatchObject({
        platform: 'slack',
        channelId: 'C0MAIL',
        teamId: 'T1',
        commands: ['cert mail.contoso.com', 'help'],
        paused: false,
      });
      expect(made.created.activeSince.toISOString()).toBe(T0.toISOString());
      expect(await h.b.digests.get('dnothere')).toBeUndefined();
    });

    it('enforces the per-channel limit even when both connections add at once', async () => {
      const outcomes = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          (i % 2 === 0 ? h.a : h.b).digests.create(digestInput(), { maxPerChannel: 3 }),
        ),
      );
      expect(outcomes.filter((o) => 'created' in o).length).toBe(3);
      expect(
        outcomes.filter((o) => 'limitReached' in o).every((o) => 'limitReached' in o && o.limitReached === 3),
      ).toBe(true);
      expect('created' in (await h.a.digests.create(digestInput({ channelId: 'C0OTHER' }), { maxPerChannel: 3 }))).toBe(
        true,
      );
      expect((await h.b.digests.list({ platform: 'slack', channelId: 'C0MAIL' })).length).toBe(3);
      expect((await h.b.digests.list()).length).toBe(5);
    });

    it('pauses, resumes (moving activeSince) and removes with runs and results cascading; the other connection sees each step', async () => {
      expect((await h.a.digests.setPaused(digestId, true, T0))?.paused).toBe(true);
      expect((await h.b.digests.get(digestId))?.paused).toBe(true);
      const later = at(24 * 60);
      const resumed = await h.b.digests.setPaused(digestId, false, later);
      expect(resumed?.paused).toBe(false);
      expect(resumed?.activeSince.toISOString()).toBe(later.toISOString());
      // Resuming a digest that is not paused changes nothing.
      expect((await h.a.digests.setPaused(digestId, false, at(99 * 60)))?.activeSince.toISOString()).toBe(
        later.toISOString(),
      );
      const run = await claimed(h.a, 's1', 'A');
      await h.a.runs.finish(run.id, 'A', {
        results: [{ position: 0, command: 'help', reply }],
        reply,
        status: 'ok',
        now: at(1),
      });
      expect(await h.b.digests.remove(digestId)).toBe(true);
      expect(await h.a.digests.get(digestId)).toBeUndefined();
      expect(await h.count('digest_runs')).toBe(0);
      expect(await h.count('digest_results')).toBe(0);
      expect(await h.a.digests.remove(digestId)).toBe(false);
      expect(await h.a.digests.setPaused(digestId, true, T0)).toBeUndefined();
    });

    it('validates rows on the way out and names the bad one', async () => {
      await h.corruptCommands(digestId, '{not json');
      await expect(h.b.digests.get(digestId)).rejects.toThrow(new RegExp(`digests row \\(id ${digestId}\\).*commands`));
    });
  });

  describe('runs', () => {
    it('gives each slot to exactly one of two connections', async () => {
      const [x, y] = await Promise.all([claim(h.a, 'slot-1', 'A'), claim(h.b, 'slot-1', 'B')]);
      expect([x.outcome, y.outcome].sort()).toEqual(['claimed', 'taken']);
      expect(await h.count('digest_runs')).toBe(1);
    });

    it('property: whatever the interleaving of claims, each slot has exactly one winner', async () => {
      let round = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.record({ slot: fc.integer({ min: 0, max: 5 }), who: fc.boolean() }), {
            minLength: 1,
            maxLength: 20,
          }),
          async (attempts) => {
            round += 1;
            const outcomes = await Promise.all(
              attempts.map(({ slot, who }) =>
                claim(who ? h.a : h.b, `p${round}-${slot}`, who ? 'A' : 'B', at(round * 10 + slot)).then(async (o) => {
                  if (o.outcome === 'claimed') await finish(who ? h.a : h.b, o.run.id, who ? 'A' : 'B', at(slot));
                  return { slot, outcome: o.outcome };
                }),
              ),
            );
            for (const slot of new Set(attempts.map((x) => x.slot))) {
              const winners = outcomes.filter(
                (o) => o.slot === slot && (o.outcome === 'claimed' || o.outcome === 'skipped'),
              );
              expect(winners.length).toBe(1);
            }
          },
        ),
        { numRuns: 15 },
      );
    });

    it('records a slot that comes due while the previous run is going as skipped', async () => {
      const first = await claimed(h.a, 'slot-1', 'A');
      const second = await claim(h.b, 'slot-2', 'B', at(5));
      expect(second.outcome).toBe('skipped');
      if (second.outcome !== 'skipped') return;
      expect(second.busyRunId).toBe(first.id);
      expect(second.run.state).toBe('skipped');
      expect(second.run.skipReason).toMatch(/still running/);
      expect((await claim(h.a, 'slot-2', 'A', at(6))).outcome).toBe('taken');
    });

    it('says taken for a digest that was removed', async () => {
      await h.b.digests.remove(digestId);
      expect((await claim(h.a, 'slot-1', 'A')).outcome).toBe('taken');
    });

    it('lets only the owner finish, and only once', async () => {
      const run = await claimed(h.a, 'slot-1', 'A');
      expect(await finish(h.b, run.id, 'B', at(1))).toBe(false);
      expect(await finish(h.a, run.id, 'A', at(1))).toBe(true);
      expect(await finish(h.a, run.id, 'A', at(2))).toBe(false);
      expect((await h.b.runs.get(run.id))?.state).toBe('finished');
    });

    it('takes over a run whose owner stopped renewing, once, and locks the old owner out', async () => {
      const run = await claimed(h.a, 'slot-1', 'A');
      expect(await h.b.runs.takeOverStale('B', at(1), at(-2))).toEqual([]);
      expect(await h.a.runs.heartbeat(run.id, 'A', at(2))).toBe(true);
      const [taken] = await h.b.runs.takeOverStale('B', at(5), at(3));
      expect(taken?.id).toBe(run.id);
      expect(taken?.owner).toBe('B');
      expect(taken?.attempt).toBe(2);
      expect(await h.a.runs.takeOverStale('C', at(5), at(3))).toEqual([]);
      expect(await h.a.runs.heartbeat(run.id, 'A', at(6))).toBe(false);
      expect(await finish(h.a, run.id, 'A', at(6))).toBe(false);
      expect(await finish(h.b, run.id, 'B', at(6))).toBe(true);
    });

    it('gives each stale run to exactly one of several takers at once', async () => {
      const made = await Promise.all(
        ['C2', 'C3', 'C4', 'C5'].map((c) => h.a.digests.create(digestInput({ channelId: c }), { maxPerChannel: 20 })),
      );
      const ids = [digestId, ...made.map((m) => ('created' in m ? m.created.id : ''))];
      for (const id of ids)
        await h.a.runs.claim({
          digestId: id,
          slot: 's',
          slotAt: T0,
          kind: 'scheduled',
          owner: 'dead',
          now: T0,
          posts: true,
        });
      const takers = await Promise.all(
        ['X', 'Y', 'Z', 'W'].map((who, i) => (i % 2 === 0 ? h.a : h.b).runs.takeOverStale(who, at(10), at(5))),
      );
      const taken = takers
        .flat()
        .map((r) => r.digestId)
        .sort();
      expect(taken).toEqual([...ids].sort());
    });

    it('hands an unposted finished run to a new owner, and marks a run that died mid-post unknown instead', async () => {
      const pending = await claimed(h.a, 'slot-1', 'A');
      await finish(h.a, pending.id, 'A', at(1));
      const [taken] = await h.b.runs.takeOverStale('B', at(10), at(5));
      expect(taken).toMatchObject({ id: pending.id, attempt: 1, postState: 'pending' });
      expect(await h.b.runs.beginPost(pending.id, 'B', at(10))).toBe(true);
      await h.b.runs.endPost(pending.id, 'B', { state: 'posted', now: at(10) });

      const midPost = await claimed(h.a, 'slot-2', 'A', at(20));
      await finish(h.a, midPost.id, 'A', at(21));
      expect(await h.a.runs.beginPost(midPost.id, 'A', at(21))).toBe(true);
      expect(await h.b.runs.takeOverStale('B', at(40), at(30))).toEqual([]);
      const after = await h.b.runs.get(midPost.id);
      expect(after?.postState).toBe('unknown');
      expect(after?.postError).toMatch(/not sent again/);
    });

    it('counts post attempts and records the outcome', async () => {
      const run = await claimed(h.a, 'slot-1', 'A');
      expect(await h.a.runs.beginPost(run.id, 'A', T0)).toBe(false);
      await finish(h.a, run.id, 'A', at(1));
      expect(await h.b.runs.beginPost(run.id, 'B', at(1))).toBe(false);
      expect(await h.a.runs.beginPost(run.id, 'A', at(1))).toBe(true);
      await h.a.runs.endPost(run.id, 'A', { state: 'pending', error: 'HTTP 500', now: at(1) });
      expect(await h.a.runs.beginPost(run.id, 'A', at(2))).toBe(true);
      await h.a.runs.endPost(run.id, 'A', { state: 'posted', messageId: '1700000000.000100', now: at(2) });
      const done = await h.b.runs.get(run.id);
      expect(done).toMatchObject({
        postState: 'posted',
        postAttempts: 2,
        messageId: '1700000000.000100',
        postError: undefined,
      });
      expect(done?.postedAt?.toISOString()).toBe(at(2).toISOString());
      expect(await h.a.runs.beginPost(run.id, 'A', at(3))).toBe(false);
    });

    it('lets a clean shutdown release a run for immediate takeover', async () => {
      const run = await claimed(h.a, 'slot-1', 'A');
      await h.a.runs.release(run.id, 'A');
      const [taken] = await h.b.runs.takeOverStale('B', at(0), at(-1));
      expect(taken?.id).toBe(run.id);
    });

    it('finds the previous finished run by slot time and scope, and the last slots per digest', async () => {
      const r1 = await claimed(h.a, 's1', 'A', at(0));
      await finish(h.a, r1.id, 'A', at(1));
      const manual = await claim(h.a, 'manual:1', 'A', at(30), 'manual');
      if (manual.outcome !== 'claimed') throw new Error('manual not claimed');
      expect(manual.run.postState).toBe('none');
      await finish(h.a, manual.run.id, 'A', at(31));
      const r2 = await claimed(h.b, 's2', 'B', at(60));
      expect(
        (await h.b.runs.previousFinished(digestId, { atOrBefore: at(60), excludeRunId: r2.id, scope: 'scheduled' }))
          ?.id,
      ).toBe(r1.id);
      expect(
        (await h.b.runs.previousFinished(digestId, { atOrBefore: at(60), excludeRunId: r2.id, scope: 'any' }))?.id,
      ).toBe(manual.run.id);
      expect(
        await h.b.runs.previousFinished(digestId, { atOrBefore: at(-1), excludeRunId: r2.id, scope: 'any' }),
      ).toBeUndefined();
      expect((await h.a.runs.lastSlots()).get(digestId)?.toISOString()).toBe(at(60).toISOString());
    });

    it('stores results with the digest reply in order, and prunes old runs but never a running one', async () => {
      const detailed = makeReply({
        command: 'cert',
        title: 'x — ok',
        findings: [{ id: 'cert.ok', severity: 'ok', message: 'fine' }],
        data: { host: 'x', n: 1 },
      });
      for (let i = 0; i < 6; i += 1) {
        const run = await claimed(h.a, `s${i}`, 'A', at(i * 10));
        await h.a.runs.finish(run.id, 'A', {
          results: [
            { position: 1, command: 'help', reply },
            { position: 0, command: 'cert x', reply: detailed },
          ],
          reply,
          status: 'ok',
          now: at(i * 10 + 1),
        });
        if (i === 0) {
          expect((await h.b.runs.results(run.id)).map((r) => [r.position, r.command])).toEqual([
            [0, 'cert x'],
            [1, 'help'],
          ]);
          expect((await h.b.runs.results(run.id))[0]?.reply).toEqual(detailed);
          expect((await h.b.runs.get(run.id))?.reply).toEqual(reply);
        }
      }
      const running = await claimed(h.a, 's-old', 'A', at(-100));
      expect(await h.b.runs.prune(digestId, 3)).toBe(3);
      expect((await h.a.runs.recent(digestId, 50)).map((r) => r.slot)).toEqual(['s5', 's4', 's3', 's-old']);
      expect((await h.a.runs.recent(digestId, 2)).map((r) => r.slot)).toEqual(['s5', 's4']);
      expect((await h.a.runs.get(running.id))?.state).toBe('running');
      expect(await h.count('digest_results')).toBe(6);
    });
  });

  describe('conversation references', () => {
    it('saves, replaces and loads a Teams reference as JSON, across connections', async () => {
      expect(await h.a.conversations.load('teams', '19:abc@thread.tacv2')).toBeUndefined();
      await h.a.conversations.save('teams', '19:abc@thread.tacv2', {
        serviceUrl: 'https://smba.example/',
        conversation: { id: '19:abc' },
        n: 1,
      });
      await h.b.conversations.save('teams', '19:abc@thread.tacv2', {
        serviceUrl: 'https://smba.example/',
        conversation: { id: '19:abc' },
        n: 2,
      });
      expect(await h.a.conversations.load('teams', '19:abc@thread.tacv2')).toEqual({
        serviceUrl: 'https://smba.example/',
        conversation: { id: '19:abc' },
        n: 2,
      });
      expect(await h.a.conversations.load('slack', '19:abc@thread.tacv2')).toBeUndefined();
      await expect(h.a.conversations.save('teams', 'x', undefined)).rejects.toThrow(/JSON/);
    });
  });

  describe('audit', () => {
    it('appends, queries newest first by user (any case) and time, and prunes', async () => {
      const row = (i: number, userId: string) => ({
        at: at(i).toISOString(),
        platform: 'slack' as const,
        userId,
        channelId: 'C1',
        command: 'cert',
        status: 'ok' as const,
        durationMs: 12.4,
        correlationId: `c${i}`,
        ...(i % 2 === 0 ? { target: 'mail.contoso.com:443', teamId: 'T1' } : { outcome: 'rate.limited' }),
      });
      for (let i = 0; i < 5; i += 1) await h.audit.append(row(i, i < 3 ? 'U0ALICE' : 'U0BOB'));
      const all = await h.audit.query({});
      expect(all.map((r) => r.correlationId)).toEqual(['c4', 'c3', 'c2', 'c1', 'c0']);
      expect(all[2]).toEqual({ ...row(2, 'U0ALICE'), durationMs: 12 });
      expect(all[1]).toEqual({ ...row(3, 'U0BOB'), durationMs: 12 });
      expect((await h.audit.query({ userId: 'u0alice' })).map((r) => r.correlationId)).toEqual(['c2', 'c1', 'c0']);
      expect((await h.audit.query({ since: at(3) })).length).toBe(2);
      expect((await h.audit.query({ limit: 1 })).map((r) => r.correlationId)).toEqual(['c4']);
      expect(await h.audit.prune(at(2))).toBe(2);
      expect((await h.audit.query({})).length).toBe(3);
    });
  });
}
