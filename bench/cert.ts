import { rmSync } from 'node:fs';
import { connect } from 'node:tls';
import { createCertCommand } from '../commands/cert';
import { parseConfig } from '../src/config/load';
import type { Logger } from '../src/core/command';
import { createRouter } from '../src/core/router';
import { createLimiter } from '../src/tls/limit';
import { createTargetPolicy } from '../src/net/policy';
import { systemResolver } from '../src/net/resolver';
import { createIntermediate, createLeaf, createRoot, writePems } from '../test/helpers/pki';
import { startTlsServer } from '../test/helpers/tls-server';
import { median, report, rssMb, timeMs } from './stats';

const silent: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silent,
};

/**
 * `bench/cert`: a full `cert` check (router → command → probe → chain judgement → Reply) against a
 * loopback TLS server, next to a bare `tls.connect` handshake to the same server in the same run
 * (target ≤ 1.2×); then 500 checks under the configured concurrency (default 16) against 500 bare
 * handshakes under the same bound: wall time and peak RSS. Loopback only, bounded loops.
 */
export async function run(): Promise<void> {
  const root = createRoot('Bench Root CA');
  const inter = createIntermediate(root, 'Bench Issuing CA');
  const leaf = createLeaf(inter, { dns: ['mail.bench.test'] });
  const server = await startTlsServer({ key: leaf.keyPem, chain: [leaf.certPem, inter.certPem] });
  const { dir, paths } = writePems({ 'root.pem': root.certPem });
  try {
    const config = parseConfig({ targets: { allow: ['127.0.0.0/8'] }, tls: { extraCaFiles: [paths['root.pem']] } });
    const net = { policy: createTargetPolicy(config.targets), resolver: systemResolver, timeouts: config.timeouts };
    const router = createRouter({
      commands: [createCertCommand({ config, net, log: silent, now: () => new Date() })],
      log: silent,
    });
    const text = `cert ${server.target} --name mail.bench.test`;
    const request = {
      platform: 'cli' as const,
      door: 'terminal' as const,
      userId: 'bench',
      channelId: 'bench',
      rawText: text,
      text,
    };

    const check = async (): Promise<void> => {
      const reply = await router.handle(request);
      if (reply.status !== 'ok') throw new Error(`bench check did not pass: ${reply.title}`);
    };
    const handshake = (): Promise<void> =>
      new Promise((resolve, reject) => {
        const socket = connect(
          { host: server.host, port: server.port, servername: 'mail.bench.test', rejectUnauthorized: false },
          () => {
            socket.destroy();
            resolve();
          },
        );
        socket.once('error', reject);
      });

    for (let i = 0; i < 20; i += 1) {
      await handshake();
      await check();
    }
    const rounds = 400;
    const bare: number[] = [];
    const full: number[] = [];
    // The server runs in this process: each timing starts after the previous connection's teardown (on
    // both sides) has finished, and the two kinds run in alternating blocks so drift hits both alike.
    const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 2));
    for (let block = 0; block < 8; block += 1) {
      const [work, into] = block % 2 === 0 ? [handshake, bare] : [check, full];
      for (let i = 0; i < rounds / 4; i += 1) {
        await settle();
        into.push(await timeMs(work));
      }
    }
    report('cert', `bare tls.connect handshake (median of ${rounds})`, median(bare), 'ms');
    report('cert', `full cert check (median of ${rounds})`, median(full), 'ms');
    report('cert', 'ratio full / bare (target <= 1.2x)', median(full) / median(bare), 'x');

    const total = 500;
    const concurrency = config.tls.concurrency;
    let peak = rssMb();
    const sampler = setInterval(() => {
      peak = Math.max(peak, rssMb());
    }, 5);
    try {
      const limiter = createLimiter(concurrency);
      const bareWall = await timeMs(() => Promise.all(Array.from({ length: total }, () => limiter.run(handshake))));
      const rssBefore = rssMb();
      peak = rssBefore;
      // The checker's own limiter (tls.concurrency) bounds these: all 500 are handed over at once.
      const fullWall = await timeMs(() => Promise.all(Array.from({ length: total }, check)));
      peak = Math.max(peak, rssMb());
      report('cert', `${total} bare handshakes, ${concurrency} at a time (wall)`, bareWall, 'ms');
      report('cert', `${total} cert checks, concurrency ${concurrency} (wall)`, fullWall, 'ms');
      report('cert', 'ratio checks / handshakes (wall)', fullWall / bareWall, 'x');
      report('cert', `RSS before the ${total} checks`, rssBefore, 'MB');
      report('cert', `peak RSS during the ${total} checks`, peak, 'MB');
    } finally {
      clearInterval(sampler);
    }
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
