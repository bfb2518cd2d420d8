import type { Logger } from '../core/command';
import type { Config } from '../config/schema';
import type { LimiterFactory } from '../guard/limits';
import { createMemoryAuditStore } from '../store/audit-memory';
import { openAuditStore } from '../store/audit-store';
import type { AuditStore } from '../store/audit-types';
import { createStoreGuard, type StoreStateListener } from '../store/guarded';
import type { PostgresStore } from '../store/postgres';
import type { SqliteStore } from '../store/sqlite';
import type { Store } from '../store/types';

/**
 * The app's one store: SQLite (`store.path`) or PostgreSQL (`store.url`), opened once on first use, shared by
 * the digests, the Teams conversation references, the audit trail and (PostgreSQL) the rate-limit counters,
 * and closed once. The SQLite hardening guard and PostgreSQL's availability are wired here and nowhere else.
 */
export interface AppStore {
  /** The store, opened on first use (`diagbot help` never opens or creates a database); the same one every time. */
  open(): Promise<Store>;
  /** The audit trail on that store; the terminal without a database file keeps it in memory. */
  audit: AuditStore;
  /** Rate-limit counters every replica shares (PostgreSQL); undefined keeps them in this process's memory. */
  limiters?: LimiterFactory;
  /** The PostgreSQL store (availability, dedupe of Slack events) when `store.url` is set. */
  postgres?: () => Promise<PostgresStore>;
  /** Checks the SQLite file now, so a deleted or replaced database shows without traffic (serve's timer). */
  check(): void;
  /** Closes the store if it was opened. */
  close(): Promise<void>;
}

export interface AppStoreOptions {
  /** Serve creates the database for the audit; the terminal records into an existing one only (else in memory). */
  createAudit: boolean;
  now: () => Date;
  log: Logger;
  /** Told when the store goes down or comes back (SQLite), for /healthz and /readyz. */
  onState: StoreStateListener;
  /** A store opened by the caller (tests, benchmarks), used instead of opening `store.path` / `store.url`. */
  store?: Store;
  /** An audit trail of the caller's instead of the store's. */
  audit?: AuditStore;
}

export function createAppStore(config: Config, options: AppStoreOptions): AppStore {
  const { url, path } = config.store;
  // A full disk or a deleted database file is reported as store.unavailable and on /healthz and /readyz (SQLite).
  const guard = createStoreGuard(path, options.onState);
  let opened: Promise<Store> | undefined;
  const given = options.store;
  const open = (): Promise<Store> =>
    (opened ??= given
      ? Promise.resolve(given)
      : url
        ? import('../store/postgres').then((m) => m.openPostgresStore(url, { connectTimeoutMs: 2000 }))
        : import('../store/sqlite').then((m) => guard.guard<Store>(m.openSqliteStore(path))));
  const isPostgres = given ? isPostgresStore(given) : Boolean(url);
  const postgres = isPostgres ? async (): Promise<PostgresStore> => (await open()) as PostgresStore : undefined;

  let audit: AuditStore;
  if (options.audit) audit = options.audit;
  else if (postgres) audit = sharedAudit(postgres);
  else if (given && !('db' in given)) audit = createMemoryAuditStore();
  else {
    audit = guard.guard(
      openAuditStore({
        store: async () => (await open()) as SqliteStore,
        path: given ? (given as SqliteStore).path : path,
        create: options.createAudit || given !== undefined,
        retentionDays: config.audit.retentionDays,
        now: options.now,
        log: options.log,
      }),
    );
  }

  return {
    open,
    audit,
    limiters: postgres ? sharedLimiters(postgres) : undefined,
    postgres,
    check: () => guard.check(),
    close: async () => (await opened?.catch(() => undefined))?.close(),
  };
}

function isPostgresStore(store: Store): store is PostgresStore {
  return (store as Partial<PostgresStore>).kind === 'postgres';
}

/** The audit trail in PostgreSQL: every replica writes to and reads from one trail. */
function sharedAudit(postgres: () => Promise<PostgresStore>): AuditStore {
  return {
    append: async (row) => (await postgres()).audit.append(row),
    query: async (query) => (await postgres()).audit.query(query),
    prune: async (before) => (await postgres()).audit.prune(before),
  };
}

/** Rate-limit counters shared by every replica (src/store/postgres/rate-limits.ts); the library loads on first use. */
function sharedLimiters(postgres: () => Promise<PostgresStore>): LimiterFactory {
  return async (lib, spec) => {
    const { pgLimiterFactory } = await import('../store/postgres/rate-limits');
    return pgLimiterFactory(async () => (await postgres()).limiterClient)(lib, spec);
  };
}
