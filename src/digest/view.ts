import type { DigestRecord, RunRecord } from '../store/types';
import type { DigestView, RunView } from './report';
import { compileSchedule, formatLocal } from './schedule';

/** `slack:C0123` — where a digest lives, as lists and `data.digest.channel` show it. */
export function channelOf(digest: Pick<DigestRecord, 'platform' | 'channelId'>): string {
  return `${digest.platform}:${digest.channelId}`;
}

/** The next slot after `now` (none while paused), or undefined when the stored schedule no longer compiles. */
export function nextRunOf(digest: DigestRecord, now: Date): Date | undefined {
  if (digest.paused) return undefined;
  try {
    return compileSchedule(digest.schedule, digest.timezone, { minIntervalMinutes: 0, now }).next(now) ?? undefined;
  } catch {
    return undefined;
  }
}

/** `data.digest` of the Reply contract. */
export function digestView(digest: DigestRecord, now: Date): DigestView {
  const next = nextRunOf(digest, now);
  return {
    id: digest.id,
    channel: channelOf(digest),
    schedule: digest.scheduleText,
    timezone: digest.timezone,
    commands: digest.commands,
    ...(next ? { nextRun: next.toISOString() } : {}),
    paused: digest.paused,
  };
}

export function runView(digest: DigestRecord, run: RunRecord): RunView {
  return {
    id: run.id,
    slot: run.slot,
    kind: run.kind,
    slotLocal: formatLocal(run.slotAt, digest.timezone),
    attempt: run.attempt,
  };
}
