import { Pool, types, type PoolClient, type QueryResultRow } from 'pg';
import { DiagError } from '../../core/errors';
import { isConnectionError, pgCodeOf, storeUnavailable } from '../errors';

/**
 * The connection pool and the two ways the PostgreSQL store talks through it: one statement, or a
 * transaction. A lost connection becomes `store.unavailable` (an answer, not a crash); any other failure
 * is a bug and propagates as it is.
 */

/** How to reach PostgreSQL: the URL (`store.url`) and the pool's bounds. */
export interface PgPoolOptions {
  url: string;
  /** Connections per replica. */
  max?: number;
  /** How long to wait for a connection (a dead server must not hold a Slack acknowledgement). */
  connectTimeoutMs?: number;
  /** Deadline of every statement, enforced by the server and by the client. */
  statementTimeoutMs?: number;
  /** Tells the composition root about a connection that died while idle (the pool replaces it). */
  onIdleError?: (error: Error) => void;
}

const INT8_OID = 20;

/** Milliseconds and ids are BIGINT: well inside Number's safe range, so they come back as numbers (as from SQLite). */
const parseInt8 = (value: string): number => Number(value);

export interface Db {
  readonly pool: Pool;
  /** One statement; rows come back unchecked (the callers check them with zod). */
  query<R extends QueryResultRow = Record<string, unknown>>(
    text: string,
    values?: unknown[],
  ): Promise<{ rows: R[]; rowCount: number }>;
  /** BEGIN … COMMIT around `work`; ROLLBACK on any throw. */
  tx<T>(work: (client: PoolClient) => Promise<T>): Promise<T>;
}

export function createPool(options: PgPoolOptions): Pool {
  const pool = new Pool({
    connectionString: options.url,
    max: options.max ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 3000,
    statement_timeout: options.statementTimeoutMs ?? 10_000,
    query_timeout: (options.statementTimeoutMs ?? 10_000) + 2000,
    idleTimeoutMillis: 30_000,
    application_name: 'diagbot',
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID ? parseInt8 : types.getTypeParser(oid, format)) as typeof types.getTypeParser,
    },
  });
  // An idle connection whose server went away emits 'error' on the pool; unhandled, it would end the process.
  pool.on('error', (error) => options.onIdleError?.(error));
  return pool;
}

/**
 * Wraps a pool: a lost connection becomes `store.unavailable`, and while `isUp` says the database is away
 * every call answers that at once instead of waiting for a connection timeout.
 */
export function createDb(pool: Pool, isUp: () => boolean = () => true): Db {
  const translate = (error: unknown): never => {
    throw isConnectionError(error) ? storeUnavailable(error) : error;
  };
  return {
    pool,
    async query<R extends QueryResultRow>(text: string, values?: unknown[]) {
      if (!isUp()) throw storeUnavailable();
      const result = await pool.query<R>(text, values).catch(translate);
      return { rows: result.rows, rowCount: result.rowCount ?? 0 };
    },
    async tx(work) {
      if (!isUp()) throw storeUnavailable();
      const client = await pool.connect().catch(translate);
      // A server that goes away between two statements makes a checked-out client emit 'error'; the pool
      // listens only to idle clients, and an unheard 'error' would end the process. The next statement fails.
      let broken = false;
      const onError = (): void => {
        broken = true;
      };
      client.on('error', onError);
      try {
        await client.query('BEGIN');
        const value = await work(client);
        await client.query('COMMIT');
        return value;
      } catch (error) {
        broken ||= isConnectionError(error);
        if (!broken) await client.query('ROLLBACK').catch(() => undefined);
        return translate(error);
      } finally {
        client.off('error', onError);
        // A connection that failed mid-transaction is dropped, not returned to the pool.
        client.release(broken ? true : undefined);
      }
    },
  };
}

/** The URL with its password replaced, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'the configured store.url (not a valid URL)';
  }
}

/**
 * The one line an operator sees when the database cannot be used at start: what failed, where, and which
 * setting to check. Never the password.
 */
export function describeConnectFailure(url: string, error: unknown): DiagError<'store.config'> {
  const code = pgCodeOf(error);
  const where = redactUrl(url);
  let user = '';
  let database = '';
  try {
    const parsed = new URL(url);
    user = decodeURIComponent(parsed.username);
    database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  } catch {
    // described below
  }
  const reason = ((): string => {
    switch (code) {
      case '28P01':
        return `PostgreSQL refused the password of user "${user}"`;
      case '28000':
        return `PostgreSQL does not let user "${user}" connect (no such role, or pg_hba.conf refuses it)`;
      case '3D000':
        return `the database "${database}" does not exist`;
      case 'ECONNREFUSED':
        return 'nothing is listening there (is PostgreSQL running, and are host and port right?)';
      case 'ENOTFOUND':
      case 'EAI_AGAIN':
        return 'the host name does not resolve';
      default:
        return (error instanceof Error ? error.message : String(error)).replace(url, where);
    }
  })();
  return new DiagError(
    'store.config',
    `Cannot use the PostgreSQL database ${where}: ${reason}. Check store.url (DIAGBOT_DATABASE_URL).`,
    {
      cause: error,
      data: code ? { pgCode: code } : undefined,
    },
  );
}
