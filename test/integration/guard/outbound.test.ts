import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Reply } from '../../../src/core/reply';
import { connectTcp, type NetContext } from '../../../src/net/connect';
import { createTargetPolicy } from '../../../src/net/policy';
import type { ResolvedAddress, Resolver } from '../../../src/net/resolver';
import { runCli } from '../../helpers/cli';

/**
 * The outbound policy on real sockets (loopback only): a name resolves once and the connection goes to
 * the address that was checked, so DNS rebinding reaches nothing; and the built diagbot refuses trick
 * spellings of denied addresses and ports outside a command's list without ever opening a connection.
 */
interface Listener {
  server: Server;
  port: number;
  connections: () => number;
  sockets: Set<Socket>;
}

async function listen(host: string, port = 0): Promise<Listener> {
  let count = 0;
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    count += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : 0, connections: () => count, sockets };
}

function close(l: Listener): Promise<void> {
  for (const socket of l.sockets) socket.destroy();
  return new Promise((resolve) => l.server.close(() => resolve()));
}
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 100));

/** The attacker's DNS: the first answer is the allowed address, every later one the internal target. */
function rebinding(first: string, later: string): Resolver & { calls: () => number } {
  let calls = 0;
  return {
    calls: () => calls,
    async resolve(): Promise<ResolvedAddress[]> {
      calls += 1;
      return [{ address: calls === 1 ? first : later, family: 4 }];
    },
  };
}

describe('DNS rebinding on real sockets', () => {
  let allowed: Listener;
  let internal: Listener;

  beforeAll(async () => {
    allowed = await listen('127.0.0.1');
    // The "internal service" on another loopback address, same port.
    internal = await listen('127.0.0.2', allowed.port);
  });

  afterAll(async () => {
    await close(allowed);
    await close(internal);
  });

  it('connects to the checked address, never to what the name says later', async () => {
    const resolver = rebinding('127.0.0.1', '127.0.0.2');
    const net: NetContext = {
      policy: createTargetPolicy({ allow: ['127.0.0.1/32'], deny: [] }),
      resolver,
      timeouts: { connectMs: 2000, stepMs: 2000 },
    };
    const { socket, address } = await connectTcp({ host: 'rebind.test', port: allowed.port }, net);
    socket.destroy();
    await settle();
    expect(address).toBe('127.0.0.1');
    expect(resolver.calls()).toBe(1);
    expect(allowed.connections()).toBe(1);
    expect(internal.connections()).toBe(0);
  });

  it('refuses when the one answer is the denied one, and connects nowhere', async () => {
    const before = allowed.connections();
    const resolver = rebinding('127.0.0.2', '127.0.0.1');
    const net: NetContext = {
      policy: createTargetPolicy({ allow: ['127.0.0.1/32'], deny: [] }),
      resolver,
      timeouts: { connectMs: 2000, stepMs: 2000 },
    };
    await expect(connectTcp({ host: 'rebind.test', port: allowed.port }, net)).rejects.toMatchObject({
      code: 'policy.denied',
    });
    await settle();
    expect(resolver.calls()).toBe(1);
    expect(allowed.connections()).toBe(before);
    expect(internal.connections()).toBe(0);
  });
});

describe('the built diagbot refuses tricks before connecting', () => {
  let dir: string;
  let target: Listener;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'diagbot-outbound-'));
    target = await listen('127.0.0.1');
  });

  afterAll(async () => {
    await close(target);
    rmSync(dir, { recursive: true, force: true });
  });

  function config(yaml: string): string {
    const file = join(dir, `config-${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(file, yaml);
    return file;
  }

  async function cert(file: string, host: string): Promise<Reply> {
    const result = await runCli(['--config', file, '--json', `cert ${host}`], { cwd: dir });
    return JSON.parse(result.stdout) as Reply;
  }

  it.each(['2130706433', '0x7f.1', '0177.0.0.1', '127.1', '[::ffff:127.0.0.1]', '[::ffff:7f00:1]', '127.0.0.1.'])(
    'cert %s:<port> is policy.denied under the default policy and opens no connection',
    async (spelling) => {
      const file = config(`targets:\n  ports:\n    cert: [${target.port}]\n`);
      const reply = await cert(file, `${spelling}:${target.port}`);
      expect(reply.findings[0]?.id).toBe('policy.denied');
      await settle();
      expect(target.connections()).toBe(0);
    },
  );

  it("refuses a port outside cert's list even where the address is allowed", async () => {
    const file = config('targets:\n  allow: [127.0.0.0/8]\n');
    const reply = await cert(file, `127.0.0.1:${target.port}`);
    expect(reply.findings[0]).toMatchObject({
      id: 'policy.denied',
      message: expect.stringContaining(`port ${target.port}`),
    });
    await settle();
    expect(target.connections()).toBe(0);
  });

  it('does connect once both the address and the port are allowed (the refusals above are the policy, not a broken probe)', async () => {
    const file = config(`targets:\n  allow: [127.0.0.0/8]\n  ports:\n    cert: [${target.port}]\n`);
    const reply = await cert(file, `0x7f.1:${target.port}`);
    expect(reply.findings[0]?.id).not.toBe('policy.denied');
    await settle();
    expect(target.connections()).toBeGreaterThan(0);
  });
});
