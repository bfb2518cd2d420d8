import { makeReply, statusRank, type Fact, type Finding, type Reply, type Severity, type Status } from '../core/reply';
import type { RunResult } from '../store/types';

/**
 * The digest Reply: counts by status, one line per check (certificates first, soonest expiry first), the
 * findings that are NEW since the previous run in full (with their fix), RESOLVED ones in a line each,
 * and problems that merely continue summarised rather than raised as fresh alarms every run.
 */

/** The digest as shown in `data.digest` (contracts/reply.md). */
export interface DigestView {
  id: string;
  channel: string;
  schedule: string;
  timezone: string;
  commands: string[];
  nextRun?: string;
  paused?: boolean;
}

export interface RunView {
  id: number;
  slot: string;
  kind: 'scheduled' | 'late' | 'manual';
  /** Slot as people in the digest's zone read it. */
  slotLocal: string;
  attempt: number;
}

/** NEW and RESOLVED finding ids of one check against the previous run. */
export interface CommandChange {
  command: string;
  new: string[];
  resolved: string[];
  /** Problems present both times: summarised, not raised again. */
  continuing: string[];
}

const PROBLEM: ReadonlySet<Severity> = new Set(['warn', 'fail', 'error']);
/** Keeps a post within chat limits; the full lists stay in `data`. */
const MAX_LINES = 20;

/** The ids of a Reply's problem findings (warn, fail, error), each once, in order. */
export function problemIds(reply: Reply): string[] {
  return [...new Set(reply.findings.filter((f) => PROBLEM.has(f.severity)).map((f) => f.id))];
}

/**
 * Diffs each check against the same command text in the previous run, by finding id. With no previous
 * run every problem is new; a check the previous run did not have is compared with nothing.
 */
export function diffResults(
  current: readonly RunResult[],
  previous: readonly RunResult[] | undefined,
): CommandChange[] {
  const before = new Map<string, Set<string>>();
  for (const result of previous ?? []) before.set(result.command, new Set(problemIds(result.reply)));
  return current.map((result) => {
    const now = problemIds(result.reply);
    const had = before.get(result.command) ?? new Set<string>();
    const nowSet = new Set(now);
    return {
      command: result.command,
      new: now.filter((id) => !had.has(id)),
      resolved: [...had].filter((id) => !nowSet.has(id)),
      continuing: now.filter((id) => had.has(id)),
    };
  });
}

export interface DigestReplyInput {
  digest: DigestView;
  run: RunView;
  results: readonly RunResult[];
  /** The previous run's results, or undefined on the first run. */
  previous?: { results: readonly RunResult[]; slotLocal: string };
}

function daysLeft(reply: Reply): number | undefined {
  const days = reply.data.daysRemaining;
  return reply.command === 'cert' && typeof days === 'number' && Number.isFinite(days) ? days : undefined;
}

/** Certificates first, soonest expiry first; the other checks keep the digest's order. */
export function orderForDisplay(results: readonly RunResult[]): RunResult[] {
  const certs = results
    .filter((r) => daysLeft(r.reply) !== undefined)
    .sort((a, b) => (daysLeft(a.reply) as number) - (daysLeft(b.reply) as number) || a.position - b.position);
  return [...certs, ...results.filter((r) => daysLeft(r.reply) === undefined)];
}

function worst(statuses: readonly Status[]): Status {
  return statuses.reduce<Status>((w, s) => (statusRank(s) > statusRank(w) ? s : w), 'ok');
}

const clip = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

export function buildDigestReply(input: DigestReplyInput): Reply {
  const { digest, run, results } = input;
  const changes = diffResults(results, input.previous?.results);
  const counts: Record<Status, number> = { ok: 0, warn: 0, fail: 0, error: 0 };
  for (const result of results) counts[result.reply.status] += 1;
  const newCount = changes.reduce((n, c) => n + c.new.length, 0);
  const resolvedCount = changes.reduce((n, c) => n + c.resolved.length, 0);
  const continuingCount = changes.reduce((n, c) => n + c.continuing.length, 0);
  const byCommand = new Map(changes.map((c) => [c.command, c]));

  const since = input.previous ? `since the previous run (${input.previous.slotLocal})` : 'on this first run';
  const newFindings: Finding[] = [];
  const resolvedFindings: Finding[] = [];
  for (const result of results) {
    const change = byCommand.get(result.command);
    for (const id of change?.new ?? []) {
      const finding = result.reply.findings.find((f) => f.id === id);
      if (finding) newFindings.push({ ...finding, message: `NEW · ${clip(result.command, 80)}: ${finding.message}` });
    }
    for (const id of change?.resolved ?? []) {
      resolvedFindings.push({
        id: 'digest.changed',
        severity: 'ok',
        message: `RESOLVED · ${clip(result.command, 80)}: ${id} is no longer reported.`,
      });
    }
  }
  const changed = newCount + resolvedCount > 0;
  const continuing =
    continuingCount > 0 ? ` ${continuingCount} problem(s) continue unchanged (see each check below).` : '';
  const summary: Finding = changed
    ? // The summary stays `info`: the NEW findings below carry their own severity and fix.
      {
        id: 'digest.changed',
        severity: 'info',
        message: `${newCount} new, ${resolvedCount} resolved ${since}.${continuing}`,
      }
    : { id: 'digest.ran', severity: 'info', message: `No change ${since}.${continuing}` };

  const lines: Fact[] = orderForDisplay(results)
    .slice(0, 60)
    .map((result) => {
      const change = byCommand.get(result.command);
      const days = daysLeft(result.reply);
      let note = '';
      if (change && change.new.length > 0) note = ` · new: ${change.new.join(', ')}`;
      else if (change && change.continuing.length > 0) note = ' · unchanged';
      if (change && change.resolved.length > 0) note += ` · resolved: ${change.resolved.join(', ')}`;
      const expiry = days !== undefined && !result.reply.title.includes(`${days} day`) ? ` · ${days} days left` : '';
      return {
        label: clip(result.command, 80),
        value: clip(`${result.reply.status.toUpperCase()} · ${result.reply.title}${expiry}${note}`, 300),
      };
    });

  const facts: Fact[] = [
    {
      label: 'Checks',
      value: `${results.length}: ${counts.fail} fail · ${counts.warn} warn · ${counts.error} could not run · ${counts.ok} ok`,
    },
    {
      label: 'Slot',
      value: `${run.slotLocal}${run.kind === 'late' ? ' (late: missed while diagbot was down, run at start)' : run.kind === 'manual' ? ' (run on request)' : ''}`,
    },
    ...lines,
  ];
  const findings: Finding[] = [summary, ...newFindings.slice(0, MAX_LINES), ...resolvedFindings.slice(0, MAX_LINES)];
  const hidden = Math.max(0, newFindings.length - MAX_LINES) + Math.max(0, resolvedFindings.length - MAX_LINES);
  if (hidden > 0)
    findings.push({
      id: 'digest.changed',
      severity: 'info',
      message: `…and ${hidden} more change(s); \`digest show ${digest.id}\` has them all.`,
    });

  const changeText = changed ? `${newCount} new, ${resolvedCount} resolved` : 'no change';
  return makeReply({
    command: 'digest',
    status: worst(results.map((r) => r.reply.status)),
    title: `Digest ${digest.id} — ${counts.fail} fail, ${counts.warn} warn, ${counts.error} error, ${counts.ok} ok · ${changeText}`,
    findings,
    facts,
    actions: [
      { label: 'Run again now', command: `digest run ${digest.id}` },
      { label: 'Last run', command: `digest show ${digest.id}` },
    ],
    data: {
      digest,
      run,
      counts,
      results: results.map((r) => r.reply),
      changes: changes.map(({ command, new: added, resolved }) => ({ command, new: added, resolved })),
    },
  });
}
