import type { Socket } from 'node:net';
import { connect as tlsConnect, createSecureContext, type SecureContext, type TLSSocket } from 'node:tls';
import { DiagError } from '../core/errors';
import { connectTcp, type NetContext } from '../net/connect';
import { withDeadline } from '../net/deadline';
import { formatTarget } from '../net/target';
import { negotiateStarttls } from './starttls';
import type { ProbeResult, TlsMode } from './types';
import { HandshakeCapture, tapSocket } from './wire-chain';

export interface ProbeOptions {
  mode: TlsMode;
  /** SNI to send; never an IP address (RFC 6066 §3). */
  servername?: string;
  /** The EHLO name for SMTP STARTTLS. */
  ehloName?: string;
  signal?: AbortSignal;
}

let sharedContext: SecureContext | undefined;

/**
 * One client context for every probe (building an SSL_CTX per connection costs more than the handshake's
 * own crypto). TLS 1.0 and security level 0 are allowed on purpose: the probe must see the certificate of
 * an old or weak server to report on it; the judgement is made by diagbot, not by the handshake.
 */
function clientContext(): SecureContext {
  sharedContext ??= createSecureContext({ minVersion: 'TLSv1', ciphers: 'DEFAULT:@SECLEVEL=0' });
  return sharedContext;
}

const ALERTS: Record<number, string> = {
  10: 'unexpected_message',
  20: 'bad_record_mac',
  40: 'handshake_failure',
  42: 'bad_certificate',
  47: 'illegal_parameter',
  48: 'unknown_ca',
  50: 'decode_error',
  70: 'protocol_version',
  71: 'insufficient_security',
  80: 'internal_error',
  86: 'inappropriate_fallback',
  112: 'unrecognized_name',
  116: 'certificate_required',
  120: 'no_application_protocol',
};

function printableHead(bytes: Buffer): string {
  const text = bytes.subarray(0, 120).toString('latin1');
  const firstLine = text.split(/\r?\n/)[0] ?? '';
  // eslint-disable-next-line no-control-regex
  return firstLine.replace(/[\u0000-\u001f\u007f-\u00ff]/g, '?').slice(0, 80);
}

/** Turns a failed handshake into words: what the server actually answered, when it answered at all. */
export function describeHandshakeFailure(
  error: Error & { code?: string },
  received: Buffer,
  servername?: string,
): string {
  const first = received[0];
  if (first !== undefined && first !== 0x15 && first !== 0x16) {
    const line = printableHead(received);
    if (/^HTTP\/\d/.test(line))
      return `the server answered in plain HTTP ("${line}"), not TLS — this port serves http://, or TLS is not bound to it`;
    if (/^\d{3}[ -]/.test(line))
      return `the server sent a plain-text SMTP greeting ("${line}") — it expects STARTTLS first: try --starttls smtp`;
    if (/^\* OK/i.test(line)) return `the server sent a plain-text IMAP greeting ("${line}") — try --starttls imap`;
    if (/^\+OK/i.test(line)) return `the server sent a plain-text POP3 greeting ("${line}") — try --starttls pop3`;
    return `the server answered with something that is not TLS ("${line}")`;
  }
  if (first === 0x15 && received.length >= 7) {
    const code = received[6] as number;
    const name = ALERTS[code] ?? 'unknown';
    if (code === 112)
      return `the server has no certificate for the name diagbot asked for (TLS alert unrecognized_name for SNI ${servername ?? '(none)'})`;
    if (code === 40 || code === 70 || code === 71)
      return `the server and diagbot share no TLS version or cipher suite (TLS alert ${name})`;
    return `the server refused the handshake with the TLS alert ${name} (${code})`;
  }
  if (error.code === 'ECONNRESET' || /disconnected before secure TLS connection/i.test(error.message)) {
    return 'the server closed the connection without completing the handshake — it may not speak TLS on this port';
  }
  return error.message;
}

function ignoreLateError(): void {
  // Deliberately nothing: see the call site.
}

async function handshake(
  plain: Socket,
  where: string,
  options: ProbeOptions,
  stepMs: number,
): Promise<{ tls: TLSSocket; capture: HandshakeCapture }> {
  const capture = new HandshakeCapture();
  const duplex = tapSocket(plain, capture);
  const tls = tlsConnect({
    socket: duplex,
    servername: options.servername,
    secureContext: clientContext(),
    rejectUnauthorized: false,
    // The chain and the name are judged by diagbot; Node's own identity check would only cost time.
    checkServerIdentity: () => undefined,
  });
  tls.on('keylog', (line: Buffer) => capture.keylog(line));
  // Always one listener, so a late reset while the socket is torn down is never an uncaught error;
  // the handshake's own outcome is decided by the listeners below.
  tls.on('error', ignoreLateError);
  const failure = (error: Error & { code?: string }): DiagError =>
    new DiagError(
      'cert.handshake-failed',
      `The TLS handshake with ${where} failed: ${describeHandshakeFailure(error, capture.bytes(), options.servername)}.`,
      {
        cause: error,
        data: { step: 'tls-handshake', code: error.code ?? null, servername: options.servername ?? null },
      },
    );
  try {
    await withDeadline(
      `the TLS handshake with ${where}`,
      stepMs,
      (signal) =>
        new Promise<void>((resolve, reject) => {
          // Listeners come off once settled: closing the socket after success must not build an error.
          const settle = (error?: DiagError): void => {
            tls.off('secureConnect', onSecure);
            tls.off('error', onError);
            tls.off('close', onClose);
            if (error) reject(error);
            else resolve();
          };
          const onSecure = (): void => settle();
          const onError = (error: Error): void => settle(failure(error));
          const onClose = (): void => settle(failure(new Error('closed')));
          signal.addEventListener('abort', () => tls.destroy(), { once: true });
          tls.on('secureConnect', onSecure);
          tls.on('error', onError);
          tls.on('close', onClose);
        }),
    );
  } catch (error) {
    tls.destroy();
    throw error;
  }
  return { tls, capture };
}

/** Node's re-linked chain, for when the wire could not be read: leaf first, ending where Node stopped. */
function peerChain(tls: TLSSocket): Buffer[] {
  const chain: Buffer[] = [];
  const seen = new Set<string>();
  for (
    let cert = tls.getPeerCertificate(true);
    cert?.raw && !seen.has(cert.fingerprint256);
    cert = cert.issuerCertificate
  ) {
    seen.add(cert.fingerprint256);
    chain.push(cert.raw);
  }
  return chain;
}

/**
 * Connects through `src/net` (one resolution, policy check, deadlines), runs the STARTTLS conversation
 * when the mode asks for one, completes a TLS handshake that never fails because of the certificate, and
 * returns the chain exactly as the server sent it.
 */
export async function probeTls(
  target: { host: string; port: number },
  options: ProbeOptions,
  net: NetContext,
): Promise<ProbeResult> {
  const where = formatTarget(target);
  // The request's signal is polled between steps rather than listened to: it is often one shared signal
  // that never fires, and every step has its own deadline anyway.
  const stopIfAbandoned = (): void => {
    if (options.signal?.aborted)
      throw new DiagError('net.timeout', `The check of ${where} was abandoned before it finished.`, {
        data: { step: 'abandoned' },
      });
  };
  stopIfAbandoned();
  const { socket, address } = await connectTcp(target, net);
  try {
    let plain: Socket = socket;
    let banner: string | undefined;
    let capabilities: string[] | undefined;
    if (options.mode !== 'tls') {
      const protocol = options.mode === 'starttls-smtp' ? 'smtp' : options.mode === 'starttls-imap' ? 'imap' : 'pop3';
      const upgraded = await negotiateStarttls(socket, protocol, {
        where,
        stepMs: net.timeouts.stepMs,
        ehloName: options.ehloName ?? 'diagbot.invalid',
      });
      ({ socket: plain, banner, capabilities } = upgraded);
    }
    stopIfAbandoned();
    const { tls, capture } = await handshake(plain, where, options, net.timeouts.stepMs);
    try {
      const wire = capture.certificates();
      const chain = wire && wire.length > 0 ? wire : peerChain(tls);
      if (chain.length === 0)
        throw new DiagError(
          'cert.handshake-failed',
          `${where} completed the handshake without sending a certificate.`,
          { data: { step: 'tls-handshake' } },
        );
      const cipher = tls.getCipher();
      return {
        host: target.host,
        port: target.port,
        address,
        servername: options.servername,
        mode: options.mode,
        protocol: tls.getProtocol() ?? 'unknown',
        cipher: cipher.standardName ?? cipher.name,
        chain,
        chainSource: wire && wire.length > 0 ? 'wire' : 'peer-certificate',
        banner,
        capabilities,
      };
    } finally {
      tls.destroy();
    }
  } finally {
    socket.destroy();
  }
}
