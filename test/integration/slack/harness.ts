import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { createSlackAdapter, type SlackAdapter } from '../../../adapters/slack';
import { createCommands } from '../../../commands';
import { parseConfig } from '../../../src/config/load';
import type { Command } from '../../../src/core/command';
import { makeReply, type Finding, type Severity } from '../../../src/core/reply';
import { createRouter, type CompletedEvent, type Router } from '../../../src/core/router';
import { applyCommandRoles, createRoleOf, type RoleRules } from '../../../src/guard/roles';
import { createHttpServer, type HttpServer } from '../../../src/http/server';
import { withSecretScrub } from '../../../src/guard/scrub';
import { silentLogger } from '../../../src/log/logger';
import { createMetrics, type Metrics } from '../../../src/metrics';
import { createTargetPolicy } from '../../../src/net/policy';
import { systemResolver } from '../../../src/net/resolver';
import { startSlackCapture, type SlackCapture } from '../../helpers/slack-capture';
import { fakeId } from '../../helpers/finding-id';

/**
 * The bot in HTTP mode on loopback, as `diagbot serve` wires it: the real shared HTTP server, the real router
 * built from `createCommands` (plus a few test commands), Bolt, and the capture server standing in for Slack.
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
  router: Router;
  metrics: Metrics;
  completed: CompletedEvent[];
  slow: { started: number; finished: number };
  /** True when the real `explain` command exists (otherwise a stand-in echoes the text it was given). */
  realExplain: boolean;
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
  /** Wrap the router as src/main.ts does: these secrets are scrubbed from requests and replies. */
  secrets?: string[];
  /** Test commands beside the built-in ones. */
  commands?: Command[];
  concurrentAnswers?: number;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const log = silentLogger();
  const ports = options.ports ?? PORTS;
  const capture = await startSlackCapture(ports);
  const config = parseConfig({});
  const net = { policy: createTargetPolicy(config.targets), resolver: systemResolver, timeouts: config.timeouts };
  const real = createCommands({ config, net, log, now: () => new Date() });
  const realExplain = real.some((c) => c.name === 'explain');
  const slow = { started: 0, finished: 0 };
  const all: Command[] = [...(options.commands ?? []), slowCommand(slow), manyCommand, ...(realExplain ? [] : [explainStandIn]), ...real];
  const commands = options.roles ? applyCommandRoles(all, options.roles.commands) : all;
  const metrics = createMetrics({ defaultMetrics: false });
  const completed: CompletedEvent[] = [];
  const routed = createRouter({
    commands,
    log,
    // What src/main.ts's router does for DMs and mentions: text that looks like an error goes to explain.
    fallback: { command: 'explain', accepts: (text) => /error|exception|denied|failed|hresult|0x[0-9a-f]{8}/i.test(text) },
    hooks: {
      roleOf: options.roles ? createRoleOf(options.roles) : undefined,
      completed(event) {
        completed.push(event);
        metrics.onCompleted(event);
      },
    },
  });
  const router = options.secrets ? withSecretScrub(routed, options.secrets) : routed;

  let http: HttpServer | undefined;
  let port = 0;
  for (let attempt = 0; attempt < 50 && !http; attempt += 1) {
    const candidate = createHttpServer({ port: ports.from + Math.floor(Math.random() * (ports.to - ports.from + 1)), host: '127.0.0.1', log, metrics: () => metrics.render() });
    try {
      port = (await candidate.listen()).port;
      http = candidate;
    } catch {
      // taken by another suite; try another port in the range
    }
  }
  if (!http) throw new Error(`no free port for the HTTP server in ${ports.from}-${ports.to}`);

  const adapter = createSlackAdapter({
    router,
    log,
    http,
    botToken: 'xoxb-test-token',
    signingSecret: SECRET,
    apiUrl: capture.apiUrl,
    webApi: { timeoutMs: 2000, retries: 3, retryMinMs: 20, retryMaxMs: 200 },
    interimAfterMs: options.interimAfterMs ?? 150,
    bodyLimitBytes: options.bodyLimitBytes ?? 64 * 1024,
    stopGraceMs: 3000,
    concurrentAnswers: options.concurrentAnswers,
    observer: { acked: (door, seconds) => metrics.observeAck('slack', door, seconds) },
    userGroups: options.userGroupsTtlMs === undefined ? undefined : { ttlMs: options.userGroupsTtlMs },
  });
  await adapter.start();
  const base = `http://127.0.0.1:${port}`;
  const server = http;
  return {
    capture,
    base,
    events: `${base}/slack/events`,
    http: server,
    adapter,
    router,
    metrics,
    completed,
    slow,
    realExplain,
    async stop() {
      await adapter.stop();
      await server.close();
      await capture.close();
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
    args: z.object({ positional: z.array(z.string()).max(0), ms: z.string().regex(/^\d+$/).optional().describe('how long to take') }),
    async run(args, ctx) {
      counter.started += 1;
      await sleep(Math.min(Number(args.ms ?? 500), 10_000), undefined, { signal: ctx.signal });
      counter.finished += 1;
      return makeReply({ command: 'slow', title: 'done waiting', findings: [{ id: fakeId('slow.done'), severity: 'ok', message: 'Finished.' }] });
    },
  };
}

/** `many --count 120`: a reply too big for one Slack message, a failure buried among infos. */
const manyCommand: Command<{ positional: string[]; count?: string }> = {
  name: 'many',
  summary: 'Answer with many findings (test command).',
  usage: 'many --count <n>',
  examples: ['many --count 120'],
  args: z.object({ positional: z.array(z.string()).max(0), count: z.string().regex(/^\d+$/).optional().describe('how many findings') }),
  async run(args) {
    const count = Math.min(Number(args.count ?? 100), 500);
    const findings: Finding[] = Array.from({ length: count }, (_, i) => {
      const severity: Severity = i === count - 1 ? 'fail' : 'info';
      return { id: fakeId(`many.f${i}`), severity, message: `Finding ${i} of ${count}.` };
    });
    return makeReply({ command: 'many', title: `${count} findings`, findings, actions: [{ label: 'Check again', command: `many --count ${count}` }] });
  },
};

/** Stands in for `explain` while that command does not exist yet: echoes the first line it was given. */
const explainStandIn: Command<{ text: string }> = {
  name: 'explain',
  summary: 'Explain an error message (test stand-in).',
  usage: 'explain <error text>',
  examples: ['explain 0x80070005'],
  input: 'verbatim',
  args: z.object({ text: z.string() }),
  async run(args) {
    const first = args.text.split('\n')[0] ?? '';
    return makeReply({
      command: 'explain',
      title: `No match for: ${first}`,
      findings: [{ id: 'explain.no-match', severity: 'info', message: `Nothing known about: ${args.text}` }],
      data: { matches: [], codes: [], entities: {}, followUps: [] },
    });
  },
};
