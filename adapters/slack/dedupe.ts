/**
 * Slack redelivers an event (with `X-Slack-Retry-Num`, or `retry_attempt` in Socket Mode) when it did not see
 * our acknowledgement in time. Each delivery carries the same `event_id`, so the first one is answered and the
 * rest are dropped. A retry of an event we never saw (we were down) is still answered: only ids are remembered.
 */
export interface EventDeduper {
  /** True the first time an id is seen within the window; false for a redelivery. */
  firstSeen(eventId: string): boolean;
  readonly size: number;
}

export interface DeduperOptions {
  /** How long an id is remembered; Slack retries three times within about five minutes. */
  ttlMs?: number;
  /** A bound on memory: the oldest ids are forgotten first. */
  maxEntries?: number;
  now?: () => number;
}

export function createEventDeduper(options: DeduperOptions = {}): EventDeduper {
  const ttlMs = options.ttlMs ?? 60 * 60 * 1000;
  const maxEntries = options.maxEntries ?? 10_000;
  const now = options.now ?? Date.now;
  // A Map iterates in insertion order, which is also expiry order: pruning stops at the first live entry.
  const seen = new Map<string, number>();
  const prune = (at: number): void => {
    for (const [id, expires] of seen) {
      if (expires > at && seen.size <= maxEntries) break;
      seen.delete(id);
    }
  };
  return {
    firstSeen(eventId) {
      const at = now();
      prune(at);
      const expires = seen.get(eventId);
      if (expires !== undefined && expires > at) return false;
      seen.set(eventId, at + ttlMs);
      if (seen.size > maxEntries) prune(at);
      return true;
    },
    get size() {
      return seen.size;
    },
  };
}

/** What the doors ask: the in-memory deduper answers at once, a shared one after a round trip. */
export interface Deduper {
  firstSeen(id: string): boolean | Promise<boolean>;
}

/**
 * A delivery log every replica shares (PostgreSQL's `slack_events`, src/store/postgres/events.ts): a retry
 * that lands on another replica is recognised there too.
 */
export interface SharedEventLog {
  firstSeen(id: string, ttlMs: number): Promise<boolean>;
}

export interface SharedDeduperOptions {
  ttlMs?: number;
  /** A shared answer slower than this (the database is struggling) is not waited for: memory decides. */
  timeoutMs?: number;
  /** Told once per outage that the shared log failed and memory decides meanwhile. */
  onFallback?: (error: unknown) => void;
}

/**
 * Dedupe across replicas, with this process's memory as insurance: while the shared log cannot be reached a
 * redelivery to the same replica is still caught, and the acknowledgement is never held past `timeoutMs`.
 */
export function createSharedDeduper(
  shared: SharedEventLog,
  local: EventDeduper,
  options: SharedDeduperOptions = {},
): Deduper {
  const ttlMs = options.ttlMs ?? 60 * 60 * 1000;
  const timeoutMs = options.timeoutMs ?? 1000;
  let failing = false;
  return {
    async firstSeen(id) {
      // Memory first: a redelivery to this very replica needs no round trip.
      if (!local.firstSeen(id)) return false;
      let timer: NodeJS.Timeout | undefined;
      try {
        const answer = await Promise.race([
          shared.firstSeen(id, ttlMs),
          new Promise<never>((_, reject) => {
            timer = setTimeout(
              () => reject(new Error(`the shared dedupe log did not answer within ${timeoutMs} ms`)),
              timeoutMs,
            );
          }),
        ]);
        failing = false;
        return answer;
      } catch (error) {
        if (!failing) options.onFallback?.(error);
        failing = true;
        return true;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
