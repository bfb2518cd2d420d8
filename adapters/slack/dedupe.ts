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
