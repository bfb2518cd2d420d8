import { statSync } from 'node:fs';
import { DiagError, isFindingError } from '../core/errors';
import { isStoreError, sqliteCodeOf } from './errors';

/**
 * The store's failures as the answer a person can act on (`store.unavailable`) and as state for /healthz and
 * /readyz, instead of "something went wrong" and rows dropped in silence. Two failures need catching here:
 * SQLite's own errors (a full disk, an I/O error, a file turned read-only), and one SQLite does not report at
 * all: a database file (or its directory) deleted or replaced while open, into which SQLite keeps writing
 * happily, so nothing written afterwards would survive a restart.
 */

export type StoreStateListener = (up: boolean, reason?: string) => void;

/** SQLite result codes that mean the database cannot be used right now (an operator has to look). */
const UNAVAILABLE = /^SQLITE_(FULL|IOERR|CANTOPEN|READONLY|CORRUPT|NOTADB|PERM|AUTH)/;

export interface StoreGuard {
  /** Wraps every method of a port (and of the ports it holds) with the file check and the error translation. */
  guard<T extends object>(port: T): T;
  /** Checks the file now (a timer calls this, so a deletion is noticed without traffic). */
  check(): void;
}

/**
 * @example
 * const guard = createStoreGuard(config.store.path, (up, reason) => http.readiness.set('store', up, reason));
 * const store = guard.guard(openSqliteStore(config.store.path));
 */
export function createStoreGuard(path: string, onState: StoreStateListener): StoreGuard {
  let identity: string | undefined;
  let up: boolean | undefined;
  const report = (next: boolean, reason?: string): void => {
    if (next === up && next) return;
    up = next;
    onState(next, reason);
  };
  const fileProblem = (): string | undefined => {
    if (path === ':memory:') return undefined;
    let current: string;
    try {
      const stat = statSync(path);
      current = `${stat.dev}:${stat.ino}`;
    } catch {
      return identity === undefined
        ? undefined
        : `the database file ${path} (or its directory) was deleted while diagbot had it open`;
    }
    identity ??= current;
    return current === identity ? undefined : `the database file ${path} was replaced while diagbot had it open`;
  };
  const unavailable = (reason: string, cause?: unknown): DiagError => {
    report(false, reason);
    return new DiagError('store.unavailable', `diagbot's database cannot be used: ${reason}. Nothing was saved.`, {
      cause,
      fix: {
        summary: 'Tell the diagbot admins: the store needs attention (see /healthz); diagbot answers checks meanwhile.',
        steps: [
          'Check free space and permissions where store.path (DIAGBOT_DB) points, and that the file is still there.',
          'Restart diagbot once the store is fixed.',
        ],
      },
    });
  };
  const translate = (error: unknown): unknown => {
    if (isFindingError(error)) return error;
    const code = sqliteCodeOf(error);
    if (code && UNAVAILABLE.test(code))
      return unavailable(`${code} (${(error as Error).message.split('\n')[0]})`, error);
    if (isStoreError(error)) return unavailable(error.message.replace(/\.$/, ''), error);
    return error;
  };
  const check = (): void => {
    const problem = fileProblem();
    if (problem) throw unavailable(problem);
  };

  function guard<T extends object>(port: T): T {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(port)) {
      if (typeof value === 'function') {
        const method = value as (...args: unknown[]) => unknown;
        // close() must work on a broken store too.
        out[key] =
          key === 'close'
            ? method.bind(port)
            : async (...args: unknown[]) => {
                check();
                try {
                  const result = await method.apply(port, args);
                  // The first call that worked pins the file; later calls compare against it.
                  if (fileProblem() === undefined) report(true);
                  return result;
                } catch (error) {
                  throw translate(error);
                }
              };
      } else if (
        value !== null &&
        typeof value === 'object' &&
        !Buffer.isBuffer(value) &&
        Object.values(value).some((v) => typeof v === 'function') &&
        key !== 'db'
      ) {
        out[key] = guard(value);
      } else {
        out[key] = value;
      }
    }
    return out as T;
  }

  return {
    guard,
    check() {
      try {
        check();
      } catch {
        // reported through onState
      }
    },
  };
}
