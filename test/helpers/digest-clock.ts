import type { Timers } from '../../src/digest/timers';

/**
 * A controllable clock for the digest scheduler: `now()` and timers that fire only when the test moves
 * time forward. Everything else (SQLite, the router, promises) is real, so between two timers the clock
 * lets pending promise chains run to the end before the next one fires.
 */
export class FakeClock implements Timers {
  private time: number;
  private seq = 0;
  private readonly pending = new Map<number, { at: number; callback: () => void }>();

  constructor(start: Date | string) {
    this.time = new Date(start).getTime();
  }

  readonly now = (): Date => new Date(this.time);

  setTimeout(callback: () => void, ms: number): unknown {
    this.seq += 1;
    this.pending.set(this.seq, { at: this.time + Math.max(0, ms), callback });
    return this.seq;
  }

  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  /** Timers waiting to fire (for assertions that nothing is left behind). */
  get waiting(): number {
    return this.pending.size;
  }

  /** Moves time to `to`, firing each due timer at its own instant, in order, settling promises after each. */
  async advanceTo(to: Date | string): Promise<void> {
    const target = new Date(to).getTime();
    for (let guard = 0; guard < 1_000_000; guard += 1) {
      let next: [number, { at: number; callback: () => void }] | undefined;
      for (const entry of this.pending) if (!next || entry[1].at < next[1].at) next = entry;
      if (!next || next[1].at > target) break;
      this.pending.delete(next[0]);
      this.time = Math.max(this.time, next[1].at);
      next[1].callback();
      await settle();
    }
    this.time = Math.max(this.time, target);
    await settle();
  }

  async advanceBy(ms: number): Promise<void> {
    await this.advanceTo(new Date(this.time + ms));
  }
}

/** Lets every promise chain that is not waiting on a timer or I/O run to its end. */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i += 1) await new Promise((resolve) => setImmediate(resolve));
}
