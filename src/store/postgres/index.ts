import type { Pool } from 'pg';
import { DiagError, isDiagError } from '../../core/errors';
import type { AuditStore } from '../audit-types';
import type { Store } from '../types';
import { createPgAuditStore } from './audit';
import { watchAvailability, type Availability } from './availability';
import { createPgConversationStore } from './conversations';
import { createPgDigestStore } from './digests';
import { createPgEventLog, type PgEventLog } from './events';
import { migratePostgres, PG_MIGRATIONS, type PgMigration } from './migrations';
import { createDb, createPool, describeConnectFailure, redactUrl, type PgPoolOptions } from './pool';
import { createPgRunStore } from './runs';
import { storeUnavailable } from '../errors';

export type { Availability } from './availability';
export { PG_MIGRATIONS, migratePostgres, type PgMigration } from './migrations';
export { redactUrl } from './pool';
export type { PgEventLog } from './events';

/** The PostgreSQL store: the common ports plus what only a shared server can share (audit, Slack dedupe, the pool for rate limits). */
export interface PostgresStore extends Store {
  readonly kind: 'postgres';
  readonly pool: Pool;
  readonly audit: AuditStore;
  readonly events: PgEventLog;
  /** `store.url` with the password replaced. */
  readonly shown: string;
  /** Whether PostgreSQL answers (probed every second); while it does not, every call is `store.unavailable` at once. */
  readonly availability: Availability;
  /** `query` for rate-limiter-flexible: fails at once while the database is away, so its insurance limiter answers. */
  readonly limiterClient: Pick<Pool, 'query'>;
  close(): Promise<void>;
}

export interface OpenPostgresOptions extends Omit<PgPoolOptions, 'url'> {
  migrations?: readonly PgMigration[];
  /** How often the database is probed (default every second). */
  probeIntervalMs?: number;
}

/**
 * Connects, checks the login and brings the schema up to date. Any failure here is a `store.config` error with one
 * line for the operator (wrong host, password or database name), never the password itself.
 *
 * @example
 * const store = await openPostgresStore(config.store.url);
 * await store.digests.list();
 */
export async function openPostgresStore(url: string, options: OpenPostgresOptions = {}): Promise<PostgresStore> {
  const shown = redactUrl(url);
  let pool: Pool;
  try {
    pool = createPool({ ...options, url });
  } catch (error) {
    throw describeConnectFailure(url, error);
  }
  try {
    await migratePostgres(pool, options.migrations ?? PG_MIGRATIONS, `The database ${shown}`);
  } catch (error) {
    await pool.end().catch(() => undefined);
    // The schema is newer than this diagbot, or not diagbot's: as much a configuration problem as a wrong password.
    if (isDiagError(error, 'store.failed'))
      throw new DiagError('store.config', error.message, { cause: error.cause, data: error.data });
    throw describeConnectFailure(url, error);
  }
  const availability = watchAvailability(pool, { intervalMs: options.probeIntervalMs ?? 1000 });
  const db = createDb(pool, availability.up);
  let closed: Promise<void> | undefined;
  return {
    kind: 'postgres',
    pool,
    shown,
    availability,
    limiterClient: {
      query: ((...args: Parameters<Pool['query']>) =>
        availability.up() ? pool.query(...args) : Promise.reject(storeUnavailable())) as Pool['query'],
    },
    digests: createPgDigestStore(db),
    runs: createPgRunStore(db),
    conversations: createPgConversationStore(db),
    audit: createPgAuditStore(db),
    events: createPgEventLog(db),
    close: () => {
      availability.stop();
      return (closed ??= pool.end().catch(() => undefined));
    },
  };
}
