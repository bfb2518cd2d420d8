import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../helpers/postfix';
import { sendSigned, slackSignature, startSlackCapture, type SlackCapture } from '../../helpers/slack-capture';
import { slashCommand } from '../../unit/slack/fixtures';
import { healthy, PORTS, serve, until, type Served } from './serve-process';

/**
 * Issue 14, defects 1, 2 and 5, against the built `diagbot serve` with Slack played by the capture server:
 * the Teams door stays shut without credentials, a signed hostile body cannot end the process, and
 * /slack/events refuses what it can from the headers and reads bodies under a deadline.
 */
const SECRET = 'hardening-signing-secret-0123456789';
const TOKEN = 'xoxb-hardening-token-0123456789';
const YAML = 'http:\n  host: 127.0.0.1\nslack:\n  apiRetries: 0\n  bodyDeadlineMs: 700\nlog:\n  level: info\n';

let capture: SlackCapture;
let dir: string;
let bot: Served;

/** What an attacker who reaches the port sends: a Teams message claiming to be an admin, asking for the audit. */
function teamsActivity(): Record<string, unknown> {
  return {
    type: 'message',
    id: 'hostile-1',
    serviceUrl: 'http://127.0.0.1:9/',
    channelId: 'msteams',
    from: { id: '29:attacker', aadObjectId: '00000000-0000-4000-8000-00000000ad01' },
    recipient: { id: '28:diagbot' },
    conversation: { id: 'a:personal', conversationType: 'personal' },
    text: 'audit',
  };
}

/** Sends raw bytes and resolves with what the server answered before it closed, or 'open' after `waitMs`. */
function rawExchange(port: number, head: string, body = '', waitMs = 5000): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(answer === '' ? 'open' : answer);
    }, waitMs);
    socket.on('data', (chunk) => (answer += chunk.toString()));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(answer);
    });
    socket.on('error', () => undefined);
    socket.write(head + body);
  });
}

beforeAll(async () => {
  capture = await startSlackCapture(PORTS);
  dir = mkdtempSync(join(tmpdir(), 'diagbot-hardening-'));
  const port = await freePort(PORTS.from, PORTS.to);
  // NODE_ENV unset and only Slack credentials: plain `npm start` as the README shows it.
  bot = serve(dir, port, YAML, { SLACK_BOT_TOKEN: TOKEN, SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: capture.apiUrl });
  await healthy(bot);
});

afterAll(async () => {
  await bot?.stop();
  await capture?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('defect 1: the Teams door fails closed', () => {
  it('does not listen on /api/messages without an app id, so nobody can claim a role there', async () => {
    const res = await fetch(`${bot.base}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(teamsActivity()),
    });
    expect(res.status).toBe(404);
    const health = await healthy(bot);
    expect(health.components).not.toHaveProperty('teams');
    expect(health.components.slack).toBe(true);
  });

  it('refuses to start Teams without an app id on a non-loopback address, even when allowed', async () => {
    const port = await freePort(PORTS.from, PORTS.to);
    const other = mkdtempSync(join(tmpdir(), 'diagbot-hardening-teams-'));
    const refused = serve(other, port, 'http:\n  host: 0.0.0.0\nteams:\n  allowUnauthenticated: true\n', {});
    try {
      const code = await refused.exited;
      expect(code).not.toBe(0);
      expect(refused.output()).toMatch(/loopback address/);
    } finally {
      await refused.stop();
      rmSync(other, { recursive: true, force: true });
    }
  });
});

describe('defect 2: no signed body ends the process', () => {
  it.each([
    ['JSON null', { raw: 'null', contentType: 'application/json' }],
    ['form payload=null', { raw: 'payload=null', contentType: 'application/x-www-form-urlencoded' }],
    ['a JSON array', { raw: '[]', contentType: 'application/json' }],
    ['a JSON string', { raw: '"x"', contentType: 'application/json' }],
    ['an event without an event', { json: { type: 'event_callback', event_id: 'Ev1', event: null } }],
    [
      'a mention whose text is a number',
      {
        json: {
          type: 'event_callback',
          event_id: 'Ev2',
          event: { type: 'app_mention', text: 7, channel: 'C1', ts: '1.2', user: 'U1' },
        },
      },
    ],
    [
      'an event whose first authorization is null (found by the door fuzz)',
      {
        json: {
          type: 'event_callback',
          event_id: 'Ev3',
          authorizations: [null],
          event: { type: 'app_mention', text: 'help', channel: 'C1', ts: '1.2', user: 'U1' },
        },
      },
    ],
    ['block_actions without actions', { payload: { type: 'block_actions', user: { id: 'U1' } } }],
    [
      'a slash command without user_id',
      { form: { command: '/diag', text: 'help', channel_id: 'C1', response_url: 'http://127.0.0.1:9/x' } },
    ],
  ] as const)('answers %s with 400 and keeps serving', async (_name, body) => {
    const res = await sendSigned(`${bot.base}/slack/events`, body, { secret: SECRET });
    expect(res.status).toBe(400);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(bot.alive()).toBe(true);
  });

  it('is still up and answering afterwards', async () => {
    expect(bot.alive()).toBe(true);
    const hook = capture.responseUrl('after-hostile');
    const res = await sendSigned(
      `${bot.base}/slack/events`,
      { form: { ...slashCommand('help', hook) } },
      { secret: SECRET },
    );
    expect(res.status).toBe(200);
    await capture.waitFor((call) => call.kind === 'hook' && call.name === 'after-hostile', 15_000);
    expect(bot.output()).not.toMatch(/"level":60|Unhandled|unhandledRejection/);
  });
});

describe('defect 5: /slack/events under deadlines', () => {
  const head = (headers: Record<string, string>, length: number): string =>
    `POST /slack/events HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-length: ${length}\r\n${Object.entries(headers)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('')}\r\n`;

  it('refuses an unsigned 1 MiB body from its headers, before a byte of the body is sent', async () => {
    const answer = await rawExchange(bot.port, head({ 'content-type': 'application/json' }, 1024 * 1024));
    expect(answer).toMatch(/^HTTP\/1\.1 401/);
  });

  it('refuses a stale timestamp from its headers', async () => {
    const stale = Math.floor(Date.now() / 1000) - 3600;
    const answer = await rawExchange(
      bot.port,
      head(
        {
          'content-type': 'application/json',
          'x-slack-request-timestamp': String(stale),
          'x-slack-signature': slackSignature(SECRET, stale, '{}'),
        },
        1000,
      ),
    );
    expect(answer).toMatch(/^HTTP\/1\.1 401/);
  });

  it('cuts off a signed-looking body that trickles in, at its deadline', async () => {
    const now = Math.floor(Date.now() / 1000);
    const body = JSON.stringify({ type: 'event_callback', event_id: 'EvSlow', event: { type: 'app_mention' } });
    const answer = await new Promise<string>((resolve) => {
      const socket = connect(bot.port, '127.0.0.1');
      let text = '';
      let sent = 0;
      const drip = setInterval(() => {
        if (sent < body.length && !socket.destroyed) socket.write(body[sent++] ?? '');
      }, 200);
      const give = setTimeout(() => {
        socket.destroy();
        resolve(text || 'still open after 8 s');
      }, 8000);
      socket.on('data', (chunk) => (text += chunk.toString()));
      socket.on('close', () => {
        clearInterval(drip);
        clearTimeout(give);
        resolve(text || 'closed without an answer');
      });
      socket.on('error', () => undefined);
      socket.write(
        head(
          {
            'content-type': 'application/json',
            'x-slack-request-timestamp': String(now),
            'x-slack-signature': slackSignature(SECRET, now, body),
          },
          body.length,
        ),
      );
    });
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(bot.alive()).toBe(true);
  });

  it("still answers Slack's unsigned ssl_check", async () => {
    const res = await fetch(`${bot.base}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'ssl_check=1&token=x',
    });
    expect(res.status).toBe(200);
  });

  it('reports readiness on /readyz and liveness on /healthz', async () => {
    const ready = await until(
      '/readyz',
      async () => {
        const res = await fetch(`${bot.base}/readyz`);
        return res.status === 200
          ? ((await res.json()) as { status: string; components: Record<string, boolean> })
          : undefined;
      },
      bot,
    );
    expect(ready.status).toBe('ready');
    expect(ready.components).toMatchObject({ slack: true, scheduler: true, 'slack.answers': true });
  });
});
