import { createBackgroundWork } from '../../src/core/background';
import type { Logger } from '../../src/core/command';

/**
 * Scheduling of the work behind acknowledgements. Slack times the acknowledgement (3 s) and gives the answer
 * minutes, so answers yield to acknowledgements: an answer starts only when no request is waiting to be
 * acknowledged (or after `maxDeferMs`, so steady traffic cannot starve it), and at most `concurrency` run at
 * once. Without this, under a burst of 200 slash commands the answers' work in the same process delayed the
 * remaining acknowledgements to 2–2.5× a bare Bolt app's (bench/slack).
 */

/** Counts requests not yet acknowledged; lets answer work wait until there are none. */
export interface AckGate {
  /** A request arrived; call the returned function (any number of times) once it was answered. */
  begin(): () => void;
  /** Resolves when nothing waits for an acknowledgement, or after `maxWaitMs`. */
  idle(maxWaitMs: number): Promise<void>;
  readonly pending: number;
}

/**
 * `quietMs`: answers start only after no request arrived or was acknowledged for this long. A burst reaches the
 * server in waves (connections open one after another), so "none pending" alone opens the gate in the gaps
 * between waves and the answers' work delays the next wave's acknowledgements.
 */
export function createAckGate(quietMs = 5): AckGate {
  let pending = 0;
  let lastChange = -Infinity;
  let waiters: Array<() => void> = [];
  let timer: NodeJS.Timeout | undefined;
  const quietFor = (): number => performance.now() - lastChange;
  const check = (): void => {
    timer = undefined;
    if (pending > 0 || waiters.length === 0) return;
    const left = quietMs - quietFor();
    if (left > 0) {
      timer = setTimeout(check, left);
      return;
    }
    const ready = waiters;
    waiters = [];
    for (const resolve of ready) resolve();
  };
  const schedule = (): void => {
    if (pending === 0 && timer === undefined && waiters.length > 0)
      timer = setTimeout(check, Math.max(0, quietMs - quietFor()));
  };
  return {
    begin() {
      pending += 1;
      lastChange = performance.now();
      let done = false;
      return () => {
        if (done) return;
        done = true;
        pending -= 1;
        lastChange = performance.now();
        schedule();
      };
    },
    idle(maxWaitMs) {
      if (pending === 0 && quietFor() >= quietMs) return Promise.resolve();
      return new Promise((resolve) => {
        const deadline = setTimeout(() => {
          waiters = waiters.filter((w) => w !== release);
          resolve();
        }, maxWaitMs);
        const release = (): void => {
          clearTimeout(deadline);
          resolve();
        };
        waiters.push(release);
        schedule();
      });
    },
    get pending() {
      return pending;
    },
  };
}

/** Background work that stop() can wait for, and abort when it will not finish in time. */
export interface TaskTracker {
  /**
   * Queues one piece of work for `person`. The work is handed the stop signal and `leave()`, which gives its
   * answer slot back early (the answer is computed; delivering it waits on Slack, not on a slot).
   */
  track(work: (signal: AbortSignal, leave: () => void) => Promise<void>, person?: string): void;
  /** Waits for running work up to `graceMs`, then aborts what is left. */
  drain(graceMs: number): Promise<void>;
  /** How long the longest-waiting work has waited for a slot (0 when none waits). */
  oldestWaitMs(): number;
  readonly size: number;
}

export interface TaskTrackerOptions {
  /** Answer slots: work started at once. Checks wait on the network, not the CPU, so the bound is generous. */
  concurrency?: number;
  /**
   * A check still running after this long moves from its slot to the slow lane, so slow checks cannot keep
   * every slot from quick ones (default 250 ms). The slow lane is bounded too (`slowLimit`).
   */
  slotMs?: number;
  /** Work allowed in the slow lane at once (default 8 × concurrency); beyond it, slow work keeps its slot. */
  slowLimit?: number;
  /** When given, work starts only once no acknowledgement is pending (or after `maxDeferMs`). */
  gate?: AckGate;
  /** Default 1 s: well inside the minutes an answer has, and only spent while requests keep arriving. */
  maxDeferMs?: number;
}

interface Waiting {
  person: string;
  since: number;
  start: () => void;
}

/**
 * Fair answering. Slots go to waiting work person by person (the person with the least work in progress
 * first, then the longest waiting), and a check that turns out slow leaves its slot for the slow lane, so
 * neither a few people nor a few slow hosts can hold every answer up: a `help` from someone else waits at
 * most about `slotMs`, not for the slow checks to finish.
 */
export function createTaskTracker(log: Logger, options: TaskTrackerOptions = {}): TaskTracker {
  const concurrency = Math.max(1, options.concurrency ?? 32);
  const slotMs = options.slotMs ?? 250;
  const slowLimit = options.slowLimit ?? concurrency * 8;
  const maxDeferMs = options.maxDeferMs ?? 1000;
  const background = createBackgroundWork(log, 'Slack background task');
  const waiting: Waiting[] = [];
  const inProgress = new Map<string, number>();
  let active = 0;
  let slow = 0;

  const count = (person: string, delta: number): void => {
    const next = (inProgress.get(person) ?? 0) + delta;
    if (next <= 0) inProgress.delete(person);
    else inProgress.set(person, next);
  };
  /** The next waiting work: its person has the least in progress; among equals, it waited longest. */
  const next = (): Waiting | undefined => {
    let best = -1;
    for (let i = 0; i < waiting.length; i += 1) {
      const load = inProgress.get((waiting[i] as Waiting).person) ?? 0;
      if (best < 0 || load < (inProgress.get((waiting[best] as Waiting).person) ?? 0)) best = i;
      if (load === 0) break;
    }
    return best < 0 ? undefined : waiting.splice(best, 1)[0];
  };
  const release = (): void => {
    active -= 1;
    while (active < concurrency && waiting.length > 0) {
      active += 1;
      next()?.start();
    }
  };
  const slot = async (person: string): Promise<void> => {
    // A later turn of the event loop, after the I/O (new requests) already waiting.
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (options.gate) await options.gate.idle(maxDeferMs);
    if (active < concurrency && waiting.length === 0) {
      active += 1;
      return;
    }
    await new Promise<void>((start) => waiting.push({ person, since: performance.now(), start }));
  };

  return {
    track(work, person = '') {
      count(person, 1);
      const task = slot(person)
        .then(async () => {
          // One of three ways out of the slot, whichever comes first: done, `leave()`, or slow.
          const state = { held: true, slow: false };
          const leave = (toSlowLane = false): void => {
            if (!state.held) return;
            if (toSlowLane) {
              if (slow >= slowLimit) return;
              slow += 1;
              state.slow = true;
            }
            state.held = false;
            release();
          };
          const timer = setTimeout(() => leave(true), slotMs);
          try {
            // Work still queued when stop() gave up is dropped rather than started.
            if (!background.signal.aborted) await work(background.signal, () => leave());
          } finally {
            clearTimeout(timer);
            if (state.slow) slow -= 1;
            leave();
          }
        })
        .finally(() => count(person, -1));
      background.track(task);
    },
    drain: async (graceMs) => {
      // Queued work is let through to see the aborted signal and end.
      await background.drain(graceMs, () => {
        for (const queued of waiting.splice(0)) {
          active += 1;
          queued.start();
        }
      });
    },
    oldestWaitMs() {
      const first = waiting.reduce((min, w) => Math.min(min, w.since), Infinity);
      return first === Infinity ? 0 : performance.now() - first;
    },
    get size() {
      return background.size;
    },
  };
}
