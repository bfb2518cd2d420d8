import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { BIN } from '../../helpers/cli';

/**
 * `diagbot serve` as a child process (the built bin/diagbot.js, as operators run it), on loopback, with
 * its database in a temp dir and Slack pointed at the capture server. Ports 47100-47999 are this suite's.
 */

export const PORTS = { from: 47100, to: 47999 };
export const SLACK_SECRET = 'digest-test-signing-secret-0123456789';

export interface Served {
  child: ChildProcess;
  port: number;
  output(): string;
  exited: Promise<number | null>;
  /** SIGTERM and wait; the process must be gone within `timeoutMs`. */
  stop(timeoutMs?: number): Promise<number | null>;
}

/** A free loopback port in the suite's range (bound and released; the child binds it right after). */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const port = PORTS.from + 300 + Math.floor(Math.random() * 600);
    const ok = await new Promise<boolean>((resolve) => {
      const probe = createHttpServer();
      probe.once('error', () => resolve(false));
      probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
    });
    if (ok) return port;
  }
  throw new Error(`no free port in ${PORTS.from + 300}-${PORTS.to}`);
}

/** The YAML config of a test instance: loopback only, short leases and polls so a takeover happens in seconds. */
export function writeConfig(dir: string, name: string, certPort?: number): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    [
      'http:',
      '  host: 127.0.0.1',
      'targets:',
      '  allow: ["127.0.0.0/8"]',
      ...(certPort ? ['  ports:', `    cert: [${certPort}]`] : []),
      'timeouts:',
      '  connectMs: 2000',
      '  stepMs: 3000',
      'digest:',
      '  leaseSeconds: 2',
      '  pollSeconds: 1',
      '  post:',
      '    attempts: 3',
      '    initialDelayMs: 200',
      '    maxDelayMs: 500',
      'log:',
      '  level: info',
    ].join('\n'),
  );
  return file;
}

export function serve(options: { configFile: string; db: string; port: number; slackApiUrl: string }): Served {
  const child = spawn(process.execPath, [BIN, '--config', options.configFile, 'serve'], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      DIAGBOT_DB: options.db,
      PORT: String(options.port),
      SLACK_BOT_TOKEN: 'xoxb-digest-test-token',
      SLACK_SIGNING_SECRET: SLACK_SECRET,
      SLACK_API_URL: options.slackApiUrl,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    port: options.port,
    output: () => output,
    exited,
    async stop(timeoutMs = 20_000) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = new AbortController();
      const code = await Promise.race([
        exited,
        sleep(timeoutMs, undefined, { signal: timer.signal }).then(
          () => 'timeout' as const,
          () => 'timeout' as const,
        ),
      ]);
      timer.abort();
      if (code === 'timeout') {
        child.kill('SIGKILL');
        throw new Error(`diagbot serve did not stop within ${timeoutMs} ms:\n${output}`);
      }
      return code;
    },
  };
}

/** Polls until `check` returns a value (not undefined/false), or fails with `what` after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** /healthz of a served instance, or undefined while it is not answering yet. */
export async function health(
  port: number,
): Promise<{ status: string; components: Record<string, boolean> } | undefined> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/healthz`);
    return (await res.json()) as { status: string; components: Record<string, boolean> };
  } catch {
    return undefined;
  }
}

/**
 * A TCP server on loopback that accepts and never says a word: a TLS handshake against it waits for its
 * deadline (timeouts.stepMs), which makes a digest run take a few seconds without any outside network.
 */
export async function startSilentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const port = PORTS.from + 100 + Math.floor(Math.random() * 200);
    const ok = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (ok) {
      return {
        port,
        close: () =>
          new Promise((resolve) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => resolve());
          }),
      };
    }
  }
  throw new Error('no free port for the silent server');
}
