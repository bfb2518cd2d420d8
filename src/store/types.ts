import type { ConversationReferenceStore } from '../core/post';
import type { Reply, Status } from '../core/reply';

/**
 * The persistence ports, one narrow interface per purpose, so a server database can implement them
 * later without the scheduler or the commands noticing. Every method is async even though SQLite
 * answers synchronously: a remote store cannot.
 */

/** Where a digest posts from and to: the door it was added in. */
export type DigestPlatform = 'slack' | 'teams' | 'cli';

/** A scheduled digest as stored. */
export interface DigestRecord {
  /** Short, human-typeable id (`d` + 6 characters), unique across the store. */
  id: string;
  platform: DigestPlatform;
  channelId: string;
  teamId?: string;
  /** The cron pattern the scheduler uses (five fields, or a croner nickname). */
  schedule: string;
  /** The schedule as the person typed it (`daily 08:00`), for lists and help. */
  scheduleText: string;
  /** IANA time zone the pattern is read in. */
  timezone: string;
  /** Plain command text, one check each, run through the router. */
  commands: string[];
  paused: boolean;
  createdBy: string;
  createdAt: Date;
  /** Slots before this instant are never run late: creation, or the last resume. */
  activeSince: Date;
}

export type NewDigest = Pick<
  DigestRecord,
  'platform' | 'channelId' | 'teamId' | 'schedule' | 'scheduleText' | 'timezone' | 'commands' | 'createdBy'
> & {
  now: Date;
};

/** Definitions: add, list, pause, remove. */
export interface DigestStore {
  /**
   * Adds a digest unless its channel already holds `maxPerChannel`; the count and the insert share one
   * transaction, so two admins adding at once cannot pass the limit together.
   */
  create(
    input: NewDigest,
    limits: { maxPerChannel: number },
  ): Promise<{ created: DigestRecord } | { limitReached: number }>;
  get(id: string): Promise<DigestRecord | undefined>;
  /** Every digest (the scheduler), or one channel's. Oldest first. */
  list(filter?: { platform: DigestPlatform; channelId: string }): Promise<DigestRecord[]>;
  /** Pauses or resumes; a resume moves `activeSince` so slots missed while paused are not run late. */
  setPaused(id: string, paused: boolean, now: Date): Promise<DigestRecord | undefined>;
  /** Removes the digest with its runs and results. */
  remove(id: string): Promise<boolean>;
}

/** How a run came about: its slot fired, its slot was missed while the bot was down, or someone asked. */
export type RunKind = 'scheduled' | 'late' | 'manual';
/** `running` until its results are stored (`finished`); `skipped` slots never ran (overlap). */
export type RunState = 'running' | 'finished' | 'skipped';
/**
 * `none` nothing to post (manual runs) · `pending` to be posted once finished, or finished and not yet posted ·
 * `posting` a post is in flight · `posted` · `failed` every attempt failed · `unknown` the process died
 * while a post was in flight, so it may or may not have arrived; it is not repeated (never twice).
 */
export type PostState = 'none' | 'pending' | 'posting' | 'posted' | 'failed' | 'unknown';

export interface RunRecord {
  id: number;
  digestId: string;
  /** The slot key: the slot's ISO instant, or `manual:…` for a run someone asked for. */
  slot: string;
  /** When the slot was due (for a manual run, when it was asked for). */
  slotAt: Date;
  kind: RunKind;
  state: RunState;
  /** The scheduler instance that holds the run; a stale heartbeat lets another take it over. */
  owner: string;
  /** 1 for the first execution, +1 for each takeover after a crash. */
  attempt: number;
  claimedAt: Date;
  heartbeatAt: Date;
  finishedAt?: Date;
  status?: Status;
  /** The digest Reply built from the results. */
  reply?: Reply;
  skipReason?: string;
  postState: PostState;
  postAttempts: number;
  postError?: string;
  messageId?: string;
  postedAt?: Date;
}

/** One command's Reply inside a run, in the digest's command order. */
export interface RunResult {
  position: number;
  command: string;
  reply: Reply;
}

export interface SlotClaim {
  digestId: string;
  slot: string;
  slotAt: Date;
  kind: RunKind;
  owner: string;
  now: Date;
  /** Manual runs post nothing; scheduled ones post once they finish. */
  posts: boolean;
}

export type ClaimOutcome =
  | { outcome: 'claimed'; run: RunRecord }
  /** Someone (another instance, or this one before a restart) already holds or held this slot. */
  | { outcome: 'taken' }
  /** A run of this digest is still going: the slot is recorded as skipped and does not run. */
  | { outcome: 'skipped'; run: RunRecord; busyRunId: number };

export interface FinishInput {
  results: RunResult[];
  reply: Reply;
  status: Status;
  now: Date;
}

/** Slots, runs and their results: the exactly-once bookkeeping. */
export interface DigestRunStore {
  /**
   * Claims one slot: a unique (digest, slot) row, so a restart or a second instance sharing the store
   * can neither run nor post it twice. Overlap is decided in the same transaction.
   */
  claim(claim: SlotClaim): Promise<ClaimOutcome>;
  /** Renews the lease; false when the run now belongs to someone else (we were presumed dead). */
  heartbeat(runId: number, owner: string, now: Date): Promise<boolean>;
  /** Lets another instance take the run over at once (a clean shutdown that could not finish it). */
  release(runId: number, owner: string): Promise<void>;
  /**
   * Takes over runs whose owner stopped renewing: unfinished runs (they run again from the start) and
   * finished runs not yet posted. Runs that died mid-post become `unknown` and are not returned.
   */
  takeOverStale(owner: string, now: Date, staleBefore: Date): Promise<RunRecord[]>;
  /** Stores the results and the digest Reply; false (nothing written) when the run is no longer ours. */
  finish(runId: number, owner: string, input: FinishInput): Promise<boolean>;
  /** Moves a finished run's post to `posting` (counting the attempt); false when it is not ours to post. */
  beginPost(runId: number, owner: string, now: Date): Promise<boolean>;
  /** Records the outcome of one post attempt: `pending` to try again, `posted`, or `failed` for good. */
  endPost(
    runId: number,
    owner: string,
    outcome: { state: 'pending' | 'posted' | 'failed'; error?: string; messageId?: string; now: Date },
  ): Promise<void>;
  get(runId: number): Promise<RunRecord | undefined>;
  /** Newest first. */
  recent(digestId: string, limit: number): Promise<RunRecord[]>;
  /**
   * What a new run is diffed against: the newest finished run at or before `atOrBefore` (by slot time),
   * other than `excludeRunId`; `scheduled` counts only scheduled and late runs (what the channel saw).
   */
  previousFinished(
    digestId: string,
    options: { atOrBefore: Date; excludeRunId: number; scope: 'scheduled' | 'any' },
  ): Promise<RunRecord | undefined>;
  results(runId: number): Promise<RunResult[]>;
  /** Per digest, the latest scheduled or late slot ever claimed (whatever became of it). */
  lastSlots(): Promise<Map<string, Date>>;
  /** Keeps the newest `keep` runs of a digest (and their results); running ones are never removed. */
  prune(digestId: string, keep: number): Promise<number>;
}

/** Everything the store offers, opened once by the composition root. */
export interface Store {
  digests: DigestStore;
  runs: DigestRunStore;
  /** Teams conversation references for proactive posts (the Teams adapter saves, its post port loads). */
  conversations: ConversationReferenceStore;
  /** SQLite closes at once; PostgreSQL ends its pool (awaited by the composition root). */
  close(): void | Promise<void>;
}
