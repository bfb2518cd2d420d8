import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { connect as connectTcp, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as connectTls, rootCertificates } from 'node:tls';
import * as packet from 'dns-packet';
import { createDigestCommand } from '../commands/digest';
import { createMailCommand } from '../commands/mail';
import { createApp, type App } from '../src/app/create-app';
import { parseConfig } from '../src/config/load';
import type { Logger } from '../src/core/command';
import type { Reply } from '../src/core/reply';
import { createDnsClient, memoLookups, type DnsLookups } from '../src/dns';
import { checkMailDomain } from '../src/mail/check';
import { MAIL_SECTIONS } from '../src/mail/issues';
import { createMemoryAuditStore } from '../src/store/audit-memory';
import { MTA_STS_ADDRESS, NAME_SETS, SCENARIOS, domainOf, startMailLab, type Scenario } from '../test/helpers/mail-lab';
import { median, report, rssMb, timeMs } from './stats';

const silent: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silent,
};
const BULK = 200;

type Query = { name: string; type: 'TXT' | 'MX' | 'A' | 'AAAA' | 'TLSA' };

/** The DNS questions one `mail` check asks, recorded through the same engine (each name and type once). */
async function recordQueries(dns: DnsLookups, domain: string): Promise<Query[]> {
  const asked: Query[] = [];
  const recording: DnsLookups = {
    txt: (name) => (asked.push({ name, type: 'TXT' }), dns.txt(name)),
    mx: (name) => (asked.push({ name, type: 'MX' }), dns.mx(name)),
    tlsa: (name) => (asked.push({ name, type: 'TLSA' }), dns.tlsa(name)),
    addresses: (name) => (asked.push({ name, type: 'A' }, { name, type: 'AAAA' }), dns.addresses(name)),
  };
  await checkMailDomain(
    { domain, selectors: [], only: new Set(MAIL_SECTIONS) },
    {
      dns: memoLookups(recording),
      probeMx: async () => ({ ok: false, code: 'net.unreachable', message: 'not probed while recording' }),
      fetchPolicy: async () => ({ url: '', body: '' }),
      expiryWarningDays: 30,
    },
  );
  return asked;
}

/** One bare UDP question and answer with dns-packet: no deadlines, no failover, no validation of the reply. */
function bareQuery(server: string, query: Query): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('message', () => {
      socket.close();
      resolve();
    });
    socket.once('error', reject);
    socket.send(
      packet.encode({
        type: 'query',
        id: 7,
        flags: packet.RECURSION_DESIRED | packet.AUTHENTIC_DATA,
        questions: [{ type: query.type, name: query.name, class: 'IN' }],
      }),
      53,
      server,
    );
  });
}

/** A bare STARTTLS handshake: banner, EHLO, STARTTLS, TLS — no certificate judgement. */
function bareStarttls(address: string, servername: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connectTcp({ host: address, port: 25 });
    let buffer = '';
    let stage = 0;
    socket.setEncoding('utf8');
    socket.on('error', reject);
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      if (!/(^|\n)\d{3} [^\n]*\r?\n$/.test(buffer)) return;
      buffer = '';
      stage += 1;
      if (stage === 1) socket.write('EHLO bench.test\r\n');
      else if (stage === 2) socket.write('STARTTLS\r\n');
      else if (stage === 3) {
        socket.removeAllListeners('data');
        const tls = connectTls({ socket, servername, rejectUnauthorized: false }, () => {
          tls.destroy();
          resolve();
        });
        tls.once('error', reject);
      }
    });
  });
}

function bareHttps(host: string, ca: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: MTA_STS_ADDRESS,
        port: 443,
        servername: host,
        headers: { host },
        path: '/.well-known/mta-sts.txt',
        ca,
        agent: false,
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve());
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/**
 * `bench/mail`: one full `mail` check of a domain with two MX hosts on the lab (NSD + validating
 * Unbound, two Postfix MX hosts with STARTTLS, the MTA-STS HTTPS server), against the same DNS
 * questions, STARTTLS handshakes and policy fetch done bare in the same run, in the same three
 * dependent waves the check has (domain records → host records → connections); target ≤ 1.3×.
 * Then one digest run of 200 domains: wall time and peak RSS. Loopback only, bounded loops.
 */
export async function run(): Promise<void> {
  const bulk: Scenario[] = Array.from({ length: BULK }, (_v, i) => ({ label: `bulk-${i}`, problems: [] }));
  const good = SCENARIOS.find((s) => s.label === 'good') as Scenario;
  const set = NAME_SETS.alpha;
  const lab = await startMailLab([set], [good, ...bulk]);
  const storeDir = mkdtempSync(join(tmpdir(), 'diagbot-bench-mail-'));
  let app: App | undefined;
  try {
    const config = parseConfig({
      targets: { allow: lab.config.allow },
      tls: { extraCaFiles: lab.config.extraCaFiles },
      dns: { servers: lab.config.dnsServers },
      digest: { maxChecksPerDigest: 500 },
      store: { path: join(storeDir, 'diagbot.db') },
    });
    // The app with `mail` and `digest` (which runs its checks through the same router). The audit stays in memory:
    // this measures the mail engine, and one SQLite audit row per check would be measured with it.
    app = await createApp(config, {
      log: silent,
      audit: createMemoryAuditStore(),
      onlyCommands: (deps) => [createMailCommand(deps), createDigestCommand(deps)],
    });
    const router = app.router;
    const store = app.store;
    const ask = (text: string): Promise<Reply> =>
      router.handle({ platform: 'cli', door: 'terminal', userId: 'bench', channelId: 'bench', rawText: text, text });

    const domain = domainOf(set, 'good');
    const check = async (): Promise<void> => {
      const reply = await ask(`mail ${domain}`);
      if (reply.status !== 'ok') throw new Error(`bench check did not pass: ${reply.title}`);
    };

    const queries = await recordQueries(
      createDnsClient({ servers: [{ host: lab.dns.resolver, port: 53 }], timeoutMs: 2000 }),
      domain,
    );
    const hosts = ['mx-a', 'mx-b'].map((label) => `${set.prefix}${label}.${set.signed}`);
    const second = (q: Query): boolean =>
      hosts.some((h) => q.name === h || q.name.endsWith(`.${h}`)) ||
      q.name === `spf.${domain}` ||
      q.name === `mta-sts.${domain}`;
    const waves = [queries.filter((q) => !second(q)), queries.filter(second)];
    const ca = [...rootCertificates, readFileSync(lab.caFile, 'utf8')];
    const bare = async (): Promise<void> => {
      for (const wave of waves) await Promise.all(wave.map((q) => bareQuery(lab.dns.resolver, q)));
      await Promise.all([
        bareStarttls('127.0.25.1', hosts[0] as string),
        bareStarttls('127.0.25.2', hosts[1] as string),
        bareHttps(`mta-sts.${domain}`, ca),
      ]);
    };

    for (let i = 0; i < 5; i += 1) {
      await bare();
      await check();
    }
    const rounds = 60;
    const bareTimes: number[] = [];
    const fullTimes: number[] = [];
    // Alternating blocks, so drift (Unbound's cache, Postfix's process pool) hits both alike.
    for (let block = 0; block < 6; block += 1) {
      const [work, into] = block % 2 === 0 ? [bare, bareTimes] : [check, fullTimes];
      for (let i = 0; i < rounds / 3; i += 1) into.push(await timeMs(work));
    }
    report('mail', `DNS questions per check (bare replays them)`, queries.length, '');
    report('mail', 'bare DNS + 2 STARTTLS + policy fetch, median', median(bareTimes), 'ms');
    report('mail', 'full mail check (2 MX), median', median(fullTimes), 'ms');
    report('mail', 'ratio full / bare (target <= 1.3)', median(fullTimes) / median(bareTimes), 'x');

    const created = await (
      await store.open()
    ).digests.create(
      {
        platform: 'slack',
        channelId: 'C0BENCH',
        schedule: '0 8 * * *',
        scheduleText: 'daily 08:00',
        timezone: 'UTC',
        commands: bulk.map((s) => `mail ${domainOf(set, s.label)}`),
        createdBy: 'bench',
        now: new Date(),
      },
      { maxPerChannel: 10 },
    );
    if (!('created' in created)) throw new Error('digest limit in the benchmark');
    let peak = rssMb();
    const before = peak;
    const sampler = setInterval(() => {
      peak = Math.max(peak, rssMb());
    }, 20);
    let reply: Reply | undefined;
    const wall = await timeMs(async () => {
      reply = await ask(`digest run ${created.created.id}`);
    });
    clearInterval(sampler);
    const results = (reply?.data.results as Reply[] | undefined) ?? [];
    const okCount = results.filter((r) => r.status === 'ok').length;
    report('mail', `digest run of ${BULK} domains: wall time`, wall, 'ms');
    report('mail', `digest run of ${BULK} domains: results ok`, okCount, `of ${results.length}`);
    report('mail', 'digest run: RSS before', before, 'MB');
    report('mail', 'digest run: peak RSS', peak, 'MB');
  } finally {
    await app?.close();
    rmSync(storeDir, { recursive: true, force: true });
    await lab.stop();
  }
}
