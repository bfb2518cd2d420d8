import type { IncomingMessage } from 'node:http';
import { App, type webApi } from '@slack/bolt';
import type { Door } from '../../src/core/chat-request';
import type { HttpHost } from '../../src/core/http-host';
import type { Logger } from '../../src/core/command';
import type { PostPort } from '../../src/core/post';
import type { Router } from '../../src/core/router';
import { boltLogger } from './bolt-logger';
import { createEventDeduper, createSharedDeduper, type SharedEventLog } from './dedupe';
import { registerDoors } from './doors';
import { createReceiver, type SlackMode } from './receiver';
import {
  createPostPort,
  isAllowedResponseUrl,
  postToResponseUrl,
  sendError,
  type ChatApi,
  type RetryPolicy,
} from './send';
import { createAckGate, createTaskTracker } from './tasks';
import { createEventsRoute } from './verify';
import { createUserGroupDirectory, withUserGroups, type UserGroup } from './user-groups';

/**
 * The Slack door (Bolt): wiring only. Receive (receiver.ts, verify.ts) → normalise (normalise.ts) → router →
 * render (render.ts) → send (send.ts). The adapter is handed the router and the shared HTTP server; it never
 * sees commands or engines.
 */

/** Measurements the adapter reports (the composition root points them at the metrics registry). */
export interface SlackObserver {
  acked?(door: Door, seconds: number): void;
}

export interface SlackAdapterConfig {
  router: Router;
  log: Logger;
  /** Needed in HTTP mode (POST /slack/events); its health registry gets `slack` in both modes. */
  http?: HttpHost;
  botToken: string;
  signingSecret?: string;
  /** Set → Socket Mode. */
  appToken?: string;
  /** Web API base URL (SLACK_API_URL); default https://slack.com/api/. */
  apiUrl?: string;
  /** Timeout and retries for the Web API and response_urls. The SDK's defaults have no timeout and retry for ~30 minutes. */
  webApi?: Partial<RetryPolicy>;
  bodyLimitBytes?: number;
  /** A request body still arriving after this long is refused with 408 (default 10 s). */
  bodyDeadlineMs?: number;
  interimAfterMs?: number;
  /** Answers worked on at once (run.ts explains why there is a bound); more wait their turn. */
  concurrentAnswers?: number;
  slashCommand?: string;
  /** /readyz turns 503 while an answer has waited longer than this for a slot (default 10 s). */
  answerQueueDeadlineMs?: number;
  /** How long stop() waits for answers still being sent. */
  stopGraceMs?: number;
  observer?: SlackObserver;
  /** Roles name Slack user groups (`S…`): look up each sender's groups (usergroups.list), cached this long. */
  userGroups?: { ttlMs: number };
  /** Shared with the other replicas (PostgreSQL); without it each process remembers its own deliveries. */
  sharedEvents?: SharedEventLog;
  now?: () => number;
  fetch?: typeof fetch;
}

export interface SlackAdapter {
  readonly mode: SlackMode;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** chat.postMessage for the digest scheduler. */
  post: PostPort;
}

export const SLACK_DEFAULTS = {
  webApi: { timeoutMs: 10_000, retries: 3, retryMinMs: 1000, retryMaxMs: 30_000 } satisfies RetryPolicy,
  bodyLimitBytes: 1024 * 1024,
  interimAfterMs: 1500,
  concurrentAnswers: 32,
  slashCommand: '/diag',
  stopGraceMs: 10_000,
  answerQueueDeadlineMs: 10_000,
} as const;

/**
 * Builds the Slack door. Nothing connects until start(): Socket Mode opens its WebSocket, HTTP mode registers
 * `POST /slack/events` on the shared server. Both check the bot token first (auth.test).
 *
 * @example
 * const slack = createSlackAdapter({ router, log, http, botToken, signingSecret });
 * await slack.start();
 */
export function createSlackAdapter(config: SlackAdapterConfig): SlackAdapter {
  const log = config.log.child({ adapter: 'slack' });
  const policy: RetryPolicy = { ...SLACK_DEFAULTS.webApi, ...config.webApi };
  const apiUrl = config.apiUrl ? (config.apiUrl.endsWith('/') ? config.apiUrl : `${config.apiUrl}/`) : undefined;
  const now = config.now ?? Date.now;
  const fetchFn = config.fetch ?? fetch;
  const logger = boltLogger(log);
  const clientOptions: webApi.WebClientOptions = {
    ...(apiUrl ? { slackApiUrl: apiUrl } : {}),
    timeout: policy.timeoutMs,
    retryConfig: {
      retries: policy.retries,
      factor: 2,
      minTimeout: policy.retryMinMs,
      maxTimeout: policy.retryMaxMs,
      randomize: true,
    },
    rejectRateLimitedCalls: false,
    logger,
  };
  const arrivals = new WeakMap<IncomingMessage, number>();
  const transport = createReceiver({
    appToken: config.appToken,
    signingSecret: config.signingSecret,
    logger,
    clientOptions,
    bodyLimitBytes: config.bodyLimitBytes ?? SLACK_DEFAULTS.bodyLimitBytes,
    arrivals,
  });
  if (transport.mode === 'http' && !config.http) throw new Error('Slack HTTP mode needs the shared HTTP server');

  const app = new App({
    token: config.botToken,
    receiver: transport.receiver,
    logger,
    clientOptions,
    // auth.test runs in start(), where a bad token can be reported, not in a constructor.
    deferInitialization: true,
  });
  // HTTP mode knows which requests still wait for their acknowledgement: answers start after them.
  const acks = createAckGate();
  const tasks = createTaskTracker(log, {
    concurrency: config.concurrentAnswers ?? SLACK_DEFAULTS.concurrentAnswers,
    gate: transport.mode === 'http' ? acks : undefined,
  });
  const slashCommand = config.slashCommand ?? SLACK_DEFAULTS.slashCommand;
  const router = config.userGroups
    ? withUserGroups(
        config.router,
        createUserGroupDirectory(() => listUserGroups(app.client), { ...config.userGroups, log, now }),
      )
    : config.router;
  registerDoors(app, {
    router,
    log,
    slashCommand,
    dedupe: config.sharedEvents
      ? createSharedDeduper(config.sharedEvents, createEventDeduper({ now }), {
          onFallback: (error) =>
            log.warn({ err: error }, 'shared Slack dedupe unavailable; this replica dedupes on its own meanwhile'),
        })
      : createEventDeduper({ now }),
    run: { router, log, interimAfterMs: config.interimAfterMs ?? SLACK_DEFAULTS.interimAfterMs, tasks },
    chat: chatApi,
    responseUrl: (url) => (body) => {
      if (!isAllowedResponseUrl(url, apiUrl))
        return Promise.reject(sendError('the response_url is not a Slack URL; not posting to it'));
      return postToResponseUrl(url, body, policy, fetchFn);
    },
    acked: config.observer?.acked,
  });

  const health = (up: boolean): void => {
    config.http?.health.set('slack', up);
    config.http?.readiness.set('slack', up, up ? undefined : 'the Slack door is not connected');
  };
  let accepting = false;
  let routed = false;
  health(false);
  // Readiness of the answers: answers waiting for a slot beyond their deadline take this replica out.
  const queueDeadlineMs = config.answerQueueDeadlineMs ?? SLACK_DEFAULTS.answerQueueDeadlineMs;
  const checkQueue = (): void => {
    const waited = tasks.oldestWaitMs();
    const ready = waited <= queueDeadlineMs;
    config.http?.readiness.set(
      'slack.answers',
      ready,
      ready ? undefined : `an answer has waited ${Math.round(waited)} ms for a slot (deadline ${queueDeadlineMs} ms)`,
    );
  };
  let queueTimer: NodeJS.Timeout | undefined;

  return {
    mode: transport.mode,
    async start() {
      try {
        await app.init();
      } catch (error) {
        throw new Error(
          `Slack: the bot token was refused or Slack could not be reached (auth.test: ${describe(error)}); check SLACK_BOT_TOKEN and SLACK_API_URL`,
          { cause: error },
        );
      }
      checkQueue();
      queueTimer ??= setInterval(checkQueue, Math.min(1000, queueDeadlineMs)).unref();
      if (transport.mode === 'socket') {
        const client = transport.receiver.client;
        client.on('connected', () => health(true));
        client.on('disconnected', () => health(false));
        try {
          await app.start();
        } catch (error) {
          throw new Error(
            `Slack: Socket Mode could not connect (apps.connections.open: ${describe(error)}); check SLACK_APP_TOKEN (an xapp- token with connections:write)`,
            { cause: error },
          );
        }
        health(true);
        log.info({ mode: 'socket' }, 'Slack door up');
        return;
      }
      if (!routed && config.http) {
        const route = createEventsRoute({
          listener: transport.receiver.requestListener,
          readBody: config.http.readBody,
          log,
          now,
          signingSecret: config.signingSecret ?? '',
          bodyLimitBytes: config.bodyLimitBytes ?? SLACK_DEFAULTS.bodyLimitBytes,
          bodyDeadlineMs: config.bodyDeadlineMs,
          accepting: () => accepting,
          arrived: (req, res) => {
            arrivals.set(req, performance.now());
            const done = acks.begin();
            res.once('finish', done);
            res.once('close', done);
          },
        });
        // A throw inside Bolt's listener becomes a rejection the shared server answers with 500.
        config.http.route('POST', '/slack/events', route);
        routed = true;
      }
      accepting = true;
      health(true);
      log.info({ mode: 'http', path: '/slack/events' }, 'Slack door up');
    },
    async stop() {
      accepting = false;
      health(false);
      clearInterval(queueTimer);
      queueTimer = undefined;
      if (transport.mode === 'socket')
        await app.stop().catch((error: unknown) => log.warn({ err: error }, 'stopping Socket Mode failed'));
      await tasks.drain(config.stopGraceMs ?? SLACK_DEFAULTS.stopGraceMs);
    },
    post: createPostPort(() => chatApi(app.client)),
  };
}

/** Bolt's WebClient → the two calls the adapter makes. Unfurls are off: a pasted URL must not expand in the answer. */
async function listUserGroups(client: App['client']): Promise<UserGroup[]> {
  const result = await client.usergroups.list({ include_users: true });
  return (result.usergroups ?? []).flatMap((g) => (g.id ? [{ id: g.id, users: g.users ?? [] }] : []));
}

function chatApi(client: App['client']): ChatApi {
  return {
    postMessage: async (args) => {
      const result = await client.chat.postMessage({ ...args, unfurl_links: false, unfurl_media: false });
      return { ts: result.ts };
    },
    update: (args) => client.chat.update(args),
  };
}

function describe(error: unknown): string {
  const code = (error as { data?: { error?: unknown }; code?: unknown } | null)?.data?.error;
  if (typeof code === 'string') return code;
  return error instanceof Error ? error.message : String(error);
}

export type { SlackMode } from './receiver';
export { renderForCli, renderReply } from './render';
