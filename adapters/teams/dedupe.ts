/**
 * Teams (like Slack) delivers an activity again when it did not see our answer in time, with the same
 * activity id. Each id is answered once: the first delivery runs, the rest are acknowledged and dropped.
 * Only authenticated activities are remembered, so a stranger cannot fill the set to hide real ones.
 */
export interface ActivityDeduper {
  /** True the first time this (conversation, activity id) pair is seen within the window. */
  firstSeen(key: string): boolean;
  readonly size: number;
}

export function createActivityDeduper(
  options: { ttlMs?: number; maxEntries?: number; now?: () => number } = {},
): ActivityDeduper {
  const ttlMs = options.ttlMs ?? 60 * 60 * 1000;
  const maxEntries = options.maxEntries ?? 10_000;
  const now = options.now ?? Date.now;
  // Insertion order is expiry order: pruning stops at the first entry still alive and within the bound.
  const seen = new Map<string, number>();
  return {
    firstSeen(key) {
      const at = now();
      for (const [old, expires] of seen) {
        if (expires > at && seen.size < maxEntries) break;
        seen.delete(old);
      }
      if ((seen.get(key) ?? 0) > at) return false;
      seen.set(key, at + ttlMs);
      return true;
    },
    get size() {
      return seen.size;
    },
  };
}
