import type { ChatRequest } from '../core/chat-request';
import type { Logger, RunText } from '../core/command';
import { DiagError, isDiagError, isFindingError } from '../core/errors';
import type { PostPort } from '../core/post';
import { errorReply, type Reply } from '../core/reply';
import type { DigestRecord, DigestRunStore, RunRecord, RunResult } from '../store/types';
import { mapLimit, Semaphore } from './limit';
import { buildDigestReply } from './report';
import { sleep, type Timers } from './timers';
import { runView, digestView } from './view';

/** Runs one command line as if it had been sent in the digest's channel: the router's `RunText` port. */
export type RunCommand = RunText;

export interface PostRetry {
  /** Attempts in all, the first included. */
  attempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
}

export interface DigestRunnerOptions {
  runs: DigestRunStore;
  runCommand: RunCommand;
  /** Checks in flight at once within one run. */
  concurrency: number;
  /** Runs in progress at once (each holds `concurrency` checks). */
  maxConcurrentRuns: number;
  /** This process's id in the store's `owner` column. */
  owner: string;
  /** A run whose heartbeat is older than this may be taken over by another instance. */
  leaseMs: number;
  /** Keep this many runs per digest (with their results). */
  keepRuns: number;
  ports: readonly PostPort[];
  retry: PostRetry;
  now: () => Date;
  timers: Timers;
  log: Logger;
}

export interface DigestRunner {
  /**
   * Brings a claimed run to its end: runs the checks when it is `running` (again from the start after a
   * takeover), stores results and the digest Reply, then posts it when a post is pending. Holds the lease
   * meanwhile. Returns the run as stored afterwards, or undefined when another instance took it over.
   */
  process(digest: DigestRecord, run: RunRecord, signal?: AbortSignal): Promise<RunRecord | undefined>;
}

/** The request a digest's check runs as: the digest's channel, on behalf of whoever added the digest. */
export function requestFor(digest: DigestRecord, text: string): ChatRequest {
  return {
    platform: 'digest',
    door: 'schedule',
    userId: digest.createdBy,
    channelId: digest.channelId,
    ...(digest.teamId !== undefined ? { teamId: digest.teamId } : {}),
    rawText: text,
    text,
  };
}

export function createDigestRunner(options: DigestRunnerOptions): DigestRunner {
  const { runs, owner, log } = options;
  const slots = new Semaphore(options.maxConcurrentRuns);

  async function execute(digest: DigestRecord, run: RunRecord, signal: AbortSignal): Promise<boolean> {
    const results: RunResult[] = await mapLimit(digest.commands, options.concurrency, async (command, position) => {
      let reply: Reply;
      try {
        reply = await options.runCommand(command, requestFor(digest, command), signal);
      } catch (error) {
        // The router turns every handler error into a Reply; this guards a door that throws anyway.
        log.error({ err: error, digest: digest.id, command }, 'a digest check threw');
        reply = errorReply(command.split(/\s/)[0] ?? 'digest', {
          id: 'internal',
          severity: 'error',
          message: 'The check failed inside diagbot; see the logs.',
        });
      }
      return { position, command, reply };
    });
    if (signal.aborted) return false;
    const previous = await runs.previousFinished(digest.id, {
      atOrBefore: run.slotAt,
      excludeRunId: run.id,
      scope: run.kind === 'manual' ? 'any' : 'scheduled',
    });
    const previousResults = previous ? await runs.results(previous.id) : undefined;
    const now = options.now();
    const reply = buildDigestReply({
      digest: digestView(digest, now),
      run: runView(digest, run),
      results,
      previous:
        previous && previousResults
          ? { results: previousResults, slotLocal: runView(digest, previous).slotLocal }
          : undefined,
    });
    const finished = await runs.finish(run.id, owner, { results, reply, status: reply.status, now });
    if (!finished) {
      log.warn(
        { digest: digest.id, run: run.id },
        'another instance took this digest run over; its results are dropped here',
      );
      return false;
    }
    await runs.prune(digest.id, options.keepRuns);
    return true;
  }

  async function post(digest: DigestRecord, run: RunRecord, signal: AbortSignal): Promise<void> {
    const port = options.ports.find((p) => p.platform === digest.platform);
    for (let attempt = run.postAttempts + 1; attempt <= options.retry.attempts && !signal.aborted; attempt += 1) {
      if (!(await runs.beginPost(run.id, owner, options.now()))) return;
      try {
        if (!port)
          throw new DiagError(
            'digest.post-refused',
            `no ${digest.platform} door is running in this diagbot to post through`,
          );
        if (!run.reply) throw new DiagError('digest.post-refused', 'the run has no digest to post');
        const { messageId } = await port.post({ platform: port.platform, channelId: digest.channelId }, run.reply);
        await runs.endPost(run.id, owner, { state: 'posted', messageId, now: options.now() });
        log.info({ digest: digest.id, run: run.id, attempt }, 'digest posted');
        return;
      } catch (error) {
        // A DiagError with a finding id from a post port is an explained refusal (Teams: no conversation
        // reference), not a glitch; trying again would fail the same way. Transient errors (HTTP, 5xx,
        // Slack's `send.failed`) are retried.
        const permanent = isDiagError(error, 'digest.post-refused') || isFindingError(error);
        const last = permanent || attempt >= options.retry.attempts;
        const message = oneLine(error);
        await runs.endPost(run.id, owner, { state: last ? 'failed' : 'pending', error: message, now: options.now() });
        log.warn({ digest: digest.id, run: run.id, attempt, error: message, final: last }, 'posting a digest failed');
        if (last) return;
        const delay = Math.min(options.retry.maxDelayMs, options.retry.initialDelayMs * 2 ** (attempt - 1));
        // Jitter spreads the retries of many digests due at the same minute.
        await sleep(options.timers, delay * (0.5 + Math.random() / 2), signal);
      }
    }
  }

  async function process(
    digest: DigestRecord,
    claimed: RunRecord,
    outer?: AbortSignal,
  ): Promise<RunRecord | undefined> {
    const controller = new AbortController();
    const onOuterAbort = (): void => controller.abort();
    outer?.addEventListener('abort', onOuterAbort, { once: true });
    let lost = false;
    let beat: unknown;
    const renew = (): void => {
      beat = options.timers.setTimeout(
        () => {
          runs.heartbeat(claimed.id, owner, options.now()).then(
            (ours) => {
              if (!ours) {
                lost = true;
                controller.abort();
              } else if (!controller.signal.aborted) {
                renew();
              }
            },
            (error: unknown) => {
              log.error({ err: error, run: claimed.id }, 'renewing a digest run lease failed');
              if (!controller.signal.aborted) renew();
            },
          );
        },
        Math.max(50, Math.floor(options.leaseMs / 3)),
      );
    };
    renew();
    const release = await slots.acquire();
    try {
      let run = claimed;
      if (run.state === 'running') {
        if (!(await execute(digest, run, controller.signal))) {
          if (!lost && controller.signal.aborted) await runs.release(run.id, owner);
          return undefined;
        }
        run = (await runs.get(run.id)) ?? run;
      }
      if (run.state === 'finished' && run.postState === 'pending') {
        await post(digest, run, controller.signal);
        if (controller.signal.aborted && !lost) await runs.release(run.id, owner);
        run = (await runs.get(run.id)) ?? run;
      }
      return lost ? undefined : run;
    } finally {
      release();
      options.timers.clearTimeout(beat);
      controller.abort();
      outer?.removeEventListener('abort', onOuterAbort);
    }
  }

  return { process };
}

function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return (text.split('\n')[0] ?? '').slice(0, 300);
}
