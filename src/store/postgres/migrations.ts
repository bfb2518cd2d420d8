import type { Pool } from 'pg';
import { storeError } from '../errors';

/**
 * The PostgreSQL schema, versioned like the SQLite one (src/store/migrations.ts) and recorded in the same
 * kind of `schema_migrations` table. Times are BIGINT milliseconds and JSON is TEXT, exactly as in SQLite,
 * so both stores check their rows with the same zod schemas (src/store/rows.ts).
 *
 * To change the schema, APPEND an entry with the next version number; never edit one that has shipped.
 */
export interface PgMigration {
  version: number;
  name: string;
  up: string;
}

export const PG_MIGRATIONS: readonly PgMigration[] = [
  {
    version: 1,
    name: 'digests, runs, results, conversation references',
    up: `
      CREATE TABLE digests (
        id            TEXT PRIMARY KEY,
        platform      TEXT NOT NULL,
        channel_id    TEXT NOT NULL,
        team_id       TEXT,
        schedule      TEXT NOT NULL,
        schedule_text TEXT NOT NULL,
        timezone      TEXT NOT NULL,
        commands      TEXT NOT NULL,
        paused        INTEGER NOT NULL DEFAULT 0,
        created_by    TEXT NOT NULL,
        created_at    BIGINT NOT NULL,
        active_since  BIGINT NOT NULL
      );
      CREATE INDEX digests_by_channel ON digests (platform, channel_id);

      CREATE TABLE digest_runs (
        id            BIGSERIAL PRIMARY KEY,
        digest_id     TEXT NOT NULL REFERENCES digests (id) ON DELETE CASCADE,
        slot          TEXT NOT NULL,
        slot_at       BIGINT NOT NULL,
        kind          TEXT NOT NULL,
        state         TEXT NOT NULL,
        owner         TEXT NOT NULL,
        attempt       INTEGER NOT NULL DEFAULT 1,
        claimed_at    BIGINT NOT NULL,
        heartbeat_at  BIGINT NOT NULL,
        finished_at   BIGINT,
        status        TEXT,
        reply         TEXT,
        skip_reason   TEXT,
        post_state    TEXT NOT NULL,
        post_attempts INTEGER NOT NULL DEFAULT 0,
        post_error    TEXT,
        message_id    TEXT,
        posted_at     BIGINT,
        UNIQUE (digest_id, slot)
      );
      CREATE INDEX digest_runs_by_state ON digest_runs (state, post_state, heartbeat_at);
      CREATE INDEX digest_runs_by_slot ON digest_runs (digest_id, slot_at);

      CREATE TABLE digest_results (
        run_id   BIGINT NOT NULL REFERENCES digest_runs (id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        command  TEXT NOT NULL,
        reply    TEXT NOT NULL,
        PRIMARY KEY (run_id, position)
      );

      CREATE TABLE conversation_refs (
        platform   TEXT NOT NULL,
        channel_id TEXT NOT NULL,
        reference  TEXT NOT NULL,
        updated_at BIGINT NOT NULL,
        PRIMARY KEY (platform, channel_id)
      );
    `,
  },
  {
    version: 2,
    name: 'audit trail',
    up: `
      CREATE TABLE audit (
        id             BIGSERIAL PRIMARY KEY,
        at             BIGINT NOT NULL,
        platform       TEXT NOT NULL,
        user_id        TEXT NOT NULL,
        team_id        TEXT,
        channel_id     TEXT NOT NULL,
        command        TEXT NOT NULL,
        target         TEXT,
        status         TEXT NOT NULL,
        outcome        TEXT,
        duration_ms    INTEGER NOT NULL,
        correlation_id TEXT NOT NULL
      );
      CREATE INDEX audit_by_time ON audit (at);
      CREATE INDEX audit_by_user ON audit (lower(user_id), at);
    `,
  },
  {
    version: 3,
    name: 'shared Slack event dedupe and rate limits',
    // rate_limits is rate-limiter-flexible's own table layout (RateLimiterPostgres), created here so that
    // no replica creates tables at run time.
    up: `
      CREATE TABLE slack_events (
        id         TEXT PRIMARY KEY,
        expires_at BIGINT NOT NULL
      );
      CREATE INDEX slack_events_by_expiry ON slack_events (expires_at);

      CREATE TABLE rate_limits (
        key    VARCHAR(255) PRIMARY KEY,
        points INTEGER NOT NULL DEFAULT 0,
        expire BIGINT
      );
    `,
  },
  {
    version: 4,
    name: 'Slack dedupe and rate limits without write-ahead log',
    // Both hold minutes of state that a crash may forget (a retry answered twice, a budget refilled early); without
    // WAL their writes do not wait for a disk flush, and the dedupe insert is on the acknowledgement's path.
    up: `
      ALTER TABLE slack_events SET UNLOGGED;
      ALTER TABLE rate_limits SET UNLOGGED;
    `,
  },
];

/** Any fixed number: every diagbot replica takes this advisory lock while it migrates, one after another. */
const MIGRATION_LOCK = 4_711_017;

/**
 * Brings the schema up to date in one transaction under an advisory lock, so replicas starting together
 * migrate once. A database with a version this diagbot does not know was written by a newer one: refused,
 * unchanged.
 */
export async function migratePostgres(
  pool: Pool,
  migrations: readonly PgMigration[] = PG_MIGRATIONS,
  shown = 'the database',
): Promise<number[]> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)',
    );
    const applied = new Set(
      (await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((row) => row.version),
    );
    const known = new Set(migrations.map((m) => m.version));
    const newer = [...applied].filter((version) => !known.has(version));
    if (newer.length > 0) {
      throw storeError(
        `${shown} was written by a newer diagbot (schema version ${Math.max(...newer)}; this one knows up to ${Math.max(0, ...known)}). ` +
          'Upgrade diagbot on every replica; the database was not changed.',
      );
    }
    const ran: number[] = [];
    for (const migration of migrations) {
      if (applied.has(migration.version)) continue;
      await client.query(migration.up);
      await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
        migration.version,
        migration.name,
        Date.now(),
      ]);
      ran.push(migration.version);
    }
    await client.query('COMMIT');
    return ran;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
