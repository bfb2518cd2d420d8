import { createServer, type Server, type Socket } from 'node:net';
import { DiagError } from '../../../src/core/errors';
import { connectTcp, type NetContext } from '../../../src/net/connect';
import { LineSocket } from '../../../src/net/line-socket';
import { createTargetPolicy } from '../../../src/net/policy';
import { tableResolver } from '../../../src/net/resolver';
import { readSmtpReply } from '../../../src/net/smtp-reply';

/** Real sockets on loopback: how the shared network layer fails, and that it fails before connecting. */
const net = (allow: string[] = ['127.0.0.0/8']): NetContext => ({
  policy: createTargetPolicy({ allow, deny: [] }),
  resolver: tableResolver({ 'mail.test': ['127.0.0.1'], 'rebind.test': ['127.0.0.1', '169.254.169.254'] }),
  timeouts: { connectMs: 1000, stepMs: 300 },
});

async function listen(
  onSocket: (socket: Socket) => void,
): Promise<{ server: Server; port: number; connections: () => number }> {
  let count = 0;
  const server = createServer((socket) => {
    count += 1;
    socket.on('error', () => socket.destroy());
    onSocket(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : 0, connections: () => count };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'no error';
  } catch (error) {
    return error instanceof DiagError ? error.code : `not a DiagError: ${String(error)}`;
  }
}

describe('connectTcp', () => {
  it('connects to the checked address of a name', async () => {
    const { server, port, connections } = await listen((s) => s.end());
    const { socket, address } = await connectTcp({ host: 'mail.test', port }, net());
    expect(address).toBe('127.0.0.1');
    socket.destroy();
    expect(connections()).toBeLessThanOrEqual(1);
    server.close();
  });

  it('refuses loopback under the default policy without connecting', async () => {
    const { server, port, connections } = await listen((s) => s.end());
    expect(await codeOf(connectTcp({ host: '127.0.0.1', port }, net([])))).toBe('policy.denied');
    await new Promise((r) => setTimeout(r, 50));
    expect(connections()).toBe(0);
    server.close();
  });

  it('refuses a name when any of its answers is denied (rebinding)', async () => {
    expect(await codeOf(connectTcp({ host: 'rebind.test', port: 25 }, net()))).toBe('policy.denied');
  });

  it('reports an unknown name as net.dns', async () => {
    expect(await codeOf(connectTcp({ host: 'nowhere.test', port: 25 }, net()))).toBe('net.dns');
  });

  it('reports a closed port as net.refused', async () => {
    const { server, port } = await listen(() => undefined);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    expect(await codeOf(connectTcp({ host: '127.0.0.1', port }, net()))).toBe('net.refused');
  });
});

describe('LineSocket and SMTP replies', () => {
  it('names the step when a server accepts and never speaks', async () => {
    const { server, port } = await listen(() => undefined);
    const { socket } = await connectTcp({ host: '127.0.0.1', port }, net());
    const lines = new LineSocket(socket);
    const error = await lines.readLine('the SMTP banner', 200).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DiagError);
    expect((error as DiagError).code).toBe('net.timeout');
    expect((error as DiagError).message).toContain('the SMTP banner');
    lines.close();
    server.close();
  });

  it('reads a multi-line reply split across packets', async () => {
    const { server, port } = await listen((s) => {
      s.write('220 mail.test ESMTP\r\n250-mail.test\r\n250-PIPE');
      setTimeout(() => s.write('LINING\r\n250 STARTTLS\r\n'), 30);
    });
    const { socket } = await connectTcp({ host: '127.0.0.1', port }, net());
    const lines = new LineSocket(socket);
    expect((await readSmtpReply(lines, 'banner', 1000)).code).toBe(220);
    const ehlo = await readSmtpReply(lines, 'EHLO', 1000);
    expect(ehlo.code).toBe(250);
    expect(ehlo.lines).toEqual(['mail.test', 'PIPELINING', 'STARTTLS']);
    lines.close();
    server.close();
  });

  it('parses the enhanced status code', async () => {
    const { server, port } = await listen((s) => s.write('454 4.7.1 <x@example.org>: Relay access denied\r\n'));
    const { socket } = await connectTcp({ host: '127.0.0.1', port }, net());
    const lines = new LineSocket(socket);
    const reply = await readSmtpReply(lines, 'RCPT TO', 1000);
    expect(reply).toMatchObject({ code: 454, enhanced: '4.7.1' });
    lines.close();
    server.close();
  });

  it('refuses a 100 KB line and a banner that is not SMTP', async () => {
    const { server, port } = await listen((s) => s.write('2'.repeat(100 * 1024)));
    const { socket } = await connectTcp({ host: '127.0.0.1', port }, net());
    expect(await codeOf(readSmtpReply(new LineSocket(socket), 'banner', 2000))).toBe('smtp.unexpected-reply');
    server.close();
    const http = await listen((s) => s.write('HTTP/1.1 400 Bad Request\r\n\r\n'));
    const second = await connectTcp({ host: '127.0.0.1', port: http.port }, net());
    expect(await codeOf(readSmtpReply(new LineSocket(second.socket), 'banner', 1000))).toBe('smtp.unexpected-reply');
    second.socket.destroy();
    http.server.close();
  });
});
