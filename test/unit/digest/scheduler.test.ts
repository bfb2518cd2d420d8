import { DiagError } from '../../../src/core/errors';
import type { Finding } from '../../../src/core/reply';
import { FakeClock, settle } from '../../helpers/digest-clock';
import { harness, RecordingPort, type Harness } from './fixture';

/** The scheduler's promises: claims, overlap, late slots, several instances, takeover, post retries. */
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const runsOf = (hh: Harness, digestId: string) =>
  hh
    .open()
    .db.prepare(
      'SELECT slot, kind, state, attempt, post_state AS post, post_attempts AS attempts, skip_reason AS skip FROM digest_runs WHERE digest_id = ? ORDER BY slot_at, id',
    )
    .all(digestId) as Array<{
    slot: string;
    kind: string;
    state: string;
    attempt: number;
    post: string;
    attempts: number;
    skip: string | null;
  }>;

it('skips (and records) a slot that comes due while the previous run is still going, then carries on', async () => {
  h = harness('2026-01-05T07:58:00Z');
  const digest = await h.addDigest({ schedule: '*/5 * * * *', commands: ['slow', 'probe a'] });
  const { scheduler, port } = h.instance();
  await scheduler.start();
  await h.clock.advanceTo('2026-01-05T08:00:00Z');
  expect(h.gate.waiting.length).toBe(1);
  await h.clock.advanceTo('2026-01-05T08:05:00Z');
  // Still one slow check waiting: the 08:05 slot did not start a second run.
  expect(h.gate.waiting.length).toBe(1);
  h.gate.waiting.shift()?.();
  await settle();
  await h.clock.advanceTo('2026-01-05T08:10:00Z');
  h.gate.waiting.shift()?.();
  await scheduler.idle();
  expect(runsOf(h, digest.id).map((r) => [r.slot, r.state])).toEqual([
    ['2026-01-05T08:00:00.000Z', 'finished'],
    ['2026-01-05T08:05:00.000Z', 'skipped'],
    ['2026-01-05T08:10:00.000Z', 'finished'],
  ]);
  expect(runsOf(h, digest.id)[1]?.skip).toMatch(/still running/);
  expect(port.slots()).toEqual(['2026-01-05T08:00:00.000Z', '2026-01-05T08:10:00.000Z']);
});

it('runs a slot missed while down once at start, marked late — and never again after another restart', async () => {
  h = harness('2026-01-05T07:00:00Z');
  const digest = await h.addDigest({ schedule: '0 8 * * *' });
  // diagbot is down from here until the 7th, 09:30: three 08:00 slots pass.
  await h.clock.advanceTo('2026-01-07T09:30:00Z');
  const first = h.instance();
  await first.scheduler.start();
  await first.scheduler.idle();
  expect(first.port.slots()).toEqual(['2026-01-07T08:00:00.000Z']);
  const late = first.port.posts[0]?.reply;
  expect((late?.data.run as { kind: string }).kind).toBe('late');
  expect(late?.facts.find((f) => f.label === 'Slot')?.value).toMatch(/late/);
  await first.scheduler.stop();

  const second = h.instance();
  await second.scheduler.start();
  await h.clock.advanceTo('2026-01-07T12:00:00Z');
  await second.scheduler.idle();
  expect(second.port.posts).toEqual([]);
  expect(runsOf(h, digest.id).map((r) => r.slot)).toEqual(['2026-01-07T08:00:00.000Z']);
});

it('does not run a paused digest, and does not run slots missed while paused after resume', async () => {
  h = harness('2026-01-05T07:00:00Z');
  const digest = await h.addDigest({ schedule: '0 8 * * *' });
  const { scheduler, port, store } = h.instance();
  await scheduler.start();
  await store.digests.setPaused(digest.id, true, h.clock.now());
  await h.clock.advanceTo('2026-01-06T09:00:00Z');
  expect(port.posts).toEqual([]);
  await store.digests.setPaused(digest.id, false, h.clock.now());
  await scheduler.refresh();
  await h.clock.advanceTo('2026-01-07T09:00:00Z');
  await scheduler.idle();
  expect(port.slots()).toEqual(['2026-01-07T08:00:00.000Z']);
});

it('stops running a removed digest', async () => {
  h = harness('2026-01-05T07:00:00Z');
  const digest = await h.addDigest({ schedule: '0 8 * * *' });
  const { scheduler, port, store } = h.instance();
  await scheduler.start();
  await h.clock.advanceTo('2026-01-05T09:00:00Z');
  await store.digests.remove(digest.id);
  await h.clock.advanceTo('2026-01-08T09:00:00Z');
  await scheduler.idle();
  expect(port.slots()).toEqual(['2026-01-05T08:00:00.000Z']);
});

it('two instances on one SQLite file: each slot is posted exactly once', async () => {
  h = harness('2026-01-05T07:00:00Z');
  const digests = await Promise.all([
    h.addDigest({ schedule: '*/15 * * * *' }),
    h.addDigest({ schedule: '0,20,40 * * * *', channelId: 'C0SECOND' }),
  ]);
  const a = h.instance();
  const b = h.instance();
  await Promise.all([a.scheduler.start(), b.scheduler.start()]);
  await h.clock.advanceTo('2026-01-05T13:00:00Z');
  await Promise.all([a.scheduler.idle(), b.scheduler.idle()]);
  const posted = [...a.port.posts, ...b.port.posts].map(
    (p) => `${p.destination.channelId} ${String((p.reply.data.run as { slot: string }).slot)}`,
  );
  // 07:15 … 13:00 every 15 minutes, and 07:20 … 12:40 every 20 minutes.
  expect(posted.length).toBe(24 + 18);
  expect(new Set(posted).size).toBe(posted.length);
  for (const digest of digests)
    expect(runsOf(h, digest.id).every((r) => r.state === 'finished' && r.post === 'posted' && r.attempt === 1)).toBe(
      true,
    );
});

it('an instance that dies mid-run is taken over after its lease: the slot finishes once and posts once', async () => {
  h = harness('2026-01-05T07:59:00Z');
  const digest = await h.addDigest({ schedule: '0 8 * * *', commands: ['slow', 'probe a'] });
  // Instance A has its own clock, frozen once it is "dead": its heartbeats stop.
  const deadClock = new FakeClock('2026-01-05T07:59:00Z');
  const a = h.instance({ clock: deadClock, owner: 'dead-A' });
  await a.scheduler.start();
  await deadClock.advanceTo('2026-01-05T08:00:00Z');
  expect(h.gate.waiting.length).toBe(1);
  const stuckA = h.gate.waiting.shift();

  await h.clock.advanceTo('2026-01-05T08:00:00Z');
  const b = h.instance({ owner: 'alive-B' });
  await b.scheduler.start();
  expect(b.port.posts).toEqual([]);
  // After the lease (120 s) and B's next wake-up, B takes the run over and runs the checks again.
  await b.scheduler.tick();
  await h.clock.advanceTo('2026-01-05T08:03:00Z');
  await b.scheduler.tick();
  expect(h.gate.waiting.length).toBe(1);
  h.gate.waiting.shift()?.();
  await b.scheduler.idle();
  // A comes back to life and finishes its copy: it is no longer the owner, so nothing is stored or posted.
  stuckA?.();
  await settle();
  expect(b.port.slots()).toEqual(['2026-01-05T08:00:00.000Z']);
  expect(a.port.posts).toEqual([]);
  const runs = runsOf(h, digest.id);
  expect(runs).toEqual([
    expect.objectContaining({
      slot: '2026-01-05T08:00:00.000Z',
      state: 'finished',
      attempt: 2,
      post: 'posted',
      attempts: 1,
    }),
  ]);
  expect(h.log.some((l) => l.msg?.includes('taking over'))).toBe(true);
});

it('retries a failed post with backoff, records the attempts, and posts once', async () => {
  h = harness('2026-01-05T07:59:00Z');
  const digest = await h.addDigest({ schedule: '0 8 * * *' });
  const port = new RecordingPort();
  port.failNext(new Error('socket hang up'), new Error('HTTP 503'));
  const { scheduler } = h.instance({
    port,
    settings: { post: { attempts: 5, initialDelayMs: 1000, maxDelayMs: 10_000 } },
  });
  await scheduler.start();
  await h.clock.advanceTo('2026-01-05T08:00:00Z');
  expect(port.attempts.map((x) => x.ok)).toEqual([false]);
  await h.clock.advanceTo('2026-01-05T08:01:00Z');
  await scheduler.idle();
  expect(port.attempts.map((x) => x.ok)).toEqual([false, false, true]);
  expect(port.posts.length).toBe(1);
  expect(runsOf(h, digest.id)[0]).toMatchObject({ post: 'posted', attempts: 3 });
});

it('gives up after the last attempt, keeps the results, and `show` can still read them', async () => {
  h = harness('2026-01-05T07:59:00Z');
  const digest = await h.addDigest({ schedule: '0 8 * * *' });
  const port = new RecordingPort();
  port.failNext(new Error('a'), new Error('b'), new Error('not_in_channel'));
  const { scheduler, store } = h.instance({
    port,
    settings: { post: { attempts: 3, initialDelayMs: 100, maxDelayMs: 100 } },
  });
  await scheduler.start();
  await h.clock.advanceTo('2026-01-05T08:05:00Z');
  await scheduler.idle();
  expect(port.posts).toEqual([]);
  const [run] = await store.runs.recent(digest.id, 1);
  expect(run).toMatchObject({ state: 'finished', postState: 'failed', postAttempts: 3, postError: 'not_in_channel' });
  expect(run?.reply?.command).toBe('digest');
  expect((await store.runs.results(run?.id ?? 0)).map((r) => r.command)).toEqual(['probe a']);
});

it('does not retry a post the port refuses with an explained DiagError (e.g. Teams without a reference)', async () => {
  h = harness('2026-01-05T07:59:00Z');
  const digest = await h.addDigest({ schedule: '0 8 * * *', platform: 'teams', channelId: '19:abc@thread.tacv2' });
  const port = new RecordingPort('teams');
  port.failNext(
    new DiagError(
      'teams.no-conversation',
      'diagbot cannot post to that conversation: it has not been added there yet.',
    ),
  );
  const { scheduler } = h.instance({ port });
  await scheduler.start();
  await h.clock.advanceTo('2026-01-05T08:30:00Z');
  await scheduler.idle();
  expect(port.attempts.length).toBe(1);
  expect(runsOf(h, digest.id)[0]).toMatchObject({ post: 'failed', attempts: 1 });
});

it("records a failed post when no door for the digest's platform is running", async () => {
  h = harness('2026-01-05T07:59:00Z');
  const digest = await h.addDigest({ schedule: '0 8 * * *', platform: 'teams', channelId: '19:x' });
  const { scheduler } = h.instance({ port: new RecordingPort('slack') });
  await scheduler.start();
  await h.clock.advanceTo('2026-01-05T08:01:00Z');
  await scheduler.idle();
  const [run] = runsOf(h, digest.id);
  expect(run).toMatchObject({ state: 'finished', post: 'failed' });
});

it('posts NEW findings in full, summarises continuing ones, then reports them RESOLVED', async () => {
  h = harness('2026-01-05T07:59:00Z');
  await h.addDigest({ schedule: '0 8 * * *', commands: ['probe a', 'probe b'] });
  const expiring: Finding = {
    id: 'cert.expiring-soon',
    severity: 'warn',
    message: 'expires in 12 days',
    fix: { summary: 'Renew it.', links: [{ title: 'docs', url: 'https://learn.microsoft.com/' }] },
  };
  const { scheduler, port } = h.instance();
  await scheduler.start();
  await h.clock.advanceTo('2026-01-05T08:01:00Z');
  h.state.set('a', [expiring]);
  await h.clock.advanceTo('2026-01-06T08:01:00Z');
  await h.clock.advanceTo('2026-01-07T08:01:00Z');
  h.state.delete('a');
  await h.clock.advanceTo('2026-01-08T08:01:00Z');
  await scheduler.idle();
  const changes = port.posts.map((p) => p.reply.data.changes);
  expect(changes).toEqual([
    [
      { command: 'probe a', new: [], resolved: [] },
      { command: 'probe b', new: [], resolved: [] },
    ],
    [
      { command: 'probe a', new: ['cert.expiring-soon'], resolved: [] },
      { command: 'probe b', new: [], resolved: [] },
    ],
    [
      { command: 'probe a', new: [], resolved: [] },
      { command: 'probe b', new: [], resolved: [] },
    ],
    [
      { command: 'probe a', new: [], resolved: ['cert.expiring-soon'] },
      { command: 'probe b', new: [], resolved: [] },
    ],
  ]);
  const [, day2, day3, day4] = port.posts.map((p) => p.reply);
  expect(day2?.findings.find((f) => f.id === 'cert.expiring-soon')?.fix?.links?.length).toBe(1);
  expect(day2?.status).toBe('warn');
  // Day 3: the same warning is not raised again as a finding, only summarised.
  expect(day3?.findings.some((f) => f.id === 'cert.expiring-soon')).toBe(false);
  expect(day3?.findings[0]?.message).toMatch(/No change.*1 problem\(s\) continue/);
  expect(day3?.status).toBe('warn');
  expect(day4?.findings.some((f) => /RESOLVED.*cert\.expiring-soon/.test(f.message))).toBe(true);
  expect(day4?.status).toBe('ok');
});

it('a clean stop lets a run finish for the grace period, then releases it for another instance to finish at once', async () => {
  h = harness('2026-01-05T07:59:00Z');
  const digest = await h.addDigest({ schedule: '0 8 * * *', commands: ['slow'] });
  const a = h.instance({ owner: 'stopping-A' });
  await a.scheduler.start();
  await h.clock.advanceTo('2026-01-05T08:00:00Z');
  expect(h.gate.waiting.length).toBe(1);
  const stopped = a.scheduler.stop();
  await settle();
  await h.clock.advanceBy(11_000);
  await stopped;
  const released = runsOf(h, digest.id)[0];
  expect(released).toMatchObject({ state: 'running', attempt: 1 });
  expect(a.port.posts).toEqual([]);
  h.gate.waiting.length = 0;
  // No lease to wait out: the released run is taken over on B's first pass.
  const b = h.instance({ owner: 'fresh-B' });
  await b.scheduler.start();
  expect(h.gate.waiting.length).toBe(1);
  h.gate.waiting.shift()?.();
  await b.scheduler.idle();
  expect(b.port.slots()).toEqual(['2026-01-05T08:00:00.000Z']);
  expect(runsOf(h, digest.id)).toEqual([expect.objectContaining({ state: 'finished', attempt: 2, post: 'posted' })]);
});
