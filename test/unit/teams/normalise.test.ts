import fc from 'fast-check';
import {
  conversationKey,
  messageText,
  normaliseExplainAction,
  normaliseMessage,
  parseActivity,
  type TeamsActivity,
} from '../../../adapters/teams/normalise';
import {
  BOT_ID,
  botAdded,
  cardSubmit,
  CHANNEL,
  channelMention,
  explainAction,
  groupChatter,
  personalMessage,
  TENANT,
  USER_AAD,
} from './fixtures';

const SERVICE = 'https://smba.trafficmanager.net/emea/';

describe('Teams activity → ChatRequest', () => {
  it('turns every message fixture into a valid ChatRequest', () => {
    const fixtures = [personalMessage(SERVICE, 'help'), channelMention(SERVICE, 'help'), cardSubmit(SERVICE, 'help')];
    for (const activity of fixtures) {
      expect(parseActivity(activity)).toEqual({ activity });
      const request = normaliseMessage(activity);
      expect(request).toMatchObject({ platform: 'teams', userId: USER_AAD, teamId: TENANT, text: 'help' });
      expect(request?.channelId).not.toContain(';messageid=');
      expect(request?.raw).toBe(activity);
    }
  });

  it('reads a personal message as a DM', () => {
    expect(normaliseMessage(personalMessage(SERVICE, 'cert mail.contoso.com'))).toMatchObject({
      door: 'dm',
      text: 'cert mail.contoso.com',
      rawText: 'cert mail.contoso.com',
    });
  });

  it('reads a channel mention without the mention, in its thread, keyed by the channel', () => {
    const activity = channelMention(SERVICE, 'ou &quot;CN=Doe\\, Jane&quot;', '1715678999999');
    expect(normaliseMessage(activity)).toMatchObject({
      door: 'mention',
      channelId: CHANNEL,
      threadId: '1715678999999',
      text: 'ou "CN=Doe\\, Jane"',
    });
  });

  it("keeps other people's mentions as their names", () => {
    const activity: TeamsActivity = {
      ...channelMention(SERVICE, 'explain why <at>Megan Bowen</at> gets 0x80070005'),
      entities: [
        { type: 'mention', mentioned: { id: BOT_ID, name: 'diagbot' }, text: '<at>diagbot</at>' },
        { type: 'mention', mentioned: { id: '29:someone-else', name: 'Megan Bowen' }, text: '<at>Megan Bowen</at>' },
      ],
    };
    expect(messageText(activity)).toBe('explain why Megan Bowen gets 0x80070005');
  });

  it('ignores chatter in a group chat that does not mention the bot', () => {
    expect(normaliseMessage(groupChatter(SERVICE))).toBeUndefined();
  });

  it('runs a card button as an action, whatever the conversation', () => {
    const submit = {
      ...cardSubmit(SERVICE, 'cert mail.contoso.com'),
      conversation: { conversationType: 'channel', id: `${CHANNEL};messageid=1` },
    };
    expect(normaliseMessage(submit)).toMatchObject({
      door: 'action',
      text: 'cert mail.contoso.com',
      channelId: CHANNEL,
    });
  });

  it('falls back to the HTML attachment when the text is empty', () => {
    const activity: TeamsActivity = {
      ...personalMessage(SERVICE, ''),
      attachments: [{ contentType: 'text/html', content: '<div>explain&nbsp;0x80070005<br>line two</div>' }],
    };
    expect(normaliseMessage(activity)?.text).toBe('explain 0x80070005\nline two');
  });

  it('builds "explain <message>" from the message-extension payload', () => {
    const request = normaliseExplainAction(
      explainAction(SERVICE, '<p>Access is denied&#39;s &lt;0x80070005&gt;</p><p>second</p>'),
      'explain',
    );
    expect(request).toMatchObject({
      door: 'shortcut',
      text: "explain Access is denied's <0x80070005>\nsecond",
      channelId: CHANNEL,
    });
  });

  it('names the first missing field of a broken activity', () => {
    expect(parseActivity('x')).toEqual({ problem: 'the body is not a JSON object' });
    expect(parseActivity({ type: 'message' })).toEqual({ problem: 'the activity has no serviceUrl' });
    const { conversation: _c, ...noConversation } = personalMessage(SERVICE, 'x');
    expect(parseActivity(noConversation)).toEqual({ problem: 'the activity has no conversation' });
    expect(parseActivity(botAdded(SERVICE))).toHaveProperty('activity');
  });

  it('strips only the thread suffix from a conversation id', () => {
    expect(conversationKey(`${CHANNEL};messageid=1715678000000`)).toBe(CHANNEL);
    expect(conversationKey('a:1XyZ')).toBe('a:1XyZ');
  });

  it('never leaves the bot mention in the text, whatever surrounds it', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), fc.string({ maxLength: 80 }), (before, after) => {
        const activity: TeamsActivity = { ...channelMention(SERVICE, ''), text: `${before}<at>diagbot</at>${after}` };
        const text = messageText(activity);
        expect(text).not.toContain('<at>diagbot</at>');
        expect(text).toBe(text.trim());
      }),
    );
  });
});
