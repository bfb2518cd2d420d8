import { runChat, runOnce, type CliOptions, type PlatformRenderer } from '../adapters/cli';
import { parseProgramArgs, PROGRAM_USAGE, type ProgramArgs } from '../adapters/cli/argv';
import { EXIT, exitCodeOfError } from '../adapters/cli/exit-code';
import { createCommands } from '../commands';
import { createAuditRecorder } from './audit/recorder';
import type { AuditStore } from './store/audit-types';
import { databaseUrlPassword, loadConfig } from './config/load';
import type { Config } from './config/schema';
import type { Logger } from './core/command';
import type { PostPort } from './core/post';
import { findingErrorReply } from './core/error-reply';
import { isDiagError } from './core/errors';
import { createRouter, type CompletedEvent, type Router } from './core/router';
import { createDirectory, type Directory } from './directory/client';
import { missingDirectorySettings } from './directory/settings';
import { createGuard } from './guard/guard';
import type { LimiterFactory } from './guard/limits';
import { secretScrubber, withSecretScrub } from './guard/scrub';
import { isHeaderBlock } from './headers';
import type { HttpServer } from './http/server';
import { looksLikeError } from './kb';
import { createLogger } from './log/logger';
import type { Metrics } from './metrics';
import type { NetContext } from './net/connect';
import { createTargetPolicy } from './net/policy';
import { systemResolver } from './net/resolver';
import { openAuditStore } from './store/audit-store';
import { createStoreGuard, type StoreGuard, type StoreStateListener } from './store/guarded';
import type { PostgresStore } from './store/postgres';
import type { Store } from './store/types';

/**
 * The composition root: reads the command line, builds the app (config, guard rails, commands, router) and
 * runs the mode asked for: one command, the terminal chat, or `serve`, which alone imports the platform SDKs.
 */
export async function main(argv: readonly string[]): Promise<number> {
  let args: ProgramArgs;
  try {
    args = parseProgramArgs(argv);
  } catch (error) {
    if (!isDiagError(error, 'args.program')) throw error;
    process.stderr.write(`diagbot: ${error.message}\n${PROGRAM_USAGE}\n`);
    return exitCodeOfError(error);
  }
  const structured = args.output !== 'text';

  let app: App;
  try {
    app = buildApp({ configFile: args.configFile, verbose: args.verbose, quietCli: args.mode.kind === 'once' || args.mode.kind === 'chat' });
  } catch (error) {
    if (!isDiagError(error, 'config.invalid')) throw error;
    if (structured) {
      process.stdout.write(`${JSON.stringify(findingErrorReply('config', error), null, 2)}\n`);
    } else {
      process.stderr.write(`diagbot: ${error.message}\n`);
    }
    return exitCodeOfError(error);
  }

  const { config, router, log } = app;
  const cli: CliOptions = {
    router,
    io: { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr },
    output: args.output,
    color: Boolean(process.stdout.isTTY) && config.terminal.color,
    loadRenderer,
  };
  try {
    switch (args.mode.kind) {
      case 'once':
        return await runOnce(args.mode.text, cli);
      case 'chat':
        return await runChat(cli);
      case 'serve':
        return await serve(app);
      case 'start':
        return hasPlatformCredentials(config) ? await serve(app) : await runChat(cli);
      default: {
        const unreachable: never = args.mode;
        throw new Error(`unknown mode ${JSON.stringify(unreachable)}`);
      }
    }
  } catch (error) {
    log.error({ err: error }, 'diagbot stopped on an unexpected error');
    process.stderr.write(`diagbot: ${(error as Error).message}\n`);
    return EXIT.error;
  } finally {
    // An open LDAP connection would keep the process alive after the last reply.
    await app.directory?.close();
    await app.closeStore();
  }
}

/** `diagbot` with no arguments serves when a platform is configured, and opens the terminal chat otherwise. */
function hasPlatformCredentials(config: Config): boolean {
  return slackConfigured(config) || Boolean(config.teams.appId);
}

/** `--format slack|teams`: the platform renderers load only when asked for. */
async function loadRenderer(format: 'slack' | 'teams'): Promise<PlatformRenderer> {
  switch (format) {
    case 'slack':
      return (await import('../adapters/slack/render')).renderForCli;
    case 'teams':
      return (await import('../adapters/teams/render')).renderCard;
    default:
      throw new Error(`the ${format} renderer is not built yet`);
  }
}

/** What every adapter shares: the config, the router with its guard rails, and the resources to close at exit. */
interface App {
  config: Config;
  router: Router;
  log: Logger;
  completedListeners: Array<(event: CompletedEvent) => void | Promise<void>>;
  /** Told when a command changed a digest (serve's scheduler reschedules at once). */
  digestListeners: Array<() => void>;
  directory?: Directory;
  /** The store (digests, runs, Teams conversation references), opened on first use; the same one every time. */
  store: () => Promise<Store>;
  closeStore: () => Promise<void>;
  /** Turns store failures into `store.unavailable`; `serve` points `storeState.listener` at /healthz and /readyz. */
  storeGuard: StoreGuard;
  storeState: { listener?: StoreStateListener };
}

interface AppOptions {
  configFile?: string;
  /** The terminal's one-shot and chat modes: silent logs (unless verbose) and no new audit database. */
  quietCli: boolean;
  verbose: boolean;
}

/**
 * Loads the config once and builds the commands and the router with its guard rails. Throws a DiagError
 * `config.invalid` on settings that cannot run.
 */
function buildApp(options: AppOptions): App {
  const config = loadConfig({ file: options.configFile });
  const { quietCli } = options;
  const secrets = [config.ldap.password, config.slack.botToken, config.slack.signingSecret, config.slack.appToken, config.teams.appPassword,
    databaseUrlPassword(config.store.url)]
    .filter((s): s is string => typeof s === 'string');
  const log = createLogger({
    level: quietCli && !options.verbose ? 'silent' : config.log.level,
    secrets,
  });
  const net = {
    policy: createTargetPolicy(config.targets),
    resolver: systemResolver,
    timeouts: config.timeouts,
  };
  const now = (): Date => new Date();
  // A full disk or a deleted database file is reported as store.unavailable and on /healthz and /readyz (SQLite).
  const storeState: App['storeState'] = {};
  const storeGuard = createStoreGuard(config.store.path, (up, reason) => storeState.listener?.(up, reason));
  // Opened on first use only: `diagbot help` never opens (or creates) a database. `store.url` → PostgreSQL,
  // shared by every replica (src/store/postgres); otherwise the SQLite file.
  let opened: Promise<Store> | undefined;
  const { url } = config.store;
  const store = (): Promise<Store> => (opened ??= url
    ? import('./store/postgres').then((m) => m.openPostgresStore(url, { connectTimeoutMs: 2000 }))
    : import('./store').then((m) => storeGuard.guard<Store>(m.openSqliteStore(config.store.path))));
  const closeStore = async (): Promise<void> => (await opened?.catch(() => undefined))?.close();
  const postgres = url ? async (): Promise<PostgresStore> => (await store()) as PostgresStore : undefined;
  // Guard rails (src/guard): roles, rate limits, port allow-lists; the terminal records into an existing database only.
  const audit = postgres ? sharedAudit(postgres) : storeGuard.guard(openAuditStore({ path: config.store.path, create: !quietCli, retentionDays: config.audit.retentionDays, now, log }));
  const limiters = postgres ? sharedLimiters(postgres) : undefined;
  const guard = createGuard({ roles: config.roles, limits: config.limits, limiters, ports: config.targets.ports, policy: net.policy, log });
  const directory = buildDirectory(config, net, log);
  // `digest` validates and runs its checks through the router, which is built from the commands: bound late.
  const late: { router?: Router } = {};
  const digestListeners: Array<() => void> = [];
  const digestsChanged = (): void => {
    for (const listener of digestListeners) listener();
  };
  const commands = guard.applyRoles(createCommands({ config, net, log, now, audit, directory, store, router: () => late.router, digestsChanged }));
  // Listeners for every handled request (metrics, audit); each is isolated by the router's own try/catch.
  const completedListeners: Array<(event: CompletedEvent) => void | Promise<void>> = [
    createAuditRecorder({ store: audit, scrub: secretScrubber(secrets), now, log }),
  ];
  const hooks = guard.routerHooks(completedListeners);
  // Replies are scrubbed of the configured secrets, whatever a command or a user put in them.
  const router = withSecretScrub(createRouter({ commands, log, now, hooks, runbooks: config.links, fallback: { command: 'explain', accepts: (text) => looksLikeError(text) || isHeaderBlock(text) } }), secrets);
  late.router = router;
  return { config, router, log, completedListeners, digestListeners, directory, store, closeStore, storeGuard, storeState };
}

/** The audit trail in PostgreSQL: every replica writes to and reads from one trail. */
function sharedAudit(postgres: () => Promise<PostgresStore>): AuditStore {
  return {
    append: async (row) => (await postgres()).audit.append(row),
    query: async (query) => (await postgres()).audit.query(query),
    prune: async (before) => (await postgres()).audit.prune(before),
  };
}

/** Rate-limit counters shared by every replica (src/store/postgres/rate-limits.ts); the library loads on first use. */
function sharedLimiters(postgres: () => Promise<PostgresStore>): LimiterFactory {
  return async (lib, spec) => {
    const { pgLimiterFactory } = await import('./store/postgres/rate-limits');
    return pgLimiterFactory(async () => (await postgres()).limiterClient)(lib, spec);
  };
}

/** The directory for `ou`: built once, connected on first use and reused; absent while `ldap` settings are missing. */
function buildDirectory(config: Config, net: NetContext, log: Logger): Directory | undefined {
  const { url, baseDn, bindDn, password } = config.ldap;
  if (!url || !baseDn || !bindDn || !password || missingDirectorySettings(config.ldap).length > 0) return undefined;
  const { startTls, sizeLimit, pageSize } = config.ldap;
  const caFiles = [...config.tls.extraCaFiles, ...config.ldap.caFiles];
  return createDirectory({ url, baseDn, bindDn, password, caFiles, startTls, sizeLimit, pageSize }, net, log);
}

/**
 * A platform adapter that is up: how to stop it, and how the scheduler posts through it without a user message.
 * ("Door" names how a message came in, `ChatRequest.door`: command, DM, mention …; a platform is an adapter.)
 */
interface StartedAdapter {
  stop(): Promise<void>;
  post: PostPort;
}

/** Slack over HTTP (signing secret) or Socket Mode (app token); a bot token is needed either way. */
function slackConfigured(config: Config): boolean {
  return Boolean(config.slack.botToken && (config.slack.signingSecret || config.slack.appToken));
}

/**
 * `diagbot serve`: one HTTP server and port for every adapter. Each platform adapter (Slack, Teams) and the scheduler is
 * started here when configured, registers its routes and health, and is stopped in reverse order on
 * SIGINT or SIGTERM. Platform SDKs are imported here only, and only when their adapter starts.
 */
async function serve(app: App): Promise<number> {
  // First, before any adapter opens: a damaged or foreign database stops the start with the store's own message.
  let store: Store;
  try {
    store = await app.store();
  } catch (error) {
    // A PostgreSQL URL that does not work is a configuration problem: one line, EX_CONFIG, and no retry loop.
    if (!isDiagError(error, 'store.config')) throw error;
    process.stderr.write(`diagbot: ${error.message}\n`);
    return exitCodeOfError(error);
  }
  const { createHttpServer } = await import('./http/server');
  // GET /metrics (src/metrics): every handled request is counted through the router's completed listeners.
  const { createMetrics } = await import('./metrics');
  const metrics = createMetrics();
  app.completedListeners.push((event) => metrics.onCompleted(event));
  // Nothing a client sends may end the process: what escapes every adapter's own handling is logged, counted, survived.
  const { installLastResort } = await import('./log/last-resort');
  const removeLastResort = installLastResort(app.log, (kind) => metrics.countUnhandled(kind));
  const http = createHttpServer({ port: app.config.http.port, host: app.config.http.host, log: app.log, metrics: () => metrics.render() });
  // The store on /healthz and /readyz: a full disk or a deleted database file shows there, not only in replies.
  app.storeState.listener = (up, reason) => {
    http.health.set('store', up, reason);
    http.readiness.set('store', up, reason);
    if (!up) app.log.error({ reason }, 'the store is unavailable');
  };
  app.storeState.listener(true);
  const storeCheck = setInterval(() => app.storeGuard.check(), 10_000).unref();

  const shared = app.config.store.url ? (store as PostgresStore) : undefined;
  if (shared) {
    reportStore(shared, http, app.log);
    // As the SQLite audit store does when it opens: rows past the retention go at start.
    const removed = await shared.audit.prune(new Date(Date.now() - app.config.audit.retentionDays * 86_400_000));
    if (removed > 0) app.log.info({ removed, retentionDays: app.config.audit.retentionDays }, 'old audit rows deleted');
  }

  const adapters: StartedAdapter[] = [];
  for (const start of [() => startSlack(app, http, metrics, shared), () => startTeams(app, http, store)]) {
    const adapter = await start();
    if (adapter) adapters.push(adapter);
  }
  const stops = adapters.map((adapter) => () => adapter.stop());
  // The digest scheduler (src/digest): runs each digest's checks through the router, posts through the adapters.
  const { createDigestRuntime } = await import('./digest');
  const digests = createDigestRuntime({
    store,
    settings: app.config.digest,
    runCommand: (_text, request, signal) => app.router.handle(request, signal),
    ports: adapters.map((adapter) => adapter.post),
    log: app.log,
    onHealth: (up) => {
      http.health.set('scheduler', up);
      http.readiness.set('scheduler', up, up ? undefined : 'the scheduler is stopped or cannot reach the store');
    },
    available: shared?.availability.up,
  });
  await digests.scheduler.start();
  app.digestListeners.push(() => void digests.scheduler.refresh().catch((error: unknown) => app.log.error({ err: error }, 'rescheduling the digests failed')));
  stops.push(() => digests.scheduler.stop());
  // Back from an outage: catch up at once instead of at the next wake-up.
  shared?.availability.onChange((up) => {
    if (up) void digests.scheduler.tick();
  });

  const { port } = await http.listen();
  app.log.info({ port, components: http.health.snapshot() }, 'diagbot serving');
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  for (const stop of stops.reverse()) await stop().catch((error: unknown) => app.log.error({ err: error }, 'stopping an adapter failed'));
  await http.close();
  clearInterval(storeCheck);
  removeLastResort();
  return EXIT.ok;
}

/**
 * PostgreSQL's availability → /readyz `store` (503 while it is away) and the log. The replica keeps serving
 * checks that need no store; nothing restarts.
 */
function reportStore(store: PostgresStore, http: HttpServer, log: Logger): void {
  http.readiness.set('store', true);
  store.availability.onChange((up, error) => {
    http.readiness.set('store', up, up ? undefined : 'database unreachable');
    if (up) log.info({ database: store.shown }, 'the database is reachable again; resuming');
    else log.error({ database: store.shown, err: error }, 'the database is unreachable; answering store.unavailable and pausing the scheduler until it returns');
  });
}

async function startSlack(app: App, http: HttpServer, metrics: Metrics, shared?: PostgresStore): Promise<StartedAdapter | undefined> {
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
    bodyDeadlineMs: slackConfig.bodyDeadlineMs,
    interimAfterMs: slackConfig.interimAfterMs,
    concurrentAnswers: slackConfig.concurrentAnswers,
    slashCommand: slackConfig.command,
    observer: { acked: (door, seconds) => metrics.observeAck('slack', door, seconds) },
    userGroups: namesSlackUserGroups(app.config) ? { ttlMs: slackConfig.userGroupsTtlSeconds * 1000 } : undefined,
    sharedEvents: shared?.events,
  });
  // A refused token fails the start (fail fast, like a bad config value).
  await slack.start();
  return { stop: () => slack.stop(), post: slack.post };
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

async function startTeams(app: App, http: HttpServer, store: Store): Promise<StartedAdapter | undefined> {
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
    listenHost: app.config.http.host,
    interimAfterMs: teamsConfig.interimAfterMs,
    references: store.conversations,
  });
  await teams.start();
  return { stop: () => teams.stop(), post: teams.post };
}
