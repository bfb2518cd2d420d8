import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:tls';
import { createCertCommand } from '../commands/cert';
import { parseConfig } from '../src/config/load';
import type { ChatRequest } from '../src/core/chat-request';
import { createRouter, type Router } from '../src/core/router';
import {
  createDigestRuntime,
  createDigestRunner,
  DEFAULT_DIGEST_SETTINGS,
  type DigestRunner,
  mapLimit,
  newOwnerId,
  realTimers,
  type RunCommand,
} from '../src/digest';
import { silentLogger } from '../src/log/logger';
import { createTargetPolicy } from '../src/net/policy';
import { systemResolver } from '../src/net/resolver';
import { openSqliteStore, type SqliteStore } from '../src/store/sqlite';
import type { DigestRecord, RunRecord, Store } from '../src/store/types';
import { report, rssMb, timeMs } from './stats';

/**
 * `bench/digest`: (1) one digest of 500 `cert` checks against loopback TLS servers, through the runner
 * (router, store, diff, digest Reply) — wall time, peak RSS and the most checks seen in flight — against the
 * same 500 checks through the router alone; (2) the time for 1,000 stored digests to load and schedule at
 * start, against loading the rows alone.
 */
const CHECKS = 500;
const SERVERS = 10;
const CONCURRENCY = 16;
const DIGESTS = 1000;

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'diagbot-bench-digest-'));
  const servers: Server[] = [];
  let store: SqliteStore | undefined;
  try {
    const { key, cert } = selfSigned(dir);
    const ports: number[] = [];
    for (let i = 0; i < SERVERS; i += 1) {
      const server = createServer({ key, cert }, (socket) => socket.end());
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      servers.push(server);
      ports.push((server.address() as { port: number }).port);
    }
    const router = certRouter();
    const commands = Array.from(
      { length: CHECKS },
      (_, i) => `cert 127.0.0.1:${ports[i % SERVERS]} --name bench${i}.diagbot.test`,
    );
    store = openSqliteStore(join(dir, 'bench.db'));

    // Warm up TLS, the cert engine and the JIT before either measurement.
    await mapLimit(commands.slice(0, 50), CONCURRENCY, (text) => router.handle(request(text)));

    let baselinePeak = rssMb();
    const baselineSampler = setInterval(() => (baselinePeak = Math.max(baselinePeak, rssMb())), 5);
    const baseline = await timeMs(() => mapLimit(commands, CONCURRENCY, (text) => router.handle(request(text))));
    clearInterval(baselineSampler);

    let inFlight = 0;
    let maxInFlight = 0;
    const { runner, digest, claimed } = await claimBenchDigest(
      store,
      commands,
      CONCURRENCY,
      async (_text, req, signal) => {
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        try {
          return await router.handle(req, signal);
        } finally {
          inFlight -= 1;
        }
      },
    );
    const before = rssMb();
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMb())), 5);
    let finished: Awaited<ReturnType<typeof runner.process>>;
    const digestMs = await timeMs(async () => {
      finished = await runner.process(digest, claimed);
    });
    clearInterval(sampler);
    const counts = finished?.reply?.data.counts as Record<string, number> | undefined;

    report('digest', `${CHECKS} cert checks via router only (baseline)`, baseline, 'ms');
    report('digest', `${CHECKS} cert checks as one digest run`, digestMs, 'ms');
    report('digest', 'ratio digest / baseline', digestMs / baseline, 'x');
    report('digest', 'peak RSS during the digest run', peak, 'MB');
    report('digest', 'peak RSS during the baseline', baselinePeak, 'MB');
    report('digest', `most checks in flight (limit ${CONCURRENCY})`, maxInFlight, 'checks');
    report(
      'digest',
      'checks stored with a result',
      counts ? Object.values(counts).reduce((a, b) => a + b, 0) : Number.NaN,
      'checks',
    );
    report('digest', 'of which could not run (error)', counts?.error ?? Number.NaN, 'checks');

    await scheduleThousand(dir);
  } finally {
    store?.close();
    for (const server of servers) server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function scheduleThousand(dir: string): Promise<void> {
  const file = join(dir, 'thousand.db');
  const seed = openSqliteStore(file);
  const zones = ['UTC', 'Europe/London', 'America/New_York', 'Asia/Tokyo', 'Australia/Sydney', 'Europe/Berlin'];
  const now = new Date();
  for (let i = 0; i < DIGESTS; i += 1) {
    const hour = i % 24;
    const minute = (i * 7) % 60;
    const schedule =
      i % 3 === 0 ? `${minute} ${hour} * * *` : i % 3 === 1 ? `${minute} ${hour} * * 1-5` : `*/15 * * * *`;
    await seed.digests.create(
      {
        platform: 'slack',
        channelId: `C${i % 50}`,
        schedule,
        scheduleText: schedule,
        timezone: zones[i % zones.length] as string,
        commands: ['help', 'cert mail.contoso.com'],
        createdBy: 'bench',
        now,
      },
      { maxPerChannel: DIGESTS },
    );
  }
  seed.close();

  const rounds = 5;
  const load: number[] = [];
  const schedule: number[] = [];
  for (let round = 0; round < rounds; round += 1) {
    const store = openSqliteStore(file);
    load.push(await timeMs(() => store.digests.list()));
    const { scheduler } = createDigestRuntime({
      store,
      settings: DEFAULT_DIGEST_SETTINGS,
      runCommand: () => Promise.reject(new Error('nothing is due in this benchmark')),
      ports: [],
      log: silentLogger(),
    });
    schedule.push(await timeMs(() => scheduler.start()));
    await scheduler.stop();
    store.close();
  }
  const best = (values: number[]): number => Math.min(...values);
  report('digest', `${DIGESTS} digests: load rows only (baseline, best of ${rounds})`, best(load), 'ms');
  report('digest', `${DIGESTS} digests: load and schedule at start (best of ${rounds})`, best(schedule), 'ms');
  report('digest', 'ratio schedule / load', best(schedule) / best(load), 'x');
}

/**
 * One digest of `commands` created in `store`, a runner for it and its run claimed by hand (no scheduler), as
 * bench/digest and bench/replicas time it: `runner.process(digest, claimed)` is the digest run.
 */
export async function claimBenchDigest(
  store: Store,
  commands: string[],
  concurrency: number,
  runCommand: RunCommand,
): Promise<{ runner: DigestRunner; digest: DigestRecord; claimed: RunRecord }> {
  const made = await store.digests.create(
    {
      platform: 'slack',
      channelId: `C0BENCH${randomUUID().slice(0, 8)}`,
      schedule: '0 8 * * *',
      scheduleText: 'daily 08:00',
      timezone: 'UTC',
      commands,
      createdBy: 'bench',
      now: new Date(),
    },
    { maxPerChannel: 10 },
  );
  if (!('created' in made)) throw new Error('bench digest not created');
  const owner = newOwnerId();
  const runner = createDigestRunner({
    runs: store.runs,
    runCommand,
    concurrency,
    maxConcurrentRuns: 1,
    owner,
    leaseMs: 120_000,
    keepRuns: 5,
    ports: [],
    retry: DEFAULT_DIGEST_SETTINGS.post,
    now: () => new Date(),
    timers: realTimers,
    log: silentLogger(),
  });
  const claim = await store.runs.claim({
    digestId: made.created.id,
    slot: 'bench',
    slotAt: new Date(),
    kind: 'manual',
    owner,
    now: new Date(),
    posts: false,
  });
  if (claim.outcome !== 'claimed') throw new Error('bench run not claimed');
  return { runner, digest: made.created, claimed: claim.run };
}

export function certRouter(): Router {
  const config = parseConfig({ targets: { allow: ['127.0.0.0/8'] }, tls: { concurrency: CONCURRENCY } });
  const net = { policy: createTargetPolicy(config.targets), resolver: systemResolver, timeouts: config.timeouts };
  const log = silentLogger();
  return createRouter({ commands: [createCertCommand({ config, net, log, now: () => new Date() })], log });
}

export function request(text: string): ChatRequest {
  return { platform: 'digest', door: 'schedule', userId: 'bench', channelId: 'C0BENCH', rawText: text, text };
}

/** A throwaway self-signed certificate from the openssl CLI (installed with the system packages). */
export function selfSigned(dir: string): { key: string; cert: string } {
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-days',
      '30',
      '-subj',
      '/CN=bench.diagbot.test',
      '-addext',
      'subjectAltName=DNS:*.diagbot.test,IP:127.0.0.1',
      '-keyout',
      keyFile,
      '-out',
      certFile,
    ],
    { stdio: 'ignore' },
  );
  return { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8') };
}
