import fc from 'fast-check';
import { startBotConnectorCapture, type BotConnectorCapture } from '../../helpers/bot-connector-capture';
import { slackSignature, type SlackBody, encodeSlackBody } from '../../helpers/slack-capture';
import {
  appMention,
  buttonClick,
  directMessage,
  envelope,
  messageShortcut,
  slashCommand,
} from '../../unit/slack/fixtures';
import { botAdded, cardSubmit, channelMention, explainAction, personalMessage } from '../../unit/teams/fixtures';
import { SECRET, startHarness as startSlack, type Harness as SlackHarness } from '../slack/harness';
import { startHarness as startTeams, type Harness as TeamsHarness } from '../teams/harness';

/**
 * The router fuzz, extended to the HTTP doors (issue 14): random and mutated Slack and Teams bodies, signed,
 * unsigned and forged, sent to Bolt's and botbuilder's real HTTP paths. Whatever arrives, nothing escapes as
 * an unhandled error, every answer is 2xx or 4xx, and the secret typed into some of them appears in no
 * message sent anywhere. CI runs FUZZ_RUNS (default 2,000) per door; elsewhere 300.
 */
const RUNS = Math.max(1, Number(process.env.FUZZ_RUNS ?? '') || (process.env.CI ? 2000 : 300));
/** A failure prints its seed and path: FUZZ_SEED=<seed> FUZZ_PATH=<path> replays exactly that case. */
const REPLAY = process.env.FUZZ_SEED
  ? { seed: Number(process.env.FUZZ_SEED), path: process.env.FUZZ_PATH, endOnFailure: true }
  : {};
const TOKEN = 'xoxb-7777-6666-FuzzSecretTokenK9';
const SLACK_PORTS = { from: 23000, to: 23499 };
const TEAMS_BOT_PORTS: [number, number] = [23500, 23749];
const TEAMS_CAPTURE_PORTS: [number, number] = [23750, 23999];

const escaped: unknown[] = [];
const onEscape = (error: unknown): void => void escaped.push(error);
beforeAll(() => {
  process.on('unhandledRejection', onEscape);
  process.on('uncaughtException', onEscape);
});
afterAll(() => {
  process.off('unhandledRejection', onEscape);
  process.off('uncaughtException', onEscape);
});

/** Command texts: a few real ones, the secret in harm's way, and noise (never a probe of a random host). */
const text = fc.oneof(
  fc.constantFrom(
    'help',
    'help audit',
    'audit',
    `explain ${TOKEN}`,
    TOKEN,
    `nosuch ${TOKEN}`,
    'explain 0x80070005',
    '',
  ),
  fc.string({ maxLength: 60 }).map((s) => `x${s}`),
);

/** A JSON path edit: replace a field anywhere (one or two levels deep) by anything, or drop it. */
function mutate(base: Record<string, unknown>): fc.Arbitrary<unknown> {
  const keys = Object.keys(base);
  const edit = fc.record({
    key: fc.constantFrom(...keys),
    inner: fc.option(fc.string({ maxLength: 12 }), { nil: undefined }),
    value: fc.oneof(fc.anything({ maxDepth: 2 }), fc.constant(undefined), fc.constant(null)),
  });
  return fc.array(edit, { maxLength: 3 }).map((edits) => {
    const copy = structuredClone(base);
    for (const { key, inner, value } of edits) {
      const holder = copy[key];
      if (inner !== undefined && holder !== null && typeof holder === 'object') {
        // An array refuses some keys (`length` = a string or -1 throws RangeError): such an edit is skipped.
        if (Array.isArray(holder) && inner === 'length') continue;
        (holder as Record<string, unknown>)[inner] = value;
      } else if (value === undefined) delete copy[key];
      else copy[key] = value;
    }
    return copy;
  });
}

function namedInvoke(body: string): boolean {
  try {
    const parsed = JSON.parse(body) as { type?: unknown; name?: unknown };
    return parsed.type === 'invoke' && typeof parsed.name === 'string' && parsed.name !== '';
  } catch {
    return false;
  }
}

function leaks(values: unknown): boolean {
  return JSON.stringify(values).toLowerCase().includes(TOKEN.toLowerCase());
}

describe('Slack door fuzz', () => {
  let h: SlackHarness;
  beforeAll(async () => {
    h = await startSlack({ ports: SLACK_PORTS, secrets: [TOKEN], interimAfterMs: 100 });
  });
  afterAll(async () => h?.stop());

  it(`answers ${RUNS} random and mutated bodies with 2xx/4xx and leaks nothing`, async () => {
    const hook = h.capture.responseUrl('fuzz');
    const body: fc.Arbitrary<SlackBody> = fc.oneof(
      text.chain((t) =>
        mutate({ ...slashCommand(t, hook) }).map((form) => ({
          form: Object.fromEntries(Object.entries(form as object).map(([k, v]) => [k, String(v)])),
        })),
      ),
      text.chain((t) => mutate({ ...envelope(appMention(t), `Ev${t.length}`) }).map((json) => ({ json }))),
      text.chain((t) => mutate({ ...envelope(directMessage(t), `EvDm${t.length}`) }).map((json) => ({ json }))),
      text.chain((t) => mutate({ ...buttonClick(t, hook) }).map((payload) => ({ payload }))),
      text.chain((t) => mutate({ ...messageShortcut(t, hook) }).map((payload) => ({ payload }))),
      fc.jsonValue().map((json) => ({ json })),
      fc.jsonValue().map((payload) => ({ payload })),
      fc.record({
        raw: fc.string({ maxLength: 200 }),
        contentType: fc.constantFrom(
          'application/json',
          'application/x-www-form-urlencoded',
          'text/plain',
          'application/json; charset=utf-8',
        ),
      }),
    );
    const signing = fc.constantFrom('signed', 'unsigned', 'forged', 'stale');
    await fc.assert(
      fc.asyncProperty(body, signing, async (sent, how) => {
        const { text: raw, contentType } = encodeSlackBody(sent);
        const now = Math.floor(Date.now() / 1000);
        const timestamp = how === 'stale' ? now - 3600 : now;
        // A fresh connection per body: on a loaded machine a pooled keep-alive socket can be closed by the server's idle
        // timer just as the next request is written (read ECONNRESET, seen once in 2,000 CI runs; the seed replays green).
        // What this test asks is how each body is answered, not how connections are reused.
        const headers: Record<string, string> = { 'content-type': contentType, connection: 'close' };
        if (how !== 'unsigned') {
          headers['x-slack-request-timestamp'] = String(timestamp);
          headers['x-slack-signature'] =
            how === 'forged'
              ? slackSignature('not-the-secret', timestamp, raw)
              : slackSignature(SECRET, timestamp, raw);
        }
        const res = await fetch(h.events, { method: 'POST', headers, body: raw });
        const answer = await res.text();
        expect(res.status).toBeGreaterThanOrEqual(200);
        if (res.status >= 500) throw new Error(`${res.status} for a ${how} body: ${raw.slice(0, 2000)}`);
        expect(leaks(answer)).toBe(false);
      }),
      { numRuns: RUNS, ...REPLAY },
    );
    // Answers run in the background: let them finish, then look at everything sent to "Slack".
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(leaks(h.capture.calls.map((c) => c.body))).toBe(false);
    expect(escaped).toEqual([]);
  }, 600_000);
});

describe('Teams door fuzz', () => {
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

  it(`answers ${RUNS} random and mutated activities with 2xx/4xx and leaks nothing`, async () => {
    let n = 0;
    const id = (): string => `fuzz-${(n += 1)}`;
    const activity: fc.Arbitrary<unknown> = fc.oneof(
      text.chain((t) => mutate({ ...personalMessage(capture.url, t, id()) })),
      text.chain((t) => mutate({ ...channelMention(capture.url, t, id()) })),
      text.chain((t) => mutate({ ...cardSubmit(capture.url, t, id()) })),
      text.chain((t) => mutate({ ...explainAction(capture.url, t), id: id() })),
      mutate({ ...botAdded(capture.url) }),
      fc.jsonValue(),
    );
    const raw = fc.oneof(
      activity.map((a) => JSON.stringify(a) ?? 'null'),
      fc.string({ maxLength: 200 }),
    );
    const contentType = fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain');
    await fc.assert(
      fc.asyncProperty(raw, contentType, async (body, type) => {
        const res = await fetch(`${bot.url}/api/messages`, {
          method: 'POST',
          headers: { 'content-type': type, connection: 'close' },
          body,
        });
        const answer = await res.text();
        expect(res.status).toBeGreaterThanOrEqual(200);
        // 501 is the Bot Framework's answer to a well-formed invoke nobody handles (botbuilder's own convention).
        if (res.status === 501) expect(namedInvoke(body)).toBe(true);
        else expect(res.status).toBeLessThan(500);
        expect(leaks(answer)).toBe(false);
      }),
      { numRuns: RUNS, ...REPLAY },
    );
    bot.releaseSlow();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(leaks(capture.calls)).toBe(false);
    expect(escaped).toEqual([]);
  }, 600_000);
});
