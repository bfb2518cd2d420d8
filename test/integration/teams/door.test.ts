import { TEAMS_CARD_MAX_BYTES } from '../../../adapters/teams/render';
import {
  startBotConnectorCapture,
  type BotConnectorCapture,
  type CapturedCall,
} from '../../helpers/bot-connector-capture';
import {
  botAdded,
  cardSubmit,
  CHANNEL,
  channelMention,
  explainAction,
  groupChatter,
  personalMessage,
  TENANT,
  USER_AAD,
} from '../../unit/teams/fixtures';
import { cardActions, cardFacts, cardFindingIds, cardProblems, cardTexts } from '../../unit/teams/validate-card';
import { CAPTURE_PORTS, startHarness, type Harness } from './harness';

/**
 * The Teams door end to end on loopback, without an app id (local development mode): activities shaped as
 * Teams sends them go through botbuilder's CloudAdapter; replies reach a capture server standing in for the
 * Bot Connector, and each card is parsed by the `adaptivecards` library.
 */

let capture: BotConnectorCapture;
let bot: Harness;

beforeAll(async () => {
  capture = await startBotConnectorCapture({ ports: CAPTURE_PORTS });
  bot = await startHarness();
});

afterAll(async () => {
  await bot?.close();
  await capture?.close();
});

beforeEach(() => {
  capture.reset();
  bot.seen.length = 0;
});

function cardOf(call: CapturedCall): unknown {
  const attachments = call.activity.attachments as Array<{ contentType: string; content: unknown }> | undefined;
  expect(attachments).toHaveLength(1);
  expect(attachments?.[0]?.contentType).toBe('application/vnd.microsoft.card.adaptive');
  return attachments?.[0]?.content;
}

function expectValidCard(call: CapturedCall): unknown {
  const card = cardOf(call);
  expect(cardProblems(card)).toEqual([]);
  expect(Buffer.byteLength(JSON.stringify(card))).toBeLessThanOrEqual(TEAMS_CARD_MAX_BYTES);
  // The whole activity as it travelled stays under Teams' ~28 KB message limit.
  expect(call.bytes).toBeLessThan(28 * 1024);
  return card;
}

describe('Teams door (local development mode)', () => {
  it('answers a personal message with a card replying to the message', async () => {
    const activity = personalMessage(capture.url, 'probe mail.contoso.com');
    const response = await bot.post(activity);
    expect(response.status).toBe(200);

    const [message] = capture.messages('reply');
    expect(message).toBeDefined();
    expect(message?.conversationId).toBe(activity.conversation.id);
    expect(message?.activityId).toBe(activity.id);

    const card = expectValidCard(message as CapturedCall);
    expect(cardFindingIds(card)).toEqual(['cert.expired', 'cert.cn-not-in-san']);
    expect(cardFacts(card)).toEqual([
      { title: 'Host', value: 'mail.contoso.com' },
      { title: 'Words', value: 'mail.contoso.com' },
    ]);
    // Server text renders as text: the markup is escaped, and reads back exactly.
    expect(cardTexts(card)).toContain(
      'The certificate for mail.contoso.com expired on 2025-01-01 (<b>not</b> HTML; *not* bold).',
    );
    const actions = cardActions(card);
    expect(actions).toContainEqual({
      type: 'Action.Submit',
      title: 'Check again',
      data: { diagbotCommand: 'probe mail.contoso.com' },
    });
    expect(actions.some((a) => a.type === 'Action.OpenUrl' && a.url?.startsWith('https://learn.microsoft.com/'))).toBe(
      true,
    );

    const [request] = bot.seen;
    expect(request).toMatchObject({
      platform: 'teams',
      door: 'dm',
      userId: USER_AAD,
      teamId: TENANT,
      channelId: activity.conversation.id,
      text: 'probe mail.contoso.com',
    });
  });

  it('answers a channel @mention in its thread with the mention removed', async () => {
    const activity = channelMention(capture.url, 'probe  "two words"');
    expect((await bot.post(activity)).status).toBe(200);
    const [message] = capture.messages('reply');
    expect(message?.conversationId).toBe(activity.conversation.id);
    const card = expectValidCard(message as CapturedCall);
    expect(cardFindingIds(card)).toContain('cert.expired');
    expect(bot.seen[0]).toMatchObject({
      door: 'mention',
      channelId: CHANNEL,
      threadId: activity.id,
      text: 'probe  "two words"',
    });
    expect(cardFacts(card)).toContainEqual({ title: 'Words', value: 'two words' });
  });

  it('stays silent in a group chat when it is not mentioned', async () => {
    const response = await bot.post(groupChatter(capture.url));
    // The turn is over when the HTTP answer comes, so anything it sent would already be captured.
    expect(response.status).toBe(200);
    expect(capture.calls).toEqual([]);
    expect(bot.seen).toEqual([]);
  });

  it('runs an Action.Submit from a card as the command it carries', async () => {
    const response = await bot.post(cardSubmit(capture.url, 'probe again.contoso.com'));
    expect(response.status).toBe(200);
    const [message] = capture.messages('reply');
    const card = expectValidCard(message as CapturedCall);
    expect(cardTexts(card)[0]).toBe('again.contoso.com — certificate expired');
    expect(bot.seen[0]).toMatchObject({ door: 'action', text: 'probe again.contoso.com', threadId: 'captured-7' });
  });

  it('answers "Explain this error" with a dialog card in the invoke response', async () => {
    const html =
      '<p>Connecting to remote server failed: Access is denied. (0x80070005) &amp; WinRM said&nbsp;<b>no</b></p>';
    const response = await bot.post(explainAction(capture.url, html));
    expect(response.status).toBe(200);
    const task = (
      response.body as { task: { type: string; value: { card: { contentType: string; content: unknown } } } }
    ).task;
    expect(task.type).toBe('continue');
    expect(task.value.card.contentType).toBe('application/vnd.microsoft.card.adaptive');
    const card = task.value.card.content;
    expect(cardProblems(card)).toEqual([]);
    expect(cardFindingIds(card)).toEqual(['code.hresult']);
    expect(bot.seen[0]).toMatchObject({
      door: 'shortcut',
      text: 'explain Connecting to remote server failed: Access is denied. (0x80070005) & WinRM said no',
    });
    // An invoke is answered in the HTTP response, not through the Bot Connector.
    expect(capture.messages()).toEqual([]);
  });

  it('answers a button in that dialog by updating the dialog', async () => {
    const activity = {
      ...explainAction(capture.url, ''),
      id: 'f:submit-action',
      name: 'composeExtension/submitAction',
    };
    activity.value = {
      commandId: 'explainError',
      commandContext: 'message',
      data: { diagbotCommand: 'explain 0x80070005' },
    };
    const response = await bot.post(activity);
    expect(response.status).toBe(200);
    const card = (response.body as { task: { value: { card: { content: unknown } } } }).task.value.card.content;
    expect(cardFindingIds(card)).toEqual(['code.hresult']);
  });

  it('answers an invoke it does not handle with 501, as botbuilder does', async () => {
    const response = await bot.post({
      ...explainAction(capture.url, 'x'),
      id: 'f:query',
      name: 'composeExtension/query',
    });
    expect(response.status).toBe(501);
    expect(bot.seen).toEqual([]);
  });

  it('shows typing, then a "checking …" card for a slow check, and then updates that card in place', async () => {
    const response = await bot.post(personalMessage(capture.url, 'slow', '1715679000000'));
    expect(response.status).toBe(200);
    const pending = await capture.waitFor((c) => c.kind === 'reply' && c.activity.type === 'message');
    const typing = capture.calls.find((c) => c.activity.type === 'typing');
    expect(typing).toMatchObject({ kind: 'reply', activityId: '1715679000000' });
    expect(capture.calls.indexOf(typing as CapturedCall)).toBeLessThan(capture.calls.indexOf(pending));
    const pendingCard = expectValidCard(pending);
    expect(cardTexts(pendingCard)[0]).toBe('Checking …');

    bot.releaseSlow();
    const update = await capture.waitFor((c) => c.kind === 'update');
    expect(update.activityId).toBe(pending.assignedId);
    const card = expectValidCard(update);
    expect(cardFindingIds(card)).toEqual(['slow.done']);
  });

  it('saves the conversation reference when added to a team and posts there through the post port', async () => {
    expect((await bot.post(botAdded(capture.url))).status).toBe(200);
    expect(capture.calls).toEqual([]);

    const reply = {
      command: 'digest',
      status: 'warn' as const,
      title: 'Daily digest',
      findings: [{ id: 'digest.changed' as const, severity: 'warn' as const, message: '1 new finding' }],
      facts: [],
      actions: [],
      data: {},
    };
    const result = await bot.teams.post.post({ platform: 'teams', channelId: CHANNEL }, reply);
    const sent = await capture.waitFor((c) => c.kind === 'send');
    expect(sent.conversationId).toBe(CHANNEL);
    expect(result.messageId).toBe(sent.assignedId);
    expect(cardFindingIds(expectValidCard(sent))).toEqual(['digest.changed']);

    const threaded = await bot.teams.post.post(
      { platform: 'teams', channelId: CHANNEL, threadId: '1715600000000' },
      reply,
    );
    const inThread = await capture.waitFor((c) => c.kind === 'send' && c.assignedId === threaded.messageId);
    expect(inThread.conversationId).toBe(`${CHANNEL};messageid=1715600000000`);
  });

  it('refuses to post where it holds no conversation reference', async () => {
    const reply = {
      command: 'digest',
      status: 'ok' as const,
      title: 't',
      findings: [],
      facts: [],
      actions: [],
      data: {},
    };
    await expect(
      bot.teams.post.post({ platform: 'teams', channelId: '19:never-seen@thread.tacv2' }, reply),
    ).rejects.toMatchObject({ code: 'teams.no-conversation' });
  });

  it('accepts only loopback service URLs without an app id, and runs nothing otherwise', async () => {
    for (const serviceUrl of [
      'https://smba.trafficmanager.net/emea/',
      'http://10.0.0.5:3978/',
      'http://127.0.0.1.nip.io/',
      'file:///etc/passwd',
    ]) {
      const response = await bot.post(personalMessage(serviceUrl, 'probe mail.contoso.com'));
      expect(response.status).toBe(401);
    }
    expect(bot.seen).toEqual([]);
    expect(capture.calls).toEqual([]);
    expect(bot.logs.some((l) => l.msg === 'Teams request refused')).toBe(true);
  });

  it('rejects bodies that are not activities with a clear status', async () => {
    expect((await bot.post('{not json')).status).toBe(400);
    expect((await bot.post({ type: 'message' })).status).toBe(400);
    const wrongType = await fetch(`${bot.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'hi',
    });
    expect(wrongType.status).toBe(415);
    expect(bot.seen).toEqual([]);
  });

  it('reports itself in /healthz', async () => {
    const health = (await (await fetch(`${bot.url}/healthz`)).json()) as { components: Record<string, boolean> };
    expect(health.components.teams).toBe(true);
  });
});
