import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:tls';
import { mapLimit } from '../src/digest';
import { openPostgresStore, type PostgresStore } from '../src/store/postgres';
import { openSqliteStore } from '../src/store/sqlite';
import type { Store } from '../src/store/types';
import { startPostgres, type PgCluster } from '../test/helpers/postgres';
import { certRouter, claimBenchDigest, request, selfSigned } from './digest';
import { serveBenchApp } from './app';
import { SECRET, signed, startSink } from './slack';
import { percentile, report, timeMs } from './stats';

/**
 * `bench/replicas` (issue 17), each figure against the SQLite build in the same run, on a private
 * PostgreSQL cluster (test/helpers/postgres.ts, ports 25400–25499) and loopback only:
 * (1) Slack acknowledgement p50/p99 at 200 concurrent signed slash commands, a PostgreSQL replica (dedupe in
 *     PostgreSQL) vs the SQLite build (dedupe in memory), both built by createApp;
 * (2) one digest of 500 cert checks through the runner, runs and results in PostgreSQL vs SQLite;
 * (3) 1,000 due digests claimed by three replicas at once (three pools): claims per second and duplicates.
 */
const CONCURRENCY = 200;
const ROUNDS = 3;
const CHECKS = 500;
const DIGESTS = 1000;
const REPLICAS = 3;

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'diagbot-bench-replicas-'));
  let cluster: PgCluster | undefined;
  try {
    cluster = await startPostgres({ from: 25400, to: 25499 });
    await slackAcks(await openPostgresStore(await cluster.createDatabase('bench_slack')));
    await digestRun(dir, await openPostgresStore(await cluster.createDatabase('bench_digest')));
    const url = await cluster.createDatabase('bench_claims');
    await claims(dir, await Promise.all(Array.from({ length: REPLICAS }, () => openPostgresStore(url))));
  } finally {
    await cluster?.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function slackAcks(pg: PostgresStore): Promise<void> {
  const sink = await startSink();
  // Both builds as `serve` runs them (createApp): the SQLite one, and a replica whose one store is PostgreSQL
  // (Slack dedupe, and behind the acknowledgement the audit and the rate limits, in PostgreSQL).
  const build = async (shared: boolean): Promise<{ url: string; close(): Promise<void> }> => {
    const diagbot = await serveBenchApp(
      { slack: { apiUrl: sink.apiUrl } },
      {
        ports: { from: 24000, to: 24999 },
        slack: { botToken: 'xoxb-bench', signingSecret: SECRET },
        overrides: shared ? { store: pg } : {},
      },
    );
    return { url: `${diagbot.base}/slack/events`, close: () => diagbot.close() };
  };
  const sqliteBuild = await build(false);
  const pgBuild = await build(true);
  let id = 0;
  const fire = async (url: string, acks: number[]): Promise<void> => {
    const requests = Array.from({ length: CONCURRENCY }, () => {
      id += 1;
      return signed('help', `${sink.base}/hooks/r${id}`, `${id}.bench.trigger`);
    });
    const started = performance.now();
    await Promise.all(
      requests.map(async (r) => {
        const res = await fetch(url, { method: 'POST', headers: r.headers, body: r.body });
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`ack was ${res.status}`);
        acks.push(performance.now() - started);
      }),
    );
    // Let the answers drain before the next burst, so each burst meets an idle process.
    await new Promise((resolve) => setTimeout(resolve, 300));
  };
  await fire(sqliteBuild.url, []);
  await fire(pgBuild.url, []);
  const memoryAcks: number[] = [];
  const pgAcks: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    await fire(sqliteBuild.url, memoryAcks);
    await fire(pgBuild.url, pgAcks);
  }
  report('replicas', `SQLite build ack p50 (${CONCURRENCY} concurrent)`, percentile(memoryAcks, 50), 'ms');
  report('replicas', 'SQLite build ack p99', percentile(memoryAcks, 99), 'ms');
  report('replicas', 'PostgreSQL dedupe ack p50', percentile(pgAcks, 50), 'ms');
  report('replicas', 'PostgreSQL dedupe ack p99', percentile(pgAcks, 99), 'ms');
  report('replicas', 'ratio ack p50 (target <= 1.1x)', percentile(pgAcks, 50) / percentile(memoryAcks, 50), 'x');
  report('replicas', 'ratio ack p99 (target <= 1.1x)', percentile(pgAcks, 99) / percentile(memoryAcks, 99), 'x');
  await sqliteBuild.close();
  await pgBuild.close();
  sink.stop();
  await pg.close();
}

async function digestRun(dir: string, pg: PostgresStore): Promise<void> {
  const { key, cert } = selfSigned(dir);
  const servers: Server[] = [];
  const ports: number[] = [];
  for (let i = 0; i < 10; i += 1) {
    const server = createServer({ key, cert }, (socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    ports.push((server.address() as { port: number }).port);
  }
  const router = certRouter();
  const commands = Array.from(
    { length: CHECKS },
    (_, i) => `cert 127.0.0.1:${ports[i % ports.length]} --name bench${i}.diagbot.test`,
  );
  await mapLimit(commands.slice(0, 50), 16, (text) => router.handle(request(text)));
  const sqlite = openSqliteStore(join(dir, 'digest.db'));
  const once = async (store: Store): Promise<number> => {
    const { runner, digest, claimed } = await claimBenchDigest(store, commands, 16, (_text, req, signal) =>
      router.handle(req, signal),
    );
    let stored = 0;
    const ms = await timeMs(async () => {
      const done = await runner.process(digest, claimed);
      stored = done ? (await store.runs.results(done.id)).length : 0;
    });
    if (stored !== CHECKS) throw new Error(`only ${stored} results stored`);
    return ms;
  };
  // Alternate, best of three each: the TLS servers and the JIT are shared, the store is what differs.
  const sqliteMs: number[] = [];
  const pgMs: number[] = [];
  for (let round = 0; round < 3; round += 1) {
    sqliteMs.push(await once(sqlite));
    pgMs.push(await once(pg));
  }
  const best = (values: number[]): number => Math.min(...values);
  report('replicas', `${CHECKS} cert checks as one digest, SQLite (best of 3)`, best(sqliteMs), 'ms');
  report('replicas', `${CHECKS} cert checks as one digest, PostgreSQL (best of 3)`, best(pgMs), 'ms');
  report('replicas', 'ratio PostgreSQL / SQLite (target <= 1.1x)', best(pgMs) / best(sqliteMs), 'x');
  sqlite.close();
  await pg.close();
  for (const server of servers) server.close();
}

/** Every replica tries every due slot, in its own order, eight at a time: exactly one claim per slot must win. */
async function claimRace(
  replicas: readonly Store[],
  ids: readonly string[],
  slot: Date,
): Promise<{ ms: number; claimed: number }> {
  let claimed = 0;
  const ms = await timeMs(() =>
    Promise.all(
      replicas.map((store, r) => {
        const order = [...ids].sort(() => Math.random() - 0.5);
        return mapLimit(order, 8, async (digestId) => {
          const outcome = await store.runs.claim({
            digestId,
            slot: slot.toISOString(),
            slotAt: slot,
            kind: 'scheduled',
            owner: `replica-${r}`,
            now: new Date(),
            posts: true,
          });
          if (outcome.outcome === 'claimed') claimed += 1;
        });
      }),
    ),
  );
  return { ms, claimed };
}

async function claims(dir: string, pgReplicas: PostgresStore[]): Promise<void> {
  const sqliteFile = join(dir, 'claims.db');
  const sqliteReplicas = Array.from({ length: REPLICAS }, () => openSqliteStore(sqliteFile));
  const seed = async (store: Store): Promise<string[]> => {
    const ids: string[] = [];
    for (let i = 0; i < DIGESTS; i += 1) {
      const made = await store.digests.create(
        {
          platform: 'slack',
          channelId: `C${i % 50}`,
          schedule: '* * * * *',
          scheduleText: 'every minute',
          timezone: 'UTC',
          commands: ['help'],
          createdBy: 'bench',
          now: new Date(),
        },
        { maxPerChannel: DIGESTS },
      );
      if ('created' in made) ids.push(made.created.id);
    }
    return ids;
  };
  const slot = new Date(Math.floor(Date.now() / 60_000) * 60_000);
  const sqliteIds = await seed(sqliteReplicas[0] as Store);
  const pgIds = await seed(pgReplicas[0] as Store);
  const sqliteRace = await claimRace(sqliteReplicas, sqliteIds, slot);
  const pgRace = await claimRace(pgReplicas, pgIds, slot);
  const rows = Number(
    (await pgReplicas[0]!.pool.query<{ n: string }>('SELECT COUNT(*) AS n FROM digest_runs')).rows[0]?.n,
  );
  report(
    'replicas',
    `SQLite: ${DIGESTS} due slots, ${REPLICAS} connections, claims/s`,
    (DIGESTS / sqliteRace.ms) * 1000,
    '/s',
  );
  report(
    'replicas',
    `PostgreSQL: ${DIGESTS} due slots, ${REPLICAS} replicas, claims/s`,
    (DIGESTS / pgRace.ms) * 1000,
    '/s',
  );
  report('replicas', 'ratio PostgreSQL / SQLite claims/s', sqliteRace.ms / pgRace.ms, 'x');
  report('replicas', `PostgreSQL slots claimed (must be ${DIGESTS})`, pgRace.claimed, 'slots');
  report('replicas', 'PostgreSQL run rows for the slot (must be 1000)', rows, 'rows');
  report('replicas', 'PostgreSQL duplicate claims (must be 0)', pgRace.claimed - pgIds.length, 'claims');
  report('replicas', 'SQLite duplicate claims (must be 0)', sqliteRace.claimed - DIGESTS, 'claims');
  for (const store of sqliteReplicas) store.close();
  await Promise.all(pgReplicas.map((s) => s.close()));
}
