import { Client } from 'pg';
import { openPostgresStore, type PostgresStore } from '../../../src/store/postgres';
import { describePostgres, startPostgres, type PgCluster } from '../../helpers/postgres';
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
        count: async (table) => Number((await a.pool.query<{ n: string }>(`SELECT COUNT(*) AS n FROM ${table}`)).rows[0]?.n),
        corruptCommands: async (id, text) => void await a.pool.query('UPDATE digests SET commands = $1 WHERE id = $2', [text, id]),
        close: async () => {
          await Promise.all([a.close(), b.close()]);
        },
      };
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
      const versions = (await stores[0]!.pool.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version')).rows.map((r) => r.version);
      expect(versions).toEqual([1, 2, 3]);
      await Promise.all(stores.map((s) => s.close()));
    });

    it('refuses a database written by a newer diagbot, unchanged', async () => {
      const url = await cluster.createDatabase(`open_${process.pid}_2`);
      store = await openPostgresStore(url);
      await store.pool.query("INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'future', 0)");
      await expect(openPostgresStore(url)).rejects.toThrow(/newer diagbot \(schema version 99; this one knows up to 3\)/);
    });

    it('says what is wrong with a bad password, user, database or port in one line without the password', async () => {
      const good = new URL(cluster.url());
      const variants: Array<[string, RegExp]> = [
        [Object.assign(new URL(good), { password: 'wrong-secret-pw' }).toString(), /refused the password of user "diagbot"/],
        [Object.assign(new URL(good), { pathname: '/nosuchdb' }).toString(), /the database "nosuchdb" does not exist/],
        [Object.assign(new URL(good), { port: '1' }).toString(), /nothing is listening there/],
      ];
      for (const [url, expected] of variants) {
        const failure = await openPostgresStore(url, { connectTimeoutMs: 2000 }).then(() => undefined, (error: unknown) => error as Error);
        expect(failure?.name).toBe('StoreError');
        expect(failure?.message).toMatch(expected);
        expect(failure?.message).toMatch(/store\.url \(DIAGBOT_DATABASE_URL\)/);
        expect(failure?.message).not.toMatch(/wrong-secret-pw|diagbot-test-pw/);
        expect(failure?.message.split('\n').length).toBe(1);
      }
    });

    it('answers store.unavailable (not a crash) while the server is gone, and works again when it returns', async () => {
      const url = await cluster.createDatabase(`open_${process.pid}_3`);
      store = await openPostgresStore(url, { connectTimeoutMs: 1000 });
      expect(await store.digests.list()).toEqual([]);
      await cluster.stop();
      try {
        await expect(store.digests.list()).rejects.toMatchObject({ code: 'store.unavailable' });
        await expect(store.runs.lastSlots()).rejects.toMatchObject({ code: 'store.unavailable' });
      } finally {
        await cluster.start();
      }
      expect(await store.digests.list()).toEqual([]);
      const check = new Client({ connectionString: url });
      await check.connect();
      expect((await check.query('SELECT 1 AS one')).rows[0]).toEqual({ one: 1 });
      await check.end();
    });
  });
});
