import { createHmac } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse as parseQuery } from 'node:querystring';

/**
 * A local stand-in for Slack, on loopback: the Web API (`/api/<method>`) and response_urls (`/hooks/<id>`).
 * It records every call, answers like Slack does, and can be told to fail the next calls (429 with
 * Retry-After, 500, a platform error) so tests can watch the adapter retry. Also signs requests the way Slack
 * does (v0 HMAC), for sending commands, events and interactivity payloads to the bot.
 */

export interface Captured {
  kind: 'api' | 'hook';
  /** Web API method (`chat.postMessage`) or response_url id. */
  name: string;
  /** Parameters: form fields with JSON-valued ones (blocks, view) decoded, or the JSON body. */
  body: Record<string, unknown>;
  headers: IncomingMessage['headers'];
  /** HTTP status the capture server answered with. */
  status: number;
  at: number;
}

export interface ScriptedAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface SlackCapture {
  /** `http://127.0.0.1:<port>/api/` for SLACK_API_URL. */
  apiUrl: string;
  /** A response_url on the capture server. */
  responseUrl(id: string): string;
  readonly calls: readonly Captured[];
  /** The next calls matching `name` (a Web API method or a hook id) get these answers, in order. */
  script(name: string, answers: ScriptedAnswer[]): void;
  /** Resolves with the first call (already recorded or still to come) that matches; rejects after `timeoutMs`. */
  waitFor(match: (call: Captured) => boolean, timeoutMs?: number): Promise<Captured>;
  /** Resolves when `count` calls match. */
  waitForCount(match: (call: Captured) => boolean, count: number, timeoutMs?: number): Promise<Captured[]>;
  close(): Promise<void>;
}

const JSON_FIELDS = new Set(['blocks', 'view', 'attachments', 'metadata']);

/** Starts the capture server on a free loopback port in [from, to]. */
export async function startSlackCapture(
  range: { from: number; to: number } = { from: 24000, to: 24999 },
): Promise<SlackCapture> {
  const calls: Captured[] = [];
  const scripts = new Map<string, ScriptedAnswer[]>();
  const events = new EventEmitter();
  let seq = 0;

  const server = createServer((req, res) => {
    void readBody(req).then((raw) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const isApi = url.pathname.startsWith('/api/');
      const name = isApi ? url.pathname.slice('/api/'.length) : url.pathname.replace(/^\/hooks\//, '');
      const body = decode(raw, String(req.headers['content-type'] ?? ''));
      const scripted = scripts.get(name)?.shift();
      let answer: ScriptedAnswer;
      if (scripted) answer = scripted;
      else if (isApi) answer = { status: 200, body: defaultApiAnswer(name, body, () => (seq += 1)) };
      else answer = { status: 200, body: 'ok' };
      const call: Captured = {
        kind: isApi ? 'api' : 'hook',
        name,
        body,
        headers: req.headers,
        status: answer.status,
        at: Date.now(),
      };
      calls.push(call);
      const text =
        typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body ?? { ok: answer.status < 400 });
      res.writeHead(answer.status, {
        'content-type': typeof answer.body === 'string' ? 'text/plain' : 'application/json',
        ...answer.headers,
      });
      res.end(text);
      events.emit('call', call);
    });
  });
  const port = await listenInRange(server, range);
  const base = `http://127.0.0.1:${port}`;

  // A deadline for a test that is failing, not a timing assertion: the first explain in a process loads the knowledge
  // base from YAML (about 2 s on a quiet machine, over 10 s on a loaded CI box, where a 10 s wait failed once).
  const waitForCount = (match: (call: Captured) => boolean, count: number, timeoutMs = 30_000): Promise<Captured[]> =>
    new Promise((resolve, reject) => {
      const check = (): boolean => {
        const found = calls.filter(match);
        if (found.length >= count) {
          cleanup();
          resolve(found.slice(0, count));
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(
          new Error(
            `capture: ${calls.filter(match).length}/${count} matching calls after ${timeoutMs} ms; calls: ${calls.map((c) => c.name).join(', ')}`,
          ),
        );
      }, timeoutMs);
      const onCall = (): void => void check();
      const cleanup = (): void => {
        clearTimeout(timer);
        events.off('call', onCall);
      };
      events.on('call', onCall);
      check();
    });

  return {
    apiUrl: `${base}/api/`,
    responseUrl: (id) => `${base}/hooks/${id}`,
    calls,
    script: (name, answers) => void scripts.set(name, [...(scripts.get(name) ?? []), ...answers]),
    waitFor: async (match, timeoutMs) => (await waitForCount(match, 1, timeoutMs))[0] as Captured,
    waitForCount,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function defaultApiAnswer(method: string, body: Record<string, unknown>, nextTs: () => number): unknown {
  switch (method) {
    case 'auth.test':
      return {
        ok: true,
        url: 'https://contoso.slack.com/',
        team: 'Contoso',
        user: 'diagbot',
        team_id: 'T0CONTOSO',
        user_id: 'U0DIAGBOT',
        bot_id: 'B0DIAGBOT',
      };
    case 'chat.postMessage': {
      return {
        ok: true,
        channel: body.channel,
        ts: `1700000000.${String(nextTs()).padStart(6, '0')}`,
        message: { text: body.text },
      };
    }
    case 'chat.update':
      return { ok: true, channel: body.channel, ts: body.ts };
    default:
      return { ok: true };
  }
}

function decode(raw: string, contentType: string): Record<string, unknown> {
  if (contentType.includes('application/json')) {
    try {
      const parsed: unknown = JSON.parse(raw);
      return parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : { value: parsed };
    } catch {
      return { raw };
    }
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(parseQuery(raw))) {
    const text = Array.isArray(value) ? value[0] : value;
    if (typeof text !== 'string') continue;
    out[key] = JSON_FIELDS.has(key) ? safeJson(text) : text;
  }
  return out;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(''));
  });
}

/** Listens on a free port in the range, trying a few random ones (other suites run in parallel). */
export async function listenInRange(server: Server, range: { from: number; to: number }): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const port = range.from + Math.floor(Math.random() * (range.to - range.from + 1));
    const ok = await new Promise<boolean>((resolve) => {
      const onError = (): void => resolve(false);
      server.once('error', onError);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', onError);
        resolve(true);
      });
    });
    if (ok) return (server.address() as AddressInfo).port;
  }
  throw new Error(`no free port in ${range.from}-${range.to}`);
}

/** Slack's request signature: `v0=` + HMAC-SHA256(secret, `v0:<timestamp>:<body>`). */
export function slackSignature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export interface SendOptions {
  secret: string;
  /** Seconds since the epoch; default now. */
  timestamp?: number;
  /** Overrides the computed signature (a forged request). */
  signature?: string;
  headers?: Record<string, string>;
}

/** Body encodings Slack uses: slash commands as a form, events as JSON, interactivity as `payload=<json>`. */
export type SlackBody =
  { form: Record<string, string> } | { json: unknown } | { payload: unknown } | { raw: string; contentType: string };

export function encodeSlackBody(body: SlackBody): { text: string; contentType: string } {
  if ('form' in body)
    return { text: new URLSearchParams(body.form).toString(), contentType: 'application/x-www-form-urlencoded' };
  if ('json' in body) return { text: JSON.stringify(body.json), contentType: 'application/json' };
  if ('payload' in body)
    return {
      text: new URLSearchParams({ payload: JSON.stringify(body.payload) }).toString(),
      contentType: 'application/x-www-form-urlencoded',
    };
  return { text: body.raw, contentType: body.contentType };
}

/** POSTs a signed payload to the bot, as Slack would. */
export async function sendSigned(
  url: string,
  body: SlackBody,
  options: SendOptions,
): Promise<{ status: number; text: string }> {
  const { text, contentType } = encodeSlackBody(body);
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': contentType,
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': options.signature ?? slackSignature(options.secret, timestamp, text),
      ...options.headers,
    },
    body: text,
  });
  return { status: response.status, text: await response.text() };
}
