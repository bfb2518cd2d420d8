import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  freePortInRange,
  startBotConnectorCapture,
  type BotConnectorCapture,
} from '../../helpers/bot-connector-capture';
import { BIN, runCli } from '../../helpers/cli';
import { personalMessage } from '../../unit/teams/fixtures';
import { cardFindingIds, cardProblems } from '../../unit/teams/validate-card';
import { BOT_PORTS, CAPTURE_PORTS } from './harness';

/**
 * The built program: `diagbot --format teams` prints the card, and `diagbot serve` starts the Teams door on
 * the shared port (local development mode: no app id, teams.allowUnauthenticated, loopback) and refuses
 * stray Teams secrets without an app id.
 */

let dir: string;
let capture: BotConnectorCapture;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'diagbot-teams-'));
  capture = await startBotConnectorCapture({ ports: CAPTURE_PORTS });
});

afterAll(async () => {
  await capture?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('diagbot --format teams', () => {
  it('prints exactly one Adaptive Card document and exits with the status', async () => {
    const ok = await runCli(['--format', 'teams', 'help'], { cwd: dir });
    expect(ok.code).toBe(0);
    const card = JSON.parse(ok.stdout) as { type: string };
    expect(card.type).toBe('AdaptiveCard');
    expect(cardProblems(card)).toEqual([]);
    expect(cardFindingIds(card)).toContain('help.command');

    const bad = await runCli(['--format', 'teams', 'nosuchcommand at all'], { cwd: dir });
    expect(bad.code).toBe(3);
    expect(cardFindingIds(JSON.parse(bad.stdout))).toEqual(['usage']);
  });
});

function waitForExit(child: ChildProcess, ms: number): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`diagbot serve did not exit within ${ms} ms`));
    }, ms);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

describe('diagbot serve', () => {
  it('starts the Teams door on the shared port and answers through it', async () => {
    const port = await freePortInRange(BOT_PORTS);
    // Without an app id the door starts only when the configuration says so, on a loopback address.
    const config = join(dir, 'local-teams.yaml');
    writeFileSync(config, 'http:\n  host: 127.0.0.1\nteams:\n  allowUnauthenticated: true\n');
    const child = spawn(process.execPath, [BIN, '--config', config, 'serve'], {
      cwd: dir,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: dir,
        PORT: String(port),
        DIAGBOT_DB: join(dir, 'diagbot.db'),
        NODE_ENV: 'development',
        DIAGBOT_LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = waitForExit(child, 60_000);
    try {
      let health: { components?: Record<string, boolean> } = {};
      for (let i = 0; i < 200 && health.components?.teams !== true; i += 1) {
        health = await fetch(`http://127.0.0.1:${port}/healthz`)
          .then((r) => r.json() as Promise<typeof health>)
          .catch(() => ({}));
        if (health.components?.teams !== true) await new Promise((r) => setTimeout(r, 100));
      }
      expect(health.components?.teams).toBe(true);

      const response = await fetch(`http://127.0.0.1:${port}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(personalMessage(capture.url, 'help')),
      });
      expect(response.status).toBe(200);
      const [message] = capture.messages('reply');
      const attachments = message?.activity.attachments as Array<{ content: unknown }>;
      expect(cardFindingIds(attachments[0]?.content)).toContain('help.command');
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(stderr).not.toMatch(/error/i);
  });

  it('refuses to start Teams without an app id under NODE_ENV=production, and keeps the secret out of the message', async () => {
    const secret = 'Zq8~teams-client-secret-value';
    const result = await runCli(['serve'], {
      cwd: dir,
      env: {
        NODE_ENV: 'production',
        MICROSOFT_APP_PASSWORD: secret,
        PORT: String(await freePortInRange(BOT_PORTS)),
        DIAGBOT_DB: join(dir, 'refused.db'),
      },
    });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('MICROSOFT_APP_ID');
    expect(result.stdout + result.stderr).not.toContain(secret);
  });
});
