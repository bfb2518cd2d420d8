import { createServer, type Server, type Socket } from 'node:net';
import { createOuCommand } from '../../../commands/ou';
import { parseConfig } from '../../../src/config/load';
import { createRouter } from '../../../src/core/router';
import { createDirectory, type Directory } from '../../../src/directory/client';
import { createTargetPolicy } from '../../../src/net/policy';
import { tableResolver } from '../../../src/net/resolver';
import { captureLogger } from '../../helpers/logger';
import { chatRequest } from '../../helpers/requests';
import { diagFailure as failure } from '../../helpers/diag-error';

/*
 * Directories that misbehave, as real TCP servers on loopback (ports 23101–23104): one that accepts and
 * never answers, one that answers the bind but never the search, one that hangs up, and none at all.
 */

const HOST = '127.0.0.1';
const PORTS = { silent: 23101, slowSearch: 23102, hangUp: 23103, nothing: 23104 };
const net = {
  policy: createTargetPolicy({ allow: ['127.0.0.0/8'], deny: [] }),
  resolver: tableResolver({}),
  timeouts: { connectMs: 300, stepMs: 600 },
};

/** BindResponse(success) for the message id of the request in `data` (short-form BER lengths, as ldapts sends). */
function bindSuccess(data: Buffer): Buffer {
  const id = data[3] === 1 ? (data[4] as number) : 1;
  return Buffer.from([0x30, 0x0c, 0x02, 0x01, id, 0x61, 0x07, 0x0a, 0x01, 0x00, 0x04, 0x00, 0x04, 0x00]);
}

function listen(port: number, onSocket: (socket: Socket) => void): Promise<Server> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    onSocket(socket);
  });
  // close() waits for open connections: end them, so afterAll does not wait on a silent socket.
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

function settings(port: number) {
  return {
    url: `ldap://${HOST}:${port}`,
    baseDn: 'DC=contoso,DC=local',
    bindDn: 'svc@contoso.local',
    password: 'secret-not-shown',
    caFiles: [],
    startTls: false,
    sizeLimit: 50,
    pageSize: 500,
  };
}

describe('ou against directories that misbehave', () => {
  const servers: Server[] = [];
  const directories: Directory[] = [];
  const directory = (port: number): Directory => {
    const d = createDirectory(settings(port), net);
    directories.push(d);
    return d;
  };

  beforeAll(async () => {
    servers.push(await listen(PORTS.silent, () => undefined));
    servers.push(
      await listen(PORTS.slowSearch, (socket) => {
        let answered = false;
        socket.on('data', (data) => {
          if (!answered) socket.write(bindSuccess(data));
          answered = true;
        });
      }),
    );
    servers.push(await listen(PORTS.hangUp, (socket) => socket.destroy()));
  });

  afterAll(async () => {
    for (const d of directories) await d.close();
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  });

  it('gives up on a server that never answers the bind, naming the step', async () => {
    const error = await failure(directory(PORTS.silent).findUsers('jdoe'));
    expect(error.code).toBe('net.timeout');
    expect(error.message).toContain('the LDAP bind');
    expect(error.message).not.toContain('secret-not-shown');
  });

  it('gives up on a search that never ends, naming the step', async () => {
    const error = await failure(directory(PORTS.slowSearch).findUsers('jdoe'));
    expect(error.code).toBe('net.timeout');
    expect(error.message).toContain('the LDAP search');
  });

  it('reports a server that hangs up or is not there as unavailable', async () => {
    const hungUp = await failure(directory(PORTS.hangUp).findUsers('jdoe'));
    expect(hungUp.code).toBe('ldap.unavailable');
    const nothing = await failure(directory(PORTS.nothing).findUsers('jdoe'));
    expect(nothing.code).toBe('ldap.unavailable');
    expect(nothing.message).toContain('refused');
  });

  it('turns a slow directory into an error Reply, not a hang or a crash', async () => {
    const config = parseConfig({
      ldap: { url: `ldap://${HOST}:${PORTS.silent}`, baseDn: 'DC=contoso,DC=local', bindDn: 'svc@contoso.local' },
    });
    const router = createRouter({
      commands: [createOuCommand({ config, directory: directory(PORTS.silent) })],
      log: captureLogger(),
    });
    const reply = await router.handle(chatRequest('ou jdoe'));
    expect(reply.status).toBe('error');
    expect(reply.findings[0]?.id).toBe('net.timeout');
    expect(reply.findings[0]?.fix?.links?.length).toBeGreaterThan(0);
  });
});
