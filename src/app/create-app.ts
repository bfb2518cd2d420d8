import type { SlackAdapterConfig } from '../../adapters/slack';
import type { TeamsAdapterConfig } from '../../adapters/teams';
import { createCommands, type CommandDeps } from '../../commands';
import { createAuditRecorder } from '../audit/recorder';
import { databaseUrlPassword } from '../config/load';
import type { Config } from '../config/schema';
import type { Command, Logger } from '../core/command';
import type { HealthRegistry } from '../core/http-host';
import { createRouter, type CompletedEvent, type Router } from '../core/router';
import type { DigestScheduler } from '../digest/scheduler';
import type { Timers } from '../digest/timers';
import { createDirectory, type Directory } from '../directory/client';
import { missingDirectorySettings } from '../directory/settings';
import { createGuard } from '../guard/guard';
import type { LimiterFactory } from '../guard/limits';
import { secretBoundary, secretScrubber } from '../guard/scrub';
import { isHeaderBlock } from '../headers';
import { createHealthRegistry } from '../http/health';
import { looksLikeError } from '../kb';
import { createLogger } from '../log/logger';
import { noMetrics, type Metrics } from '../metrics/types';
import type { NetContext } from '../net/connect';
import { createTargetPolicy, type TargetPolicy } from '../net/policy';
import { systemResolver, type Resolver } from '../net/resolver';
import type { AuditStore } from '../store/audit-types';
import type { Store } from '../store/types';
import type { Serving } from './serve';
import { createAppStore, type AppStore } from './store';

export type CompletedListener = (event: CompletedEvent) => void | Promise<void>;

/**
 * How this process runs, and the ports a test or a benchmark swaps for its own. Everything left out is built
 * from the config as `diagbot` itself builds it.
 */
export interface AppOverrides {
  /** `serve` runs here (GET /metrics counts on prom-client, the database is created); the terminal leaves it out. */
  serving?: boolean;
  /** The terminal's one-shot and chat modes: silent logs (unless `verbose`) and no new audit database. */
  quiet?: boolean;
  verbose?: boolean;
  now?: () => Date;
  resolver?: Resolver;
  /** The outbound target policy (default: built from `targets`). */
  policy?: TargetPolicy;
  log?: Logger;
  /** An opened store instead of `store.path` / `store.url` (the app closes it with the rest). */
  store?: Store;
  audit?: AuditStore;
  /** Where rate-limit counters live (default: memory, or PostgreSQL with `store.url`). */
  limiters?: LimiterFactory;
  metrics?: Metrics;
  directory?: Directory;
  /** Commands beside the built-in ones, first in the list (test fixtures). */
  commands?: readonly Command[];
  /** The built-in list replaced (a benchmark of one command). */
  onlyCommands?: (deps: CommandDeps) => Command[];
  /** Told of every handled request, after the guard, the audit and the metrics. */
  listeners?: readonly CompletedListener[];
  /** Literal secrets to scrub beside the configured ones. */
  secrets?: readonly string[];
  /** Adapter settings the config does not hold (a test's short grace periods, a stand-in fetch). */
  slack?: Partial<Omit<SlackAdapterConfig, 'router' | 'log' | 'http'>>;
  teams?: Partial<Omit<TeamsAdapterConfig, 'router' | 'log' | 'http'>>;
  /** The digest scheduler's timers (a fake clock). */
  timers?: Timers;
}

/** diagbot assembled: what `diagbot` runs, what the integration tests and the benchmarks drive. */
export interface App {
  readonly config: Config;
  readonly log: Logger;
  readonly metrics: Metrics;
  readonly router: Router;
  readonly store: AppStore;
  readonly directory?: Directory;
  /** /healthz and /readyz: the store reports here from the start; `serve` hands them to the HTTP host. */
  readonly health: HealthRegistry;
  readonly readiness: HealthRegistry;
  /** `diagbot serve`: the HTTP host, the configured adapters and the digest scheduler (src/app/serve.ts). */
  serve(): Promise<Serving>;
  /** Closes what the app opened: the directory connection and the store. */
  close(): Promise<void>;
  readonly overrides: AppOverrides;
}

/**
 * The one factory: config in, app out. In order: logger and metrics, the store (opened on first use), the guard
 * rails, the commands and the router with every listener it will ever have. Nothing is bound afterwards but the
 * digest scheduler `serve` starts, which `digest add|pause|resume|remove` tell to reschedule.
 *
 * @example
 * const app = await createApp(parseConfig({}), { log: silentLogger(), resolver: tableResolver({ ... }) });
 * const reply = await app.router.handle(request);
 * await app.close();
 */
export async function createApp(config: Config, overrides: AppOverrides = {}): Promise<App> {
  const serving = overrides.serving ?? false;
  const quiet = overrides.quiet ?? false;
  const secrets = [
    config.ldap.password,
    config.slack.botToken,
    config.slack.signingSecret,
    config.slack.appToken,
    config.teams.appPassword,
    databaseUrlPassword(config.store.url),
    ...(overrides.secrets ?? []),
  ].filter((s): s is string => typeof s === 'string');
  const log =
    overrides.log ?? createLogger({ level: quiet && !overrides.verbose ? 'silent' : config.log.level, secrets });
  // First: everything after counts through it. prom-client loads only where GET /metrics is served.
  const metrics = overrides.metrics ?? (serving ? (await import('../metrics/registry')).createMetrics() : noMetrics());
  const now = overrides.now ?? ((): Date => new Date());
  const net: NetContext = {
    policy: overrides.policy ?? createTargetPolicy(config.targets),
    resolver: overrides.resolver ?? systemResolver,
    timeouts: config.timeouts,
  };

  const health = createHealthRegistry();
  const readiness = createHealthRegistry();
  // A full disk or a deleted database file shows on /healthz and /readyz, not only in replies.
  const store = createAppStore(config, {
    createAudit: !quiet,
    now,
    log,
    store: overrides.store,
    audit: overrides.audit,
    onState: (up, reason) => {
      health.set('store', up, reason);
      readiness.set('store', up, reason);
      if (!up && serving) log.error({ reason }, 'the store is unavailable');
    },
  });
  const guard = createGuard({
    roles: config.roles,
    limits: config.limits,
    limiters: overrides.limiters ?? store.limiters,
    ports: config.targets.ports,
    policy: net.policy,
    log,
  });
  const directory = overrides.directory ?? buildDirectory(config, net, log);

  // The scheduler exists only while `serve` runs; until then a changed digest needs nothing rescheduled.
  const digests: { scheduler?: DigestScheduler } = {};
  const digestsChanged = (): void => {
    void digests.scheduler
      ?.refresh()
      .catch((error: unknown) => log.error({ err: error }, 'rescheduling the digests failed'));
  };
  const deps: CommandDeps = { config, net, log, now, audit: store.audit, directory, store: store.open, digestsChanged };
  const commands = guard.applyRoles([
    ...(overrides.commands ?? []),
    ...(overrides.onlyCommands ?? createCommands)(deps),
  ]);
  // Each listener is isolated by the router's own try/catch; the guard gives back its probe slot first.
  const listeners: CompletedListener[] = [
    createAuditRecorder({ store: store.audit, scrub: secretScrubber(secrets), now, log }),
    (event) => metrics.onCompleted(event),
    ...(overrides.listeners ?? []),
  ];
  const router = createRouter({
    commands,
    log,
    now,
    hooks: guard.routerHooks(listeners),
    runbooks: config.links,
    fallback: { command: 'explain', accepts: (text) => looksLikeError(text) || isHeaderBlock(text) },
    // Requests and replies are scrubbed of the configured secrets, whatever a command or a user put in them.
    boundary: secretBoundary(secrets),
  });

  const app: App = {
    config,
    log,
    metrics,
    router,
    store,
    directory,
    health,
    readiness,
    overrides,
    async serve() {
      const { startServing } = await import('./serve');
      return startServing(app, digests);
    },
    async close() {
      // An open LDAP connection would keep the process alive after the last reply.
      await directory?.close();
      await store.close();
    },
  };
  return app;
}

/** The directory for `ou`: built once, connected on first use and reused; absent while `ldap` settings are missing. */
function buildDirectory(config: Config, net: NetContext, log: Logger): Directory | undefined {
  const { url, baseDn, bindDn, password } = config.ldap;
  if (!url || !baseDn || !bindDn || !password || missingDirectorySettings(config.ldap).length > 0) return undefined;
  const { startTls, sizeLimit, pageSize } = config.ldap;
  const caFiles = [...config.tls.extraCaFiles, ...config.ldap.caFiles];
  return createDirectory({ url, baseDn, bindDn, password, caFiles, startTls, sizeLimit, pageSize }, net, log);
}
