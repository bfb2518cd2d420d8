import type { Platform } from '../core/chat-request';
import type { Status } from '../core/reply';

/** One handled request in the audit trail: who, where, what, against which target, and how it ended. */
export interface AuditRow {
  /** ISO 8601 time the request finished. */
  at: string;
  platform: Platform;
  userId: string;
  /** Slack workspace / Teams tenant, when the platform has one. */
  teamId?: string;
  channelId: string;
  /** The command that ran (`usage` when the text named none). */
  command: string;
  /** `host:port` the command named, when it names one. */
  target?: string;
  status: Status;
  /** The finding id that explains an `error` (`auth.forbidden`, `rate.limited`, `policy.denied`, `usage`, …). */
  outcome?: string;
  durationMs: number;
  correlationId: string;
}

export interface AuditQuery {
  /** Only this user id (exact, case-insensitive). */
  userId?: string;
  /** Only rows at or after this time. */
  since?: Date;
  /** At most this many rows, newest first (default 50). */
  limit?: number;
}

/**
 * Where audit rows go. The SQLite store (audit-store.ts) is the default; the in-memory one (audit-memory.ts)
 * serves tests and runs without a store. Rows come back newest first.
 */
export interface AuditStore {
  append(row: AuditRow): Promise<void>;
  query(query: AuditQuery): Promise<AuditRow[]>;
  /** Deletes rows older than `before`; returns how many went. */
  prune(before: Date): Promise<number>;
}
