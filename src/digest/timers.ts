/**
 * The scheduler's clock and timers, passed in so tests can drive time (a fake clock fires timers as it
 * advances) and production uses the real ones. Nothing in src/digest calls Date.now() or setTimeout directly.
 */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Node's timers. Kept referenced: a run waiting out a post backoff must keep the process alive; stop() clears them. */
export const realTimers: Timers = {
  // Node caps a delay at 2^31-1 ms and fires at once beyond it; callers never wait that long, but be safe.
  setTimeout: (callback, ms) => setTimeout(callback, Math.min(Math.max(0, ms), 2_147_483_647)),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** Waits `ms` on the given timers; resolves early (never rejects) when `signal` aborts. */
export function sleep(timers: Timers, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve();
      return;
    }
    const onAbort = (): void => {
      timers.clearTimeout(handle);
      resolve();
    };
    const handle = timers.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
