import type { Pool } from 'pg';
import type { AuditStore } from '../../audit/types';
import type { Store } from '../types';
import { createPgAuditStore } from './audit';
import { createPgConversationStore } from './conversations';
import { createPgDigestStore } from './digests';
import { createPgEventLog, type PgEventLog } from './events';
import { migratePostgres, PG_MIGRATIONS, type PgMigration } from './migrations';
import { createDb, createPool, describeConnectFailure, redactUrl, type PgPoolOptions } from './pool';
import { createPgRunStore } from './runs';

export { watchAvailability, type Availability } from './availability';
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
  close(): Promise<void>;
}

export interface OpenPostgresOptions extends Omit<PgPoolOptions, 'url'> {
  migrations?: readonly PgMigration[];
}

/**
 * Connects, checks the login and brings the schema up to date. Any failure here is a StoreError with one
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
    if ((error as { name?: unknown }).name === 'StoreError') throw error;
    throw describeConnectFailure(url, error);
  }
  const db = createDb(pool);
  let closed: Promise<void> | undefined;
  return {
    kind: 'postgres',
    pool,
    shown,
    digests: createPgDigestStore(db),
    runs: createPgRunStore(db),
    conversations: createPgConversationStore(db),
    audit: createPgAuditStore(db),
    events: createPgEventLog(db),
    close: () => (closed ??= pool.end().catch(() => undefined)),
  };
}
