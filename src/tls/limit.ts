/**
 * Bounds how many checks run at once (`tls.concurrency`): a digest that checks 500 hosts must not open
 * 500 sockets together. Work beyond the limit waits in order.
 */
export interface Limiter {
  run<T>(work: () => Promise<T>): Promise<T>;
  /** Running now / waiting now (for tests and metrics). */
  readonly active: number;
  readonly queued: number;
}

export function createLimiter(limit: number): Limiter {
  if (!Number.isInteger(limit) || limit < 1) throw new Error(`concurrency must be a whole number ≥ 1, got ${limit}`);
  let active = 0;
  const waiting: Array<() => void> = [];
  const release = (): void => {
    active -= 1;
    const next = waiting.shift();
    if (next) next();
  };
  return {
    async run<T>(work: () => Promise<T>): Promise<T> {
      if (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
      active += 1;
      try {
        return await work();
      } finally {
        release();
      }
    },
    get active() {
      return active;
    },
    get queued() {
      return waiting.length;
    },
  };
}
