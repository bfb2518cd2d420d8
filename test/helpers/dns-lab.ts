import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { createSocket } from 'node:dgram';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import * as packet from 'dns-packet';
import { ensureLoopbackAddresses } from './postfix';

/**
 * A private DNS lab on loopback for the `mail` tests and benchmark: NSD serves the zones
 * authoritatively on 127.0.53.1:53, Unbound validates on 127.0.53.2:53 with a trust anchor for each
 * signed zone (no root anchor: names outside them are insecure, as an unsigned delegation would be).
 * A `bogus` zone is signed with one key while Unbound trusts another, so every answer from it fails
 * validation exactly as a broken DS would. Both run as root from a temp directory, in the foreground,
 * and are killed by `stop()`. No jest here: the benchmark uses it too.
 */

const run = promisify(execFile);
const REPO = resolve(__dirname, '..', '..');
export const AUTHORITATIVE = '127.0.53.1';
export const RESOLVER = '127.0.53.2';

/** One resource record: owner (absolute, no trailing dot), type, and the RDATA as a zone file writes it. */
export type ZoneRecord = [owner: string, type: string, rdata: string];

export interface ZoneSpec {
  origin: string;
  records: ZoneRecord[];
  /** `valid`: signed and trusted; `bogus`: signed, but Unbound trusts a different key; `none`: unsigned. */
  dnssec: 'valid' | 'bogus' | 'none';
}

export interface DnsLab {
  authoritative: string;
  resolver: string;
  dir: string;
  stop(): Promise<void>;
}

/** Why the DNS lab cannot run here, or undefined when it can (installs the Debian packages as root when missing). */
export function dnsLabUnavailableReason(): string | undefined {
  if (process.platform !== 'linux') return 'the DNS lab runs on Linux only';
  if (typeof process.getuid === 'function' && process.getuid() !== 0)
    return 'NSD and Unbound need root to bind port 53 (run the tests as root, as CI does)';
  const tools = ['/usr/sbin/nsd', '/usr/sbin/unbound', '/usr/bin/ldns-signzone', '/usr/bin/ldns-keygen'];
  if (tools.some((t) => !existsSync(t)) && existsSync('/usr/bin/apt-get')) {
    try {
      execFileSync('flock', ['/tmp/apt.lock', 'bash', join(REPO, '.ci', 'install-system-deps.sh')], {
        stdio: 'ignore',
        timeout: 600_000,
      });
    } catch (error) {
      return `NSD/Unbound/ldns are missing and installing them failed: ${(error as Error).message}`;
    }
  }
  const missing = tools.filter((t) => !existsSync(t));
  return missing.length > 0 ? `missing ${missing.join(', ')}; run .ci/install-system-deps.sh` : undefined;
}

const escapeTxt = (text: string): string => text.replace(/\\/g, '\\\\').replace(/"/g, '\\"');

/** TXT RDATA as quoted strings of at most 255 bytes each (a DKIM key is longer than one string). */
export function txtRdata(text: string): string {
  const chunks: string[] = [];
  for (let i = 0; i < text.length || chunks.length === 0; i += 255)
    chunks.push(`"${escapeTxt(text.slice(i, i + 255))}"`);
  return chunks.join(' ');
}

function zoneText(zone: ZoneSpec): string {
  const lines = [
    `$ORIGIN ${zone.origin}.`,
    '$TTL 300',
    `@ IN SOA ns1.${zone.origin}. hostmaster.${zone.origin}. 1 3600 600 86400 60`,
    `@ IN NS ns1.${zone.origin}.`,
    `ns1.${zone.origin}. IN A ${AUTHORITATIVE}`,
  ];
  for (const [owner, type, rdata] of zone.records)
    lines.push(`${owner}. IN ${type} ${type === 'TXT' ? txtRdata(rdata) : rdata}`);
  return `${lines.join('\n')}\n`;
}

async function keygen(dir: string, origin: string, ksk: boolean): Promise<string> {
  const { stdout } = await run('ldns-keygen', ['-a', 'ECDSAP256SHA256', ...(ksk ? ['-k'] : []), `${origin}.`], {
    cwd: dir,
  });
  return stdout.trim();
}

/** Writes the zone (signed when asked) and returns its file name and the trust anchor Unbound gets. */
async function prepareZone(dir: string, zone: ZoneSpec): Promise<{ file: string; anchor?: string }> {
  const file = `${zone.origin}.zone`;
  writeFileSync(join(dir, file), zoneText(zone));
  if (zone.dnssec === 'none') return { file };
  const ksk = await keygen(dir, zone.origin, true);
  const zsk = await keygen(dir, zone.origin, false);
  await run('ldns-signzone', ['-o', `${zone.origin}.`, file, zsk, ksk], { cwd: dir });
  // For a bogus zone the anchor is a key that signed nothing: every answer fails validation.
  const anchorKey = zone.dnssec === 'bogus' ? await keygen(dir, zone.origin, true) : ksk;
  return { file: `${file}.signed`, anchor: readFileSync(join(dir, `${anchorKey}.ds`), 'utf8').trim() };
}

function spawnDaemon(command: string, args: string[], logFile: string): ChildProcess {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const log = (chunk: Buffer): void => writeFileSync(logFile, chunk, { flag: 'a' });
  child.stdout?.on('data', log);
  child.stderr?.on('data', log);
  return child;
}

/** Asks `server` for `name` SOA until it answers (or throws after ~15 s). */
async function waitForDns(server: string, name: string, child: ChildProcess, logFile: string): Promise<void> {
  for (let attempt = 0; attempt < 150; attempt += 1) {
    if (child.exitCode !== null)
      throw new Error(
        `${child.spawnfile} exited (${child.exitCode}): ${existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-2000) : ''}`,
      );
    const answered = await new Promise<boolean>((resolvePromise) => {
      const socket = createSocket('udp4');
      const timer = setTimeout(() => {
        socket.close();
        resolvePromise(false);
      }, 100);
      socket.on('message', () => {
        clearTimeout(timer);
        socket.close();
        resolvePromise(true);
      });
      socket.on('error', () => resolvePromise(false));
      socket.send(
        packet.encode({
          type: 'query',
          id: 1,
          flags: packet.RECURSION_DESIRED,
          questions: [{ type: 'SOA', name, class: 'IN' }],
        }),
        53,
        server,
      );
    });
    if (answered) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(
    `${server}:53 did not answer for ${name}: ${existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-2000) : ''}`,
  );
}

/** Starts NSD with the zones and Unbound in front of it. */
export async function startDnsLab(zones: readonly ZoneSpec[]): Promise<DnsLab> {
  await ensureLoopbackAddresses([AUTHORITATIVE, RESOLVER]);
  const dir = mkdtempSync(join(tmpdir(), 'diagbot-dns-'));
  chmodSync(dir, 0o755);
  const prepared = await Promise.all(zones.map(async (zone) => ({ zone, ...(await prepareZone(dir, zone)) })));

  writeFileSync(
    join(dir, 'nsd.conf'),
    [
      'server:',
      `  ip-address: ${AUTHORITATIVE}`,
      '  port: 53',
      `  zonesdir: "${dir}"`,
      '  database: ""',
      `  zonelistfile: "${dir}/zone.list"`,
      `  xfrdfile: "${dir}/xfrd.state"`,
      `  pidfile: "${dir}/nsd.pid"`,
      '  username: ""',
      '  server-count: 1',
      '  verbosity: 1',
      'remote-control:',
      '  control-enable: no',
      ...prepared.flatMap((p) => ['zone:', `  name: "${p.zone.origin}"`, `  zonefile: "${p.file}"`]),
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(dir, 'unbound.conf'),
    [
      'server:',
      `  interface: ${RESOLVER}`,
      '  port: 53',
      '  do-daemonize: no',
      '  username: ""',
      '  chroot: ""',
      `  directory: "${dir}"`,
      `  pidfile: "${dir}/unbound.pid"`,
      '  use-syslog: no',
      '  logfile: ""',
      '  verbosity: 1',
      '  do-ip6: no',
      '  do-not-query-localhost: no',
      '  access-control: 127.0.0.0/8 allow',
      '  module-config: "validator iterator"',
      '  qname-minimisation: no',
      '  val-log-level: 2',
      // Bogus answers are not cached for long, so a test that fixes a zone is not misled.
      '  val-bogus-ttl: 5',
      ...prepared.filter((p) => p.anchor).map((p) => `  trust-anchor: "${p.anchor}"`),
      ...prepared.flatMap((p) => [`  local-zone: "${p.zone.origin}." transparent`]),
      ...prepared.flatMap((p) => ['stub-zone:', `  name: "${p.zone.origin}"`, `  stub-addr: ${AUTHORITATIVE}@53`]),
      '',
    ].join('\n'),
  );

  const nsdLog = join(dir, 'nsd.log');
  const unboundLog = join(dir, 'unbound.log');
  const nsd = spawnDaemon('/usr/sbin/nsd', ['-d', '-c', join(dir, 'nsd.conf')], nsdLog);
  let unbound: ChildProcess | undefined;
  const stop = async (): Promise<void> => {
    for (const child of [unbound, nsd]) {
      if (!child || child.exitCode !== null) continue;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForDns(AUTHORITATIVE, (zones[0] as ZoneSpec).origin, nsd, nsdLog);
    unbound = spawnDaemon('/usr/sbin/unbound', ['-d', '-c', join(dir, 'unbound.conf')], unboundLog);
    await waitForDns(RESOLVER, (zones[0] as ZoneSpec).origin, unbound, unboundLog);
  } catch (error) {
    await stop();
    throw error;
  }
  return { authoritative: AUTHORITATIVE, resolver: RESOLVER, dir, stop };
}
