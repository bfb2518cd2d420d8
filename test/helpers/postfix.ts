import { execFile, execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  chmodSync,
  chownSync,
  mkdirSync,
} from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

/**
 * A private Postfix instance for the relay tests and benchmark, run as root from a temp directory:
 * its own config_directory (main.cf + master.cf), queue_directory, data_directory and maillog file,
 * listening on 127.0.0.1 only (a plain port and a STARTTLS port). Nothing can leave the machine:
 * every transport is Postfix's `discard` service. `mynetworks` is one loopback address (127.0.0.2),
 * so 127.0.0.2 may relay and 127.0.0.3 may not; 127.0.0.1 may use XCLIENT on the plain port.
 *
 * No jest here: the benchmark uses it too.
 */

const run = promisify(execFile);
const POSTFIX = '/usr/sbin/postfix';
const REPO = resolve(__dirname, '..', '..');

export interface PostfixInstance {
  host: string;
  /** The plain listener: XCLIENT for 127.0.0.1, no STARTTLS. */
  port: number;
  /** The STARTTLS listener (self-signed test certificate); XCLIENT is not offered here. */
  tlsPort: number;
  /** The client address in mynetworks (may relay). */
  relayClient: string;
  /** A domain the instance delivers locally (to discard). */
  localDomain: string;
  dir: string;
  configDir: string;
  /** Regular files in the queue (incoming, active, deferred, hold, maildrop, …): 0 means nothing was queued. */
  queuedFiles(): number;
  /**
   * The queue's file count once it settles (0 as soon as it is empty, else the count after `ms`). Postfix opens a
   * queue file in incoming/ at the first accepted RCPT and cleanup deletes it after RSET or QUIT, a moment after the
   * client has gone: a count taken at once can see that file. Mail that was really queued stays and is counted.
   */
  settledQueueFiles(ms?: number): Promise<number>;
  /** `postqueue -c <dir> -p` output. */
  postqueue(): Promise<string>;
  /** The instance's maillog (postlogd). */
  log(): string;
  /** The maillog once it shows `pattern`, or as it is after `ms`: postlogd writes a moment after the session. */
  logMatching(pattern: RegExp, ms?: number): Promise<string>;
  /** The maillog once it stopped growing for `quietMs` (at most `ms`), for checks of what it must not contain. */
  settledLog(quietMs?: number, ms?: number): Promise<string>;
  stop(): Promise<void>;
}

/** Why Postfix cannot run here, or undefined when it can. Installs the Debian package first when it is missing and we are root. */
export function postfixUnavailableReason(): string | undefined {
  if (process.platform !== 'linux') return 'the Postfix tests run on Linux only';
  if (typeof process.getuid === 'function' && process.getuid() !== 0)
    return 'Postfix needs root to start a private instance (run the tests as root, as CI does)';
  if (!existsSync(POSTFIX) && existsSync('/usr/bin/apt-get')) {
    try {
      // Same lock as every other apt user in this tree (.ci/install-system-deps.sh installs postfix with "No configuration").
      execFileSync('flock', ['/tmp/apt.lock', 'bash', join(REPO, '.ci', 'install-system-deps.sh')], {
        stdio: 'ignore',
        timeout: 600_000,
      });
    } catch (error) {
      return `Postfix is missing and installing it failed: ${(error as Error).message}`;
    }
  }
  if (!existsSync(POSTFIX)) return `Postfix is not installed (${POSTFIX}); run .ci/install-system-deps.sh`;
  if (!existsSync('/usr/bin/openssl')) return 'openssl is not installed (needed for the STARTTLS test certificate)';
  return undefined;
}

/** The first port in [from, to] that 127.0.0.1 can listen on (each test file passes its own slice of 22000–22999). */
export async function freePort(from: number, to: number, skip: readonly number[] = []): Promise<number> {
  for (let port = from; port <= to; port += 1) {
    if (skip.includes(port)) continue;
    if (await canListen('127.0.0.1', port)) return port;
  }
  throw new Error(`no free port in ${from}–${to}`);
}

function canListen(host: string, port: number): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const server = createServer();
    server.once('error', () => resolvePromise(false));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolvePromise(true)));
  });
}

/**
 * Makes loopback addresses usable as source addresses. Linux routes all of 127.0.0.0/8 to `lo`
 * already; elsewhere (or in a stripped-down namespace) the address is added to `lo`.
 */
export async function ensureLoopbackAddresses(addresses: readonly string[]): Promise<void> {
  for (const address of addresses) {
    if (await canListen(address, 0)) continue;
    await run('ip', ['addr', 'add', `${address}/32`, 'dev', 'lo']);
    if (!(await canListen(address, 0))) throw new Error(`cannot bind ${address} even after adding it to lo`);
  }
}

/**
 * Puts addresses on `lo` itself. Postfix accepts an inet_interfaces address only when an interface carries it
 * ("no local interface found"); that 127.0.0.0/8 is routed to `lo` is not enough for it.
 */
export async function ensureInterfaceAddresses(addresses: readonly string[]): Promise<void> {
  const { stdout } = await run('ip', ['-4', '-o', 'addr', 'show', 'dev', 'lo']);
  for (const address of addresses) {
    if (new RegExp(`inet ${address.replace(/\./g, '\\.')}/`).test(stdout)) continue;
    await run('ip', ['addr', 'add', `${address}/32`, 'dev', 'lo']).catch((error: { stderr?: string }) => {
      if (!/exists/i.test(error.stderr ?? '')) throw error;
    });
  }
}

export interface StartOptions {
  port: number;
  tlsPort: number;
  /** The loopback address both listeners bind (default 127.0.0.1), e.g. 127.0.25.3 for an MX of the mail lab. */
  host?: string;
  /** The STARTTLS certificate and key (PEM) instead of a fresh self-signed one for mx.diagbot.test. */
  certificate?: { certPem: string; keyPem: string };
}

export async function startPostfix(options: StartOptions): Promise<PostfixInstance> {
  if (options.host !== undefined && options.host !== '127.0.0.1') await ensureInterfaceAddresses([options.host]);
  const dir = mkdtempSync(join(tmpdir(), 'diagbot-postfix-'));
  chmodSync(dir, 0o755); // the postfix user walks into the queue below it
  const configDir = join(dir, 'conf');
  const queueDir = join(dir, 'queue');
  const dataDir = join(dir, 'data');
  const logFile = join(dir, 'maillog');
  for (const d of [configDir, queueDir, dataDir]) mkdirSync(d, { mode: 0o755 });
  const postfixUser = execFileSync('id', ['-u', 'postfix']).toString().trim();
  chownSync(dataDir, Number(postfixUser), 0);

  if (options.certificate) {
    writeFileSync(join(dir, 'cert.pem'), options.certificate.certPem);
    writeFileSync(join(dir, 'key.pem'), options.certificate.keyPem, { mode: 0o600 });
  } else
    await run('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '2',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
      '-subj',
      '/CN=mx.diagbot.test',
      '-addext',
      'subjectAltName=DNS:mx.diagbot.test',
    ]);

  const instance = {
    host: options.host ?? '127.0.0.1',
    port: options.port,
    tlsPort: options.tlsPort,
    relayClient: '127.0.0.2',
    localDomain: 'diagbot.test',
    dir,
    configDir,
  };
  writeFileSync(join(configDir, 'main.cf'), mainCf(instance, { queueDir, dataDir, logFile }));
  writeFileSync(join(configDir, 'master.cf'), masterCf(instance));

  const stop = async (): Promise<void> => {
    await run(POSTFIX, ['-c', configDir, 'stop']).catch(() => undefined);
    for (let i = 0; i < 100 && (await isRunning(configDir)); i += 1) await new Promise((r) => setTimeout(r, 100));
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    await run(POSTFIX, ['-c', configDir, 'start']);
    await waitForListener(instance.host, options.port);
    await waitForListener(instance.host, options.tlsPort);
  } catch (error) {
    const log = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '(no maillog)';
    await stop();
    throw new Error(
      `Postfix did not start: ${(error as Error).message} ${(error as { stderr?: string }).stderr ?? ''}\n${log}`,
    );
  }

  const log = (): string => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');
  const queuedFiles = (): number =>
    countFiles(queueDir, ['maildrop', 'incoming', 'active', 'deferred', 'hold', 'corrupt']);
  return {
    ...instance,
    queuedFiles,
    async settledQueueFiles(ms = 5000) {
      const until = Date.now() + ms;
      while (queuedFiles() !== 0 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 50));
      return queuedFiles();
    },
    postqueue: async () => (await run('/usr/sbin/postqueue', ['-c', configDir, '-p'])).stdout,
    log,
    async logMatching(pattern, ms = 5000) {
      const until = Date.now() + ms;
      while (!pattern.test(log()) && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 50));
      return log();
    },
    async settledLog(quietMs = 300, ms = 5000) {
      const until = Date.now() + ms;
      let last = log();
      let stableSince = Date.now();
      while (Date.now() - stableSince < quietMs && Date.now() < until) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        const now = log();
        if (now.length !== last.length) {
          last = now;
          stableSince = Date.now();
        }
      }
      return last;
    },
    stop,
  };
}

function mainCf(
  p: { host: string; port: number; dir: string; localDomain: string; relayClient: string },
  paths: { queueDir: string; dataDir: string; logFile: string },
): string {
  return `# diagbot relay tests: a private instance; nothing leaves this machine.
compatibility_level = 3.6
queue_directory = ${paths.queueDir}
data_directory = ${paths.dataDir}
import_environment = MAIL_CONFIG MAIL_DEBUG MAIL_LOGTAG TZ LANG=C POSTLOG_SERVICE POSTLOG_HOSTNAME
syslog_name = diagbot-postfix-${p.port}
maillog_file = ${paths.logFile}
maillog_file_prefixes = ${p.dir}
inet_interfaces = ${p.host}
inet_protocols = ipv4
myhostname = mx.${p.localDomain}
mydomain = ${p.localDomain}
myorigin = $mydomain
mydestination = ${p.localDomain}
local_recipient_maps =
alias_maps =
alias_database =
mynetworks = ${p.relayClient}/32
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
smtpd_authorized_xclient_hosts = 127.0.0.1
smtpd_peername_lookup = no
smtpd_banner = $myhostname ESMTP diagbot test
default_transport = discard:
relay_transport = discard:
local_transport = discard:
virtual_transport = discard:
biff = no
# Every probe opens a transaction and aborts it with RSET, so no delivery ever returns a flow-control
# token; without this, smtpd would pause 1 s per transaction after the first hundred or so.
in_flow_delay = 0s
`;
}

/** The master.cf services every private instance needs besides its smtpd listeners (nothing delivers by default: `discard`). */
export const MASTER_SERVICES: readonly string[] = [
  ['pickup', 'unix', 'n', '-', 'n', '60', '1', 'pickup'],
  ['cleanup', 'unix', 'n', '-', 'n', '-', '0', 'cleanup'],
  ['qmgr', 'unix', 'n', '-', 'n', '300', '1', 'qmgr'],
  ['tlsmgr', 'unix', '-', '-', 'n', '1000?', '1', 'tlsmgr'],
  ['rewrite', 'unix', '-', '-', 'n', '-', '-', 'trivial-rewrite'],
  ['bounce', 'unix', '-', '-', 'n', '-', '0', 'bounce'],
  ['defer', 'unix', '-', '-', 'n', '-', '0', 'bounce'],
  ['trace', 'unix', '-', '-', 'n', '-', '0', 'bounce'],
  ['verify', 'unix', '-', '-', 'n', '-', '1', 'verify'],
  ['flush', 'unix', 'n', '-', 'n', '1000?', '0', 'flush'],
  ['proxymap', 'unix', '-', '-', 'n', '-', '-', 'proxymap'],
  ['showq', 'unix', 'n', '-', 'n', '-', '-', 'showq'],
  ['error', 'unix', '-', '-', 'n', '-', '-', 'error'],
  ['retry', 'unix', '-', '-', 'n', '-', '-', 'error'],
  ['discard', 'unix', '-', '-', 'n', '-', '-', 'discard'],
  ['anvil', 'unix', '-', '-', 'n', '-', '1', 'anvil'],
  ['scache', 'unix', '-', '-', 'n', '-', '1', 'scache'],
  ['postlog', 'unix-dgram', 'n', '-', 'n', '-', '1', 'postlogd'],
].map((fields) => fields.join('  '));

function masterCf(p: { host: string; port: number; tlsPort: number; dir: string }): string {
  return [
    `${p.host}:${p.port}  inet  n  -  n  -  -  smtpd`,
    `${p.host}:${p.tlsPort}  inet  n  -  n  -  -  smtpd`,
    '  -o smtpd_tls_security_level=may',
    `  -o smtpd_tls_cert_file=${p.dir}/cert.pem`,
    `  -o smtpd_tls_key_file=${p.dir}/key.pem`,
    '  -o smtpd_authorized_xclient_hosts=',
    ...MASTER_SERVICES,
    '',
  ].join('\n');
}

async function isRunning(configDir: string): Promise<boolean> {
  try {
    await run(POSTFIX, ['-c', configDir, 'status']);
    return true;
  } catch {
    return false;
  }
}

/** Resolves once something accepts TCP connections on host:port; throws after 15 s. */
export async function waitForListener(host: string, port: number): Promise<void> {
  for (let attempt = 0; attempt < 150; attempt += 1) {
    const ok = await new Promise<boolean>((resolvePromise) => {
      const socket = connect({ host, port }, () => {
        socket.destroy();
        resolvePromise(true);
      });
      socket.once('error', () => resolvePromise(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing listens on ${host}:${port} after 15 s`);
}

function countFiles(root: string, subdirs: readonly string[]): number {
  let count = 0;
  const walk = (path: string): void => {
    if (!existsSync(path)) return;
    for (const name of readdirSync(path)) {
      const full = join(path, name);
      const stat = statSync(full);
      if (stat.isDirectory()) walk(full);
      else count += 1;
    }
  };
  for (const sub of subdirs) walk(join(root, sub));
  return count;
}
