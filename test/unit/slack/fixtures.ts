import type {
  BlockAction,
  ButtonAction,
  EnvelopedEvent,
  MessageShortcut,
  SlashCommand,
  types as Slack,
} from '@slack/bolt';

/**
 * Payloads shaped as Slack documents them (api.slack.com: slash commands, Events API, interactivity), ids
 * scrubbed, typed with `satisfies` so a change in Bolt's types breaks the build rather than a test.
 */

export const TEAM = 'T0CONTOSO';
export const BOT_USER = 'U0DIAGBOT';
export const USER = 'U0ADMIN01';
export const CHANNEL = 'C0MAILOPS';
export const DM_CHANNEL = 'D0ADMIN01';

let counter = 0;
const nextTs = (): string => {
  counter += 1;
  return `1700001000.${String(counter).padStart(6, '0')}`;
};

export function slashCommand(text: string, responseUrl: string, overrides: Partial<SlashCommand> = {}): SlashCommand {
  return {
    token: 'scrubbed-verification-token',
    team_id: TEAM,
    team_domain: 'contoso',
    channel_id: CHANNEL,
    channel_name: 'mail-ops',
    user_id: USER,
    user_name: 'admin01',
    command: '/diag',
    text,
    api_app_id: 'A0DIAGBOT',
    is_enterprise_install: 'false',
    response_url: responseUrl,
    trigger_id: '13345224609.738474920.8088930838d88f008e0',
    ...overrides,
  } satisfies SlashCommand;
}

export function envelope<E>(event: E, eventId: string): EnvelopedEvent<E> {
  return {
    token: 'scrubbed-verification-token',
    team_id: TEAM,
    api_app_id: 'A0DIAGBOT',
    event,
    type: 'event_callback',
    event_id: eventId,
    event_time: 1700001000,
    authorizations: [
      { enterprise_id: null, team_id: TEAM, user_id: BOT_USER, is_bot: true, is_enterprise_install: false },
    ],
    is_ext_shared_channel: false,
  } satisfies EnvelopedEvent<E>;
}

export function appMention(text: string, overrides: Partial<Slack.AppMentionEvent> = {}): Slack.AppMentionEvent {
  const ts = nextTs();
  return {
    type: 'app_mention',
    user: USER,
    text: `<@${BOT_USER}> ${text}`,
    ts,
    channel: CHANNEL,
    event_ts: ts,
    team: TEAM,
    ...overrides,
  } satisfies Slack.AppMentionEvent;
}

export function directMessage(
  text: string,
  overrides: Partial<Slack.GenericMessageEvent> = {},
): Slack.GenericMessageEvent {
  const ts = nextTs();
  return {
    type: 'message',
    subtype: undefined,
    channel: DM_CHANNEL,
    user: USER,
    text,
    ts,
    event_ts: ts,
    channel_type: 'im',
    team: TEAM,
    client_msg_id: '6a3b2f60-0000-4000-8000-000000000000',
    ...overrides,
  } satisfies Slack.GenericMessageEvent;
}

export function messageShortcut(
  messageText: string,
  responseUrl: string,
  message: Partial<MessageShortcut['message']> = {},
): MessageShortcut {
  const ts = nextTs();
  return {
    type: 'message_action',
    callback_id: 'explain_message',
    trigger_id: '13345224609.738474920.8088930838d88f008e0',
    message_ts: ts,
    response_url: responseUrl,
    message: { type: 'message', user: 'U0OTHER01', ts, text: messageText, ...message },
    user: { id: USER, name: 'admin01', team_id: TEAM, username: 'admin01' },
    channel: { id: CHANNEL, name: 'mail-ops' },
    team: { id: TEAM, domain: 'contoso' },
    token: 'scrubbed-verification-token',
    action_ts: '1700001000.123456',
  } satisfies MessageShortcut;
}

export function buttonClick(
  value: string,
  responseUrl: string,
  where: { ephemeral?: boolean; home?: boolean; threadTs?: string } = {},
): BlockAction<ButtonAction> {
  const messageTs = nextTs();
  const action: ButtonAction = {
    type: 'button',
    action_id: 'diag.run.0',
    block_id: 'actions',
    action_ts: '1700001001.000001',
    value,
    text: { type: 'plain_text', text: value.slice(0, 75) },
  };
  const base = {
    type: 'block_actions' as const,
    actions: [action],
    team: { id: TEAM, domain: 'contoso' },
    user: { id: USER, username: 'admin01', name: 'admin01', team_id: TEAM },
    token: 'scrubbed-verification-token',
    response_url: responseUrl,
    trigger_id: '13345224609.738474920.8088930838d88f008e0',
    api_app_id: 'A0DIAGBOT',
  };
  if (where.home) {
    return { ...base, container: { type: 'view', view_id: 'V0HOME' } } satisfies BlockAction<ButtonAction>;
  }
  return {
    ...base,
    container: { type: 'message', message_ts: messageTs, channel_id: CHANNEL, is_ephemeral: where.ephemeral ?? false },
    channel: { id: CHANNEL, name: 'mail-ops' },
    message: {
      type: 'message',
      user: BOT_USER,
      ts: messageTs,
      text: '[OK] help',
      ...(where.threadTs ? { thread_ts: where.threadTs } : {}),
    },
  } satisfies BlockAction<ButtonAction>;
}

export function homeOpened(): Slack.AppHomeOpenedEvent {
  return {
    type: 'app_home_opened',
    user: USER,
    channel: DM_CHANNEL,
    tab: 'home',
    event_ts: nextTs(),
  } satisfies Slack.AppHomeOpenedEvent;
}
