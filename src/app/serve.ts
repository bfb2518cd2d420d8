import type { SlackAdapter } from '../../adapters/slack';
import type { TeamsAdapter } from '../../adapters/teams';
import type { Config } from '../config/schema';
import type { Logger } from '../core/command';
import type { PostPort } from '../core/post';
import type { DigestRuntime } from '../digest';
import type { DigestScheduler } from '../digest/scheduler';
import { createHttpServer, type HttpServer } from '../http/server';
import { installLastResort } from '../log/last-resort';
import type { PostgresStore } from '../store/postgres';
import type { Store } from '../store/types';
import type { App } from './create-app';

/** `diagbot serve` running: what a test drives and what stops it. */
export interface Serving {
  port: number;
  http: HttpServer;
  slack?: SlackAdapter;
  teams?: TeamsAdapter;
  digests: DigestRuntime;
  /** Stops the adapters and the scheduler (in reverse order), then the HTTP host. The store stays for `app.close()`. */
  stop(): Promise<void>;
}

/**
 * One HTTP server and port for every adapter. Each configured platform adapter (Slack, Teams) and the digest
 * scheduler is started here, registers its routes and health, and is stopped in reverse order. Platform SDKs
 * load here only, and only when their adapter starts.
 */
export async function startServing(app: App, digestSlot: { scheduler?: DigestScheduler }): Promise<Serving> {
  const { config, log, metrics } = app;
  // First, before any adapter opens: a damaged or foreign database (or a PostgreSQL URL that does not work)
  // stops the start with the store's own message.
  const store = await app.store.open();
  // Nothing a client sends may end the process: what escapes every adapter's own handling is logged, counted, survived.
  const removeLastResort = installLastResort(log, (kind) => metrics.countUnhandled(kind));
  const http = createHttpServer({
    port: config.http.port,
    host: config.http.host,
    log,
    metrics: () => metrics.render(),
    health: app.health,
    readiness: app.readiness,
  });
  app.health.set('store', true);
  app.readiness.set('store', true);
  const storeCheck = setInterval(() => app.store.check(), 10_000).unref();
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async (): Promise<void> => {
    for (const stop of stops.reverse())
      await stop().catch((error: unknown) => log.error({ err: error }, 'stopping an adapter failed'));
  };
  const release = (): void => {
    clearInterval(storeCheck);
    removeLastResort();
  };
  try {
    const running = await startAll(app, http, store, stops, digestSlot);
    let stopped: Promise<void> | undefined;
    return {
      ...running,
      http,
      stop: () =>
        (stopped ??= (async () => {
          await stopAll();
          await http.close();
          release();
        })()),
    };
  } catch (error) {
    // A refused token or a port in use: what did start stops again, so nothing is left behind.
    await stopAll();
    release();
    throw error;
  }
}

/** The adapters, the scheduler and the port; each started piece leaves its stop in `stops`. */
async function startAll(
  app: App,
  http: HttpServer,
  store: Store,
  stops: Array<() => Promise<void>>,
  digestSlot: { scheduler?: DigestScheduler },
): Promise<Omit<Serving, 'http' | 'stop'>> {
  const { config, log } = app;
  const shared = app.store.postgres ? await app.store.postgres() : undefined;
  if (shared) {
    reportStore(shared, http, log);
    // As the SQLite audit store does when it opens: rows past the retention go at start.
    const removed = await shared.audit.prune(new Date(Date.now() - config.audit.retentionDays * 86_400_000));
    if (removed > 0) log.info({ removed, retentionDays: config.audit.retentionDays }, 'old audit rows deleted');
  }
  const ports: PostPort[] = [];
  const slack = await startSlack(app, http, shared);
  if (slack) {
    stops.push(() => slack.stop());
    ports.push(slack.post);
  }
  const teams = await startTeams(app, http, store);
  if (teams) {
    stops.push(() => teams.stop());
    ports.push(teams.post);
  }
  // The digest scheduler (src/digest): runs each digest's checks through the router, posts through the adapters.
  const { createDigestRuntime } = await import('../digest');
  const digests = createDigestRuntime({
    store,
    settings: config.digest,
    runCommand: (_text, request, signal) => app.router.handle(request, signal),
    ports,
    log,
    timers: app.overrides.timers,
    now: app.overrides.now,
    onHealth: (up) => {
      http.health.set('scheduler', up);
      http.readiness.set('scheduler', up, up ? undefined : 'the scheduler is stopped or cannot reach the store');
    },
    available: shared?.availability.up,
  });
  await digests.scheduler.start();
  digestSlot.scheduler = digests.scheduler;
  stops.push(async () => {
    digestSlot.scheduler = undefined;
    await digests.scheduler.stop();
  });
  // Back from an outage: catch up at once instead of at the next wake-up.
  shared?.availability.onChange((up) => {
    if (up) void digests.scheduler.tick();
  });

  const { port } = await http.listen();
  log.info({ port, components: http.health.snapshot() }, 'diagbot serving');
  return { port, slack, teams, digests };
}

/**
 * PostgreSQL's availability → /readyz `store` (503 while it is away) and the log. The replica keeps serving
 * checks that need no store; nothing restarts.
 */
function reportStore(store: PostgresStore, http: HttpServer, log: Logger): void {
  store.availability.onChange((up, error) => {
    http.readiness.set('store', up, up ? undefined : 'database unreachable');
    if (up) log.info({ database: store.shown }, 'the database is reachable again; resuming');
    else
      log.error(
        { database: store.shown, err: error },
        'the database is unreachable; answering store.unavailable and pausing the scheduler until it returns',
      );
  });
}

/** Slack over HTTP (signing secret) or Socket Mode (app token); a bot token is needed either way. */
export function slackConfigured(config: Config): boolean {
  return Boolean(config.slack.botToken && (config.slack.signingSecret || config.slack.appToken));
}

async function startSlack(app: App, http: HttpServer, shared?: PostgresStore): Promise<SlackAdapter | undefined> {
  const slackConfig = app.config.slack;
  if (!slackConfig.botToken || !slackConfigured(app.config)) return undefined;
  const { createSlackAdapter } = await import('../../adapters/slack');
  const slack = createSlackAdapter({
    router: app.router,
    log: app.log,
    http,
    botToken: slackConfig.botToken,
    signingSecret: slackConfig.signingSecret,
    appToken: slackConfig.appToken,
    apiUrl: slackConfig.apiUrl,
    webApi: {
      timeoutMs: slackConfig.apiTimeoutMs,
      retries: slackConfig.apiRetries,
      retryMinMs: slackConfig.apiRetryMinMs,
      retryMaxMs: slackConfig.apiRetryMaxMs,
    },
    bodyLimitBytes: slackConfig.bodyLimitBytes,
    bodyDeadlineMs: slackConfig.bodyDeadlineMs,
    interimAfterMs: slackConfig.interimAfterMs,
    concurrentAnswers: slackConfig.concurrentAnswers,
    slashCommand: slackConfig.command,
    observer: { acked: (door, seconds) => app.metrics.observeAck('slack', door, seconds) },
    userGroups: namesSlackUserGroups(app.config) ? { ttlMs: slackConfig.userGroupsTtlSeconds * 1000 } : undefined,
    sharedEvents: shared?.events,
    ...app.overrides.slack,
  });
  // A refused token fails the start (fail fast, like a bad config value).
  await slack.start();
  return slack;
}

/** Roles that name a Slack user group (`S…`) need each sender's groups from the Web API. */
function namesSlackUserGroups(config: Config): boolean {
  return [...config.roles.admins, ...config.roles.operators].some((id) => /^S[A-Z0-9]{2,}$/.test(id));
}

/**
 * Fail closed: Teams starts only when configured, with an app id, or without one when
 * `teams.allowUnauthenticated` says so explicitly (then start() also insists on a loopback `http.host`).
 * Stray settings without an app id start it too, so that start() refuses them with the variable to set.
 */
function teamsWanted(config: Config): boolean {
  const teams = config.teams;
  return Boolean(teams.appId || teams.appPassword || teams.tenantId || teams.appType || teams.allowUnauthenticated);
}

async function startTeams(app: App, http: HttpServer, store: Store): Promise<TeamsAdapter | undefined> {
  const teamsConfig = app.config.teams;
  if (!teamsWanted(app.config)) return undefined;
  const { createTeamsAdapter } = await import('../../adapters/teams');
  const teams = createTeamsAdapter({
    router: app.router,
    http,
    log: app.log,
    appId: teamsConfig.appId,
    appPassword: teamsConfig.appPassword,
    tenantId: teamsConfig.tenantId,
    appType: teamsConfig.appType,
    allowUnauthenticated: teamsConfig.allowUnauthenticated,
    listenHost: app.config.http.host,
    interimAfterMs: teamsConfig.interimAfterMs,
    references: store.conversations,
    ...app.overrides.teams,
  });
  await teams.start();
  return teams;
}
