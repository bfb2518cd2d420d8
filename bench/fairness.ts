import { createServer, type Server, type Socket } from 'node:net';
import { serveBenchApp } from './app';
import { freePort } from '../test/helpers/postfix';
import { sendSigned, startSlackCapture } from '../test/helpers/slack-capture';
import { slashCommand } from '../test/unit/slack/fixtures';
import { percentile, report } from './stats';

/**
 * Fair answering (issue 14): the time from a signed `/diag help` to its answer at the response_url, for a
 * person with nothing else in flight, first alone and then under a background of 64 slow checks from eight
 * other people (real `cert` checks against a TCP server on 127.0.14.2 that accepts and never says a word, so
 * each waits for its 20 s handshake deadline). Slack's Bolt HTTP path, the real router and commands, and a
 * local capture server playing Slack. Ports 23000-23999.
 */
const SECRET = 'bench-fairness-signing-secret-0123456789';
const SAMPLES = 40;
const BACKGROUND = 64;
const PEOPLE = 8;
const SILENT_HOST = '127.0.14.2';
const PORTS = { from: 23000, to: 23999 };

export async function run(): Promise<void> {
  const silent = await startSilentServer();
  const capture = await startSlackCapture(PORTS);
  // The silent server's port is outside cert's built-in port list: allowed here, or every check is refused at once.
  const allowPort = { cert: [silent.port] };
  // tls.concurrency 64: all 64 handshakes wait on the network at once (the default of 16 would queue most of them).
  // The app as `serve` runs it (createApp), its rate limits and per-host probe slots out of reach.
  const diagbot = await serveBenchApp(
    {
      targets: { allow: ['127.0.14.0/24'], ports: allowPort },
      tls: { concurrency: BACKGROUND },
      timeouts: { connectMs: 2000, stepMs: 20_000 },
      slack: { apiUrl: capture.apiUrl },
    },
    { ports: PORTS, slack: { botToken: 'xoxb-bench', signingSecret: SECRET } },
  );
  const events = `${diagbot.base}/slack/events`;
  let seq = 0;

  const help = async (): Promise<number> => {
    const id = `help-${(seq += 1)}`;
    const started = performance.now();
    await sendSigned(
      events,
      { form: { ...slashCommand('help', capture.responseUrl(id), { user_id: 'U0HELPER' }) } },
      { secret: SECRET },
    );
    await capture.waitFor((call) => call.name === id, 30_000);
    return performance.now() - started;
  };
  const measure = async (): Promise<number[]> => {
    const times: number[] = [];
    for (let i = 0; i < SAMPLES; i += 1) times.push(await help());
    return times;
  };

  try {
    await help(); // warm-up: first-use imports and JIT
    const alone = await measure();
    await Promise.all(
      Array.from({ length: BACKGROUND }, (_, i) =>
        sendSigned(
          events,
          {
            form: {
              ...slashCommand(`cert ${SILENT_HOST}:${silent.port}`, capture.responseUrl(`slow-${i}`), {
                user_id: `U0SLOW${i % PEOPLE}`,
              }),
            },
          },
          { secret: SECRET },
        ),
      ),
    );
    // Let every background check reach its silent server (a bench that waits forever measures nothing: 60 s at most).
    const reachBy = Date.now() + 60_000;
    while (silent.connections() < BACKGROUND && Date.now() < reachBy)
      await new Promise((resolve) => setTimeout(resolve, 20));
    if (silent.connections() < BACKGROUND)
      throw new Error(`only ${silent.connections()} of ${BACKGROUND} slow checks reached the silent server in 60 s`);
    const loaded = await measure();
    const finished = capture.calls.filter(
      (c) => c.name.startsWith('slow-') && !/checking/i.test(JSON.stringify(c.body)),
    );
    if (process.env.BENCH_DEBUG) console.log(JSON.stringify(finished.slice(0, 2).map((c) => c.body)).slice(0, 1500));

    report('fairness', 'help p50, nothing else in flight', percentile(alone, 50), 'ms');
    report('fairness', 'help p99, nothing else in flight', percentile(alone, 99), 'ms');
    report('fairness', `help p50, ${BACKGROUND} slow checks in flight`, percentile(loaded, 50), 'ms');
    report('fairness', `help p99, ${BACKGROUND} slow checks in flight`, percentile(loaded, 99), 'ms');
    report('fairness', 'p99 ratio loaded / alone', percentile(loaded, 99) / percentile(alone, 99), 'x');
    report('fairness', 'slow checks answered while help was measured', finished.length, 'checks');
  } finally {
    silent.close();
    await diagbot.close().catch(() => undefined);
    await capture.close();
  }
}

/** Accepts TCP connections on 127.0.14.2 and never sends a byte. */
async function startSilentServer(): Promise<{ port: number; connections(): number; close(): void }> {
  const sockets = new Set<Socket>();
  let count = 0;
  const server: Server = createServer((socket) => {
    count += 1;
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  const port = await freePort(PORTS.from, PORTS.to);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, SILENT_HOST, resolve);
  });
  return {
    port,
    connections: () => count,
    close: () => {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}
