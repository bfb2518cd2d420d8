import type { Pool } from 'pg';

export interface Availability {
  /** The last probe's verdict (true until a probe fails). */
  up(): boolean;
  /** Called on every change, with the probe's error when the database went away. */
  onChange(listener: (up: boolean, error?: unknown) => void): void;
  stop(): void;
}

/**
 * Probes the database every `intervalMs` (`SELECT 1` through the pool) and reports each change, so a
 * replica can turn /readyz to 503, pause its scheduler and answer at once instead of waiting for a
 * connection timeout while PostgreSQL is away — and resume by itself when it is back, no restart.
 */
export function watchAvailability(pool: Pool, options: { intervalMs: number }): Availability {
  let up = true;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const listeners: Array<(up: boolean, error?: unknown) => void> = [];
  const schedule = (): void => {
    timer = setTimeout(() => void probe(), options.intervalMs);
    timer.unref();
  };
  const probe = async (): Promise<void> => {
    let now = true;
    let failure: unknown;
    try {
      await pool.query('SELECT 1');
    } catch (error) {
      now = false;
      failure = error;
    }
    if (stopped) return;
    if (now !== up) {
      up = now;
      for (const listener of listeners) listener(up, failure);
    }
    schedule();
  };
  schedule();
  return {
    up: () => up,
    onChange: (listener) => void listeners.push(listener),
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
