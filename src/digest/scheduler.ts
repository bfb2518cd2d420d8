import type { Logger } from '../core/command';
import type { DigestRecord, DigestRunStore, DigestStore, RunKind, RunRecord } from '../store/types';
import type { DigestRunner } from './runner';
import { compileSchedule, latestSlotIn, type CompiledSchedule } from './schedule';
import { sleep, type Timers } from './timers';

export interface SchedulerOptions {
  digests: DigestStore;
  runs: DigestRunStore;
  runner: DigestRunner;
  /** Same id as the runner's: whose claims and leases these are. */
  owner: string;
  now: () => Date;
  timers: Timers;
  log: Logger;
  /** Wake up at least this often (to see digests another instance added, and abandoned runs). */
  pollMs: number;
  /** A run whose heartbeat is older than this is taken over (its owner is presumed dead). */
  leaseMs: number;
  /** A slot run more than this after it was due is marked late. */
  lateAfterMs: number;
  /** Slots missed longer ago than this are not run late (one late run still happens for the newest). */
  catchUpMs: number;
  /** How long stop() lets runs in progress finish before aborting them. */
  stopGraceMs: number;
  /** Told after every pass whether it reached the store (for /healthz `scheduler`), and false on stop. */
  onHealth?: (up: boolean) => void;
  /**
   * While this says false (the shared database is unreachable) passes are skipped: nothing is claimed or
   * taken over. The first pass after it turns true again catches up with the newest due slot, once.
   */
  available?: () => boolean;
}

export interface DigestScheduler {
  /** Loads the digests, takes over abandoned runs, runs missed slots once (late), and arms the timer. */
  start(): Promise<void>;
  /** Stops the timer, lets runs finish for `stopGraceMs`, then aborts and releases what is left. */
  stop(): Promise<void>;
  /** Re-reads the digests now (after `digest add`, `pause`, … in this process) and reschedules. */
  refresh(): Promise<void>;
  /** One pass: due slots are claimed and started. Tests call it after moving the clock. */
  tick(): Promise<void>;
  /** Resolves when the runs started so far have ended (tests). */
  idle(): Promise<void>;
  /** For /healthz: started, and the last pass reached the store. */
  healthy(): boolean;
}

interface Entry {
  digest: DigestRecord;
  schedule?: CompiledSchedule;
  /** The last slot handled (or the instant before which slots are not ours to run). */
  cursor: Date;
  next: Date | null;
}

const maxDate = (...dates: Array<Date | undefined>): Date =>
  new Date(Math.max(...dates.filter((d): d is Date => d !== undefined).map((d) => d.getTime())));

/**
 * The digest scheduler. One timer wakes it at the earliest next slot (or every `pollMs`); each pass claims
 * every due slot in the store before running it, so restarts and other instances sharing the store never
 * run a slot twice, and a run that was in progress when its process died is taken over after its lease.
 */
export function createDigestScheduler(options: SchedulerOptions): DigestScheduler {
  const { log } = options;
  const entries = new Map<string, Entry>();
  const active = new Set<Promise<unknown>>();
  const stopping = new AbortController();
  let timer: unknown;
  let started = false;
  let closed = false;
  let ok = false;
  let chain: Promise<void> = Promise.resolve();

  const track = (work: Promise<unknown>): void => {
    const tracked = work
      .catch((error: unknown) => log.error({ err: error }, 'a digest run failed unexpectedly'))
      .finally(() => active.delete(tracked));
    active.add(tracked);
  };

  async function refresh(): Promise<void> {
    const now = options.now();
    const [digests, lastSlots] = await Promise.all([options.digests.list(), options.runs.lastSlots()]);
    const seen = new Set<string>();
    for (const digest of digests) {
      seen.add(digest.id);
      const known = entries.get(digest.id);
      if (known && sameSchedule(known.digest, digest)) {
        known.digest = digest;
        continue;
      }
      let schedule: CompiledSchedule | undefined;
      try {
        schedule = compileSchedule(digest.schedule, digest.timezone, { minIntervalMinutes: 0, now });
      } catch (error) {
        log.error(
          { digest: digest.id, err: error },
          'a stored digest has a schedule this diagbot cannot read; it will not run',
        );
      }
      const cursor = maxDate(
        lastSlots.get(digest.id),
        digest.activeSince,
        known?.cursor,
        new Date(now.getTime() - options.catchUpMs),
      );
      entries.set(digest.id, { digest, schedule, cursor, next: schedule?.next(cursor) ?? null });
    }
    for (const id of [...entries.keys()]) if (!seen.has(id)) entries.delete(id);
  }

  async function recover(now: Date): Promise<void> {
    const taken = await options.runs.takeOverStale(options.owner, now, new Date(now.getTime() - options.leaseMs));
    for (const run of taken) {
      const digest = entries.get(run.digestId)?.digest ?? (await options.digests.get(run.digestId));
      if (!digest) continue;
      log.warn(
        { digest: digest.id, run: run.id, slot: run.slot, state: run.state },
        'taking over a digest run whose owner stopped',
      );
      track(options.runner.process(digest, run, stopping.signal));
    }
  }

  async function claim(entry: Entry, slot: Date, kind: RunKind, now: Date): Promise<void> {
    const { digest } = entry;
    const outcome = await options.runs.claim({
      digestId: digest.id,
      slot: slot.toISOString(),
      slotAt: slot,
      kind,
      owner: options.owner,
      now,
      posts: digest.platform !== 'cli',
    });
    switch (outcome.outcome) {
      case 'claimed':
        log.info({ digest: digest.id, slot: slot.toISOString(), kind }, 'digest slot claimed');
        track(options.runner.process(digest, outcome.run as RunRecord, stopping.signal));
        return;
      case 'taken':
        return;
      case 'skipped':
        log.warn(
          { digest: digest.id, slot: slot.toISOString(), busyRun: outcome.busyRunId },
          'digest slot skipped: the previous run is still going',
        );
        return;
      default: {
        const unreachable: never = outcome;
        throw new Error(`unknown claim outcome ${JSON.stringify(unreachable)}`);
      }
    }
  }

  async function pass(): Promise<void> {
    if (closed) return;
    if (options.available && !options.available()) {
      ok = false;
      options.onHealth?.(false);
      arm();
      return;
    }
    try {
      const now = options.now();
      // Every pass re-reads the digests (one short query): a pause, a removal or another instance's
      // `digest add` is seen before the next slot is claimed.
      await refresh();
      await recover(now);
      for (const entry of entries.values()) {
        if (entry.digest.paused || !entry.schedule || !entry.next || entry.next.getTime() > now.getTime()) continue;
        // After a long sleep or downtime several slots may be due: only the newest runs (once).
        const slot = latestSlotIn(entry.schedule, entry.cursor, now) ?? entry.next;
        entry.cursor = slot;
        entry.next = entry.schedule.next(slot);
        const kind: RunKind = now.getTime() - slot.getTime() > options.lateAfterMs ? 'late' : 'scheduled';
        await claim(entry, slot, kind, now);
      }
      ok = true;
    } catch (error) {
      ok = false;
      log.error({ err: error }, 'digest scheduler pass failed; retrying at the next wake-up');
    }
    options.onHealth?.(ok);
    arm();
  }

  function arm(): void {
    if (closed) return;
    if (timer !== undefined) options.timers.clearTimeout(timer);
    const now = options.now().getTime();
    // pollMs bounds how late a digest added by another instance, or a run abandoned by a dead one, is seen.
    let wake = now + options.pollMs;
    for (const entry of entries.values()) {
      if (!entry.digest.paused && entry.next && entry.next.getTime() < wake) wake = entry.next.getTime();
    }
    timer = options.timers.setTimeout(
      () => {
        timer = undefined;
        void tick();
      },
      Math.max(0, wake - now),
    );
  }

  /** Passes never overlap: a wake-up during a pass queues one more pass after it. */
  function tick(): Promise<void> {
    chain = chain.then(pass);
    return chain;
  }

  return {
    async start() {
      if (started) return;
      started = true;
      await tick();
    },
    async stop() {
      closed = true;
      if (timer !== undefined) options.timers.clearTimeout(timer);
      timer = undefined;
      await chain;
      const graceOver = new AbortController();
      await Promise.race([
        Promise.allSettled([...active]),
        sleep(options.timers, options.stopGraceMs, graceOver.signal),
      ]);
      graceOver.abort();
      // Runs still going are aborted; each releases its lease so another instance can finish it at once.
      stopping.abort();
      while (active.size > 0) await Promise.allSettled([...active]);
      ok = false;
      options.onHealth?.(false);
    },
    // A pass starts by re-reading the digests, so a refresh is one more pass.
    refresh: () => tick(),
    tick,
    async idle() {
      await chain;
      while (active.size > 0) await Promise.allSettled([...active]);
    },
    healthy: () => started && ok,
  };
}

function sameSchedule(a: DigestRecord, b: DigestRecord): boolean {
  return (
    a.schedule === b.schedule &&
    a.timezone === b.timezone &&
    a.paused === b.paused &&
    a.activeSince.getTime() === b.activeSince.getTime()
  );
}
