import { spawn } from 'node:child_process';
import { Client } from 'pg';
import { createLimits, isRefusal } from '../../../src/guard/limits';
import { openPostgresStore, PG_MIGRATIONS, type PostgresStore } from '../../../src/store/postgres';
import { pgLimiterFactory } from '../../../src/store/postgres/rate-limits';
import { BIN } from '../../helpers/cli';
import { diagErrorWith } from '../../helpers/diag-error';
import { describePostgres } from '../../helpers/describe-postgres';
import { PG_PASSWORD, startPostgres, type PgCluster } from '../../helpers/postgres';
import { chatRequest } from '../../helpers/requests';
import { storeContract } from '../../helpers/store-contract';

/**
 * The store contract (test/helpers/store-contract.ts) on a private PostgreSQL 15 cluster: two pools on one
 * database stand for two replicas. Each case gets a fresh database.
 */
let cluster: PgCluster;
let n = 0;

describePostgres('PostgreSQL store', () => {
  beforeAll(async () => {
    cluster = await startPostgres({ from: 25400, to: 25449 });
  });
  afterAll(async () => {
    await cluster?.destroy();
  });

  describe('contract', () => {
    storeContract(async () => {
      n += 1;
      const url = await cluster.createDatabase(`contract_${process.pid}_${n}`);
      const [a, b] = await Promise.all([openPostgresStore(url), openPostgresStore(url)]);
      return {
        a,
        b,
        audit: a.audit,
        count: async (table) =>
          Number((await a.pool.query<{ n: string }>(`SELECT COUNT(*) AS n FROM ${table}`)).rows[0]?.n),
        corruptCommands: async (id, text) =>
          void (await a.pool.query('UPDATE digests SET commands = $1 WHERE id = $2', [text, id])),
        close: async () => {
          await Promise.all([a.close(), b.close()]);
        },
      };
    });
  });

  describe('shared between replicas', () => {
    let a: PostgresStore;
    let b: PostgresStore;
    beforeAll(async () => {
      const url = await cluster.createDatabase(`shared_${process.pid}`);
      [a, b] = await Promise.all([openPostgresStore(url), openPostgresStore(url)]);
    });
    afterAll(async () => {
      await Promise.all([a?.close(), b?.close()]);
    });

    it('remembers a Slack delivery id for every replica until it expires', async () => {
      const answers = await Promise.all([a, b, a, b].map((s) => s.events.firstSeen('Ev0SHARED', 60_000)));
      expect(answers.filter(Boolean).length).toBe(1);
      expect(await b.events.firstSeen('Ev0OTHER', 60_000)).toBe(true);
      // An expired record is taken over by the next delivery.
      expect(await a.events.firstSeen('Ev0SHORT', 1)).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(await b.events.firstSeen('Ev0SHORT', 60_000)).toBe(true);
      expect(await a.events.firstSeen('Ev0SHORT', 60_000)).toBe(false);
    });

    it('counts rate limits and probes per target across replicas', async () => {
      const rules = {
        perUser: { points: 3, durationSeconds: 60 },
        perChannel: { points: 100, durationSeconds: 60 },
        concurrentPerTarget: 2,
        exemptPlatforms: [],
      };
      const [la, lb] = [a, b].map((s) =>
        createLimits(
          rules,
          pgLimiterFactory(() => s.pool),
        ),
      );
      const request = chatRequest('cert x', { platform: 'slack', userId: 'U0SHARED', channelId: 'C0SHARED' });
      const taken = [
        await la!.take(request),
        await lb!.take(request),
        await la!.take(request),
        await lb!.take(request),
      ];
      expect(taken.slice(0, 3)).toEqual([undefined, undefined, undefined]);
      expect(taken[3]).toMatchObject({ scope: 'user', limit: 3 });
      const first = await la!.acquireTarget(request, 'mail.contoso.com');
      const second = await lb!.acquireTarget(request, 'mail.contoso.com');
      expect(isRefusal(first) || isRefusal(second)).toBe(false);
      expect(await la!.acquireTarget(request, 'mail.contoso.com')).toMatchObject({
        scope: 'target',
        target: 'mail.contoso.com',
      });
      if (!isRefusal(second)) await second.release();
      expect(isRefusal(await la!.acquireTarget(request, 'mail.contoso.com'))).toBe(false);
    });
  });

  describe('opening', () => {
    let store: PostgresStore | undefined;
    afterEach(async () => {
      await store?.close();
      store = undefined;
    });

    it('migrates once when several replicas start together, and records the versions', async () => {
      const url = await cluster.createDatabase(`open_${process.pid}_1`);
      const stores = await Promise.all([1, 2, 3].map(() => openPostgresStore(url)));
      const versions = (
        await stores[0]!.pool.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version')
      ).rows.map((r) => r.version);
      expect(versions).toEqual(PG_MIGRATIONS.map((m) => m.version));
      // The dedupe and rate-limit tables hold minutes of state: no write-ahead log on the acknowledgement's path.
      const persistence = (
        await stores[0]!.pool.query<{ relname: string; relpersistence: string }>(
          "SELECT relname, relpersistence FROM pg_class WHERE relname IN ('slack_events', 'rate_limits', 'digest_runs') ORDER BY relname",
        )
      ).rows;
      expect(persistence).toEqual([
        { relname: 'digest_runs', relpersistence: 'p' },
        { relname: 'rate_limits', relpersistence: 'u' },
        { relname: 'slack_events', relpersistence: 'u' },
      ]);
      await Promise.all(stores.map((s) => s.close()));
    });

    it('refuses a database written by a newer diagbot, unchanged', async () => {
      const url = await cluster.createDatabase(`open_${process.pid}_2`);
      store = await openPostgresStore(url);
      await store.pool.query("INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'future', 0)");
      const known = Math.max(...PG_MIGRATIONS.map((m) => m.version));
      await expect(openPostgresStore(url)).rejects.toThrow(
        new RegExp(`newer diagbot \\(schema version 99; this one knows up to ${known}\\)`),
      );
    });

    it('says what is wrong with a bad password, user, database or port in one line without the password', async () => {
      const good = new URL(cluster.url());
      const variants: Array<[string, RegExp]> = [
        [
          Object.assign(new URL(good), { password: 'wrong-secret-pw' }).toString(),
          /refused the password of user "diagbot"/,
        ],
        [Object.assign(new URL(good), { pathname: '/nosuchdb' }).toString(), /the database "nosuchdb" does not exist/],
        [Object.assign(new URL(good), { port: '1' }).toString(), /nothing is listening there/],
      ];
      for (const [url, expected] of variants) {
        const failure = await openPostgresStore(url, { connectTimeoutMs: 2000 }).then(
          () => undefined,
          (error: unknown) => error as Error,
        );
        expect(failure).toEqual(diagErrorWith('store.config'));
        expect(failure?.message).toMatch(expected);
        expect(failure?.message).toMatch(/store\.url \(DIAGBOT_DATABASE_URL\)/);
        expect(failure?.message).not.toMatch(/wrong-secret-pw|diagbot-test-pw/);
        expect(failure?.message.split('\n').length).toBe(1);
      }
    });

    it('diagbot serve with a wrong password prints one line and exits 78', async () => {
      const wrong = cluster.url().replace(PG_PASSWORD, 'not-the-password');
      const child = spawn(process.execPath, [BIN, 'serve'], {
        env: {
          PATH: process.env.PATH ?? '',
          HOME: '/tmp',
          DIAGBOT_DATABASE_URL: wrong,
          PORT: '0',
          SLACK_BOT_TOKEN: 'xoxb-x',
          SLACK_SIGNING_SECRET: 's',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      let stdout = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(code).toBe(78);
      expect(stderr.trim().split('\n')).toEqual([
        expect.stringMatching(
          /^diagbot: Cannot use the PostgreSQL database postgres:\/\/diagbot:\*\*\*@127\.0\.0\.1:\d+\/postgres: PostgreSQL refused the password/,
        ),
      ]);
      expect(stderr + stdout).not.toContain('not-the-password');
    });

    it('answers store.unavailable (not a crash) while the server is gone, and works again when it returns', async () => {
      const url = await cluster.createDatabase(`open_${process.pid}_3`);
      store = await openPostgresStore(url, { connectTimeoutMs: 1000 });
      expect(await store.digests.list()).toEqual([]);
      await cluster.stop();
      try {
        await expect(store.digests.list()).rejects.toMatchObject({ code: 'store.unavailable' });
        await expect(
          store.runs.claim({
            digestId: 'dx',
            slot: 's',
            slotAt: new Date(),
            kind: 'scheduled',
            owner: 'o',
            now: new Date(),
            posts: true,
          }),
        ).rejects.toMatchObject({ code: 'store.unavailable' });
        // Once the probe has seen it, calls answer at once instead of waiting for a connection timeout.
        const deadline = Date.now() + 5000;
        while (store.availability.up() && Date.now() < deadline)
          await new Promise((resolve) => setTimeout(resolve, 100));
        expect(store.availability.up()).toBe(false);
        const started = Date.now();
        await expect(store.runs.lastSlots()).rejects.toMatchObject({ code: 'store.unavailable' });
        expect(Date.now() - started).toBeLessThan(500);
      } finally {
        await cluster.start();
      }
      // The store notices by itself (a probe every second) and answers again; nothing is reopened.
      const deadline = Date.now() + 15_000;
      while (!store.availability.up() && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 100));
      expect(store.availability.up()).toBe(true);
      expect(await store.digests.list()).toEqual([]);
      const check = new Client({ connectionString: url });
      await check.connect();
      expect((await check.query('SELECT 1 AS one')).rows[0]).toEqual({ one: 1 });
      await check.end();
    });
  });
});
