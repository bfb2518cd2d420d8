import { z } from 'zod';
import type { Reply } from '../core/reply';
import { storeError } from './errors';
import type { DigestRecord, RunRecord, RunResult } from './types';

/**
 * Rows are validated on the way out: a row another version wrote, or a hand edit, becomes a clear
 * `store.failed` error naming the table and id instead of an undefined deep inside the scheduler.
 */

const statusSchema = z.enum(['ok', 'warn', 'fail', 'error']);
const severitySchema = z.enum(['ok', 'info', 'warn', 'fail', 'error']);
const linkSchema = z.object({ title: z.string(), url: z.string() });

/** The Reply contract (contracts/reply.md) as stored JSON; extra keys are kept. */
export const replySchema = z.looseObject({
  command: z.string(),
  status: statusSchema,
  title: z.string(),
  findings: z.array(
    z.looseObject({
      id: z.string(),
      severity: severitySchema,
      message: z.string(),
      fix: z
        .looseObject({
          summary: z.string(),
          steps: z.array(z.string()).optional(),
          links: z.array(linkSchema).optional(),
        })
        .optional(),
    }),
  ),
  facts: z.array(z.looseObject({ label: z.string(), value: z.string() })),
  actions: z.array(z.looseObject({ label: z.string(), command: z.string() })),
  data: z.record(z.string(), z.unknown()),
});

const json = <T extends z.ZodType>(schema: T) =>
  z
    .string()
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'is not valid JSON' });
        return z.NEVER;
      }
    })
    .pipe(schema);

const ms = z
  .number()
  .int()
  .transform((value) => new Date(value));
const optionalMs = ms.nullable().transform((value) => value ?? undefined);
const optionalText = z
  .string()
  .nullable()
  .transform((value) => value ?? undefined);

export const digestRowSchema = z.object({
  id: z.string().min(1),
  platform: z.enum(['slack', 'teams', 'cli']),
  channel_id: z.string().min(1),
  team_id: optionalText,
  schedule: z.string().min(1),
  schedule_text: z.string().min(1),
  timezone: z.string().min(1),
  commands: json(z.array(z.string())),
  paused: z
    .number()
    .int()
    .transform((value) => value !== 0),
  created_by: z.string(),
  created_at: ms,
  active_since: ms,
});

export const runRowSchema = z.object({
  id: z.number().int(),
  digest_id: z.string(),
  slot: z.string(),
  slot_at: ms,
  kind: z.enum(['scheduled', 'late', 'manual']),
  state: z.enum(['running', 'finished', 'skipped']),
  owner: z.string(),
  attempt: z.number().int(),
  claimed_at: ms,
  heartbeat_at: ms,
  finished_at: optionalMs,
  status: statusSchema.nullable().transform((value) => value ?? undefined),
  reply: json(replySchema)
    .nullable()
    .transform((value) => (value ?? undefined) as Reply | undefined),
  skip_reason: optionalText,
  post_state: z.enum(['none', 'pending', 'posting', 'posted', 'failed', 'unknown']),
  post_attempts: z.number().int(),
  post_error: optionalText,
  message_id: optionalText,
  posted_at: optionalMs,
});

export const resultRowSchema = z.object({
  position: z.number().int(),
  command: z.string(),
  reply: json(replySchema),
});

function parseRow<T extends z.ZodType>(schema: T, row: unknown, table: string): z.output<T> {
  const result = schema.safeParse(row);
  if (result.success) return result.data;
  const id = typeof row === 'object' && row !== null ? ((row as { id?: unknown; run_id?: unknown }).id ?? '') : '';
  const issue = result.error.issues[0];
  throw storeError(
    `A ${table} row${id !== '' ? ` (id ${String(id)})` : ''} in the database is not in the shape diagbot expects: ` +
      `${issue ? `${issue.path.join('.') || '(row)'} ${issue.message}` : 'invalid'}. Was the file written by another version, or edited by hand?`,
  );
}

export function toDigest(row: unknown): DigestRecord {
  const r = parseRow(digestRowSchema, row, 'digests');
  return {
    id: r.id,
    platform: r.platform,
    channelId: r.channel_id,
    ...(r.team_id !== undefined ? { teamId: r.team_id } : {}),
    schedule: r.schedule,
    scheduleText: r.schedule_text,
    timezone: r.timezone,
    commands: r.commands,
    paused: r.paused,
    createdBy: r.created_by,
    createdAt: r.created_at,
    activeSince: r.active_since,
  };
}

export function toRun(row: unknown): RunRecord {
  const r = parseRow(runRowSchema, row, 'digest_runs');
  return {
    id: r.id,
    digestId: r.digest_id,
    slot: r.slot,
    slotAt: r.slot_at,
    kind: r.kind,
    state: r.state,
    owner: r.owner,
    attempt: r.attempt,
    claimedAt: r.claimed_at,
    heartbeatAt: r.heartbeat_at,
    finishedAt: r.finished_at,
    status: r.status,
    reply: r.reply,
    skipReason: r.skip_reason,
    postState: r.post_state,
    postAttempts: r.post_attempts,
    postError: r.post_error,
    messageId: r.message_id,
    postedAt: r.posted_at,
  };
}

export function toResult(row: unknown): RunResult {
  const r = parseRow(resultRowSchema, row, 'digest_results');
  return { position: r.position, command: r.command, reply: r.reply as Reply };
}
