import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { parseArgs } from '../src/core/args';
import type { ChatRequest } from '../src/core/chat-request';
import type { Command, CommandContext, Role } from '../src/core/command';
import { DiagError, isDiagError, isFindingError, usageError } from '../src/core/errors';
import type { Reply } from '../src/core/reply';
import { splitCommandName } from '../src/core/tokenize';
import { scheduleFix } from '../src/digest/links';
import { DIGEST_SUBCOMMANDS, parseAdd, parseId, splitSubcommand, type DigestSubcommand } from '../src/digest/parse';
import type { DigestPlatform, DigestRecord, RunRecord, Store } from '../src/store/types';
import type { CommandDeps } from './deps';

/** What the router hands the handler: the sub-command and the rest of the text, verbatim. */
export interface DigestArgs {
  sub: DigestSubcommand;
  rest: string;
}

const EXAMPLE =
  'digest add weekdays 08:00 --tz Europe/London cert mail.contoso.com; cert smtp.contoso.com:25; relay 203.0.113.9';
const ADMIN_ONLY: ReadonlySet<DigestSubcommand> = new Set(['add', 'remove', 'pause', 'resume']);

const digestArgs: z.ZodType<DigestArgs> = z.object({ text: z.string() }).transform((input, ctx) => {
  try {
    const split = splitSubcommand(input.text);
    if ('unknown' in split) {
      ctx.addIssue({
        code: 'custom',
        message: `\`digest ${split.unknown.slice(0, 30)}\` is not a digest command; use one of ${DIGEST_SUBCOMMANDS.join(', ')}`,
      });
      return z.NEVER;
    }
    return split;
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
});

/**
 * `digest`: scheduled posts that run checks and report what changed (docs/digest.md). Definitions live in
 * the store; `diagbot serve` runs the scheduler. Checks are plain command text, validated against the
 * router's own commands when the digest is added, so a typo is refused now and not at 08:00 tomorrow.
 */
export function createDigestCommand(deps: CommandDeps): Command<DigestArgs> {
  const settings = deps.config.digest;
  return {
    name: 'digest',
    summary: 'Scheduled channel posts that run checks and report what changed since the last run.',
    usage:
      'digest add <schedule> [--tz <zone>] <check>; <check>; … | digest list | digest show|run|pause|resume|remove <id>',
    examples: [
      EXAMPLE,
      'digest add daily 07:30 cert mail.contoso.com',
      'digest add "0 8 * * 1-5" cert smtp.contoso.com:25',
      'digest list',
      'digest show d4k2m9p',
    ],
    input: 'verbatim',
    args: digestArgs,
    details: [
      'Schedules: daily HH:MM · weekdays HH:MM · weekly mon[,thu] HH:MM · hourly · a quoted five-field cron pattern "minute hour day-of-month month day-of-week".',
      'Cron joins day-of-month and day-of-week with OR when both are set, as classic cron does: "0 8 13 * 5" runs on every 13th AND every Friday.',
      `Times are read in --tz (an IANA name such as Europe/London; default ${settings.defaultTimezone}). Across daylight-saving changes each slot runs once: a time skipped by the spring change runs at the first valid time after it.`,
      'Checks are ordinary commands separated by `;` (or line breaks); quote a `;` that belongs to a check.',
      `At most ${settings.maxChecksPerDigest} checks per digest and ${settings.maxDigestsPerChannel} digests per channel; schedules may fire at most every ${settings.minIntervalMinutes} minutes.`,
      'A post lists NEW and RESOLVED findings since the previous post; problems that continue are summarised, not raised again.',
      'add, pause, resume and remove need the admin role; list, show and run are for everyone in the channel.',
      'A slot missed while diagbot was down runs once when it starts, marked late.',
    ],
    roleFor: (args): Role => (ADMIN_ONLY.has(args.sub) ? 'admin' : 'everyone'),
    async run(args, ctx) {
      if (ctx.request.platform === 'digest') throw usageError('A digest cannot run `digest` commands.');
      const store = await openStore(deps);
      switch (args.sub) {
        case 'add':
          return add(args.rest, store, ctx);
        case 'list':
          return list(args.rest, store, ctx);
        case 'show':
        case 'run':
        case 'pause':
        case 'resume':
        case 'remove':
          return byId(args.sub, args.rest, store, ctx);
        default: {
          const unreachable: never = args.sub;
          throw new Error(`unknown digest sub-command ${String(unreachable)}`);
        }
      }
    },
  };

  async function add(rest: string, store: Store, ctx: CommandContext): Promise<Reply> {
    const { compileSchedule } = await import('../src/digest/schedule');
    const { createdReply } = await import('../src/digest/replies');
    const now = ctx.now();
    const parsed = guard(() => parseAdd(rest));
    const timezone = parsed.timezone ?? settings.defaultTimezone;
    const schedule = guard(() =>
      compileSchedule(parsed.pattern, timezone, { minIntervalMinutes: settings.minIntervalMinutes, now }),
    );
    if (parsed.commands.length > settings.maxChecksPerDigest) {
      throw new DiagError(
        'digest.limit',
        `A digest may hold at most ${settings.maxChecksPerDigest} checks; this one has ${parsed.commands.length}.`,
        {
          fix: { summary: 'Split the checks over two digests, or ask an admin to raise `digest.maxChecksPerDigest`.' },
        },
      );
    }
    // `add` needs the admin role, who sees every command: the visible ones are all of them.
    parsed.commands.forEach((text, i) => validateCheck(ctx.visibleCommands(), text, i));
    const platform = platformOf(ctx.request);
    const result = await store.digests.create(
      {
        platform,
        channelId: ctx.request.channelId,
        ...(ctx.request.teamId !== undefined ? { teamId: ctx.request.teamId } : {}),
        schedule: schedule.pattern,
        scheduleText: parsed.scheduleText,
        timezone: schedule.timezone,
        commands: parsed.commands,
        createdBy: ctx.request.userId,
        now,
      },
      { maxPerChannel: settings.maxDigestsPerChannel },
    );
    if ('limitReached' in result) {
      throw new DiagError(
        'digest.limit',
        `This channel already has ${result.limitReached} digests (the limit is ${settings.maxDigestsPerChannel}).`,
        {
          fix: {
            summary:
              'Remove one (`digest list`, then `digest remove <id>`), or ask an admin to raise `digest.maxDigestsPerChannel`.',
          },
        },
      );
    }
    const notes: string[] = [];
    if (schedule.daysJoinedWithOr)
      notes.push(
        'Both day-of-month and day-of-week are set: it runs on days matching EITHER (the classic cron OR rule).',
      );
    if (platform === 'cli')
      notes.push(
        'Added from the terminal: `diagbot serve` runs it and keeps the results (`digest show`), but there is no channel to post to.',
      );
    ctx.log.info(
      {
        digest: result.created.id,
        checks: parsed.commands.length,
        schedule: schedule.pattern,
        timezone: schedule.timezone,
      },
      'digest added',
    );
    deps.digestsChanged?.();
    return createdReply(result.created, now, notes);
  }

  async function list(rest: string, store: Store, ctx: CommandContext): Promise<Reply> {
    if (rest.trim() !== '') throw usageError('`digest list` takes nothing after it.', 'digest list');
    const { listReply } = await import('../src/digest/replies');
    const everywhere = ctx.request.platform === 'cli';
    const digests = everywhere
      ? await store.digests.list()
      : await store.digests.list({ platform: platformOf(ctx.request), channelId: ctx.request.channelId });
    const last = new Map<string, RunRecord>();
    for (const digest of digests) {
      const [run] = await store.runs.recent(digest.id, 1);
      if (run) last.set(digest.id, run);
    }
    return listReply(digests, last, ctx.now(), everywhere ? 'in the store' : 'in this channel');
  }

  async function byId(
    sub: Exclude<DigestSubcommand, 'add' | 'list'>,
    rest: string,
    store: Store,
    ctx: CommandContext,
  ): Promise<Reply> {
    const replies = await import('../src/digest/replies');
    const id = guard(() => parseId(sub, rest));
    const digest = await find(store, id, ctx.request);
    const now = ctx.now();
    switch (sub) {
      case 'show':
        return replies.showReply(digest, await store.runs.recent(digest.id, 5), now);
      case 'run':
        return runNow(digest, store, ctx);
      case 'pause':
      case 'resume': {
        const updated = await store.digests.setPaused(digest.id, sub === 'pause', now);
        if (!updated) throw notFound(id);
        deps.digestsChanged?.();
        return replies.stateReply(updated, sub === 'pause' ? 'paused' : 'resumed', now);
      }
      case 'remove':
        if (!(await store.digests.remove(digest.id))) throw notFound(id);
        ctx.log.info({ digest: digest.id }, 'digest removed');
        deps.digestsChanged?.();
        return replies.stateReply(digest, 'removed', now);
      default: {
        const unreachable: never = sub;
        throw new Error(`unknown digest sub-command ${String(unreachable)}`);
      }
    }
  }

  /** `digest run`: a manual run, stored (for `show` and later diffs) and answered here, not posted. */
  async function runNow(digest: DigestRecord, store: Store, ctx: CommandContext): Promise<Reply> {
    const { createDigestRunner, newOwnerId, realTimers } = await import('../src/digest');
    const now = ctx.now();
    const owner = newOwnerId();
    const claim = await store.runs.claim({
      digestId: digest.id,
      slot: `manual:${now.toISOString()}:${randomBytes(3).toString('hex')}`,
      slotAt: now,
      kind: 'manual',
      owner,
      now,
      posts: false,
    });
    if (claim.outcome !== 'claimed') {
      throw new DiagError(
        'digest.busy',
        `Digest ${digest.id} is running right now; \`digest show ${digest.id}\` shows the result once it ends.`,
      );
    }
    const runner = createDigestRunner({
      runs: store.runs,
      runCommand: ctx.runText,
      concurrency: settings.concurrency,
      maxConcurrentRuns: 1,
      owner,
      leaseMs: settings.leaseSeconds * 1000,
      keepRuns: settings.keepRuns,
      ports: [],
      retry: settings.post,
      now: deps.now,
      timers: realTimers,
      log: ctx.log,
    });
    const done = await runner.process(digest, claim.run, ctx.signal);
    if (!done?.reply)
      throw new DiagError(
        'digest.busy',
        `The run of digest ${digest.id} did not finish here (stopped, or taken over); \`digest show ${digest.id}\` shows the last result.`,
      );
    return done.reply;
  }
}

/** Opens the store on first use; a store that cannot be opened is an answer, not a crash. */
async function openStore(deps: CommandDeps): Promise<Store> {
  if (!deps.store)
    throw new DiagError('store.unavailable', 'Digests need the store, which this diagbot was started without.');
  try {
    return await deps.store();
  } catch (error) {
    if (isDiagError(error, 'store.failed', 'store.config')) {
      throw new DiagError('store.unavailable', error.message, {
        fix: {
          summary:
            'Check store.path (DIAGBOT_DB) and the file it names, or store.url (DIAGBOT_DATABASE_URL) for PostgreSQL; the logs have the details.',
        },
      });
    }
    throw error;
  }
}

/** The door a digest belongs to; a scheduled run never adds digests (refused earlier). */
function platformOf(request: ChatRequest): DigestPlatform {
  if (request.platform === 'slack' || request.platform === 'teams' || request.platform === 'cli')
    return request.platform;
  throw usageError('Digests can be managed from Slack, Teams or the terminal.');
}

/** Digests are per channel: another channel's id is "not found" (the terminal sees them all). */
async function find(store: Store, id: string, request: ChatRequest): Promise<DigestRecord> {
  const digest = await store.digests.get(id);
  const visible =
    digest &&
    (request.platform === 'cli' || (digest.platform === request.platform && digest.channelId === request.channelId));
  if (!digest || !visible) throw notFound(id);
  return digest;
}

function notFound(id: string): DiagError {
  return new DiagError('digest.not-found', `There is no digest \`${id.slice(0, 20)}\` in this channel.`, {
    fix: { summary: "`digest list` shows this channel's digests and their ids." },
  });
}

/** Parse problems become the right error: `digest.bad-schedule` for the schedule, `usage` for the rest. */
function guard<T>(step: () => T): T {
  try {
    return step();
  } catch (error) {
    if (isDiagError(error, 'schedule.invalid')) {
      throw new DiagError('digest.bad-schedule', error.message, { fix: scheduleFix() });
    }
    if (isDiagError(error, 'digest.usage')) throw usageError(error.message, EXAMPLE);
    throw error;
  }
}

/** Checks one digest line against the router's commands and that command's own argument parser. */
function validateCheck(commands: readonly Command[], text: string, index: number): void {
  const { name, rest } = splitCommandName(text);
  const where = `Check ${index + 1} (\`${text.slice(0, 60)}\`)`;
  if (name === 'digest') throw usageError(`${where}: a digest cannot contain \`digest\` commands.`, EXAMPLE);
  const command = commands.find((c) => c.name === name);
  if (!command) {
    const names = commands
      .filter((c) => c.name !== 'digest')
      .map((c) => c.name)
      .join(', ');
    throw usageError(`${where}: \`${name.slice(0, 30)}\` is not a command (commands: ${names}).`, EXAMPLE);
  }
  try {
    parseArgs(command, rest);
  } catch (error) {
    if (isFindingError(error))
      throw new DiagError(error.code, `${where}: ${error.message}`, { fix: error.fix, data: error.data });
    throw error;
  }
}
