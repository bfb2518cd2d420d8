import { makeReply, type Fact, type Finding, type Reply } from '../core/reply';
import type { DigestRecord, RunRecord } from '../store/types';
import { DIGEST_LINKS } from './links';
import { formatLocal } from './schedule';
import { channelOf, digestView, nextRunOf } from './view';

/** The `digest` command's answers other than a run (report.ts builds those). */

function postLine(run: RunRecord): string {
  switch (run.postState) {
    case 'none':
      return run.kind === 'manual' ? 'not posted (run on request)' : 'nothing to post';
    case 'pending':
      return run.state === 'finished' ? 'waiting to be posted' : 'will post when finished';
    case 'posting':
      return `posting (attempt ${run.postAttempts})`;
    case 'posted':
      return `posted${run.postAttempts > 1 ? ` after ${run.postAttempts} attempts` : ''}`;
    case 'failed':
      return `post FAILED after ${run.postAttempts} attempt(s): ${run.postError ?? 'unknown error'}`;
    case 'unknown':
      return 'post outcome unknown (the bot stopped mid-post; not repeated)';
    default: {
      const unreachable: never = run.postState;
      return String(unreachable);
    }
  }
}

/** One line about a run: when, how it went, whether it was posted. */
export function runLine(digest: DigestRecord, run: RunRecord): string {
  const when = formatLocal(run.slotAt, digest.timezone);
  const kind = run.kind === 'scheduled' ? '' : ` (${run.kind})`;
  if (run.state === 'skipped') return `${when}${kind}: skipped — ${run.skipReason ?? 'overlap'}`;
  if (run.state === 'running')
    return `${when}${kind}: running${run.attempt > 1 ? ` (attempt ${run.attempt}, taken over after a restart)` : ''}`;
  return `${when}${kind}: ${run.status ?? 'ok'}${run.attempt > 1 ? ` (finished on attempt ${run.attempt})` : ''}, ${postLine(run)}`;
}

export function createdReply(digest: DigestRecord, now: Date, notes: string[]): Reply {
  const next = nextRunOf(digest, now);
  const findings: Finding[] = [
    {
      id: 'digest.created',
      severity: 'ok',
      message: `Digest ${digest.id} added: ${digest.commands.length} check(s), ${digest.scheduleText} (${digest.timezone}).`,
    },
    ...notes.map((message): Finding => ({ id: 'digest.created', severity: 'info', message })),
  ];
  return makeReply({
    command: 'digest',
    title: `Digest ${digest.id} added — next run ${next ? formatLocal(next, digest.timezone) : 'never'}`,
    findings,
    facts: [
      { label: 'Schedule', value: `${digest.scheduleText} (cron \`${digest.schedule}\`)` },
      { label: 'Time zone', value: digest.timezone },
      { label: 'Next run', value: next ? `${formatLocal(next, digest.timezone)} (${next.toISOString()})` : 'never' },
      ...digest.commands.map((command, i): Fact => ({ label: `Check ${i + 1}`, value: command })),
    ],
    actions: [
      { label: 'Run it now', command: `digest run ${digest.id}` },
      { label: "This channel's digests", command: 'digest list' },
    ],
    data: { digest: digestView(digest, now) },
  });
}

export function listReply(
  digests: readonly DigestRecord[],
  lastRuns: ReadonlyMap<string, RunRecord>,
  now: Date,
  where: string,
): Reply {
  const findings: Finding[] =
    digests.length === 0
      ? [
          {
            id: 'digest.list',
            severity: 'info',
            message: `No digests ${where}. Add one with \`digest add daily 08:00 cert mail.contoso.com\`.`,
          },
        ]
      : digests.map((digest) => {
          const next = nextRunOf(digest, now);
          const last = lastRuns.get(digest.id);
          const state = digest.paused ? 'PAUSED' : `next ${next ? formatLocal(next, digest.timezone) : 'never'}`;
          return {
            id: 'digest.list',
            severity: 'info',
            message:
              `${digest.id} — ${digest.scheduleText} (${digest.timezone}) — ${digest.commands.length} check(s) — ${state}` +
              ` — last: ${last ? runLine(digest, last) : 'not run yet'}`,
          };
        });
  return makeReply({
    command: 'digest',
    title: `${digests.length} digest(s) ${where}`,
    findings,
    actions: digests.slice(0, 5).map((d) => ({ label: `Show ${d.id}`, command: `digest show ${d.id}` })),
    data: {
      digests: digests.map((d) => ({
        ...digestView(d, now),
        lastRun: lastRuns.get(d.id) ? runLine(d, lastRuns.get(d.id) as RunRecord) : undefined,
      })),
    },
  });
}

/**
 * `digest show`: the newest finished run's digest Reply as it was built (and posted), with the recent
 * runs and the post outcome on top, so a failed post can still be read here.
 */
export function showReply(digest: DigestRecord, recent: readonly RunRecord[], now: Date): Reply {
  const finished = recent.find((run) => run.state === 'finished' && run.reply);
  const history: Fact[] = recent
    .slice(0, 5)
    .map((run, i) => ({ label: i === 0 ? 'Last run' : 'Earlier', value: runLine(digest, run) }));
  if (!finished?.reply) {
    const next = nextRunOf(digest, now);
    return makeReply({
      command: 'digest',
      title: `Digest ${digest.id} has no finished run yet`,
      findings: [
        {
          id: 'digest.list',
          severity: 'info',
          message: `Next run: ${next ? formatLocal(next, digest.timezone) : digest.paused ? 'paused' : 'never'}. \`digest run ${digest.id}\` runs it now.`,
        },
      ],
      facts: history,
      actions: [{ label: 'Run it now', command: `digest run ${digest.id}` }],
      data: { digest: digestView(digest, now) },
    });
  }
  const reply = finished.reply;
  const extra: Finding[] = [];
  if (finished.postState === 'failed') {
    extra.push({
      id: 'digest.ran',
      severity: 'warn',
      message: `This digest could not be posted to ${channelOf(digest)}: ${finished.postError ?? 'unknown error'}. Its results are below.`,
      fix: {
        summary: 'Make sure diagbot can post in that channel, then run the digest again.',
        steps: [
          'Slack: invite the bot to the channel (`/invite @diagbot`); a private channel needs it too.',
          'Teams: add diagbot to the team or chat, or send it a message there once, so it holds a conversation reference.',
          `Then \`digest run ${digest.id}\` to check, and wait for the next slot to post.`,
        ],
        links: [digest.platform === 'teams' ? DIGEST_LINKS.teamsProactive : DIGEST_LINKS.slackPost],
      },
    });
  }
  return makeReply({
    ...reply,
    title: `${reply.title} (${formatLocal(finished.slotAt, digest.timezone)})`,
    findings: [...extra, ...reply.findings],
    facts: [...history, ...reply.facts],
    status: reply.status,
    data: {
      ...reply.data,
      digest: digestView(digest, now),
      runs: recent.slice(0, 5).map((run) => runLine(digest, run)),
    },
  });
}

export function stateReply(digest: DigestRecord, what: 'paused' | 'resumed' | 'removed', now: Date): Reply {
  const next = nextRunOf(digest, now);
  const message =
    what === 'removed'
      ? `Digest ${digest.id} removed, with its past runs.`
      : what === 'paused'
        ? `Digest ${digest.id} paused: it will not run until \`digest resume ${digest.id}\`.`
        : `Digest ${digest.id} resumed: next run ${next ? formatLocal(next, digest.timezone) : 'never'}. Slots missed while paused are not run.`;
  return makeReply({
    command: 'digest',
    title: message,
    findings: [{ id: `digest.${what}`, severity: 'ok', message }],
    data: { digest: digestView({ ...digest, paused: what === 'paused' || digest.paused }, now) },
  });
}
