import { DiagError, isDiagError } from '../core/errors';

export interface StoreErrorOptions {
  cause?: unknown;
  /** SQLite's code (`SQLITE_NOTADB`, `SQLITE_CORRUPT`, `SQLITE_BUSY`, …) when SQLite raised it. */
  sqliteCode?: string;
  /** PostgreSQL's SQLSTATE (`28P01`, `3D000`, …) or the socket's code (`ECONNREFUSED`) when PostgreSQL failed. */
  pgCode?: string;
}

/**
 * The store could not be opened or used: a DiagError `store.failed`, the database's own code in `data`.
 * The message is meant for an operator at start-up: it names the file, says what is wrong and what to do;
 * it never suggests deleting data the bot cannot read.
 */
export function storeError(message: string, options: StoreErrorOptions = {}): DiagError<'store.failed'> {
  const { cause, sqliteCode, pgCode } = options;
  const data = { ...(sqliteCode ? { sqliteCode } : {}), ...(pgCode ? { pgCode } : {}) };
  return new DiagError('store.failed', message, { cause, data: Object.keys(data).length > 0 ? data : undefined });
}

/** True for an error of the store (`store.failed`, or `store.config` from opening PostgreSQL). */
export function isStoreError(error: unknown): error is DiagError<'store.failed' | 'store.config'> {
  return isDiagError(error, 'store.failed', 'store.config');
}

/**
 * The database cannot be reached right now (PostgreSQL down or cut off). Commands that need the store answer
 * with this finding; the replica keeps answering everything else and recovers by itself when it returns.
 */
export function storeUnavailable(cause?: unknown): DiagError {
  return new DiagError(
    'store.unavailable',
    'The database cannot be reached right now, so this cannot be done; checks that need no database still work.',
    {
      cause,
      fix: {
        summary: "Try again in a minute. If it lasts, check the database server (store.url) and the replica's /readyz.",
      },
    },
  );
}

/** The error's code: a PostgreSQL SQLSTATE or a Node socket code. */
export function pgCodeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * True when the error says the connection to PostgreSQL failed rather than the statement: class 08
 * (connection exception), 57P01–57P03 (shutdown, cannot connect now), a socket error, or node-postgres'
 * own messages for a lost or timed-out connection.
 */
export function isConnectionError(error: unknown): boolean {
  const code = pgCodeOf(error);
  if (
    code !== undefined &&
    (code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03' || CONNECTION_CODES.has(code))
  )
    return true;
  const message = error instanceof Error ? error.message : '';
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Query read timeout/i.test(
    message,
  );
}

/** SQLite's error code, when the error came from better-sqlite3. */
export function sqliteCodeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : undefined;
}

/** Another connection holds the write lock: worth waiting for, never worth blocking the event loop for. */
export function isBusy(error: unknown): boolean {
  const code = sqliteCodeOf(error);
  return code !== undefined && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

export interface BusyRetryOptions {
  /** How many times to try in all. */
  attempts: number;
  /** The first pause between attempts; it doubles up to `maxDelayMs`, with jitter. */
  delayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_BUSY_RETRY: BusyRetryOptions = { attempts: 12, delayMs: 10, maxDelayMs: 500 };

/**
 * Runs one short synchronous SQLite step, retrying asynchronously while another connection holds the lock.
 * SQLite's own busy wait would block Node's event loop (and miss Slack's 3-second acknowledgement), so the
 * connection's busy timeout is kept tiny and the waiting happens here, between event-loop turns.
 */
export async function withBusyRetry<T>(step: () => T, options: BusyRetryOptions = DEFAULT_BUSY_RETRY): Promise<T> {
  let delay = options.delayMs;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return step();
    } catch (error) {
      if (!isBusy(error) || attempt >= options.attempts) {
        if (isBusy(error)) {
          throw storeError(
            `The database stayed locked by another diagbot process after ${attempt} attempts; try again.`,
            {
              cause: error,
              sqliteCode: sqliteCodeOf(error),
            },
          );
        }
        throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, delay / 2 + Math.random() * delay));
      delay = Math.min(options.maxDelayMs, delay * 2);
    }
  }
}
