import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { BIN } from '../../helpers/cli';
import { freePort } from '../../helpers/postfix';

/**
 * Several `diagbot serve` processes (the built bin/diagbot.js) on one PostgreSQL database, on loopback, with
 * Slack pointed at the capture server and Teams in local development mode. HTTP ports come from 25500–25999.
 */
export const SLACK_SECRET = 'replicas-test-signing-secret-0123456789';
export const HTTP_PORTS = { from: 25500, to: 25999 };

export interface Replica {
  name: string;
  child: ChildProcess;
  port: number;
  pid: number;
  base: string;
  output(): string;
  exited: Promise<number | null>;
  alive(): boolean;
  /** SIGTERM and wait for the exit code. */
  stop(): Promise<number | null>;
}

const taken = new Set<number>();

export function writeReplicaConfig(dir: string, lines: readonly string[]): string {
  const file = join(dir, 'replica.yaml');
  writeFileSync(file, lines.join('\n'));
  return file;
}

export async function startReplica(options: {
  name: string;
  configFile: string;
  databaseUrl: string;
  slackApiUrl: string;
}): Promise<Replica> {
  const port = await freePort(HTTP_PORTS.from, HTTP_PORTS.to, [...taken]);
  taken.add(port);
  const child = spawn(process.execPath, [BIN, '--config', options.configFile, 'serve'], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      DIAGBOT_DATABASE_URL: options.databaseUrl,
      PORT: String(port),
      SLACK_BOT_TOKEN: 'xoxb-replicas-test-token',
      SLACK_SIGNING_SECRET: SLACK_SECRET,
      SLACK_API_URL: options.slackApiUrl,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const replica: Replica = {
    name: options.name,
    child,
    port,
    pid: child.pid ?? -1,
    base: `http://127.0.0.1:${port}`,
    output: () => output,
    exited,
    alive: () => child.exitCode === null && child.signalCode === null,
    async stop() {
      if (replica.alive()) child.kill('SIGTERM');
      const code = await Promise.race([exited, sleep(20_000).then(() => 'timeout' as const)]);
      if (code === 'timeout') {
        child.kill('SIGKILL');
        throw new Error(`${options.name} did not stop within 20 s:\n${output}`);
      }
      return code;
    },
  };
  await waitFor(
    `${options.name} ready`,
    async () => (await probe(replica.base, '/readyz'))?.status === 200 || !replica.alive(),
    30_000,
  );
  if (!replica.alive()) throw new Error(`${options.name} exited at start:\n${output}`);
  return replica;
}

export async function probe(
  base: string,
  path: string,
): Promise<{ status: number; body: { status: string; components: Record<string, unknown> } } | undefined> {
  try {
    const res = await fetch(`${base}${path}`, { signal: AbortSignal.timeout(2000) });
    return { status: res.status, body: (await res.json()) as { status: string; components: Record<string, unknown> } };
  } catch {
    return undefined;
  }
}

/** Polls until `check` returns a value (not undefined/false), or fails with `what` after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 30_000,
  everyMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}
