import { spawn } from 'node:child_process';
import { createServer, type RequestListener, type Server } from 'node:http';
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';
import { serveBenchApp } from './app';
import { listenInRange, slackSignature } from '../test/helpers/slack-capture';
import { percentile, report, rssMb } from './stats';

/**
 * 200 concurrent signed slash commands against POST /slack/events on loopback: acknowledgement latency of
 * diagbot's Slack door against a bare Bolt app that only acknowledges (same HTTPReceiver, same verification),
 * measured in the same run; the time until the answer reaches the response_url; resident memory.
 * A local sink plays Slack's Web API and response_urls. Ports 24000-24999.
 */
export const SECRET = 'bench-signing-secret-0123456789abcdef';
const CONCURRENCY = 200;
const ROUNDS = 3;

export async function run(): Promise<void> {
  const sink = await startSink();
  // diagbot as `serve` runs it (createApp): guard rails, audit and scrubbing included, as in production.
  const diagbot = await serveBenchApp(
    { slack: { apiUrl: sink.apiUrl } },
    { ports: { from: 24000, to: 24999 }, slack: { botToken: 'xoxb-bench', signingSecret: SECRET } },
  );
  const hasExplain = diagbot.app.router.commands().some((c) => c.name === 'explain');
  const text = hasExplain ? 'explain Access is denied. (Exception from HRESULT: 0x80070005 (E_ACCESSDENIED))' : 'help';
  const http = { url: `${diagbot.base}/slack/events` };
  const bare = await startBareBolt(sink.apiUrl);
  console.log(`slack        command measured: ${hasExplain ? 'explain' : 'help (explain is not registered)'}`);
  report('slack', 'rss after start', rssMb(), 'MB');

  const diagAck: number[] = [];
  const diagAnswer: number[] = [];
  const bareAck: number[] = [];
  let id = 0;
  const fire = async (url: string, ack: number[], answer?: number[]): Promise<void> => {
    const requests = Array.from({ length: CONCURRENCY }, () => {
      id += 1;
      const hook = `h${id}`;
      return { hook, ...signed(text, `${sink.base}/hooks/${hook}`) };
    });
    const waits = answer ? requests.map((r) => sink.waitFor(r.hook)) : [];
    const started = performance.now();
    await Promise.all(
      requests.map(async (r) => {
        const res = await fetch(url, { method: 'POST', headers: r.headers, body: r.body });
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`ack was ${res.status}`);
        ack.push(performance.now() - started);
      }),
    );
    if (answer) for (const at of await Promise.all(waits)) answer.push(at - started);
  };

  // Warm both paths (JIT, connection pools) before measuring.
  await fire(bare.url, []);
  await fire(http.url, [], []);
  for (let round = 0; round < ROUNDS; round += 1) {
    await fire(bare.url, bareAck);
    await fire(http.url, diagAck, diagAnswer);
  }

  report('slack', `bare Bolt ack p50 (${CONCURRENCY} concurrent)`, percentile(bareAck, 50), 'ms');
  report('slack', 'bare Bolt ack p99', percentile(bareAck, 99), 'ms');
  report('slack', 'diagbot ack p50', percentile(diagAck, 50), 'ms');
  report('slack', 'diagbot ack p99', percentile(diagAck, 99), 'ms');
  report('slack', 'ratio ack p50 (target <= 1.3x)', percentile(diagAck, 50) / percentile(bareAck, 50), 'x');
  report('slack', 'ratio ack p99', percentile(diagAck, 99) / percentile(bareAck, 99), 'x');
  report('slack', 'diagbot time to captured answer p50', percentile(diagAnswer, 50), 'ms');
  report('slack', 'diagbot time to captured answer p99', percentile(diagAnswer, 99), 'ms');
  report('slack', 'rss after load', rssMb(), 'MB');

  await diagbot.close();
  await close(bare.server);
  sink.stop();
}

export function signed(
  text: string,
  responseUrl: string,
  triggerId = '1.2.3',
): { body: string; headers: Record<string, string> } {
  const body = new URLSearchParams({
    token: 't',
    team_id: 'T0BENCH',
    team_domain: 'bench',
    channel_id: 'C0BENCH',
    channel_name: 'bench',
    user_id: 'U0BENCH',
    user_name: 'bench',
    command: '/diag',
    text,
    api_app_id: 'A0BENCH',
    response_url: responseUrl,
    trigger_id: triggerId,
  }).toString();
  const timestamp = Math.floor(Date.now() / 1000);
  const signature = slackSignature(SECRET, timestamp, body);
  return {
    body,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': signature,
    },
  };
}

/** A bare Bolt app on its own server: HTTPReceiver, signature verification, a /diag listener that only acks. */
async function startBareBolt(apiUrl: string): Promise<{ url: string; server: Server }> {
  const receiver = new HTTPReceiver({ signingSecret: SECRET, endpoints: '/slack/events', logLevel: LogLevel.ERROR });
  const app = new App({
    token: 'xoxb-bench',
    receiver,
    deferInitialization: true,
    logLevel: LogLevel.ERROR,
    clientOptions: { slackApiUrl: apiUrl },
  });
  app.command('/diag', async ({ ack }) => {
    await ack();
  });
  await app.init();
  const server = createServer(receiver.requestListener as RequestListener);
  const port = await listenInRange(server, { from: 24000, to: 24999 });
  return { url: `http://127.0.0.1:${port}/slack/events`, server };
}

/**
 * Slack's side, in a child process (Slack's work is not on our CPU): auth.test and other Web API calls answer
 * ok; each response_url post is reported over IPC, and timestamped here when the report arrives.
 */
const SINK = `
const http = require('node:http');
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const path = req.url || '/';
    if (path.startsWith('/hooks/')) {
      process.send({ hook: path.slice(7) });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, user_id: 'U0BOT', bot_id: 'B0BOT', team_id: 'T0BENCH' }));
  });
});
const tryListen = (n) => {
  const port = 24000 + Math.floor(Math.random() * 1000);
  server.once('error', () => (n > 0 ? tryListen(n - 1) : process.exit(1)));
  server.listen(port, '127.0.0.1', () => process.send({ port }));
};
tryListen(50);
process.on('disconnect', () => process.exit(0));
`;

export async function startSink(): Promise<{
  base: string;
  apiUrl: string;
  stop(): void;
  waitFor(hook: string): Promise<number>;
}> {
  const child = spawn(process.execPath, ['-e', SINK], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const arrived = new Map<string, number>();
  const waiting = new Map<string, (at: number) => void>();
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', () => reject(new Error('the Slack sink did not start')));
    child.on('message', (message: { port?: number; hook?: string }) => {
      if (message.port) resolve(message.port);
      if (message.hook && !arrived.has(message.hook)) {
        // The first message for a hook is the answer ("checking …" only shows for slow checks).
        const at = performance.now();
        arrived.set(message.hook, at);
        waiting.get(message.hook)?.(at);
      }
    });
  });
  const base = `http://127.0.0.1:${port}`;
  return {
    base,
    apiUrl: `${base}/api/`,
    stop: () => void child.kill(),
    waitFor: (hook) => {
      const at = arrived.get(hook);
      if (at !== undefined) return Promise.resolve(at);
      return new Promise((resolve) => waiting.set(hook, resolve));
    },
  };
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
