import { createServer, type Server, type Socket } from 'node:net';
import { createDirectory, type Directory } from '../../../src/directory/client';
import { createTargetPolicy } from '../../../src/net/policy';
import { tableResolver } from '../../../src/net/resolver';
import { diagFailure as failure } from '../../helpers/diag-error';
import { freePort } from '../../helpers/postfix';
import { PORTS } from './serve-process';

/**
 * Issue 14, defect 6 (LDAP): hostile directories as real TCP servers on 127.0.14.1. One floods a search with
 * entries and never ends it; one accepts and never answers the bind.
 */
const HOST = '127.0.14.1';
const net = (stepMs: number) => ({
  policy: createTargetPolicy({ allow: ['127.0.0.0/8'], deny: [] }),
  resolver: tableResolver({}),
  timeouts: { connectMs: 300, stepMs },
});

/** The message id of an LDAP message in `data` (BER: SEQUENCE, short or long length, INTEGER id). */
function messageId(data: Buffer): number {
  const lengthBytes = (data[1] as number) & 0x80 ? (data[1] as number) & 0x7f : 0;
  return data[3 + lengthBytes] === 1 ? (data[4 + lengthBytes] as number) : 1;
}

function ber(tag: number, body: Buffer): Buffer {
  const n = body.length;
  const length =
    n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), length, body]);
}

const bindSuccess = (id: number): Buffer =>
  ber(
    0x30,
    Buffer.concat([Buffer.from([0x02, 0x01, id]), ber(0x61, Buffer.from([0x0a, 0x01, 0x00, 0x04, 0x00, 0x04, 0x00]))]),
  );

/** A SearchResultEntry of about 2 KB (a long description), as a directory that ignores sizeLimit sends them. */
function entry(id: number, n: number): Buffer {
  const dn = Buffer.from(`CN=user${n},OU=Flood,DC=contoso,DC=local`);
  const attribute = ber(
    0x30,
    Buffer.concat([ber(0x04, Buffer.from('displayName')), ber(0x31, ber(0x04, Buffer.alloc(2000, 0x61)))]),
  );
  return ber(
    0x30,
    Buffer.concat([Buffer.from([0x02, 0x01, id]), ber(0x64, Buffer.concat([ber(0x04, dn), ber(0x30, attribute)]))]),
  );
}

function listen(port: number, onSocket: (socket: Socket) => void): Promise<Server> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    onSocket(socket);
  });
  const original = server.close.bind(server);
  server.close = (cb) => {
    for (const s of sockets) s.destroy();
    return original(cb);
  };
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, HOST, () => resolve(server));
  });
}

const settings = (port: number) => ({
  url: `ldap://${HOST}:${port}`,
  baseDn: 'DC=contoso,DC=local',
  bindDn: 'svc@contoso.local',
  password: 'secret-not-shown',
  caFiles: [],
  startTls: false,
  sizeLimit: 20,
  pageSize: 500,
});

describe('ou against hostile directories', () => {
  const servers: Server[] = [];
  const directories: Directory[] = [];
  let floodPort = 0;
  let silentPort = 0;
  const flood = { written: 0, closedByClient: false };

  beforeAll(async () => {
    floodPort = await freePort(PORTS.from, PORTS.to);
    servers.push(
      await listen(floodPort, (socket) => {
        let bound = false;
        socket.on('close', () => (flood.closedByClient = true));
        socket.on('data', (data) => {
          if (!bound) {
            bound = true;
            socket.write(bindSuccess(messageId(data)));
            return;
          }
          // The search: entries without end (up to 64 MB), never a SearchResultDone.
          const id = messageId(data);
          const pump = (): void => {
            while (!socket.destroyed && flood.written < 32_000) {
              flood.written += 1;
              if (!socket.write(entry(id, flood.written))) return void socket.once('drain', pump);
            }
          };
          pump();
        });
      }),
    );
    silentPort = await freePort(PORTS.from, PORTS.to, [floodPort]);
    servers.push(await listen(silentPort, () => undefined));
  });

  afterAll(async () => {
    for (const d of directories) await d.close();
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  });

  it('stops reading a search that floods past ldap.sizeLimit, before its deadline', async () => {
    const directory = createDirectory(settings(floodPort), net(20_000));
    directories.push(directory);
    const error = await failure(directory.findUsers('jdoe'));
    expect(error.code).toBe('ldap.unavailable');
    expect(error.message).toContain('ldap.sizeLimit');
    // The server sees the client hang up (the close reaches it a moment after the client gave up).
    for (let i = 0; i < 100 && !flood.closedByClient; i += 1) await new Promise((r) => setTimeout(r, 20));
    expect(flood.closedByClient).toBe(true);
    // The client hung up after a bounded amount: far fewer than the server wanted to send.
    expect(flood.written).toBeLessThan(32_000);
  }, 30_000);

  it('reports a stalled bind with the time it really waited', async () => {
    const directory = createDirectory(settings(silentPort), net(700));
    directories.push(directory);
    const started = performance.now();
    const error = await failure(directory.findUsers('jdoe'));
    const waited = performance.now() - started;
    expect(error.code).toBe('net.timeout');
    expect(error.message).toContain('the LDAP bind');
    const reported = Number(/after (\d+) ms/.exec(error.message)?.[1]);
    // Not the outer budget (connectMs + stepMs = 1000 ms) when ldapts's own 700 ms timeout fired first.
    expect(Math.abs(reported - waited)).toBeLessThan(150);
  });
});
