import type { TeamsActivity } from '../../../adapters/teams/normalise';

/**
 * Activities shaped as Teams sends them (field for field from captured payloads; ids, names and tenants
 * scrubbed). `satisfies TeamsActivity` makes a change to the adapter's wire type break the build here.
 */

export const TENANT = '72f988bf-0000-4000-8000-0000000000aa';
export const BOT_ID = '28:0b7a11e0-0000-4000-8000-0000000000b0';
export const USER_AAD = 'a1b2c3d4-0000-4000-8000-0000000000c1';
export const CHANNEL = '19:4a95f7d8db4c4e7fae857bcebe0623e6@thread.tacv2';
export const TEAM = '19:team0c1b2c3d4e5f60718293a4b5c6d7e8f@thread.tacv2';

const from = { id: '29:1mN0pQ-scrubbed-user-id', name: 'Megan Bowen', aadObjectId: USER_AAD };
const recipient = { id: BOT_ID, name: 'diagbot' };
const clientInfo = { type: 'clientInfo', locale: 'en-US', country: 'US', platform: 'Web', timezone: 'Europe/Berlin' };

/** A message in the personal (1:1) chat with the bot. */
export function personalMessage(serviceUrl: string, text: string, id = '1715677951123'): TeamsActivity {
  return {
    text,
    textFormat: 'plain',
    type: 'message',
    timestamp: '2025-05-14T09:12:31.123Z',
    localTimestamp: '2025-05-14T11:12:31.123+02:00',
    id,
    channelId: 'msteams',
    serviceUrl,
    from,
    conversation: { conversationType: 'personal', tenantId: TENANT, id: 'a:1XyZ-scrubbed-personal-conversation' },
    recipient,
    entities: [clientInfo],
    channelData: { tenant: { id: TENANT } },
    locale: 'en-US',
  } satisfies TeamsActivity;
}

/** A channel post that @mentions the bot: the mention is in the text and in `entities`. */
export function channelMention(serviceUrl: string, command: string, id = '1715678000000'): TeamsActivity {
  return {
    text: `<at>diagbot</at> ${command}\n`,
    textFormat: 'plain',
    type: 'message',
    timestamp: '2025-05-14T09:13:20.000Z',
    id,
    channelId: 'msteams',
    serviceUrl,
    from,
    conversation: { isGroup: true, conversationType: 'channel', tenantId: TENANT, id: `${CHANNEL};messageid=${id}` },
    recipient,
    entities: [{ type: 'mention', mentioned: { id: BOT_ID, name: 'diagbot' }, text: '<at>diagbot</at>' }, clientInfo],
    channelData: {
      teamsChannelId: CHANNEL,
      teamsTeamId: TEAM,
      channel: { id: CHANNEL },
      team: { id: TEAM },
      tenant: { id: TENANT },
    },
    locale: 'en-US',
  } satisfies TeamsActivity;
}

/** A group-chat message that does not mention the bot (it must stay silent). */
export function groupChatter(serviceUrl: string): TeamsActivity {
  return {
    text: 'lunch at 12?',
    type: 'message',
    id: '1715678100000',
    channelId: 'msteams',
    serviceUrl,
    from,
    conversation: {
      isGroup: true,
      conversationType: 'groupChat',
      tenantId: TENANT,
      id: '19:meeting_scrubbed@thread.v2',
    },
    recipient,
    entities: [clientInfo],
    channelData: { tenant: { id: TENANT } },
  } satisfies TeamsActivity;
}

/** What Teams sends when a button (`Action.Submit`) on one of our cards is clicked: `value` and no text. */
export function cardSubmit(serviceUrl: string, command: string, cardId = 'captured-7'): TeamsActivity {
  return {
    type: 'message',
    id: '1715678200000',
    timestamp: '2025-05-14T09:16:40.000Z',
    channelId: 'msteams',
    serviceUrl,
    from,
    conversation: { conversationType: 'personal', tenantId: TENANT, id: 'a:1XyZ-scrubbed-personal-conversation' },
    recipient,
    replyToId: cardId,
    value: { diagbotCommand: command },
    entities: [clientInfo],
    channelData: { tenant: { id: TENANT }, source: { name: 'message' }, legacy: { replyToId: cardId } },
    locale: 'en-US',
  } satisfies TeamsActivity;
}

/** The message-extension action "Explain this error", started from the … menu of a message. */
export function explainAction(serviceUrl: string, html: string): TeamsActivity {
  return {
    name: 'composeExtension/fetchTask',
    type: 'invoke',
    id: 'f:8c1d-scrubbed-invoke-id',
    timestamp: '2025-05-14T09:20:00.000Z',
    channelId: 'msteams',
    serviceUrl,
    from,
    conversation: {
      isGroup: true,
      conversationType: 'channel',
      tenantId: TENANT,
      id: `${CHANNEL};messageid=1715670000000`,
    },
    recipient,
    value: {
      commandId: 'explainError',
      commandContext: 'message',
      requestId: 'e1c7-scrubbed-request',
      messagePayload: {
        id: '1715670000000',
        replyToId: null,
        createdDateTime: '2025-05-14T07:00:00.000Z',
        importance: 'normal',
        messageType: 'message',
        from: { user: { id: USER_AAD, displayName: 'Megan Bowen', userIdentityType: 'aadUser' } },
        body: { contentType: 'html', content: html },
        attachments: [],
        mentions: [],
        reactions: [],
        linkToMessage: 'https://teams.microsoft.com/l/message/scrubbed',
      },
      context: { theme: 'default' },
    },
    entities: [clientInfo],
    channelData: { channel: { id: CHANNEL }, team: { id: TEAM }, tenant: { id: TENANT }, source: { name: 'compose' } },
    locale: 'en-US',
  } satisfies TeamsActivity;
}

/** The bot installed in a team: the reference is saved, nothing is answered. */
export function botAdded(serviceUrl: string): TeamsActivity {
  return {
    type: 'conversationUpdate',
    id: 'f:scrubbed-update',
    channelId: 'msteams',
    serviceUrl,
    from,
    conversation: { isGroup: true, conversationType: 'channel', tenantId: TENANT, id: CHANNEL },
    recipient,
    membersAdded: [{ id: BOT_ID }],
    channelData: { team: { id: TEAM }, eventType: 'teamMemberAdded', tenant: { id: TENANT } },
  } satisfies TeamsActivity;
}
