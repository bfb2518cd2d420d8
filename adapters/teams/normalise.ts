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

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);
const hasId = (value: unknown): boolean => isObject(value) && typeof value.id === 'string' && value.id !== '';

/** Checks the fields every later step relies on; the answer names the first one missing. */
export function parseActivity(body: unknown): { activity: TeamsActivity } | { problem: string } {
  if (!isObject(body)) return { problem: 'the body is not a JSON object' };
  if (typeof body.type !== 'string' || body.type === '') return { problem: 'the activity has no type' };
  if (typeof body.serviceUrl !== 'string' || body.serviceUrl === '') return { problem: 'the activity has no serviceUrl' };
  if (typeof body.channelId !== 'string') return { problem: 'the activity has no channelId' };
  for (const key of ['from', 'recipient', 'conversation'] as const) {
    if (!hasId(body[key])) return { problem: `the activity has no ${key}.id` };
  }
  return { activity: body as unknown as TeamsActivity };
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
  return activity.conversation.conversationType === 'personal' || activity.conversation.conversationType === undefined ? 'dm' : 'mention';
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
  const raw = isObject(activity.value) && isObject(activity.value.messagePayload) && isObject(activity.value.messagePayload.body)
    ? String(activity.value.messagePayload.body.content ?? '')
    : '';
  return base(activity, 'shortcut', raw, `${commandName} ${text}`.trim());
}
