import type { BlockAction, MessageShortcut, SlashCommand, types as Slack } from '@slack/bolt';
import type { ChatRequest } from '../../src/core/chat-request';
import { normaliseSlack } from './markup';

/**
 * Every Slack door's payload → one `ChatRequest` (user, team, channel, thread, text with Slack markup removed).
 * Pure functions over the payload shapes Slack documents, so fixtures can test them without Bolt or a server.
 * `respond` is attached later by the adapter, which knows where the answer goes.
 */

/** A slash command: `/diag cert mail.contoso.com --public`. `public` is the adapter's own switch, taken off the text. */
export function fromSlashCommand(command: Pick<SlashCommand, 'text' | 'user_id' | 'team_id' | 'channel_id'>): {
  request: ChatRequest;
  public: boolean;
} {
  const { text, public: isPublic } = takePublicSwitch(command.text ?? '');
  return {
    public: isPublic,
    request: {
      platform: 'slack',
      door: 'command',
      userId: command.user_id,
      teamId: command.team_id || undefined,
      channelId: command.channel_id,
      rawText: command.text ?? '',
      // A bare `/diag` asks what diagbot can do.
      text: normaliseSlack(text) || 'help',
      raw: command,
    },
  };
}

/** `@diagbot cert mail.contoso.com` in a channel; the answer goes to the mention's thread. */
export function fromMention(
  event: Pick<Slack.AppMentionEvent, 'text' | 'user' | 'channel' | 'ts' | 'thread_ts' | 'team'>,
  teamId?: string,
): ChatRequest {
  return {
    platform: 'slack',
    door: 'mention',
    userId: event.user ?? 'unknown',
    teamId: event.team ?? teamId,
    channelId: event.channel,
    threadId: event.thread_ts ?? event.ts,
    rawText: event.text,
    text: normaliseSlack(event.text) || 'help',
    raw: event,
  };
}

/** A direct message to the bot: any text; an error paste reaches `explain` through the router's fallback. */
export function fromDirectMessage(
  event: Pick<Slack.GenericMessageEvent, 'text' | 'user' | 'channel' | 'ts' | 'thread_ts' | 'team'>,
  teamId?: string,
): ChatRequest {
  const rawText = event.text ?? '';
  return {
    platform: 'slack',
    door: 'dm',
    userId: event.user,
    teamId: event.team ?? teamId,
    channelId: event.channel,
    threadId: event.thread_ts,
    rawText,
    text: normaliseSlack(rawText),
    raw: event,
  };
}

/**
 * The message shortcut "Explain this error": the message's own text (or, for a bot's alert with no text, its
 * attachments' text) goes to `explain` whatever it starts with, when that command exists.
 */
export function fromMessageShortcut(
  shortcut: Pick<MessageShortcut, 'message' | 'user' | 'channel' | 'team'>,
  explainCommand?: string,
): ChatRequest {
  const rawText = messageText(shortcut.message);
  const text = normaliseSlack(rawText);
  return {
    platform: 'slack',
    door: 'shortcut',
    userId: shortcut.user.id,
    teamId: shortcut.team?.id ?? shortcut.user.team_id,
    channelId: shortcut.channel.id,
    threadId: stringField(shortcut.message, 'thread_ts') ?? shortcut.message.ts,
    rawText,
    text: explainCommand && text !== '' ? `${explainCommand} ${text}` : text,
    raw: shortcut,
  };
}

/** A button from `Reply.actions`: its value is plain command text, run as the person who clicked it. */
export function fromBlockAction(
  body: Pick<BlockAction, 'user' | 'channel' | 'team' | 'message' | 'container'>,
  value: string,
): ChatRequest {
  const message = body.message;
  const threadId = message ? (stringField(message, 'thread_ts') ?? message.ts) : undefined;
  return {
    platform: 'slack',
    door: 'action',
    userId: body.user.id,
    teamId: body.team?.id ?? body.user.team_id,
    // A button on the App Home tab has no channel: the answer then goes to the person's DM with the app.
    channelId: body.channel?.id ?? body.user.id,
    threadId,
    rawText: value,
    // The value is our own plain command text (set by render.ts), not Slack markup: only trimmed.
    text: value.trim(),
    raw: body,
  };
}

/**
 * Takes a standalone `--public` off the start or the end of the slash text. Only there: inside the text it may
 * belong to a pasted error that `explain` must see verbatim.
 */
export function takePublicSwitch(text: string): { text: string; public: boolean } {
  const match = /^\s*--public(?:\s+|$)([\s\S]*)$/i.exec(text) ?? /^([\s\S]*?)(?:^|\s+)--public\s*$/i.exec(text);
  if (!match) return { text, public: false };
  return { text: match[1] ?? '', public: true };
}

function messageText(message: MessageShortcut['message']): string {
  if (typeof message.text === 'string' && message.text.trim() !== '') return message.text;
  const attachments: unknown = message.attachments;
  if (!Array.isArray(attachments)) return '';
  const parts: string[] = [];
  for (const attachment of attachments as unknown[]) {
    for (const key of ['pretext', 'title', 'text', 'fallback']) {
      const value = stringField(attachment, key);
      if (value) {
        parts.push(value);
        if (key === 'text') break;
      }
    }
  }
  return parts.join('\n');
}

function stringField(obj: unknown, key: string): string | undefined {
  if (obj === null || typeof obj !== 'object') return undefined;
  const value = (obj as Record<string, unknown>)[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}
