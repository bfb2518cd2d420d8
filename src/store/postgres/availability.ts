import type { Pool } from 'pg';

export interface Availability {
  /** The last probe's verdict. */
  up(): boolean;
  stop(): void;
}

/**
 * Probes the database every `intervalMs` (`SELECT 1` through the pool) and reports each change, so a
 * replica can turn /readyz to 503 and pause its scheduler while PostgreSQL is away and resume by itself
 * when it is back — no restart.
 */
export function watchAvailability(pool: Pool, options: { intervalMs: number; onChange: (up: boolean, error?: unknown) => void }): Availability {
  let up = true;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
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
      options.onChange(up, failure);
    }
    timer = setTimeout(() => void probe(), options.intervalMs);
    timer.unref();
  };
  timer = setTimeout(() => void probe(), options.intervalMs);
  timer.unref();
  return {
    up: () => up,
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
