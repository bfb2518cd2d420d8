import { z } from 'zod';
import type { ChatRequest, Door } from '../../src/core/chat-request';
import { normaliseCommon } from '../../src/core/normalise';
import { normaliseTeams } from './markup';
import { submittedCommand } from './card';

/**
 * Teams activities → ChatRequest. These types describe what Teams actually sends (the SDK's `Activity` marks
 * fields required that Teams omits, such as `conversation.isGroup` in a personal chat), so fixtures shaped
 * like real payloads can be typed with `satisfies TeamsActivity`.
 */
export interface TeamsAccount {
  id: string;
  name?: string;
  /** The user's Entra ID (AAD) object id: what `roles` in the configuration lists. */
  aadObjectId?: string;
  role?: string;
}

export interface TeamsConversation {
  /** In a channel thread: `19:…@thread.tacv2;messageid=<root message id>`. */
  id: string;
  conversationType?: string;
  tenantId?: string;
  isGroup?: boolean;
  name?: string;
}

export interface TeamsEntity {
  type: string;
  mentioned?: { id: string; name?: string };
  text?: string;
  [key: string]: unknown;
}

export interface TeamsAttachment {
  contentType: string;
  content?: unknown;
  name?: string;
}

export interface TeamsActivity {
  type: string;
  id?: string;
  timestamp?: string;
  localTimestamp?: string;
  serviceUrl: string;
  channelId: string;
  from: TeamsAccount;
  recipient: TeamsAccount;
  conversation: TeamsConversation;
  text?: string;
  textFormat?: string;
  locale?: string;
  replyToId?: string;
  entities?: TeamsEntity[];
  attachments?: TeamsAttachment[];
  channelData?: {
    tenant?: { id: string };
    team?: { id: string; name?: string };
    channel?: { id: string; name?: string };
    eventType?: string;
    [key: string]: unknown;
  };
  /** Invoke name, e.g. `composeExtension/fetchTask`. */
  name?: string;
  value?: unknown;
  action?: string;
  membersAdded?: TeamsAccount[];
  membersRemoved?: TeamsAccount[];
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

const id = z.string().min(1).max(1024);
const optionalText = z
  .string()
  .max(256 * 1024)
  .optional();
const account = z.looseObject({
  id,
  name: z.string().max(1024).optional(),
  aadObjectId: z.string().max(200).optional(),
  role: z.string().max(100).optional(),
});

/**
 * The fields every later step (normalise, botbuilder, the reference store) reads, with the types it assumes.
 * Anything else passes through untouched; a field of the wrong type is a 400, never an exception inside a turn.
 */
const activitySchema = z.looseObject({
  type: z.string().min(1).max(100),
  id: z.string().max(1024).optional(),
  serviceUrl: z.string().min(1).max(2048),
  channelId: z.string().max(100),
  from: account,
  recipient: account,
  conversation: z.looseObject({
    id,
    conversationType: z.string().max(100).optional(),
    tenantId: z.string().max(200).optional(),
    isGroup: z.boolean().optional(),
    name: z.string().max(1024).optional(),
  }),
  text: optionalText,
  textFormat: z.string().max(100).optional(),
  locale: z.string().max(100).optional(),
  replyToId: z.string().max(1024).optional(),
  entities: z
    .array(
      z.looseObject({
        type: z.string().max(200),
        text: z
          .string()
          .max(64 * 1024)
          .optional(),
        mentioned: z.looseObject({ id: z.string().max(1024), name: z.string().max(1024).optional() }).optional(),
      }),
    )
    .max(200)
    .optional(),
  attachments: z
    .array(z.looseObject({ contentType: z.string().max(200), name: z.string().max(1024).optional() }))
    .max(50)
    .optional(),
  channelData: z
    .looseObject({
      tenant: z.looseObject({ id: z.string().max(200) }).optional(),
      team: z.looseObject({ id: z.string().max(1024) }).optional(),
      channel: z.looseObject({ id: z.string().max(1024) }).optional(),
      eventType: z.string().max(200).optional(),
    })
    .optional(),
  name: z.string().max(200).optional(),
  action: z.string().max(100).optional(),
  membersAdded: z.array(account).max(1000).optional(),
  membersRemoved: z.array(account).max(1000).optional(),
});

/** Checks the shape of everything later steps rely on; the answer names the first field that is wrong. */
export function parseActivity(body: unknown): { activity: TeamsActivity } | { problem: string } {
  if (!isObject(body)) return { problem: 'the body is not a JSON object' };
  const parsed = activitySchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path ?? [];
    const missing =
      path.reduce<unknown>(
        (value, key) =>
          isObject(value) || Array.isArray(value) ? (value as Record<PropertyKey, unknown>)[key] : undefined,
        body,
      ) === undefined;
    const name = path.join('.');
    return {
      problem: missing
        ? `the activity has no ${name}`
        : `the activity's ${name} is malformed (${issue?.message ?? 'invalid'})`,
    };
  }
  if (parsed.data.type === 'invoke' && !parsed.data.name) return { problem: 'the invoke has no name' };
  // The parsed copy, not the body: only fields of the right type reach botbuilder and the normaliser.
  return { activity: parsed.data as TeamsActivity };
}

/** A conversation without its thread suffix: the key under which a channel's reference is kept. */
export function conversationKey(conversationId: string): string {
  return conversationId.replace(/;messageid=[^;]*$/i, '');
}

/** The thread a message belongs to: the reply-to id, or the root message id in a channel conversation id. */
export function threadOf(activity: TeamsActivity): string | undefined {
  if (activity.replyToId) return activity.replyToId;
  const match = /;messageid=([^;]+)$/i.exec(activity.conversation.id);
  return match?.[1];
}

export function doorOf(activity: TeamsActivity): Door {
  return activity.conversation.conversationType === 'personal' || activity.conversation.conversationType === undefined
    ? 'dm'
    : 'mention';
}

/** True when one of the message's mention entities names the bot itself. */
export function mentionsBot(activity: TeamsActivity): boolean {
  return (activity.entities ?? []).some((e) => e.type === 'mention' && e.mentioned?.id === activity.recipient.id);
}

/**
 * The message text with the bot's own `<at>…</at>` mention removed and other people's mentions reduced to
 * their names ("why can't <at>Megan</at> log in" keeps "Megan"), before the shared Teams normaliser.
 */
export function messageText(activity: TeamsActivity): string {
  let text = activity.text ?? '';
  if (text.trim() === '') text = htmlAttachmentText(activity) ?? '';
  for (const entity of activity.entities ?? []) {
    if (entity.type !== 'mention' || typeof entity.text !== 'string' || entity.text === '') continue;
    const replacement = entity.mentioned?.id === activity.recipient.id ? '' : entity.text.replace(/<[^>]*>/g, '');
    text = text.split(entity.text).join(replacement);
  }
  return normaliseTeams(text);
}

function htmlAttachmentText(activity: TeamsActivity): string | undefined {
  const html = (activity.attachments ?? []).find((a) => a.contentType === 'text/html' && typeof a.content === 'string');
  return html?.content as string | undefined;
}

function base(activity: TeamsActivity, door: Door, rawText: string, text: string): ChatRequest {
  return {
    platform: 'teams',
    door,
    userId: activity.from.aadObjectId ?? activity.from.id,
    teamId: activity.channelData?.tenant?.id ?? activity.conversation.tenantId,
    channelId: conversationKey(activity.conversation.id),
    threadId: threadOf(activity),
    rawText,
    text,
    raw: activity,
  };
}

/**
 * A message → ChatRequest. Undefined when it is not for the bot: in a channel or group chat the bot answers
 * only when it is @mentioned (a bot with resource-specific consent would otherwise see every message).
 */
export function normaliseMessage(activity: TeamsActivity): ChatRequest | undefined {
  const command = submittedCommand(activity.value);
  if (command !== undefined) return normaliseSubmit(activity, command);
  const door = doorOf(activity);
  if (door === 'mention' && !mentionsBot(activity)) return undefined;
  return base(activity, door, activity.text ?? '', messageText(activity));
}

/** An `Action.Submit` from one of our cards (check again, a follow-up): the command it carries. */
export function normaliseSubmit(activity: TeamsActivity, command: string): ChatRequest {
  return base(activity, 'action', command, normaliseCommon(command));
}

/** The message a message-extension action was started on (`value.messagePayload`), as plain text. */
export function messagePayloadText(value: unknown): string | undefined {
  if (!isObject(value) || !isObject(value.messagePayload)) return undefined;
  const body = value.messagePayload.body;
  if (!isObject(body) || typeof body.content !== 'string') return undefined;
  return body.contentType === 'html' ? normaliseTeams(body.content) : normaliseCommon(body.content);
}

/** "Explain this error" on a message: `explain` with the message's text, as if it had been typed. */
export function normaliseExplainAction(activity: TeamsActivity, commandName: string): ChatRequest {
  const text = messagePayloadText(activity.value) ?? '';
  const raw =
    isObject(activity.value) && isObject(activity.value.messagePayload) && isObject(activity.value.messagePayload.body)
      ? String(activity.value.messagePayload.body.content ?? '')
      : '';
  return base(activity, 'shortcut', raw, `${commandName} ${text}`.trim());
}
