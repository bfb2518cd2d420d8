import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { isStoreError, storeError, sqliteCodeOf } from './errors';
import { MIGRATIONS, type Migration } from './migrations';
import { createSqliteConversationStore } from './sqlite-conversations';
import { createSqliteDigestStore } from './sqlite-digests';
import { createSqliteRunStore } from './sqlite-runs';
import type { Store } from './types';

/** The SQLite store, with its connection for sibling sub-stores in `src/store` (e.g. an audit store). */
export interface SqliteStore extends Store {
  readonly db: Database;
  readonly path: string;
}

export interface OpenSqliteOptions {
  /** The schema; tests pass a longer list to prove that appending works. */
  migrations?: readonly Migration[];
  /**
   * How long one statement may wait for another connection's lock before the async retry takes over
   * (milliseconds). Small on purpose: SQLite waits synchronously, blocking the event loop.
   */
  busyTimeoutMs?: number;
}

/**
 * Opens (creating it when missing) the SQLite file, switches it to WAL and brings the schema up to date.
 * A file that is not a diagbot database — corrupt, another program's, or from a newer diagbot — is refused
 * with a `store.failed` error that says so and is left exactly as it was: existing digests are never silently lost.
 *
 * @example
 * const store = openSqliteStore(config.store.path);
 * const mine = await store.digests.list({ platform: 'slack', channelId: 'C0123' });
 */
export function openSqliteStore(path: string, options: OpenSqliteOptions = {}): SqliteStore {
  const memory = path === ':memory:';
  const shown = memory ? path : resolve(path);
  if (!memory) prepareDirectory(shown);
  let db: Database;
  try {
    db = new BetterSqlite3(path, { timeout: 5000 });
  } catch (error) {
    throw storeError(
      `Cannot open the database ${shown}: ${(error as Error).message}. Check the path (store.path / DIAGBOT_DB) and its permissions.`,
      {
        cause: error,
        sqliteCode: sqliteCodeOf(error),
      },
    );
  }
  try {
    // Reading the header happens here: a corrupt or foreign file fails now, before anything is written.
    db.pragma('schema_version');
    if (!memory) db.pragma('journal_mode = WAL');
    // FULL: a claimed slot must survive a crash, or a restart would run it again.
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    migrate(db, options.migrations ?? MIGRATIONS, shown);
    db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? 50))}`);
  } catch (error) {
    db.close();
    if (isStoreError(error)) throw error;
    throw storeError(describeOpenFailure(shown, error), { cause: error, sqliteCode: sqliteCodeOf(error) });
  }
  return {
    db,
    path: shown,
    digests: createSqliteDigestStore(db),
    runs: createSqliteRunStore(db),
    conversations: createSqliteConversationStore(db),
    close: () => {
      if (db.open) db.close();
    },
  };
}

function prepareDirectory(file: string): void {
  try {
    const stat = statSync(file, { throwIfNoEntry: false });
    if (stat?.isDirectory())
      throw storeError(`The database path ${file} is a directory; set store.path (DIAGBOT_DB) to a file.`);
    mkdirSync(dirname(file), { recursive: true });
  } catch (error) {
    if (isStoreError(error)) throw error;
    throw storeError(`Cannot create the directory for the database ${file}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

function describeOpenFailure(file: string, error: unknown): string {
  const code = sqliteCodeOf(error);
  const reason = (error as Error).message;
  if (code === 'SQLITE_NOTADB' || code?.startsWith('SQLITE_CORRUPT')) {
    return (
      `The database ${file} is damaged or is not an SQLite database (${reason}). diagbot did not change it. ` +
      'Restore it from a backup, or move it aside to start with an empty store (its digests would then be lost).'
    );
  }
  if (code?.startsWith('SQLITE_READONLY') || code?.startsWith('SQLITE_CANTOPEN') || code?.startsWith('SQLITE_PERM')) {
    return `diagbot cannot write the database ${file} (${reason}). Check the file's and its directory's permissions.`;
  }
  return `Cannot use the database ${file}: ${reason}`;
}

/** Applies the migrations this database has not run yet, each in its own immediate transaction. */
export function migrate(db: Database, migrations: readonly Migration[], shown = db.name): number[] {
  checkList(migrations);
  const foreign = (
    db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as Array<{
      name: string;
    }>
  ).map((row) => row.name);
  if (foreign.length > 0 && !foreign.includes('schema_migrations')) {
    throw storeError(
      `The database ${shown} holds tables diagbot did not create (${foreign.slice(0, 5).join(', ')}). ` +
        "diagbot did not change it. Point store.path (DIAGBOT_DB) at diagbot's own file.",
    );
  }
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)',
  );
  const known = new Set(migrations.map((m) => m.version));
  const appliedVersions = (): Set<number> =>
    new Set(
      (db.prepare('SELECT version FROM schema_migrations').all() as Array<{ version: number }>).map(
        (row) => row.version,
      ),
    );
  const newer = [...appliedVersions()].filter((version) => !known.has(version));
  if (newer.length > 0) {
    throw storeError(
      `The database ${shown} was written by a newer diagbot (schema version ${Math.max(...newer)}; this one knows up to ` +
        `${Math.max(0, ...known)}). Upgrade diagbot, or point store.path at another file. The file was not changed.`,
    );
  }
  const applied: number[] = [];
  for (const migration of migrations) {
    // Another instance may migrate the same file at the same moment: re-check inside the write lock.
    const ran = db
      .transaction(() => {
        if (appliedVersions().has(migration.version)) return false;
        if (typeof migration.up === 'string') db.exec(migration.up);
        else migration.up(db);
        db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
          migration.version,
          migration.name,
          Date.now(),
        );
        return true;
      })
      .immediate();
    if (ran) applied.push(migration.version);
  }
  return applied;
}

function checkList(migrations: readonly Migration[]): void {
  let previous = 0;
  for (const migration of migrations) {
    if (!Number.isInteger(migration.version) || migration.version <= previous) {
      throw new Error(
        `migrations must have increasing whole version numbers; ${migration.version} follows ${previous}`,
      );
    }
    previous = migration.version;
  }
}
