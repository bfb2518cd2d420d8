import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer as createNetServer, type AddressInfo, type Server, type Socket } from 'node:net';
import {
  createSecureContext,
  createServer as createTlsServer,
  TLSSocket,
  type SecureContext,
  type TlsOptions,
} from 'node:tls';

/**
 * Real servers on loopback for TLS tests: implicit TLS, STARTTLS for SMTP / IMAP / POP3, and the broken
 * kinds (silent, plain HTTP, refusing STARTTLS). Every server listens on 127.0.0.1 (or ::1) on the given
 * port or an ephemeral one, and `close()` destroys its open connections.
 */

export interface RunningServer {
  host: string;
  port: number;
  /** `host:port` (IPv6 in brackets). */
  target: string;
  /** TCP connections accepted so far (to prove that a refused check never connected). */
  accepted(): number;
  close(): Promise<void>;
}

export interface ServedCertificate {
  /** PEM of the private key. */
  key: string;
  /** PEM certificates in the order the server sends them (leaf first, normally). */
  chain: string[];
  /** Highest protocol to offer, e.g. `TLSv1.2` to exercise the clear-text Certificate message. */
  maxVersion?: TlsOptions['maxVersion'];
  /** TLS 1.3 suites to offer, e.g. `TLS_CHACHA20_POLY1305_SHA256`. */
  ciphersuites?: string;
}

export interface ListenOptions {
  host?: string;
  port?: number;
}

function contextOptions(cert: ServedCertificate): TlsOptions {
  // Security level 0: the suites serve deliberately weak certificates (RSA-1024, SHA-1) that must still be sent.
  return {
    // Node takes TLS 1.3 suites (the TLS_… names) in the same `ciphers` string as the older ones.
    key: cert.key,
    cert: cert.chain.join(''),
    ciphers: `${cert.ciphersuites ? `${cert.ciphersuites}:` : ''}DEFAULT:@SECLEVEL=0`,
    minVersion: 'TLSv1',
    ...(cert.maxVersion ? { maxVersion: cert.maxVersion } : {}),
  };
}

function secureContextOf(cert: ServedCertificate): SecureContext {
  return createSecureContext(contextOptions(cert));
}

async function listen(server: Server, sockets: Set<Socket>, options: ListenOptions): Promise<RunningServer> {
  let accepted = 0;
  server.on('connection', () => {
    accepted += 1;
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port: options.port ?? 0 }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    host,
    port,
    target: host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`,
    accepted: () => accepted,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function track(server: Server, sockets: Set<Socket>): void {
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('error', () => socket.destroy());
    socket.on('close', () => sockets.delete(socket));
  });
}

/** An implicit-TLS server that sends `cert` and answers nothing after the handshake (like a quiet HTTPS port). */
export async function startTlsServer(cert: ServedCertificate, options: ListenOptions = {}): Promise<RunningServer> {
  const sockets = new Set<Socket>();
  // tls.Server builds its context from these options (it ignores a `secureContext` option).
  const server = createTlsServer(contextOptions(cert), (socket) => {
    socket.on('error', () => socket.destroy());
    socket.on('data', () => socket.end('HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n'));
  });
  server.on('tlsClientError', () => undefined);
  track(server, sockets);
  return listen(server, sockets, options);
}

/** A server that accepts TCP and then never says anything (tests the deadline of the next step). */
export async function startSilentServer(options: ListenOptions = {}): Promise<RunningServer> {
  const sockets = new Set<Socket>();
  const server = createNetServer(() => undefined);
  track(server, sockets);
  return listen(server, sockets, options);
}

/** Plain HTTP on what should be a TLS port: answers any bytes with an HTTP 400. */
export async function startPlainHttpServer(options: ListenOptions = {}): Promise<RunningServer> {
  const sockets = new Set<Socket>();
  const server = createNetServer((socket) => {
    socket.once('data', () =>
      socket.end(
        'HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nThis is plain HTTP.\r\n',
      ),
    );
  });
  track(server, sockets);
  return listen(server, sockets, options);
}

export type StarttlsProtocol = 'smtp' | 'imap' | 'pop3';

export interface StarttlsServerOptions extends ListenOptions {
  protocol: StarttlsProtocol;
  /** The certificate to upgrade with; without one the server does not offer STARTTLS/STLS at all. */
  cert?: ServedCertificate;
  /** Offer STARTTLS in the capabilities but refuse it when asked (SMTP 454, IMAP NO, POP3 -ERR). */
  refuse?: boolean;
  /** The server name in greetings. */
  hostname?: string;
}

interface Dialect {
  greeting: (name: string) => string;
  /** Answers one command line; `upgrade` means: send the reply, then start TLS. */
  answer: (
    line: string,
    offerTls: boolean,
    secure: boolean,
    refuse: boolean,
  ) => { reply: string; upgrade?: boolean; close?: boolean };
}

const DIALECTS: Record<StarttlsProtocol, Dialect> = {
  smtp: {
    greeting: (name) => `220 ${name} ESMTP diagbot-test\r\n`,
    answer: (line, offerTls, secure, refuse) => {
      const verb = line.split(' ')[0]?.toUpperCase() ?? '';
      if (verb === 'EHLO')
        return {
          reply: `250-${line.slice(5)} hello\r\n250-PIPELINING\r\n${offerTls && !secure ? '250-STARTTLS\r\n' : ''}250 8BITMIME\r\n`,
        };
      if (verb === 'HELO') return { reply: '250 hello\r\n' };
      if (verb === 'STARTTLS' && offerTls && !secure)
        return refuse
          ? { reply: '454 4.7.0 TLS not available due to local problem\r\n' }
          : { reply: '220 2.0.0 Ready to start TLS\r\n', upgrade: true };
      if (verb === 'NOOP') return { reply: '250 2.0.0 OK\r\n' };
      if (verb === 'QUIT') return { reply: '221 2.0.0 Bye\r\n', close: true };
      return { reply: '502 5.5.2 Error: command not recognized\r\n' };
    },
  },
  imap: {
    greeting: (name) => `* OK ${name} IMAP4rev1 diagbot-test ready\r\n`,
    answer: (line, offerTls, secure, refuse) => {
      const [tag = '*', command = ''] = line.split(' ');
      const verb = command.toUpperCase();
      if (verb === 'CAPABILITY')
        return {
          reply: `* CAPABILITY IMAP4rev1${offerTls && !secure ? ' STARTTLS' : ''} ${secure ? 'AUTH=PLAIN' : 'LOGINDISABLED'}\r\n${tag} OK CAPABILITY completed\r\n`,
        };
      if (verb === 'STARTTLS' && offerTls && !secure)
        return refuse
          ? { reply: `${tag} NO TLS is not available\r\n` }
          : { reply: `${tag} OK Begin TLS negotiation now\r\n`, upgrade: true };
      if (verb === 'LOGOUT') return { reply: `* BYE logging out\r\n${tag} OK LOGOUT completed\r\n`, close: true };
      if (verb === 'NOOP') return { reply: `${tag} OK NOOP completed\r\n` };
      return { reply: `${tag} BAD unknown command\r\n` };
    },
  },
  pop3: {
    greeting: (name) => `+OK ${name} POP3 diagbot-test ready\r\n`,
    answer: (line, offerTls, secure, refuse) => {
      const verb = line.split(' ')[0]?.toUpperCase() ?? '';
      if (verb === 'CAPA')
        return { reply: `+OK Capability list follows\r\nUSER\r\nTOP\r\n${offerTls && !secure ? 'STLS\r\n' : ''}.\r\n` };
      if (verb === 'STLS' && offerTls && !secure)
        return refuse
          ? { reply: '-ERR TLS not available\r\n' }
          : { reply: '+OK Begin TLS negotiation\r\n', upgrade: true };
      if (verb === 'QUIT') return { reply: '+OK bye\r\n', close: true };
      if (verb === 'NOOP') return { reply: '+OK\r\n' };
      return { reply: '-ERR unknown command\r\n' };
    },
  },
};

/**
 * A small STARTTLS server for SMTP, IMAP or POP3: greets, answers capability commands (listing
 * STARTTLS/STLS when it has a certificate), upgrades on request, and keeps answering inside TLS.
 */
export async function startStarttlsServer(options: StarttlsServerOptions): Promise<RunningServer> {
  const sockets = new Set<Socket>();
  const dialect = DIALECTS[options.protocol];
  const context = options.cert ? secureContextOf(options.cert) : undefined;
  const name = options.hostname ?? 'mail.diagbot.test';

  const converse = (stream: Socket | TLSSocket, secure: boolean): void => {
    let buffer = '';
    const onData = (chunk: Buffer): void => {
      buffer += chunk.toString('latin1');
      for (let newline = buffer.indexOf('\n'); newline !== -1; newline = buffer.indexOf('\n')) {
        const line = buffer.slice(0, newline).replace(/\r$/, '');
        buffer = buffer.slice(newline + 1);
        const { reply, upgrade, close } = dialect.answer(line, context !== undefined, secure, options.refuse ?? false);
        stream.write(reply);
        if (close) {
          stream.end();
          return;
        }
        if (upgrade && context) {
          stream.off('data', onData);
          const tls = new TLSSocket(stream as Socket, { isServer: true, secureContext: context });
          tls.on('error', () => stream.destroy());
          converse(tls, true);
          return;
        }
      }
    };
    stream.on('data', onData);
  };

  const server = createNetServer((socket) => {
    socket.write(dialect.greeting(name));
    converse(socket, false);
  });
  track(server, sockets);
  return listen(server, sockets, options);
}

/** A port on loopback where nothing listens (bound, then released): connecting to it is refused. */
export async function closedPort(host = '127.0.0.1'): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen({ host, port: 0 }, resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface OpensslVerdict {
  /** True when `openssl s_client` completed the handshake with `Verify return code: 0 (ok)`. */
  ok: boolean;
  /** The first verify error, e.g. `10:certificate has expired`. */
  error?: string;
  output: string;
}

/** Why `openssl` cannot be run, or undefined when it can. */
export function opensslUnavailableReason(): string | undefined {
  return existsSync('/usr/bin/openssl') || existsSync('/usr/local/bin/openssl')
    ? undefined
    : 'the openssl binary is not installed (apt-get install openssl)';
}

/**
 * OpenSSL's verdict on the same server: `s_client` with `-verify_return_error`, the private root as the
 * only extra CA, `-verify_hostname` (or `-verify_ip` for an address) and `-auth_level 2` (RSA ≥ 2048,
 * no SHA-1/MD5 signatures) so the result does not depend on the distribution's openssl.cnf.
 */
export function opensslVerify(options: {
  port: number;
  host?: string;
  name: string;
  caFile: string;
  starttls?: 'smtp' | 'imap' | 'pop3';
  timeoutMs?: number;
}): Promise<OpensslVerdict> {
  const host = options.host ?? '127.0.0.1';
  const isIp = /^[\d.]+$/.test(options.name) || options.name.includes(':');
  const args = [
    's_client',
    '-connect',
    host.includes(':') ? `[${host}]:${options.port}` : `${host}:${options.port}`,
    '-CAfile',
    options.caFile,
    '-verify_return_error',
    '-auth_level',
    '2',
    ...(isIp ? ['-verify_ip', options.name] : ['-servername', options.name, '-verify_hostname', options.name]),
    ...(options.starttls ? ['-starttls', options.starttls] : []),
  ];
  return new Promise((resolve, reject) => {
    const child = spawn('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 15_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const error = /verify error:num=(\d+:[^\n]+)/.exec(output)?.[1];
      resolve({ ok: code === 0 && /Verify return code: 0 \(ok\)/.test(output), error, output });
    });
  });
}
