import { EXIT } from '../adapters/cli/exit-code';
import type { App } from './app';
import { runtimeInfo } from './config/load';
import type { Config } from './config/schema';
import type { PostPort } from './core/post';
import type { HttpServer } from './http/server';
import type { Metrics } from './metrics';
import type { Store } from './store/types';

/** A door that is up: how to stop it, and how the scheduler posts through it without a user message. */
interface StartedDoor {
  stop(): Promise<void>;
  post: PostPort;
}

/** Slack over HTTP (signing secret) or Socket Mode (app token); a bot token is needed either way. */
export function slackConfigured(config: Config): boolean {
  return Boolean(config.slack.botToken && (config.slack.signingSecret || config.slack.appToken));
}

/**
 * `diagbot serve`: one HTTP server and port for every door. Each door (Slack, Teams) and the scheduler is
 * started here when configured, registers its routes and health, and is stopped in reverse order on
 * SIGINT or SIGTERM. Platform SDKs are imported here only, and only when their door starts.
 */
export async function serve(app: App): Promise<number> {
  // First, before any door opens: a damaged or foreign database stops the start with the store's own message.
  const store = await app.store();
  const { createHttpServer } = await import('./http/server');
  // GET /metrics (src/metrics): every handled request is counted through the router's completed listeners.
  const { createMetrics } = await import('./metrics');
  const metrics = createMetrics();
  app.completedListeners.push((event) => metrics.onCompleted(event));
  const http = createHttpServer({ port: app.config.http.port, host: app.config.http.host, log: app.log, metrics: () => metrics.render() });

  const doors: StartedDoor[] = [];
  for (const start of [() => startSlack(app, http, metrics), () => startTeams(app, http, store)]) {
    const door = await start();
    if (door) doors.push(door);
  }
  const stops = doors.map((door) => () => door.stop());
  // The digest scheduler (src/digest): runs each digest's checks through the router, posts through the doors.
  const { createDigestRuntime } = await import('./digest');
  const digests = createDigestRuntime({
    store,
    settings: app.config.digest,
    runCommand: (_text, request, signal) => app.router.handle(request, signal),
    ports: doors.map((door) => door.post),
    log: app.log,
    onHealth: (up) => http.health.set('scheduler', up),
  });
  await digests.scheduler.start();
  stops.push(() => digests.scheduler.stop());

  const { port } = await http.listen();
  app.log.info({ port, components: http.health.snapshot() }, 'diagbot serving');
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  for (const stop of stops.reverse()) await stop().catch((error: unknown) => app.log.error({ err: error }, 'stopping a door failed'));
  await http.close();
  return EXIT.ok;
}

async function startSlack(app: App, http: HttpServer, metrics: Metrics): Promise<StartedDoor | undefined> {
  const slackConfig = app.config.slack;
  if (!slackConfig.botToken || !slackConfigured(app.config)) return undefined;
  const { createSlackAdapter } = await import('../adapters/slack');
  const slack = createSlackAdapter({
    router: app.router,
    log: app.log,
    http,
    botToken: slackConfig.botToken,
    signingSecret: slackConfig.signingSecret,
    appToken: slackConfig.appToken,
    apiUrl: slackConfig.apiUrl,
    webApi: { timeoutMs: slackConfig.apiTimeoutMs, retries: slackConfig.apiRetries, retryMinMs: slackConfig.apiRetryMinMs, retryMaxMs: slackConfig.apiRetryMaxMs },
    bodyLimitBytes: slackConfig.bodyLimitBytes,
    interimAfterMs: slackConfig.interimAfterMs,
    concurrentAnswers: slackConfig.concurrentAnswers,
    slashCommand: slackConfig.command,
    observer: { acked: (door, seconds) => metrics.observeAck('slack', door, seconds) },
  });
  // A refused token fails the start (fail fast, like a bad config value).
  await slack.start();
  return { stop: () => slack.stop(), post: slack.post };
}

/**
 * Teams starts with an app id, or without one outside production (local development mode, loopback service
 * URLs only). Under NODE_ENV=production, Teams settings without an app id make start() refuse.
 */
function teamsWanted(config: Config): boolean {
  const teams = config.teams;
  const anySetting = Boolean(teams.appId || teams.appPassword || teams.tenantId || teams.appType || teams.allowUnauthenticated);
  return anySetting || runtimeInfo().nodeEnv !== 'production';
}

async function startTeams(app: App, http: HttpServer, store: Store): Promise<StartedDoor | undefined> {
  const teamsConfig = app.config.teams;
  if (!teamsWanted(app.config)) return undefined;
  const { createTeamsAdapter } = await import('../adapters/teams');
  const teams = createTeamsAdapter({
    router: app.router,
    http,
    log: app.log,
    appId: teamsConfig.appId,
    appPassword: teamsConfig.appPassword,
    tenantId: teamsConfig.tenantId,
    appType: teamsConfig.appType,
    allowUnauthenticated: teamsConfig.allowUnauthenticated,
    nodeEnv: runtimeInfo().nodeEnv,
    slowAfterMs: teamsConfig.interimAfterMs,
    references: store.conversations,
  });
  await teams.start();
  return { stop: () => teams.stop(), post: teams.post };
}
