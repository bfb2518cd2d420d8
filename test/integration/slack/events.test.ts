import { sendSigned } from '../../helpers/slack-capture';
import { blockKitProblems, findingIds } from '../../unit/slack/block-kit-limits';
import {
  appMention,
  buttonClick,
  CHANNEL,
  directMessage,
  DM_CHANNEL,
  envelope,
  homeOpened,
  messageShortcut,
  USER,
} from '../../unit/slack/fixtures';
import { SECRET, startHarness, type Harness } from './harness';

/**
 * Events (mentions, DMs, App Home) and interactivity (the message shortcut, buttons) in HTTP mode: the answers
 * go through the Web API on the capture server, which can also refuse (429, 500, not_in_channel).
 */
let h: Harness;
let n = 0;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

const eventId = (): string => {
  n += 1;
  return `Ev0TEST${String(n).padStart(4, '0')}`;
};
const postEvent = (event: unknown, id = eventId(), headers: Record<string, string> = {}) =>
  sendSigned(h.events, { json: envelope(event, id) }, { secret: SECRET, headers });
const posts = (match: (body: Record<string, unknown>) => boolean) =>
  h.capture.calls.filter((c) => c.kind === 'api' && c.name === 'chat.postMessage' && c.status === 200 && match(c.body));
const inThread = (ts: string) => (c: { kind: string; name: string; body: Record<string, unknown>; status: number }) =>
  c.kind === 'api' && c.name === 'chat.postMessage' && c.body.thread_ts === ts;

describe('app_mention', () => {
  it("answers in the mention's thread, in valid Block Kit, with unfurls off", async () => {
    const mention = appMention('help');
    const { status } = await postEvent(mention);
    expect(status).toBe(200);
    const answer = await h.capture.waitFor((c) => inThread(mention.ts)(c) && c.status === 200);
    expect(answer.body).toMatchObject({
      channel: CHANNEL,
      thread_ts: mention.ts,
      unfurl_links: 'false',
      unfurl_media: 'false',
    });
    expect(blockKitProblems(answer.body)).toEqual([]);
    expect(findingIds(answer.body.blocks)).toContain('help.command');
    expect(answer.headers.authorization).toBe('Bearer xoxb-test-token');
  });

  it('answers a redelivered event (X-Slack-Retry-Num) once, but answers a retry of an event it never saw', async () => {
    const mention = appMention('help');
    const id = eventId();
    await postEvent(mention, id);
    await h.capture.waitFor(inThread(mention.ts));
    const retry = await postEvent(mention, id, { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' });
    expect(retry.status).toBe(200);
    // Barrier: an event never seen before, arriving as a retry, is still answered.
    const unseen = appMention('help');
    await postEvent(unseen, eventId(), { 'x-slack-retry-num': '2', 'x-slack-retry-reason': 'http_error' });
    await h.capture.waitFor(inThread(unseen.ts));
    expect(posts((b) => b.thread_ts === mention.ts)).toHaveLength(1);
  });

  it('waits out a 429 Retry-After from chat.postMessage and delivers the answer', async () => {
    h.capture.script('chat.postMessage', [
      { status: 429, headers: { 'retry-after': '1' }, body: { ok: false, error: 'ratelimited' } },
    ]);
    const mention = appMention('help');
    await postEvent(mention);
    const [limited, delivered] = await h.capture.waitForCount(inThread(mention.ts), 2, 15_000);
    expect(limited?.status).toBe(429);
    expect(delivered?.status).toBe(200);
    // A lower bound set by Slack's Retry-After (not a performance figure): the client did not retry early.
    expect((delivered?.at ?? 0) - (limited?.at ?? 0)).toBeGreaterThanOrEqual(900);
    expect(findingIds(delivered?.body.blocks)).toContain('help.command');
  });

  it('retries a 500 from the Web API and delivers the answer once', async () => {
    h.capture.script('chat.postMessage', [
      { status: 500, body: 'internal error' },
      { status: 503, body: 'unavailable' },
    ]);
    const mention = appMention('help');
    await postEvent(mention);
    const calls = await h.capture.waitForCount(inThread(mention.ts), 3, 15_000);
    expect(calls.map((c) => c.status)).toEqual([500, 503, 200]);
    expect(posts((b) => b.thread_ts === mention.ts)).toHaveLength(1);
  });

  it('ignores messages from bots (no loops between bots)', async () => {
    const fromBot = appMention('help', { bot_id: 'B0OTHER', user: 'U0OTHERBOT' });
    await postEvent(fromBot);
    const barrier = appMention('help');
    await postEvent(barrier);
    await h.capture.waitFor(inThread(barrier.ts));
    expect(posts((b) => b.thread_ts === fromBot.ts)).toEqual([]);
  });
});

describe('direct messages', () => {
  it('an error paste goes to explain, mrkdwn in it escaped, answered in the DM', async () => {
    const dm = directMessage('Error: <!channel> &lt;!here&gt; <https://evil.example|click here> HResult = -2147024891');
    await postEvent(dm);
    const answer = await h.capture.waitFor(
      (c) =>
        c.name === 'chat.postMessage' &&
        c.body.channel === DM_CHANNEL &&
        c.status === 200 &&
        JSON.stringify(c.body).includes('2147024891'),
    );
    expect(answer.body.thread_ts).toBeUndefined();
    expect(blockKitProblems(answer.body)).toEqual([]);
    expect(JSON.stringify(answer.body.blocks)).toContain('`explain`');
    const mrkdwn = JSON.stringify([answer.body.text, ...(answer.body.blocks as unknown[]).slice(1)]);
    expect(mrkdwn).not.toMatch(/<!(channel|here)/);
    expect(mrkdwn).not.toContain('<https://evil.example');
    for (const id of findingIds(answer.body.blocks)) expect(id).toMatch(/^(kb\.|code\.|explain\.)/);
  });

  it('a command in a DM runs that command; message edits and bot messages are ignored', async () => {
    const edited = { ...directMessage('help'), subtype: 'message_changed' };
    await postEvent(edited);
    const dm = directMessage('help relay');
    await postEvent(dm);
    const answer = await h.capture.waitFor(
      (c) => c.name === 'chat.postMessage' && c.body.channel === DM_CHANNEL && String(c.body.text).includes('relay'),
    );
    expect(findingIds(answer.body.blocks)).toContain('help.usage');
    expect(h.completed.filter((e) => e.request.door === 'dm' && e.request.rawText === 'help')).toEqual([]);
  });
});

describe('message shortcut "Explain this error"', () => {
  it('explains the message in its thread', async () => {
    const shortcut = messageShortcut(
      'The underlying connection was closed: Could not establish trust relationship for the SSL/TLS secure channel.',
      h.capture.responseUrl('sc-1'),
    );
    const { status } = await sendSigned(h.events, { payload: shortcut }, { secret: SECRET });
    expect(status).toBe(200);
    const answer = await h.capture.waitFor(inThread(shortcut.message.ts));
    expect(blockKitProblems(answer.body)).toEqual([]);
    expect(JSON.stringify(answer.body.blocks)).toContain('`explain`');
    const event = h.completed.find((e) => e.request.door === 'shortcut');
    expect(event?.command).toBe('explain');
  });

  it('falls back to an ephemeral answer through the response_url when the bot is not in the channel', async () => {
    h.capture.script('chat.postMessage', [{ status: 200, body: { ok: false, error: 'not_in_channel' } }]);
    const shortcut = messageShortcut(
      'Access is denied. (Exception from HRESULT: 0x80070005 (E_ACCESSDENIED))',
      h.capture.responseUrl('sc-2'),
    );
    await sendSigned(h.events, { payload: shortcut }, { secret: SECRET });
    const answer = await h.capture.waitFor((c) => c.kind === 'hook' && c.name === 'sc-2');
    expect(answer.body).toMatchObject({ response_type: 'ephemeral' });
    expect(blockKitProblems(answer.body)).toEqual([]);
  });
});

describe('buttons from Reply.actions', () => {
  it('a button under a channel message runs its command as the clicker, answered in that thread', async () => {
    const click = buttonClick('help relay', h.capture.responseUrl('btn-1'), { threadTs: '1700000999.000001' });
    const { status } = await sendSigned(h.events, { payload: click }, { secret: SECRET });
    expect(status).toBe(200);
    const answer = await h.capture.waitFor(inThread('1700000999.000001'));
    expect(findingIds(answer.body.blocks)).toContain('help.usage');
    expect(h.completed.at(-1)?.request).toMatchObject({ door: 'action', userId: USER });
  });

  it('a button under an ephemeral answer answers ephemerally without replacing it', async () => {
    const click = buttonClick('help', h.capture.responseUrl('btn-2'), { ephemeral: true });
    await sendSigned(h.events, { payload: click }, { secret: SECRET });
    const answer = await h.capture.waitFor((c) => c.name === 'btn-2');
    expect(answer.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
  });

  it("a button on the App Home tab answers in the person's DM with the app", async () => {
    const click = buttonClick('help relay', h.capture.responseUrl('btn-3'), { home: true });
    await sendSigned(h.events, { payload: click }, { secret: SECRET });
    const answer = await h.capture.waitFor((c) => c.name === 'chat.postMessage' && c.body.channel === USER);
    expect(findingIds(answer.body.blocks)).toContain('help.usage');
  });
});

describe('App Home', () => {
  it('publishes a home view with help and examples, within the 100-block limit', async () => {
    await postEvent(homeOpened());
    const published = await h.capture.waitFor((c) => c.name === 'views.publish');
    expect(published.body.user_id).toBe(USER);
    const view = published.body.view as { type: string; blocks: unknown[] };
    expect(view.type).toBe('home');
    expect(blockKitProblems({ text: 'home', blocks: view.blocks }, 100)).toEqual([]);
    expect(findingIds(view.blocks)).toContain('help.command');
    expect(JSON.stringify(view.blocks)).toContain('/diag cert mail.contoso.com');
  });
});
