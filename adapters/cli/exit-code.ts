import { isDiagError, type ErrorCode } from '../../src/core/errors';
import type { Status } from '../../src/core/reply';

/**
 * Exit codes as monitoring plugins use them (contracts/reply.md, contracts/cli-and-config.md): the reply's
 * status, 64 for the program's own command line (EX_USAGE), 78 when the database in store.url cannot be
 * used (EX_CONFIG: systemd's RestartPreventExitStatus=78 stops a restart loop, docs/deploy.md).
 */
export const EXIT = { ok: 0, warn: 1, fail: 2, error: 3, badProgramArgs: 64, databaseConfig: 78 } as const;

export function exitCodeOf(status: Status): number {
  return EXIT[status];
}

/** The codes that end the program with their own exit code; every other error exits as status `error`. */
const EXIT_BY_CODE: Partial<Record<ErrorCode, number>> = {
  'args.program': EXIT.badProgramArgs,
  'store.config': EXIT.databaseConfig,
};

/**
 * The one map from an error that stops the program to its exit code. A bad configuration (`config.invalid`)
 * exits 3 like any reply with status `error`, as the CLI tests and the contract's status codes say.
 */
export function exitCodeOfError(error: unknown): number {
  return (isDiagError(error) ? EXIT_BY_CODE[error.code] : undefined) ?? EXIT.error;
}
