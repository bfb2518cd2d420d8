import type { Status } from '../../src/core/reply';

/** Exit codes as monitoring plugins use them (contracts/reply.md). */
export const EXIT = { ok: 0, warn: 1, fail: 2, error: 3, badProgramArgs: 64 } as const;

export function exitCodeOf(status: Status): number {
  return EXIT[status];
}
