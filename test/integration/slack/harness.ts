import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import type { SlackAdapter } from '../../../adapters/slack';
import { createApp, type App } from '../../../src/app/create-app';
import type { Serving } from '../../../src/app/serve';
import { parseConfig } from '../../../src/config/load';
import type { Command } from '../../../src/core/command';
import { makeReply, type Finding, type Severity } from '../../../src/core/reply';
import type { CompletedEvent, Router } from '../../../src/core/router';
import type { RoleRules } from '../../../src/guard/roles';
import type { HttpServer } from '../../../src/http/server';
import { silentLogger } from '../../../src/log/logger';
import { createMetrics, type Metrics } from '../../../src/metrics';
import { startSlackCapture, type SlackCapture } from '../../helpers/slack-capture';
import { fakeId } from '../../helpers/finding-id';

/**
 * The bot in HTTP mode on loopback, as `diagbot serve` runs it: `createApp` with the real commands (plus a few
 * test commands) and `app.serve()` (the shared HTTP server, Bolt, the scheduler), with the capture server
 * standing in for Slack. The rate limits are set out of reach: these suites test the door, not the limits.
 */

export const SECRET = 'test-signing-secret-0123456789abcdef';
const PORTS = { from: 24000, to: 24999 };

export interface Harness {
  capture: SlackCapture;
  /** http://127.0.0.1:<port> */
  base: string;
  events: string;
  http: HttpServer;
  adapter: SlackAdapter;
  app: App;
  router: Router;
  metrics: Metrics;
  completed: CompletedEvent[];
  slow: { started: number; finished: number };
  stop(): Promise<void>;
}

export interface HarnessOptions {
  interimAfterMs?: number;
  bodyLimitBytes?: number;
  /** Roles as `roles:` in the config; without them everyone may run everything. */
  roles?: RoleRules;
  /** The Slack door looks up user groups (usergroups.list), cached this long. */
  userGroupsTtlMs?: number;
  /** Ports for the capture server and the bot (default 24000-24999). */
  ports?: { from: number; to: number };
  /** Scrubbed from requests and replies beside the configured secrets (the tokens above). */
  secrets?: string[];
  /** Test commands beside the built-in ones. */
  commands?: Command[];
  concurrentAnswers?: number;
}

const OUT_OF_REACH = { points: 100_000, durationSeconds: 1 };
const EVERY_COMMAND = ['cert', 'relay', 'ou', 'mail', 'explain', 'headers', 'digest', 'audit', 'help'];

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const ports = options.ports ?? PORTS;
  const capture = await startSlackCapture(ports);
  const dir = mkdtempSync(join(tmpdir(), 'diagbot-slack-harness-'));
  const slow = { started: 0, finished: 0 };
  const metrics = createMetrics({ defaultMetrics: false });
  const completed: CompletedEvent[] = [];
  // Without roles every command is open to everyone: these suites test the door, not the roles.
  const roles = options.roles ?? {
    admins: [],
    operators: [],
    commands: Object.fromEntries(EVERY_COMMAND.map((name) => [name, 'everyone'])),
  };

  let app: App | undefined;
  let serving: Serving | undefined;
  for (let attempt = 0; attempt < 50 && !serving; attempt += 1) {
    const config = parseConfig({
      http: { host: '127.0.0.1', port: ports.from + Math.floor(Math.random() * (ports.to - ports.from + 1)) },
      store: { path: join(dir, 'diagbot.db') },
      roles,
      limits: { perUser: OUT_OF_REACH, perChannel: OUT_OF_REACH, concurrentPerTarget: 1000 },
      slack: {
        apiUrl: capture.apiUrl,
        apiTimeoutMs: 2000,
        apiRetries: 3,
        apiRetryMinMs: 20,
        apiRetryMaxMs: 200,
        interimAfterMs: options.interimAfterMs ?? 150,
        bodyLimitBytes: options.bodyLimitBytes ?? 64 * 1024,
        ...(options.concurrentAnswers === undefined ? {} : { concurrentAnswers: options.concurrentAnswers }),
      },
    });
    // Tokens come from the environment only (loadConfig refuses them in a file); a test sets them here.
    config.slack.botToken = 'xoxb-test-token';
    config.slack.signingSecret = SECRET;
    app = await createApp(config, {
      serving: true,
      log: silentLogger(),
      metrics,
      commands: [...(options.commands ?? []), slowCommand(slow), manyCommand],
      listeners: [(event) => void completed.push(event)],
      secrets: options.secrets,
      slack: {
        stopGraceMs: 3000,
        ...(options.userGroupsTtlMs === undefined ? {} : { userGroups: { ttlMs: options.userGroupsTtlMs } }),
      },
    });
    try {
      serving = await app.serve();
    } catch (error) {
      await app.close();
      // Taken by another suite: try another port in the range.
      if ((error as { code?: unknown }).code !== 'EADDRINUSE') throw error;
    }
  }
  if (!app || !serving?.slack) throw new Error(`no free port for the HTTP server in ${ports.from}-${ports.to}`);
  const base = `http://127.0.0.1:${serving.port}`;
  const running = serving;
  const built = app;
  return {
    capture,
    base,
    events: `${base}/slack/events`,
    http: running.http,
    adapter: running.slack as SlackAdapter,
    app: built,
    router: built.router,
    metrics,
    completed,
    slow,
    async stop() {
      await running.stop();
      await built.close();
      await capture.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `slow --ms 800`: a check that takes a while, honouring the abort signal. */
function slowCommand(counter: { started: number; finished: number }): Command<{ positional: string[]; ms?: string }> {
  return {
    name: 'slow',
    summary: 'Wait a while, then answer (test command).',
    usage: 'slow --ms <milliseconds>',
    examples: ['slow --ms 500'],
    args: z.object({
      positional: z.array(z.string()).max(0),
      ms: z.string().regex(/^\d+$/).optional().describe('how long to take'),
    }),
    async run(args, ctx) {
      counter.started += 1;
      await sleep(Math.min(Number(args.ms ?? 500), 10_000), undefined, { signal: ctx.signal });
      counter.finished += 1;
      return makeReply({
        command: 'slow',
        title: 'done waiting',
        findings: [{ id: fakeId('slow.done'), severity: 'ok', message: 'Finished.' }],
      });
    },
  };
}

/** `many --count 120`: a reply too big for one Slack message, a failure buried among infos. */
const manyCommand: Command<{ positional: string[]; count?: string }> = {
  name: 'many',
  summary: 'Answer with many findings (test command).',
  usage: 'many --count <n>',
  examples: ['many --count 120'],
  args: z.object({
    positional: z.array(z.string()).max(0),
    count: z.string().regex(/^\d+$/).optional().describe('how many findings'),
  }),
  async run(args) {
    const count = Math.min(Number(args.count ?? 100), 500);
    const findings: Finding[] = Array.from({ length: count }, (_, i) => {
      const severity: Severity = i === count - 1 ? 'fail' : 'info';
      return { id: fakeId(`many.f${i}`), severity, message: `Finding ${i} of ${count}.` };
    });
    return makeReply({
      command: 'many',
      title: `${count} findings`,
      findings,
      actions: [{ label: 'Check again', command: `many --count ${count}` }],
    });
  },
};
