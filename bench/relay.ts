import { connect } from 'node:net';
import { createTargetPolicy } from '../src/net/policy';
import { tableResolver } from '../src/net/resolver';
import { compileTopology } from '../src/relay/evaluate';
import { bigIntToIp, parseIpRange, rangeSize } from '../src/relay/ip-range';
import { relayConfigSchema, type RelayTopology } from '../src/relay/topology-schema';
import { probeRelay } from '../src/smtp/probe';
import { ensureLoopbackAddresses, freePort, postfixUnavailableReason, startPostfix } from '../test/helpers/postfix';
import { median, report } from './stats';

/**
 * `bench relay`: (1) the median live probe against a private loopback Postfix next to a raw socket
 * sending the same commands, same run (target ≤ 1.2×); (2) policy evaluations per second with 1,000
 * connectors and 10,000 data-group members next to a linear scan of the same ranges (target ≥ 50,000/s).
 */
export async function run(): Promise<void> {
  policyBench();
  await liveBench();
}

const COMMANDS = [
  'EHLO [127.0.0.2]',
  'MAIL FROM:<probe@contoso.example>',
  'RCPT TO:<relay-test@example.org>',
  'RSET',
  'QUIT',
];

/** The baseline: a bare socket, the same source address and commands, no policy, no parsing beyond "last line of a reply". */
function rawProbe(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, localAddress: '127.0.0.2' });
    let buffer = '';
    let next = 0;
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('latin1');
      const lines = buffer.split('\r\n');
      buffer = lines.pop() ?? '';
      if (!lines.some((line) => /^\d{3} /.test(line))) return;
      const command = COMMANDS[next];
      next += 1;
      if (command === undefined) return;
      socket.write(`${command}\r\n`);
    });
    socket.on('error', reject);
    socket.on('close', () =>
      next === COMMANDS.length + 1 ? resolve() : reject(new Error(`raw probe stopped after ${next} replies`)),
    );
  });
}

async function liveBench(): Promise<void> {
  const unavailable = postfixUnavailableReason();
  if (unavailable) {
    console.log(`relay        live probe skipped: ${unavailable}`);
    return;
  }
  await ensureLoopbackAddresses(['127.0.0.2']);
  const port = await freePort(22900, 22949);
  const postfix = await startPostfix({ port, tlsPort: await freePort(22900, 22949, [port]) });
  try {
    const net = {
      policy: createTargetPolicy({ allow: ['127.0.0.0/8'], deny: [] }),
      resolver: tableResolver({}),
      timeouts: { connectMs: 3000, stepMs: 5000 },
    };
    const request = {
      target: { host: '127.0.0.1', port },
      client: '127.0.0.2',
      sender: 'probe@contoso.example',
      recipient: 'relay-test@example.org',
      startTls: false,
      allowXclient: false,
    };
    const probe: number[] = [];
    const raw: number[] = [];
    const time = async (work: () => Promise<unknown>): Promise<number> => {
      const start = process.hrtime.bigint();
      await work();
      return Number(process.hrtime.bigint() - start) / 1e6;
    };
    for (let i = 0; i < 5; i += 1) {
      await rawProbe(port);
      await probeRelay(request, { net });
    }
    // Interleaved, so both see the same Postfix warm-up and machine load.
    for (let i = 0; i < 40; i += 1) {
      raw.push(await time(() => rawProbe(port)));
      probe.push(
        await time(async () => {
          const result = await probeRelay(request, { net });
          if (!result.accepted) throw new Error(`unexpected outcome ${result.outcome}`);
        }),
      );
    }
    report('relay', 'raw socket, same commands (median)', median(raw), 'ms');
    report('relay', 'probeRelay source-bind (median)', median(probe), 'ms');
    report('relay', 'ratio (target <= 1.2x)', median(probe) / median(raw), 'x');
    if ((await postfix.settledQueueFiles()) !== 0) throw new Error('the benchmark left mail in the Postfix queue');
  } finally {
    await postfix.stop();
  }
}

/** A deterministic pseudo-random sequence, so every run measures the same topology. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state;
  };
}

function bigTopology(): RelayTopology {
  const random = lcg(42);
  const members: string[] = [];
  for (let i = 0; i < 10_000; i += 1) {
    const n = random();
    members.push(
      i % 10 === 0
        ? `172.${16 + (n % 16)}.${(n >>> 8) & 255}.0/28`
        : `172.${16 + (n % 16)}.${(n >>> 8) & 255}.${(n >>> 16) & 255}`,
    );
  }
  const connectors = [{ name: 'Default Frontend', remoteIpRanges: ['0.0.0.0-255.255.255.255'], anonymousRelay: false }];
  for (let i = 1; i < 1000; i += 1) {
    const n = random();
    connectors.push({
      name: `Connector ${i}`,
      remoteIpRanges: [
        `10.${i % 256}.${(n >>> 8) & 255}.0/24`,
        `10.${(n >>> 16) & 255}.${i % 256}.1-10.${(n >>> 16) & 255}.${i % 256}.${20 + (n % 200)}`,
        `192.168.${i % 256}.${(n >>> 24) & 255}`,
      ],
      anonymousRelay: i % 3 === 0,
    });
  }
  connectors.push({ name: 'Anonymous Relay', remoteIpRanges: ['10.0.0.200'], anonymousRelay: true });
  return relayConfigSchema.parse({
    loadBalancer: {
      name: 'SMTP_VS',
      dataGroup: { name: 'smtp_relay_allowed', members },
      relaySnat: '10.0.0.200',
      defaultSnat: 'none',
    },
    connectors,
  });
}

/** The same decision by scanning every member and every range: what the index replaces. */
function scanEvaluate(topology: RelayTopology, client: string): string | null {
  const parsedMembers = (scanCache.members ??= (topology.loadBalancer?.dataGroup.members ?? []).map(parseIpRange));
  const parsedConnectors = (scanCache.connectors ??= topology.connectors.map((c) => ({
    name: c.name,
    ranges: c.remoteIpRanges.map(parseIpRange),
  })));
  const value = parseIpRange(client);
  const member = parsedMembers.some((r) => r.family === value.family && r.start <= value.start && value.start <= r.end);
  const seen = member && topology.loadBalancer ? parseIpRange(topology.loadBalancer.relaySnat) : value;
  let best: { name: string; size: bigint } | null = null;
  for (const c of parsedConnectors) {
    for (const r of c.ranges) {
      if (
        r.family === seen.family &&
        r.start <= seen.start &&
        seen.start <= r.end &&
        (!best || rangeSize(r) < best.size)
      )
        best = { name: c.name, size: rangeSize(r) };
    }
  }
  return best?.name ?? null;
}
const scanCache: {
  members?: ReturnType<typeof parseIpRange>[];
  connectors?: Array<{ name: string; ranges: ReturnType<typeof parseIpRange>[] }>;
} = {};

function policyBench(): void {
  const topology = bigTopology();
  const started = process.hrtime.bigint();
  const compiled = compileTopology(topology);
  report('relay', 'compile 1,000 connectors + 10,000 members', Number(process.hrtime.bigint() - started) / 1e6, 'ms');

  const random = lcg(7);
  const clients = Array.from({ length: 4096 }, (_v, i) => {
    const n = random();
    if (i % 4 === 0) return topology.loadBalancer?.dataGroup.members[n % 10_000]?.replace(/\/\d+$/, '') ?? '10.0.0.1';
    return bigIntToIp(BigInt(n) & 0xffffffffn, 4);
  });
  for (const client of clients.slice(0, 200)) {
    if (compiled.evaluate(client).connector !== scanEvaluate(topology, client))
      throw new Error(`index and scan disagree for ${client}`);
  }

  const indexed = 200_000;
  let t = process.hrtime.bigint();
  for (let i = 0; i < indexed; i += 1) compiled.evaluate(clients[i & 4095] as string);
  const indexedPerSecond = indexed / (Number(process.hrtime.bigint() - t) / 1e9);

  const scanned = 1_000;
  t = process.hrtime.bigint();
  for (let i = 0; i < scanned; i += 1) scanEvaluate(topology, clients[i & 4095] as string);
  const scannedPerSecond = scanned / (Number(process.hrtime.bigint() - t) / 1e9);

  report('relay', 'policy evaluations/s, linear scan (baseline)', scannedPerSecond, '/s');
  report('relay', 'policy evaluations/s, indexed (target >= 50,000)', indexedPerSecond, '/s');
  report('relay', 'indexed vs scan', indexedPerSecond / scannedPerSecond, 'x');
}
