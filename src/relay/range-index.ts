import type { IpRange } from './ip-range';
import { rangeSize } from './ip-range';

/** One range and what it belongs to (a connector, a data-group member). */
export interface IndexedRange<T> {
  range: IpRange;
  owner: T;
  /** Position in the configuration: among ranges of equal size, the earlier one wins. */
  order: number;
}

/** The most specific range holding an address, and any other owners with an identical range. */
export interface RangeMatch<T> {
  range: IpRange;
  owner: T;
  /** Other owners that list exactly the same range (Exchange refuses such connectors on one binding). */
  tiedWith: T[];
}

interface FamilyIndex<T> {
  /** Sorted segment starts; segment i covers [points[i], points[i+1]). */
  points: bigint[];
  /** The most specific range over each segment, or undefined for gaps. */
  best: Array<IndexedRange<T> | undefined>;
}

/**
 * Answers "which range holds this address most specifically?" in O(log n): the ranges' boundaries cut
 * the address space into elementary segments, and each segment is labelled once with the smallest range
 * covering it (a single address beats a range, a narrower range a wider one). Building paints ranges
 * from the smallest up and skips already-painted segments with a union-find "next free" pointer, so
 * overlapping and nested ranges cost O((n + segments) · α) after sorting, never n × segments.
 */
export class RangeIndex<T> {
  private readonly families: Record<4 | 6, FamilyIndex<T>>;
  private readonly identical = new Map<string, T[]>();

  constructor(entries: ReadonlyArray<IndexedRange<T>>) {
    for (const entry of entries) {
      const key = `${entry.range.family}:${entry.range.start}-${entry.range.end}`;
      const owners = this.identical.get(key);
      if (owners) {
        if (!owners.includes(entry.owner)) owners.push(entry.owner);
      } else {
        this.identical.set(key, [entry.owner]);
      }
    }
    this.families = {
      4: build(
        entries.filter((e) => e.range.family === 4),
        (1n << 32n) - 1n,
      ),
      6: build(
        entries.filter((e) => e.range.family === 6),
        (1n << 128n) - 1n,
      ),
    };
  }

  /** The most specific range containing the address, or undefined when no range holds it. */
  lookup(family: 4 | 6, value: bigint): RangeMatch<T> | undefined {
    const index = this.families[family];
    const segment = floorIndex(index.points, value);
    if (segment === -1) return undefined;
    const entry = index.best[segment];
    if (!entry) return undefined;
    const key = `${entry.range.family}:${entry.range.start}-${entry.range.end}`;
    const tiedWith = (this.identical.get(key) ?? []).filter((owner) => owner !== entry.owner);
    return { range: entry.range, owner: entry.owner, tiedWith };
  }
}

function build<T>(entries: ReadonlyArray<IndexedRange<T>>, maxValue: bigint): FamilyIndex<T> {
  const boundaries: bigint[] = [];
  for (const { range } of entries) {
    boundaries.push(range.start);
    if (range.end < maxValue) boundaries.push(range.end + 1n);
  }
  boundaries.sort(compareBigInt);
  const points: bigint[] = [];
  for (const value of boundaries) if (points.length === 0 || points[points.length - 1] !== value) points.push(value);

  const best: Array<IndexedRange<T> | undefined> = new Array<IndexedRange<T> | undefined>(points.length).fill(
    undefined,
  );
  // next[i]: the first segment at or after i that is still unpainted (points.length means none).
  const next = Int32Array.from({ length: points.length + 1 }, (_v, i) => i);
  const find = (start: number): number => {
    let root = start;
    while (next[root] !== root) root = next[root] as number;
    let node = start;
    while (node !== root) {
      const parent = next[node] as number;
      next[node] = root;
      node = parent;
    }
    return root;
  };

  const bySpecificity = [...entries].sort(
    (a, b) => compareBigInt(rangeSize(a.range), rangeSize(b.range)) || a.order - b.order,
  );
  for (const entry of bySpecificity) {
    const first = floorIndex(points, entry.range.start);
    const last = entry.range.end < maxValue ? floorIndex(points, entry.range.end + 1n) - 1 : points.length - 1;
    for (let i = find(first); i <= last; i = find(i)) {
      best[i] = entry;
      next[i] = i + 1;
    }
  }
  return { points, best };
}

function compareBigInt(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The index of the last point ≤ value, or -1 when value lies below every point. */
function floorIndex(points: readonly bigint[], value: bigint): number {
  let lo = 0;
  let hi = points.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((points[mid] as bigint) <= value) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}
