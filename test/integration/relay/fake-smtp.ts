import { createServer, type Server, type Socket } from 'node:net';

/**
 * A scripted SMTP server on loopback for the cases a real Postfix will not produce on demand: no
 * banner, a stall after EHLO, a non-SMTP banner, 421 at connect, a 100 KB line, replies dribbled
 * byte by byte, Exchange's and other servers' refusal texts. It records every line the client sent.
 */
export interface FakeSmtpScript {
  /** Sent on connect; null sends nothing. Default `220 fake.test ESMTP`. */
  banner?: string | null;
  /** Reply per command verb (`EHLO`, `MAIL`, `RCPT`, `XCLIENT`, …); null means never answer. Lines joined with CRLF. */
  replies?: Record<string, string | null>;
  /** Write every reply one byte at a time (replies split across packets). */
  dribble?: boolean;
  /** Close the connection right after the banner. */
  closeAfterBanner?: boolean;
}

export interface FakeSmtp {
  port: number;
  /** Every line received, across all connections. */
  received: string[];
  close(): Promise<void>;
}

const DEFAULT_REPLIES: Record<string, string> = {
  EHLO: '250-fake.test\r\n250-PIPELINING\r\n250 8BITMIME',
  HELO: '250 fake.test',
  MAIL: '250 2.1.0 Ok',
  RCPT: '250 2.1.5 Ok',
  RSET: '250 2.0.0 Ok',
  QUIT: '221 2.0.0 Bye',
  NOOP: '250 2.0.0 Ok',
};

export function startFakeSmtp(port: number, script: FakeSmtpScript = {}): Promise<FakeSmtp> {
  const received: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    const send = (text: string): void => {
      if (!script.dribble) {
        socket.write(`${text}\r\n`);
        return;
      }
      const bytes = Buffer.from(`${text}\r\n`);
      let i = 0;
      const next = (): void => {
        if (i >= bytes.length || socket.destroyed) return;
        socket.write(bytes.subarray(i, i + 1));
        i += 1;
        setImmediate(next);
      };
      next();
    };
    const banner = script.banner === undefined ? '220 fake.test ESMTP' : script.banner;
    if (banner !== null) send(banner);
    if (script.closeAfterBanner) {
      socket.end();
      return;
    }
    let buffer = '';
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('latin1');
      for (let nl = buffer.indexOf('\n'); nl !== -1; nl = buffer.indexOf('\n')) {
        const line = buffer.slice(0, nl).replace(/\r$/, '');
        buffer = buffer.slice(nl + 1);
        received.push(line);
        const verb = (line.split(/[\s:]/)[0] ?? '').toUpperCase();
        const reply =
          script.replies && verb in script.replies
            ? script.replies[verb]
            : (DEFAULT_REPLIES[verb] ?? '502 5.5.2 Error: command not recognized');
        if (reply === null || reply === undefined) continue;
        send(reply);
        if (verb === 'QUIT') socket.end();
      }
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () =>
      resolve({
        port,
        received,
        close: () =>
          new Promise<void>((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      }),
    );
  });
}
