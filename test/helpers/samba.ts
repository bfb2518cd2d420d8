import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  closeSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { escapeDnValue } from '../../src/dn/format';

/*
 * A real Active Directory domain controller for tests: Samba 4 in AD DC mode, LDAP only, on a loopback
 * address of its own. No jest here (the benchmark uses it too). Provisioning and populating take ~10 s,
 * so the result is cached under .test-servers/samba-<hash> (git-ignored) and every test file starts its
 * own copy of it on its own address. Samba's LDAP ports (389/636/3268/3269) are fixed, hence one
 * loopback address per instance (127.0.0.5, 127.0.0.6, …) instead of high ports.
 */

const run = promisify(execFile);

export const DOMAIN = {
  realm: 'CONTOSO.LOCAL',
  netbios: 'CONTOSO',
  dnsDomain: 'contoso.local',
  baseDn: 'DC=contoso,DC=local',
  /** The DC's name: the TLS certificate is issued to it, tests resolve it to the instance address. */
  host: 'dc1.contoso.local',
} as const;

/** Test-only passwords of a throwaway domain on loopback. */
export const USER_PASSWORD = 'Passw0rd!User1';
const ADMIN_PASSWORD = 'Passw0rd!Admin1';

export interface FixtureUser {
  sam: string;
  cn: string;
  /** The parent below the domain (`OU=Sales`, `CN=Users`); '' for the domain root. */
  parent: string;
  given?: string;
  surname?: string;
  mail?: string;
  /** A UPN other than sam@realm. */
  upn?: string;
  disabled?: boolean;
}

/** OUs, parents first. The issue's cases, plus a deeper OU and unlike ones. */
export const FIXTURE_OUS = [
  'OU=IT Professionals',
  'OU=Engineers,OU=IT Professionals',
  'OU=Microsoft MVPs,OU=Engineers,OU=IT Professionals',
  'OU=Service Desk',
  'OU=Contractors',
  'OU=Sales',
  'OU=Marketing',
  'OU=Service Accounts',
  'OU=Regions',
  'OU=APAC,OU=Regions',
  'OU=Australia,OU=APAC,OU=Regions',
  'OU=Branches,OU=Australia,OU=APAC,OU=Regions',
  'OU=Perth,OU=Branches,OU=Australia,OU=APAC,OU=Regions',
];

/** Plain containers (objectClass container, not OUs): Group Policy cannot be linked to them. */
export const FIXTURE_CONTAINERS = ['CN=Service Objects'];

export const SERVICE_ACCOUNT = {
  sam: 'svc-diagbot',
  upn: `svc-diagbot@${DOMAIN.dnsDomain}`,
  password: 'Sv!c3-Diagbot-Bind',
};

export const FIXTURE_USERS: readonly FixtureUser[] = [
  { sam: SERVICE_ACCOUNT.sam, cn: SERVICE_ACCOUNT.sam, parent: 'OU=Service Accounts' },
  {
    sam: 'cboessen',
    given: 'Clint',
    surname: 'Boessen',
    cn: 'Clint Boessen',
    parent: 'OU=Microsoft MVPs,OU=Engineers,OU=IT Professionals',
    mail: 'clint.boessen@contoso.com',
  },
  { sam: 'jdoe', given: 'John', surname: 'Doe', cn: 'John Doe', parent: 'CN=Users', mail: 'john.doe@contoso.com' },
  {
    sam: 'dojane',
    given: 'Jane',
    surname: 'Doe',
    cn: 'Doe, Jane',
    parent: 'OU=Engineers,OU=IT Professionals',
    mail: 'jane.doe@contoso.com',
  },
  { sam: 'zobrien', cn: '#Zoë O+Brien', parent: 'OU=Service Desk' },
  {
    sam: 'oldcontractor',
    given: 'Old',
    surname: 'Contractor',
    cn: 'Old Contractor',
    parent: 'OU=Contractors',
    disabled: true,
  },
  { sam: 'asmith', given: 'Alex', surname: 'Smith', cn: 'Alex Smith', parent: 'OU=Sales', mail: 'a.smith@contoso.com' },
  {
    sam: 'asmith2',
    given: 'Alice',
    surname: 'Smith',
    cn: 'Alice Smith',
    parent: 'OU=Marketing',
    mail: 'a.smith@contoso.com',
  },
  { sam: 'svc-backup', cn: 'svc-backup', parent: 'CN=Service Objects', upn: 'backup.service@contoso.com' },
  {
    sam: 'mnguyen',
    given: 'Minh',
    surname: 'Nguyen',
    cn: 'Minh Nguyen',
    parent: 'OU=Perth,OU=Branches,OU=Australia,OU=APAC,OU=Regions',
  },
  {
    sam: 'pjones',
    given: 'Patricia',
    surname: 'Jones',
    cn: 'Patricia Jones',
    parent: 'OU=Sales',
    mail: 'patricia.jones@fabrikam.com',
  },
  { sam: 'rplaced', given: 'Root', surname: 'Placed', cn: 'Root Placed', parent: '' },
];

/** The DN a fixture user gets. */
export function fixtureDn(user: FixtureUser): string {
  return `CN=${escapeDnValue(user.cn)},${user.parent ? `${user.parent},` : ''}${DOMAIN.baseDn}`;
}

export function fixtureUser(sam: string): FixtureUser {
  const user = FIXTURE_USERS.find((u) => u.sam === sam);
  if (!user) throw new Error(`no fixture user ${sam}`);
  return user;
}

export interface SambaServer {
  address: string;
  /** By address: `ldap://127.0.0.5:389`. */
  ldapUrl: string;
  ldapsUrl: string;
  /** The CA that issued the DC certificate (for `dc1.contoso.local`). */
  caFile: string;
  dir: string;
  pid: number;
  timings: { provisionMs?: number; copyMs: number; startMs: number };
  isRunning(): boolean;
  stop(): Promise<void>;
}

function which(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/bin', '/sbin'];
  for (const dir of dirs) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/** Why Samba cannot run here (a missing binary or module), or undefined when it can. */
export function sambaMissing(): string | undefined {
  const missing = ['samba', 'samba-tool', 'testparm', 'openssl'].filter((bin) => !which(bin));
  if (missing.length > 0)
    return `missing ${missing.join(', ')}: run .ci/install-system-deps.sh (Debian samba, samba-ad-provision, samba-dsdb-modules, samba-vfs-modules, openssl)`;
  const vfs = [
    '/usr/lib/x86_64-linux-gnu/samba/vfs',
    '/usr/lib/aarch64-linux-gnu/samba/vfs',
    '/usr/lib/samba/vfs',
  ].some((dir) => existsSync(join(dir, 'acl_xattr.so')));
  if (!vfs) return "Samba's acl_xattr VFS module is missing (provisioning a DC needs it): install samba-vfs-modules";
  return undefined;
}

function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

/** Every line the DC's smb.conf must hold, verified with testparm after provisioning and after copying. */
function requiredOptions(address: string): Record<string, string> {
  return {
    'server services': 'ldap, cldap',
    interfaces: `${address}/8`,
    'bind interfaces only': 'Yes',
    'ldap server require strong auth': 'No',
  };
}

/**
 * The whole smb.conf, written before provisioning: samba-tool keeps an existing smb.conf, so the LDAP-only,
 * loopback-only options survive and /etc/samba/smb.conf (absent on a fresh CI machine) is never read.
 * `interfaces` takes address/8: a bare 127.0.0.x that no interface carries is ignored by Samba.
 */
function smbConf(dir: string, address: string): string {
  const options: Record<string, string> = {
    'netbios name': 'DC1',
    workgroup: DOMAIN.netbios,
    realm: DOMAIN.realm,
    'server role': 'active directory domain controller',
    ...requiredOptions(address),
    'private dir': join(dir, 'private'),
    'lock dir': dir,
    'state directory': join(dir, 'state'),
    'cache directory': join(dir, 'cache'),
    'binddns dir': join(dir, 'bind-dns'),
    'pid directory': join(dir, 'run'),
    'ncalrpc dir': join(dir, 'run', 'ncalrpc'),
    'winbindd socket directory': join(dir, 'run', 'winbindd'),
    'log file': join(dir, 'log', 'samba.log'),
    'tls enabled': 'yes',
    'tls keyfile': join(dir, 'tls', 'dc.key'),
    'tls certfile': join(dir, 'tls', 'dc.pem'),
    'tls cafile': join(dir, 'tls', 'ca.pem'),
  };
  const global = Object.entries(options)
    .map(([k, v]) => `\t${k} = ${v}`)
    .join('\n');
  const sysvol = join(dir, 'state', 'sysvol');
  return `[global]\n${global}\n\n[sysvol]\n\tpath = ${sysvol}\n\tread only = no\n\n[netlogon]\n\tpath = ${join(sysvol, DOMAIN.dnsDomain, 'scripts')}\n\tread only = no\n`;
}

/** Puts back any required line provisioning dropped or changed, then checks the effective values with testparm. */
async function patchAndVerify(conf: string, address: string): Promise<void> {
  const required = requiredOptions(address);
  let text = readFileSync(conf, 'utf8');
  for (const [key, value] of Object.entries(required)) {
    const line = new RegExp(`^\\s*${key.replace(/ /g, '\\s*')}\\s*=.*$`, 'im');
    text = line.test(text)
      ? text.replace(line, `\t${key} = ${value}`)
      : text.replace(/^\[global\]\s*$/im, `[global]\n\t${key} = ${value}`);
  }
  writeFileSync(conf, text);
  for (const [key, value] of Object.entries(required)) {
    const { stdout } = await run(which('testparm') as string, ['-s', `--parameter-name=${key}`, conf], {
      timeout: 30_000,
    });
    const actual = stdout.trim().split('\n').pop()?.trim().toLowerCase();
    if (actual !== value.toLowerCase())
      throw new Error(`${conf}: \`${key}\` is "${actual}" after patching, expected "${value}"`);
  }
}

async function samba(args: string[], what: string): Promise<string> {
  try {
    const { stdout } = await run(which('samba-tool') as string, args, {
      timeout: 120_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    return stdout;
  } catch (error) {
    const e = error as { stderr?: string; stdout?: string; message: string };
    const tail = `${e.stdout ?? ''}${e.stderr ?? ''}`
      .split('\n')
      .filter((l) => l.trim() && !/^\s*INFO/.test(l))
      .slice(-8)
      .join('\n');
    throw new Error(`samba-tool failed to ${what}: ${e.message.split('\n')[0]}\n${tail}`);
  }
}

async function makeCertificates(dir: string): Promise<void> {
  const tls = join(dir, 'tls');
  mkdirSync(tls, { recursive: true });
  const openssl = which('openssl') as string;
  const o = (args: string[]): Promise<unknown> => run(openssl, args, { cwd: tls, timeout: 60_000 });
  await o([
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '3650',
    '-subj',
    '/CN=diagbot test CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  await o([
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'dc.key',
    '-out',
    'dc.csr',
    '-subj',
    `/CN=${DOMAIN.host}`,
  ]);
  writeFileSync(
    join(tls, 'ext.cnf'),
    `subjectAltName=DNS:${DOMAIN.host}\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n`,
  );
  await o([
    'x509',
    '-req',
    '-in',
    'dc.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'dc.pem',
    '-days',
    '3650',
    '-extfile',
    'ext.cnf',
  ]);
}

/** Provisions and populates a domain into `dir` (which must not exist). */
async function provision(dir: string): Promise<void> {
  const placeholder = '127.0.0.5';
  for (const sub of ['etc', 'run', 'log', 'cache']) mkdirSync(join(dir, sub), { recursive: true });
  const conf = join(dir, 'etc', 'smb.conf');
  writeFileSync(conf, smbConf(dir, placeholder));
  await samba(
    [
      'domain',
      'provision',
      '-s',
      conf,
      `--targetdir=${dir}`,
      `--realm=${DOMAIN.realm}`,
      `--domain=${DOMAIN.netbios}`,
      '--host-name=dc1',
      '--dns-backend=NONE',
      '--server-role=dc',
      `--adminpass=${ADMIN_PASSWORD}`,
      ...Object.entries(requiredOptions(placeholder)).map(([k, v]) => `--option=${k} = ${v}`),
    ],
    'provision the domain',
  );
  await patchAndVerify(conf, placeholder);
  await makeCertificates(dir);

  const H = ['-H', `tdb://${join(dir, 'private', 'sam.ldb')}`];
  for (const ou of FIXTURE_OUS) await samba(['ou', 'add', ou, ...H], `add ${ou}`);
  const ldif = FIXTURE_CONTAINERS.map((cn) => `dn: ${cn},${DOMAIN.baseDn}\nobjectClass: container\n`).join('\n');
  await ldb('ldbadd', dir, ldif);
  const upns: string[] = [];
  for (const user of FIXTURE_USERS) {
    const password = user.sam === SERVICE_ACCOUNT.sam ? SERVICE_ACCOUNT.password : USER_PASSWORD;
    const names = user.given && user.surname ? [`--given-name=${user.given}`, `--surname=${user.surname}`] : [];
    const where = user.parent && user.parent !== 'CN=Users' ? [`--userou=${user.parent}`] : [];
    await samba(
      [
        'user',
        'create',
        user.sam,
        password,
        ...names,
        ...where,
        ...(user.mail ? [`--mail-address=${user.mail}`] : []),
        ...H,
      ],
      `create ${user.sam}`,
    );
    const generated = user.given && user.surname ? `${user.given} ${user.surname}` : user.sam;
    if (user.cn !== generated)
      await samba(['user', 'rename', user.sam, `--force-new-cn=${escapeDnValue(user.cn)}`, ...H], `rename ${user.sam}`);
    if (user.parent === '') await samba(['user', 'move', user.sam, DOMAIN.baseDn, ...H], `move ${user.sam}`);
    if (user.disabled) await samba(['user', 'disable', user.sam, ...H], `disable ${user.sam}`);
    if (user.upn)
      upns.push(
        `dn: ${fixtureDn(user)}\nchangetype: modify\nreplace: userPrincipalName\nuserPrincipalName: ${user.upn}\n`,
      );
  }
  if (upns.length > 0) await ldb('ldbmodify', dir, upns.join('\n'));
}

async function ldb(tool: 'ldbadd' | 'ldbmodify', dir: string, ldif: string): Promise<void> {
  const file = join(dir, `${tool}.ldif`);
  writeFileSync(file, ldif);
  await run(which(tool) ?? tool, ['-H', `tdb://${join(dir, 'private', 'sam.ldb')}`, file], { timeout: 60_000 });
  rmSync(file);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The provisioned, populated directory, built once and shared by every test file and the benchmark. */
async function cachedDirectory(): Promise<{ dir: string; provisionMs?: number }> {
  const { stdout: version } = await run(which('samba') as string, ['--version']);
  const key = createHash('sha256')
    .update(
      JSON.stringify({
        v: 3,
        version,
        DOMAIN,
        FIXTURE_OUS,
        FIXTURE_CONTAINERS,
        FIXTURE_USERS,
        SERVICE_ACCOUNT,
        conf: smbConf('/x', '127.0.0.5'),
      }),
    )
    .digest('hex')
    .slice(0, 12);
  const base = join(repoRoot(), '.test-servers');
  const dir = join(base, `samba-${key}`);
  const ready = join(dir, 'READY');
  const lock = `${dir}.lock`;
  mkdirSync(base, { recursive: true });
  const deadline = Date.now() + 240_000;
  while (!existsSync(ready)) {
    try {
      mkdirSync(lock);
    } catch {
      // Another test file is provisioning: wait for it, or take over when its process died.
      const owner = Number(readFileSafe(join(lock, 'pid')));
      if (owner > 0 && !alive(owner)) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock} (another Samba provisioning?)`);
      await sleep(250);
      continue;
    }
    writeFileSync(join(lock, 'pid'), String(process.pid));
    const started = Date.now();
    const build = `${dir}.build-${process.pid}`;
    try {
      rmSync(build, { recursive: true, force: true });
      rmSync(dir, { recursive: true, force: true });
      await provision(build);
      writeFileSync(join(build, 'READY'), new Date().toISOString());
      renameSync(build, dir);
      return { dir, provisionMs: Date.now() - started };
    } catch (error) {
      rmSync(build, { recursive: true, force: true });
      throw error;
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
  return { dir };
}

function readFileSafe(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return '';
  }
}

function listening(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (up: boolean): void => {
      socket.destroy();
      resolve(up);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.connect(port, address, () => done(true));
  });
}

/** Stops instances a crashed earlier run left on this address (found by their pid files in our temp dirs). */
function stopLeftovers(address: string): void {
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith('diagbot-samba-')) continue;
    const dir = join(tmpdir(), name);
    const pid = Number(readFileSafe(join(dir, 'run', 'samba.pid')));
    const conf = readFileSafe(join(dir, 'etc', 'smb.conf'));
    if (pid > 0 && alive(pid) && conf.includes(`interfaces = ${address}/8`)) {
      try {
        process.kill(-pid, 'SIGTERM');
      } catch {
        process.kill(pid, 'SIGTERM');
      }
    }
    if (!(pid > 0 && alive(pid)) && statSync(dir).mtimeMs < Date.now() - 60_000)
      rmSync(dir, { recursive: true, force: true });
  }
}

async function waitForLdap(address: string, child: ChildProcess, log: string, ms: number): Promise<void> {
  const { Client } = await import('ldapts');
  const until = Date.now() + ms;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `samba exited (${child.exitCode ?? child.signalCode}) before LDAP answered:\n${readFileSafe(log).split('\n').slice(-15).join('\n')}`,
      );
    }
    const client = new Client({ url: `ldap://${address}:389`, timeout: 1000, connectTimeout: 500 });
    try {
      const { searchEntries } = await client.search('', { scope: 'base', attributes: ['defaultNamingContext'] });
      if (searchEntries[0]?.defaultNamingContext) return;
    } catch {
      // not up yet
    } finally {
      await client.unbind().catch(() => undefined);
    }
    if (Date.now() > until)
      throw new Error(
        `LDAP on ${address}:389 did not answer within ${ms} ms:\n${readFileSafe(log).split('\n').slice(-15).join('\n')}`,
      );
    await sleep(100);
  }
}

/**
 * Starts a private Samba AD DC on `address` (a loopback address no other test uses), from a copy of the
 * cached domain, and waits until LDAP answers. `stop()` ends its process group and removes the copy.
 * Samba runs with `-i`, so it also ends by itself when this process dies (its stdin closes).
 */
export async function startSamba(options: { address: string }): Promise<SambaServer> {
  const { address } = options;
  if (!/^127\.\d+\.\d+\.\d+$/.test(address)) throw new Error(`Samba for tests runs on loopback only, not ${address}`);
  const missing = sambaMissing();
  if (missing) throw new Error(missing);
  const { dir: cache, provisionMs } = await cachedDirectory();

  stopLeftovers(address);
  for (let i = 0; i < 30 && (await listening(address, 389)); i += 1) await sleep(100);
  if (await listening(address, 389))
    throw new Error(`${address}:389 is already in use: another test or Samba holds this address`);

  const copyStarted = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'diagbot-samba-'));
  cpSync(cache, dir, { recursive: true });
  rmSync(join(dir, 'READY'), { force: true });
  for (const sub of ['run', 'log', 'cache']) mkdirSync(join(dir, sub), { recursive: true });
  const conf = join(dir, 'etc', 'smb.conf');
  writeFileSync(conf, smbConf(dir, address));
  await patchAndVerify(conf, address);
  const copyMs = Date.now() - copyStarted;

  const startStarted = Date.now();
  const log = join(dir, 'log', 'stdout.log');
  const out = openSync(log, 'a');
  const child = spawn(which('samba') as string, ['-s', conf, '-i', '-M', 'single', '--debug-stdout', '-d', '1'], {
    detached: true,
    stdio: ['pipe', out, out],
  });
  closeSync(out);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null && child.pid) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      let timer: NodeJS.Timeout | undefined;
      const killed = await Promise.race([
        exited.then(() => true),
        new Promise<boolean>((r) => (timer = setTimeout(() => r(false), 5000))),
      ]);
      clearTimeout(timer);
      if (!killed) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
        await exited;
      }
    }
    child.stdin?.destroy();
    rmSync(join(dir, 'run', 'samba.pid'), { force: true });
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForLdap(address, child, log, 60_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    address,
    ldapUrl: `ldap://${address}:389`,
    ldapsUrl: `ldaps://${address}:636`,
    caFile: join(dir, 'tls', 'ca.pem'),
    dir,
    pid: child.pid as number,
    timings: { provisionMs, copyMs, startMs: Date.now() - startStarted },
    isRunning: () => child.exitCode === null && child.signalCode === null,
    stop,
  };
}
