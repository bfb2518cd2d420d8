/**
 * The digest section of the configuration (config `digest`), as this module needs it. Declared here so
 * src/digest does not import src/config; the config schema's `digest` slice satisfies it.
 */
export interface DigestSettings {
  maxChecksPerDigest: number;
  maxDigestsPerChannel: number;
  /** Checks in flight at once within one run. */
  concurrency: number;
  /** Digest runs in progress at once in this process. */
  maxConcurrentRuns: number;
  /** Time zone for `digest add` without `--tz`. */
  defaultTimezone: string;
  /** Schedules firing more often than this are refused at `add`. */
  minIntervalMinutes: number;
  /** Runs kept per digest, with their results. */
  keepRuns: number;
  /** A run whose owner has not renewed its lease for this long is taken over by another instance or a restart. */
  leaseSeconds: number;
  /** The scheduler wakes at least this often. */
  pollSeconds: number;
  /** A slot run more than this after it was due is marked late. */
  lateAfterSeconds: number;
  /** A slot missed longer ago than this is not run late at start. */
  catchUpDays: number;
  post: { attempts: number; initialDelayMs: number; maxDelayMs: number };
}

export const DEFAULT_DIGEST_SETTINGS: DigestSettings = {
  maxChecksPerDigest: 50,
  maxDigestsPerChannel: 20,
  concurrency: 4,
  maxConcurrentRuns: 4,
  defaultTimezone: 'UTC',
  minIntervalMinutes: 5,
  keepRuns: 30,
  leaseSeconds: 120,
  pollSeconds: 30,
  lateAfterSeconds: 60,
  catchUpDays: 35,
  post: { attempts: 5, initialDelayMs: 2000, maxDelayMs: 60_000 },
};
