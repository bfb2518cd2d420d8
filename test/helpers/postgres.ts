import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { freePort } from './postfix';

const run = promisify(execFile);

/** Debian's PostgreSQL (`postgresql` in .ci/install-system-deps.sh): 15 where present (bookworm), else the newest. */
export const PG_BIN = ((): string => {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => /^\d+$/.test(v))
        .sort((x, y) => Number(y) - Number(x))
    : [];
  return join(root, versions.includes('15') ? '15' : (versions[0] ?? '15'), 'bin');
})();
/** The unprivileged user the private cluster runs as (PostgreSQL refuses to run as root). */
const PG_USER = 'nobody';
const PG_UID = 65534;
const PG_GID = 65534;

/** Why a private PostgreSQL cannot run here, or undefined when it can. */
export function postgresUnavailableReason(): string | undefined {
  if (process.platform !== 'linux') return 'the PostgreSQL tests run on Linux only';
  if (!existsSync(join(PG_BIN, 'initdb')))
    return `PostgreSQL is not installed (${PG_BIN}); run .ci/install-system-deps.sh`;
  if (typeof process.getuid === 'function' && process.getuid() !== 0)
    return 'the private PostgreSQL cluster is started as root dropping to nobody (run the tests as root, as CI does)';
  if (!existsSync('/usr/sbin/runuser')) return 'runuser (util-linux) is missing';
  return undefined;
}

export interface PgCluster {
  port: number;
  /** The superuser's URL for `database` (default `postgres`), with its password. */
  url(database?: string): string;
  /** A fresh, empty database; returns its URL. */
  createDatabase(name: string): Promise<string>;
  /** pg_ctl stop -m fast (connections are cut, as when a server goes away). */
  stop(): Promise<void>;
  /** Starts the stopped cluster again on the same port. */
  start(): Promise<void>;
  /** Stops the cluster and deletes its files. */
  destroy(): Promise<void>;
}

export const PG_PASSWORD = 'diagbot-test-pw-7c1e';

/**
 * A private PostgreSQL 15 cluster for one test file: `initdb` into a temp directory as `nobody`, listening
 * on 127.0.0.1 only (and a socket in that directory), password (SCRAM) login over TCP. Ports come from
 * 25400–25499.
 */
export async function startPostgres(options: { from?: number; to?: number } = {}): Promise<PgCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'diagbot-pg-'));
  chownSync(dir, PG_UID, PG_GID);
  const data = join(dir, 'data');
  const pwfile = join(dir, 'pw');
  writeFileSync(pwfile, `${PG_PASSWORD}\n`);
  chownSync(pwfile, PG_UID, PG_GID);
  const as = (bin: string, args: string[]): Promise<unknown> =>
    run('runuser', ['-u', PG_USER, '--', join(PG_BIN, bin), ...args], { cwd: dir, timeout: 60_000 });
  await as('initdb', [
    '-D',
    data,
    '-U',
    'diagbot',
    '--pwfile',
    pwfile,
    '--auth-local=trust',
    '--auth-host=scram-sha-256',
    '-E',
    'UTF8',
    '--locale=C.UTF-8',
    '--no-sync',
  ]);
  const port = await freePort(options.from ?? 25400, options.to ?? 25499);
  const start = async (): Promise<void> => {
    await as('pg_ctl', [
      'start',
      '-w',
      '-t',
      '30',
      '-D',
      data,
      '-l',
      join(dir, 'log'),
      '-o',
      `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c max_connections=200 -c shared_buffers=32MB`,
    ]);
  };
  await start();
  const url = (database = 'postgres'): string => `postgres://diagbot:${PG_PASSWORD}@127.0.0.1:${port}/${database}`;
  let destroyed = false;
  return {
    port,
    url,
    async createDatabase(name) {
      const client = new Client({ connectionString: url() });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE "${name.replace(/"/g, '')}"`);
      } finally {
        await client.end();
      }
      return url(name);
    },
    async stop() {
      await as('pg_ctl', ['stop', '-w', '-m', 'fast', '-D', data]);
    },
    start,
    async destroy() {
      if (destroyed) return;
      destroyed = true;
      await as('pg_ctl', ['stop', '-w', '-m', 'immediate', '-D', data]).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
