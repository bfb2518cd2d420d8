import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { BIN } from '../../helpers/cli';

/**
 * The built `diagbot serve` as an operator starts it (environment and a YAML file), for the hardening suites:
 * what a hostile client does to the real process, which must still be serving afterwards. Ports come from
 * this suite's slice, 23000-23999; anything hostile it needs listens on 127.0.14.x.
 */
export const PORTS = { from: 23000, to: 23999 } as const;

export interface Served {
  child: ChildProcess;
  port: number;
  base: string;
  output(): string;
  exited: Promise<number | null>;
  /** True while the process has not exited. */
  alive(): boolean;
  stop(): Promise<void>;
}

export function serve(dir: string, port: number, yaml: string, env: Record<string, string>): Served {
  const config = join(dir, 'diagbot.yaml');
  writeFileSync(config, yaml);
  const child = spawn(process.execPath, [BIN, '--config', config, 'serve'], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      DIAGBOT_DB: join(dir, 'diagbot.db'),
      PORT: String(port),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let exitCode: number | null | undefined;
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      exitCode = code;
      resolve(code);
    }),
  );
  return {
    child,
    port,
    base: `http://127.0.0.1:${port}`,
    output: () => output,
    exited,
    alive: () => exitCode === undefined,
    async stop() {
      if (exitCode === undefined) child.kill('SIGTERM');
      await Promise.race([exited, sleep(10_000)]);
      if (exitCode === undefined) child.kill('SIGKILL');
    },
  };
}

/** Polls until `check` gives a value; throws after `timeoutMs` (or at once when the process died). */
export async function until<T>(
  what: string,
  check: () => Promise<T | undefined>,
  served?: Served,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (served && !served.alive()) throw new Error(`diagbot exited while waiting for ${what}:\n${served.output()}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** /healthz once the process answers it. */
export function healthy(served: Served): Promise<{ status: string; components: Record<string, boolean> }> {
  return until(
    '/healthz',
    async () => {
      const res = await fetch(`${served.base}/healthz`);
      return res.status === 200
        ? ((await res.json()) as { status: string; components: Record<string, boolean> })
        : undefined;
    },
    served,
  );
}
