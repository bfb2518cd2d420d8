import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import type { Command } from '../../../src/core/command';
import { makeReply } from '../../../src/core/reply';
import { startBotConnectorCapture, type BotConnectorCapture } from '../../helpers/bot-connector-capture';
import { sendSigned } from '../../helpers/slack-capture';
import { slashCommand } from '../../unit/slack/fixtures';
import { personalMessage } from '../../unit/teams/fixtures';
import { SECRET, startHarness as startSlack, type Harness as SlackHarness } from '../slack/harness';
import { startHarness as startTeams, type Harness as TeamsHarness } from '../teams/harness';
import { fakeId } from '../../helpers/finding-id';

/**
 * Issue 14, defects 3, 4 and 6, through the real doors in-process: Bolt's HTTP path with the Slack capture
 * server, botbuilder's CloudAdapter with the Bot Connector capture. Ports 23000-23999.
 */
const TOKEN = 'xoxb-9999-8888-HardeningTokenQz7';
const SLACK_PORTS = { from: 23000, to: 23499 };
const TEAMS_BOT_PORTS: [number, number] = [23500, 23749];
const TEAMS_CAPTURE_PORTS: [number, number] = [23750, 23999];

/** `wait <anything>`: takes 600 ms and answers with the words it was given (where a typed secret ends up). */
const waitCommand: Command<{ positional: string[] }> = {
  name: 'wait',
  summary: 'Wait a little, then echo the words (test command).',
  usage: 'wait <words>',
  examples: ['wait a moment'],
  args: z.object({ positional: z.array(z.string()).max(20) }),
  async run(args, ctx) {
    await sleep(600, undefined, { signal: ctx.signal });
    return makeReply({
      command: 'wait',
      title: `waited for ${args.positional.join(' ')}`,
      findings: [{ id: fakeId('wait.done'), severity: 'ok', message: args.positional.join(' ') }],
    });
  },
};

describe('Slack door', () => {
  let h: SlackHarness;
  beforeAll(async () => {
    h = await startSlack({ ports: SLACK_PORTS, secrets: [TOKEN], commands: [waitCommand], interimAfterMs: 100 });
  });
  afterAll(async () => h?.stop());

  it('defect 3: a secret typed into a command never reaches the "checking …" message, the answer or the router', async () => {
    const hook = h.capture.responseUrl('secret-typed');
    const res = await sendSigned(h.events, { form: { ...slashCommand(`wait ${TOKEN}`, hook) } }, { secret: SECRET });
    expect(res.status).toBe(200);
    const calls = await h.capture.waitForCount((c) => c.name === 'secret-typed', 2, 10_000);
    const sent = JSON.stringify(calls.map((c) => c.body));
    // The interim was posted (the check took longer than interimAfterMs) and shows the scrubbed text.
    expect(sent).toMatch(/checking/i);
    expect(sent).toContain('[Redacted]');
    expect(sent.toLowerCase()).not.toContain(TOKEN.toLowerCase());
    const event = h.completed.find((e) => e.command === 'wait');
    expect(JSON.stringify({ text: event?.request.text, raw: event?.request.rawText })).not.toContain(TOKEN);
  });

  it("defect 4: under 40 slow checks from two people, a third person's help is answered while they still run", async () => {
    const started = h.slow.started;
    const finished = h.slow.finished;
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        sendSigned(
          h.events,
          {
            form: {
              ...slashCommand('slow --ms 4000', h.capture.responseUrl(`slow-${i}`), {
                user_id: i % 2 === 0 ? 'U0SLOWA' : 'U0SLOWB',
              }),
            },
          },
          { secret: SECRET },
        ),
      ),
    );
    // All 40 are accepted; then someone else asks for help.
    const hook = h.capture.responseUrl('help-other-person');
    expect(
      (
        await sendSigned(
          h.events,
          { form: { ...slashCommand('help', hook, { user_id: 'U0HELPER' }) } },
          { secret: SECRET },
        )
      ).status,
    ).toBe(200);
    await h.capture.waitFor((c) => c.name === 'help-other-person', 10_000);
    // The answer came while every slow check was still running (they take 4 s each).
    expect(h.slow.finished - finished).toBe(0);
    expect(h.slow.started - started).toBeGreaterThan(0);
    // Each slow check posts "checking …" and then its answer.
    await h.capture.waitForCount((c) => c.name.startsWith('slow-'), 80, 30_000);
  }, 60_000);
});

describe('Teams door', () => {
  let capture: BotConnectorCapture;
  let bot: TeamsHarness;
  beforeAll(async () => {
    capture = await startBotConnectorCapture({ ports: TEAMS_CAPTURE_PORTS });
    bot = await startTeams({ botPorts: TEAMS_BOT_PORTS, secrets: [TOKEN], interimAfterMs: 100, typingAfterMs: 50 });
  });
  afterAll(async () => {
    await bot?.close();
    await capture?.close();
  });
  beforeEach(() => {
    capture.reset();
    bot.seen.length = 0;
  });

  it('defect 3: the "checking …" card shows the scrubbed text', async () => {
    const response = await bot.post(personalMessage(capture.url, `slow ${TOKEN}`, 'secret-1'));
    expect(response.status).toBe(200);
    bot.releaseSlow();
    await capture.waitFor((call) => call.kind === 'update', 10_000);
    const sent = JSON.stringify(capture.calls);
    expect(sent).toMatch(/checking/i);
    expect(sent.toLowerCase()).not.toContain(TOKEN.toLowerCase());
    expect(bot.seen[0]?.text).toBe('slow [Redacted]');
  });

  it.each([
    ['a non-string text', { text: 42 }],
    ['an object aadObjectId', { from: { id: '29:x', aadObjectId: { admin: true } } }],
    ['non-array attachments', { attachments: 'x' }],
    ['null entities', { entities: null }],
    ['an entity without a type', { entities: [{ text: 'x' }] }],
    ['a non-string conversation type', { conversation: { id: 'a:1', conversationType: 5 } }],
  ])('defect 6: answers an activity with %s with 400, running nothing', async (_name, change) => {
    const response = await bot.post({
      ...personalMessage(capture.url, 'probe mail.contoso.com', `malformed-${_name}`),
      ...change,
    });
    expect(response.status).toBe(400);
    expect(bot.seen).toHaveLength(0);
  });

  it('defect 6: answers the same activity id once', async () => {
    const activity = personalMessage(capture.url, 'probe mail.contoso.com', 'twice-1');
    expect((await bot.post(activity)).status).toBe(200);
    expect((await bot.post(activity)).status).toBe(200);
    expect(bot.seen).toHaveLength(1);
    expect(capture.messages('reply')).toHaveLength(1);
    // A new id in the same conversation is answered.
    expect((await bot.post(personalMessage(capture.url, 'probe mail.contoso.com', 'twice-2'))).status).toBe(200);
    expect(bot.seen).toHaveLength(2);
  });
});
