import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from '../core/command';
import type { PostPort } from '../core/post';
import type { Store } from '../store/types';
import { createDigestRunner, type DigestRunner, type RunCommand } from './runner';
import { createDigestScheduler, type DigestScheduler } from './scheduler';
import type { DigestSettings } from './settings';
import { realTimers, type Timers } from './timers';

export * from './limit';
export * from './parse';
export * from './report';
export * from './runner';
export * from './schedule';
export * from './scheduler';
export * from './settings';
export * from './timers';
export * from './view';

/** A process-unique owner id for claims and leases: host, pid and a random part (pids are reused). */
export function newOwnerId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

export interface DigestRuntimeOptions {
  store: Pick<Store, 'digests' | 'runs'>;
  settings: DigestSettings;
  runCommand: RunCommand;
  /** The doors' post ports (Slack, Teams); a digest whose platform has none records a failed post. */
  ports: readonly PostPort[];
  log: Logger;
  now?: () => Date;
  timers?: Timers;
  owner?: string;
  /** /healthz `scheduler`: told after every pass whether the store answered. */
  onHealth?: (up: boolean) => void;
  /** False while the store is known to be unreachable: the scheduler pauses (see SchedulerOptions). */
  available?: () => boolean;
}

export interface DigestRuntime {
  runner: DigestRunner;
  scheduler: DigestScheduler;
  owner: string;
}

/**
 * Builds the runner and the scheduler from the `digest` settings (src/app/serve.ts for `serve`, tests with a fake
 * clock). Nothing starts until `scheduler.start()`.
 */
export function createDigestRuntime(options: DigestRuntimeOptions): DigestRuntime {
  const { settings } = options;
  const now = options.now ?? ((): Date => new Date());
  const timers = options.timers ?? realTimers;
  const owner = options.owner ?? newOwnerId();
  const log = options.log.child({ component: 'digest' });
  const leaseMs = settings.leaseSeconds * 1000;
  const runner = createDigestRunner({
    runs: options.store.runs,
    runCommand: options.runCommand,
    concurrency: settings.concurrency,
    maxConcurrentRuns: settings.maxConcurrentRuns,
    owner,
    leaseMs,
    keepRuns: settings.keepRuns,
    ports: options.ports,
    retry: settings.post,
    now,
    timers,
    log,
  });
  const scheduler = createDigestScheduler({
    digests: options.store.digests,
    runs: options.store.runs,
    runner,
    owner,
    now,
    timers,
    log,
    pollMs: settings.pollSeconds * 1000,
    leaseMs,
    lateAfterMs: settings.lateAfterSeconds * 1000,
    catchUpMs: settings.catchUpDays * 86_400_000,
    stopGraceMs: 10_000,
    onHealth: options.onHealth,
    available: options.available,
  });
  return { runner, scheduler, owner };
}
