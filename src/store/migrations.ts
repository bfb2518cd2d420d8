import type { Database } from 'better-sqlite3';

/**
 * The schema, as an ordered list of versioned migrations. Each runs once, in its own transaction, and is
 * recorded in `schema_migrations`; a database that has a version this list does not know was written by a
 * newer diagbot and is refused rather than guessed at.
 *
 * To change the schema, APPEND an entry with the next version number. Never edit or reorder an entry that
 * has shipped: databases in the field already ran it.
 */
export interface Migration {
  version: number;
  name: string;
  /** SQL run as one script, or a function for a change SQL alone cannot express. */
  up: string | ((db: Database) => void);
}

export const MIGRATIONS: readonly Migration[] = [
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
        created_at    INTEGER NOT NULL,
        active_since  INTEGER NOT NULL
      );
      CREATE INDEX digests_by_channel ON digests (platform, channel_id);

      CREATE TABLE digest_runs (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        digest_id     TEXT NOT NULL REFERENCES digests (id) ON DELETE CASCADE,
        slot          TEXT NOT NULL,
        slot_at       INTEGER NOT NULL,
        kind          TEXT NOT NULL,
        state         TEXT NOT NULL,
        owner         TEXT NOT NULL,
        attempt       INTEGER NOT NULL DEFAULT 1,
        claimed_at    INTEGER NOT NULL,
        heartbeat_at  INTEGER NOT NULL,
        finished_at   INTEGER,
        status        TEXT,
        reply         TEXT,
        skip_reason   TEXT,
        post_state    TEXT NOT NULL,
        post_attempts INTEGER NOT NULL DEFAULT 0,
        post_error    TEXT,
        message_id    TEXT,
        posted_at     INTEGER,
        UNIQUE (digest_id, slot)
      );
      CREATE INDEX digest_runs_by_state ON digest_runs (state, post_state, heartbeat_at);
      CREATE INDEX digest_runs_by_slot ON digest_runs (digest_id, slot_at);

      CREATE TABLE digest_results (
        run_id   INTEGER NOT NULL REFERENCES digest_runs (id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        command  TEXT NOT NULL,
        reply    TEXT NOT NULL,
        PRIMARY KEY (run_id, position)
      );

      CREATE TABLE conversation_refs (
        platform   TEXT NOT NULL,
        channel_id TEXT NOT NULL,
        reference  TEXT NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (platform, channel_id)
      );
    `,
  },
  {
    version: 2,
    name: 'audit trail',
    // One row per handled request (src/audit); the command text is never stored.
    up: `
      CREATE TABLE audit (
        id             INTEGER PRIMARY KEY AUTOINCREMENT,
        at             INTEGER NOT NULL,
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
      CREATE INDEX audit_by_user ON audit (user_id COLLATE NOCASE, at);
    `,
  },
];
