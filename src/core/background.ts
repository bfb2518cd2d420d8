import type { Logger } from './command';

/**
 * Work a door runs after it has answered the platform (an answer, a "checking …" message, a proactive post):
 * tracked so that stop() can wait for it, then abort what will not finish, then wait once more. The one way
 * both doors do it (Slack's fair answering queues work in front of it, Teams hands work straight in).
 */
export interface BackgroundWork {
  /** Aborted when stop() gives up waiting. */
  readonly signal: AbortSignal;
  /** Tracks one task until it settles; a rejection is logged, never left unhandled. */
  track(task: Promise<unknown>): void;
  /**
   * Waits up to `graceMs` for everything tracked, aborts `signal` if some is still running (calling `aborted`
   * so a queue can let its waiting work see it), then waits `graceMs` more. True when everything ended.
   */
  drain(graceMs: number, aborted?: () => void): Promise<boolean>;
  readonly size: number;
}

export function createBackgroundWork(log: Logger, what: string): BackgroundWork {
  const running = new Set<Promise<unknown>>();
  const controller = new AbortController();
  return {
    signal: controller.signal,
    track(task) {
      const tracked = task
        .catch((error: unknown) => log.error({ err: error }, `${what} failed`))
        .finally(() => running.delete(tracked));
      running.add(tracked);
    },
    async drain(graceMs, aborted) {
      if (await settledWithin([...running], graceMs)) return true;
      log.warn({ running: running.size }, `${what}: still running at stop; aborting`);
      controller.abort(new Error('diagbot is stopping'));
      aborted?.();
      // Work that ignores the signal must not hold shutdown forever either.
      if (await settledWithin([...running], graceMs)) return true;
      log.error({ running: running.size }, `${what}: did not stop`);
      return false;
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
