import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { BIN, runCli } from '../../helpers/cli';
import { sendSigned, startSlackCapture, type SlackCapture } from '../../helpers/slack-capture';
import { blockKitProblems, findingIds } from '../../unit/slack/block-kit-limits';
import { slashCommand } from '../../unit/slack/fixtures';

/**
 * The built `diagbot serve` as operators run it, configured only through the environment (SLACK_BOT_TOKEN,
 * SLACK_SIGNING_SECRET, SLACK_API_URL, PORT), with Slack played by the capture server. Also the terminal's
 * `--format slack`. Ports 24500-24999 of this feature's range.
 */
const SECRET = 'serve-test-signing-secret-0123456789';
const TOKEN = 'xoxb-serve-test-token-0123456789';
let capture: SlackCapture;
let dir: string;

async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const port = 24500 + Math.floor(Math.random() * 500);
    const ok = await new Promise<boolean>((resolve) => {
      const probe = createServer();
      probe.once('error', () => resolve(false));
      probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
    });
    if (ok) return port;
  }
  throw new Error('no free port in 24500-24999');
}

function start(
  port: number,
  env: Record<string, string> = {},
): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const config = join(dir, 'diagbot.yaml');
  writeFileSync(
    config,
    'http:\n  host: 127.0.0.1\nslack:\n  apiRetryMinMs: 20\n  apiRetryMaxMs: 200\n  apiRetries: 1\nlog:\n  level: info\n',
  );
  const child = spawn(process.execPath, [BIN, '--config', config, 'serve'], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      DIAGBOT_DB: join(dir, 'diagbot.db'),
      PORT: String(port),
      SLACK_BOT_TOKEN: TOKEN,
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: capture.apiUrl,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

beforeAll(async () => {
  capture = await startSlackCapture({ from: 24000, to: 24499 });
  dir = mkdtempSync(join(tmpdir(), 'diagbot-slack-'));
});
afterAll(async () => {
  await capture?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('diagbot serve with Slack in HTTP mode', () => {
  it('answers /diag help through the response_url, reports /healthz and /metrics, and keeps the token out of its logs', async () => {
    const port = await freePort();
    const served = start(port);
    try {
      const health = await until('/healthz', async () => {
        const res = await fetch(`http://127.0.0.1:${port}/healthz`);
        const body = (await res.json()) as { components: Record<string, boolean> };
        return body.components.slack ? body : undefined;
      });
      expect(health.components.slack).toBe(true);
      expect(capture.calls.some((c) => c.name === 'auth.test' && c.headers.authorization === `Bearer ${TOKEN}`)).toBe(
        true,
      );

      const { status } = await sendSigned(
        `http://127.0.0.1:${port}/slack/events`,
        { form: { ...slashCommand('help', capture.responseUrl('serve-1')) } },
        { secret: SECRET },
      );
      expect(status).toBe(200);
      const answer = await capture.waitFor((c) => c.name === 'serve-1');
      expect(blockKitProblems(answer.body)).toEqual([]);
      expect(findingIds(answer.body.blocks)).toContain('help.command');

      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(metrics).toMatch(/diagbot_commands_total\{command="help",status="ok",platform="slack"\} 1/);
      expect(metrics).toMatch(/diagbot_ack_latency_seconds_count\{platform="slack",door="command"\} 1/);
      expect(metrics).toContain('process_resident_memory_bytes');
    } finally {
      served.child.kill('SIGTERM');
      await served.exited;
    }
    expect(served.output()).not.toContain(TOKEN);
    expect(served.output()).not.toContain(SECRET);
  });

  it('refuses to start when Slack refuses the bot token, naming the variable, not the token', async () => {
    capture.script('auth.test', [{ status: 200, body: { ok: false, error: 'invalid_auth' } }]);
    const served = start(await freePort());
    const timer = new AbortController();
    const code = await Promise.race([
      served.exited,
      sleep(30_000, 'timeout' as const, { signal: timer.signal }).catch(() => 'timeout' as const),
    ]);
    timer.abort();
    if (code === 'timeout') served.child.kill('SIGKILL');
    expect(code).toBe(3);
    expect(served.output()).toContain('invalid_auth');
    expect(served.output()).toContain('SLACK_BOT_TOKEN');
    expect(served.output()).not.toContain(TOKEN);
  });
});

describe('diagbot --format slack', () => {
  it('prints exactly one JSON document of valid Block Kit', async () => {
    const { code, stdout } = await runCli(['--format', 'slack', 'help'], { env: { DIAGBOT_DB: join(dir, 'cli.db') } });
    expect(code).toBe(0);
    const printed = JSON.parse(stdout) as { blocks: unknown[] };
    expect(blockKitProblems({ text: 'cli', blocks: printed.blocks })).toEqual([]);
    expect(findingIds(printed.blocks)).toContain('help.command');
  });
});
