import { sendSigned, slackSignature } from '../../helpers/slack-capture';
import { blockKitProblems, findingIds } from '../../unit/slack/block-kit-limits';
import { slashCommand } from '../../unit/slack/fixtures';
import { SECRET, startHarness, type Harness } from './harness';

/**
 * The slash command door in HTTP mode, through Bolt's own HTTPReceiver behind the shared server: signature and
 * timestamp checks, the acknowledgement, and the answer through the response_url (the capture server).
 */
let h: Harness;
let hook = 0;

beforeAll(async () => {
  h = await startHarness({ bodyLimitBytes: 16 * 1024 });
});
afterAll(async () => {
  await h?.stop();
});

/** Sends `/diag <text>` with a fresh response_url on the capture server; returns the HTTP answer and the hook id. */
async function diag(
  text: string,
  options: { timestamp?: number; signature?: string } = {},
): Promise<{ status: number; body: string; id: string }> {
  hook += 1;
  const id = `cmd-${hook}`;
  const { status, text: body } = await sendSigned(
    h.events,
    { form: { ...slashCommand(text, h.capture.responseUrl(id)) } },
    { secret: SECRET, ...options },
  );
  return { status, body, id };
}

const hookCalls = (id: string) => h.capture.calls.filter((c) => c.kind === 'hook' && c.name === id);

/** A request that must run nothing is followed by one that runs `help`: once help is answered, the first had its chance. */
async function barrier(): Promise<void> {
  const { id } = await diag('help');
  await h.capture.waitFor((c) => c.name === id);
}

describe('slash command /diag over HTTP', () => {
  it("answers Slack's URL verification challenge", async () => {
    const { status, text } = await sendSigned(
      h.events,
      { json: { type: 'url_verification', token: 't', challenge: 'c-123' } },
      { secret: SECRET },
    );
    expect(status).toBe(200);
    expect(JSON.parse(text)).toEqual({ challenge: 'c-123' });
  });

  it('acknowledges with an empty 200, then answers ephemerally through the response_url in valid Block Kit', async () => {
    const { status, body, id } = await diag('help');
    expect(status).toBe(200);
    expect(body).toBe('');
    const answer = await h.capture.waitFor((c) => c.name === id);
    expect(answer.body).toMatchObject({ response_type: 'ephemeral' });
    expect(blockKitProblems(answer.body)).toEqual([]);
    expect(findingIds(answer.body.blocks)).toContain('help.command');
  });

  it('acknowledges before a slow check ends, shows "checking …", then replaces it with the answer', async () => {
    const before = { ...h.slow };
    const { status, id } = await diag('slow --ms 1200');
    // The acknowledgement came back while the check was still running: nothing slow ran before ack().
    expect(status).toBe(200);
    expect(h.slow.finished).toBe(before.finished);
    const [interim, final] = await h.capture.waitForCount((c) => c.name === id, 2);
    expect(interim?.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(String(interim?.body.text)).toContain('checking `slow --ms 1200`');
    expect(final?.body).toMatchObject({ response_type: 'ephemeral', replace_original: true });
    expect(findingIds(final?.body.blocks)).toEqual(['slow.done']);
    expect(h.slow.finished).toBe(before.finished + 1);
  });

  it('--public answers in the channel', async () => {
    const { id } = await diag('help --public');
    const answer = await h.capture.waitFor((c) => c.name === id);
    expect(answer.body).toMatchObject({ response_type: 'in_channel' });
  });

  it('cuts a reply too big for one message and sends the rest in follow-up messages, every finding once', async () => {
    const { id } = await diag('many --count 130');
    const first = await h.capture.waitFor((c) => c.name === id);
    const shown = findingIds(first.body.blocks);
    expect(shown[0]).toBe('many.f129');
    expect(JSON.stringify(first.body)).toContain(`… and ${130 - shown.length} more findings, in the next message`);
    const pages = Math.ceil((130 - shown.length) / 49);
    const all = await h.capture.waitForCount((c) => c.name === id, 1 + pages);
    for (const call of all) expect(blockKitProblems(call.body)).toEqual([]);
    const ids = all.flatMap((c) => findingIds(c.body.blocks));
    expect(new Set(ids).size).toBe(130);
    expect(ids).toHaveLength(130);
  });

  it("escapes mrkdwn from the user's own text so it cannot become a broadcast or a link", async () => {
    // Slack sends what the user typed with &, < and > as entities; help reflects the unknown name back.
    const { id } = await diag('help &lt;!channel&gt;');
    const answer = await h.capture.waitFor((c) => c.name === id);
    expect(blockKitProblems(answer.body)).toEqual([]);
    // Every mrkdwn text is escaped (the header is plain_text, which Slack shows as typed and never parses).
    const blocks = answer.body.blocks as Array<{ type: string }>;
    expect(blocks[0]?.type).toBe('header');
    const json = JSON.stringify([answer.body.text, ...blocks.slice(1)]);
    expect(json).toContain('&lt;!channel&gt;');
    expect(json).not.toContain('<!channel>');
    expect(findingIds(answer.body.blocks)).toEqual(['usage']);
  });

  describe('refuses with 401 and runs nothing', () => {
    const cases: Array<[string, () => { timestamp?: number; signature?: string }]> = [
      ['a bad signature', () => ({ signature: `v0=${'0'.repeat(64)}` })],
      [
        'a signature made with another secret',
        () => {
          const timestamp = Math.floor(Date.now() / 1000);
          return { timestamp, signature: slackSignature('not-the-secret', timestamp, 'x') };
        },
      ],
      ['a timestamp more than 5 minutes old', () => ({ timestamp: Math.floor(Date.now() / 1000) - 6 * 60 })],
      ['a timestamp more than 5 minutes in the future', () => ({ timestamp: Math.floor(Date.now() / 1000) + 6 * 60 })],
      ['a timestamp a day in the future', () => ({ timestamp: Math.floor(Date.now() / 1000) + 86_400 })],
    ];
    it.each(cases)('%s', async (_name, make) => {
      const ran = h.completed.length;
      const { status, id } = await diag('slow --ms 10', make());
      expect(status).toBe(401);
      await barrier();
      expect(hookCalls(id)).toEqual([]);
      // Only the barrier's help ran.
      expect(h.completed.slice(ran).map((e) => e.command)).toEqual(['help']);
    });

    it('but accepts a correctly signed request within the window on either side', async () => {
      const { status, id } = await diag('help', { timestamp: Math.floor(Date.now() / 1000) + 4 * 60 });
      expect(status).toBe(200);
      await h.capture.waitFor((c) => c.name === id);
    });
  });

  it('refuses an oversized body with 413 and runs nothing', async () => {
    const ran = h.completed.length;
    const { status, id } = await diag(`explain ${'x'.repeat(20 * 1024)}`);
    expect(status).toBe(413);
    await barrier();
    expect(hookCalls(id)).toEqual([]);
    expect(h.completed.slice(ran).map((e) => e.command)).toEqual(['help']);
  });

  it('delivers the answer when the response_url answers 500 or 429 first', async () => {
    hook += 1;
    const id = `cmd-${hook}`;
    h.capture.script(id, [
      { status: 500, body: 'oops' },
      { status: 429, headers: { 'retry-after': '0' }, body: 'slow down' },
    ]);
    await sendSigned(h.events, { form: { ...slashCommand('help', h.capture.responseUrl(id)) } }, { secret: SECRET });
    const calls = await h.capture.waitForCount((c) => c.name === id, 3);
    expect(calls.map((c) => c.status)).toEqual([500, 429, 200]);
    expect(findingIds(calls[2]?.body.blocks)).toContain('help.command');
  });

  it('reports commands and acknowledgement latency on /metrics and the door on /healthz', async () => {
    const metrics = await (await fetch(`${h.base}/metrics`)).text();
    expect(metrics).toMatch(/diagbot_commands_total\{command="help",status="ok",platform="slack"\} [1-9]/);
    expect(metrics).toMatch(/diagbot_ack_latency_seconds_count\{platform="slack",door="command"\} [1-9]/);
    const health = await (await fetch(`${h.base}/healthz`)).json();
    expect(health).toEqual({ status: 'ok', components: { slack: true, store: true, scheduler: true } });
  });
});
