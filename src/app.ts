import { createCommands } from '../commands';
import { createAuditRecorder } from './audit/recorder';
import { loadConfig } from './config/load';
import type { Config } from './config/schema';
import type { Logger } from './core/command';
import { createRouter, type CompletedEvent, type Router } from './core/router';
import { createDirectory, type Directory } from './directory/client';
import { missingDirectorySettings } from './directory/settings';
import { createGuard } from './guard/guard';
import { secretScrubber, withSecretScrub } from './guard/scrub';
import { looksLikeError } from './kb';
import { createLogger } from './log/logger';
import type { NetContext } from './net/connect';
import { createTargetPolicy } from './net/policy';
import { systemResolver } from './net/resolver';
import { openAuditStore } from './store/audit-store';
import type { Store } from './store/types';

/** What every door shares: the config, the router with its guard rails, and the resources to close at exit. */
export interface App {
  config: Config;
  router: Router;
  log: Logger;
  completedListeners: Array<(event: CompletedEvent) => void | Promise<void>>;
  directory?: Directory;
  /** The store (digests, runs, Teams conversation references), opened on first use; the same one every time. */
  store: () => Promise<Store>;
  closeStore: () => Promise<void>;
}

export interface AppOptions {
  configFile?: string;
  /** The terminal's one-shot and chat modes: silent logs (unless verbose) and no new audit database. */
  quietCli: boolean;
  verbose: boolean;
}

/**
 * The composition root: loads the config once and builds the commands and the router. Throws ConfigError or
 * PolicyConfigError on settings that cannot run.
 */
export function buildApp(options: AppOptions): App {
  const config = loadConfig({ file: options.configFile });
  const { quietCli } = options;
  const secrets = [config.ldap.password, config.slack.botToken, config.slack.signingSecret, config.slack.appToken, config.teams.appPassword]
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
  // Guard rails (src/guard): roles, rate limits, port allow-lists; the terminal records into an existing database only.
  const audit = openAuditStore({ path: config.store.path, create: !quietCli, retentionDays: config.audit.retentionDays, now, log });
  const guard = createGuard({ roles: config.roles, limits: config.limits, ports: config.targets.ports, policy: net.policy, log });
  const directory = buildDirectory(config, net, log);
  // Opened on first use only: `diagbot help` never opens (or creates) a database.
  let opened: Promise<Store> | undefined;
  const store = (): Promise<Store> => (opened ??= import('./store').then((m) => m.openSqliteStore(config.store.path)));
  const closeStore = async (): Promise<void> => (await opened?.catch(() => undefined))?.close();
  // `digest` validates and runs its checks through the router, which is built from the commands: bound late.
  const late: { router?: Router } = {};
  const commands = guard.applyRoles(createCommands({ config, net, log, now, audit, directory, store, router: () => late.router }));
  // Listeners for every handled request (metrics, audit); each is isolated by the router's own try/catch.
  const completedListeners: Array<(event: CompletedEvent) => void | Promise<void>> = [
    createAuditRecorder({ store: audit, scrub: secretScrubber(secrets), now, log }),
  ];
  const hooks = guard.routerHooks(completedListeners);
  // Replies are scrubbed of the configured secrets, whatever a command or a user put in them.
  const router = withSecretScrub(createRouter({ commands, log, now, hooks, runbooks: config.links, fallback: { command: 'explain', accepts: looksLikeError } }), secrets);
  late.router = router;
  return { config, router, log, completedListeners, directory, store, closeStore };
}

/** The directory for `ou`: built once, connected on first use and reused; absent while `ldap` settings are missing. */
function buildDirectory(config: Config, net: NetContext, log: Logger): Directory | undefined {
  const { url, baseDn, bindDn, password } = config.ldap;
  if (!url || !baseDn || !bindDn || !password || missingDirectorySettings(config.ldap).length > 0) return undefined;
  const { startTls, sizeLimit, pageSize } = config.ldap;
  const caFiles = [...config.tls.extraCaFiles, ...config.ldap.caFiles];
  return createDirectory({ url, baseDn, bindDn, password, caFiles, startTls, sizeLimit, pageSize }, net, log);
}
