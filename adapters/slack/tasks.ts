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
    if (pending === 0 && timer === undefined && waiters.length > 0) timer = setTimeout(check, Math.max(0, quietMs - quietFor()));
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
  track(work: (signal: AbortSignal) => Promise<void>): void;
  /** Waits for running work up to `graceMs`, then aborts what is left. */
  drain(graceMs: number): Promise<void>;
  readonly size: number;
}

export interface TaskTrackerOptions {
  /** Answers worked on at once; checks wait on the network, not the CPU, so the bound is generous. */
  concurrency?: number;
  /** When given, work starts only once no acknowledgement is pending (or after `maxDeferMs`). */
  gate?: AckGate;
  /** Default 1 s: well inside the minutes an answer has, and only spent while requests keep arriving. */
  maxDeferMs?: number;
}

export function createTaskTracker(log: Logger, options: TaskTrackerOptions = {}): TaskTracker {
  const concurrency = Math.max(1, options.concurrency ?? 32);
  const maxDeferMs = options.maxDeferMs ?? 1000;
  const running = new Set<Promise<void>>();
  const waiting: Array<() => void> = [];
  let active = 0;
  const controller = new AbortController();
  const slot = async (): Promise<void> => {
    // A later turn of the event loop, after the I/O (new requests) already waiting.
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (options.gate) await options.gate.idle(maxDeferMs);
    if (active >= concurrency) await new Promise<void>((resolve) => waiting.push(resolve));
    active += 1;
  };
  const release = (): void => {
    active -= 1;
    waiting.shift()?.();
  };
  return {
    track(work) {
      const task = slot()
        .then(async () => {
          try {
            // Work still queued when stop() gave up is dropped rather than started.
            if (!controller.signal.aborted) await work(controller.signal);
          } finally {
            release();
          }
        })
        .catch((error: unknown) => log.error({ err: error }, 'Slack background task failed'))
        .finally(() => running.delete(task));
      running.add(task);
    },
    async drain(graceMs) {
      if (await settledWithin([...running], graceMs)) return;
      log.warn({ running: running.size }, 'Slack tasks still running at stop; aborting them');
      controller.abort(new Error('diagbot is stopping'));
      // A handler that ignores the signal must not hold shutdown forever either.
      if (!(await settledWithin([...running], graceMs))) log.error({ running: running.size }, 'Slack tasks did not stop');
    },
    get size() {
      return running.size;
    },
  };
}

async function settledWithin(tasks: Promise<unknown>[], ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const outcome = await Promise.race([Promise.allSettled(tasks).then(() => true as const), timeout]);
  clearTimeout(timer);
  return outcome;
}
