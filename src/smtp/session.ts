import type { Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { DiagError } from '../core/errors';
import { withDeadline } from '../net/deadline';
import { LineSocket } from '../net/line-socket';
import { readSmtpReply, type SmtpReply } from '../net/smtp-reply';

/** One exchange with the server: what diagbot sent (null for the banner) and the reply as received. */
export interface TranscriptEntry {
  send: string | null;
  reply: string | null;
  /** Why there is no reply (a timeout, a closed connection). */
  error?: string;
}

export interface TlsInfo {
  protocol: string | null;
  cipher: string;
  /** Whether the certificate chain verified; the relay probe goes on either way (the cert command judges certificates). */
  authorized: boolean;
}

/** Commands that would start a message transfer. No probe may ever send them. */
const FORBIDDEN = /^\s*(DATA|BDAT)\b/i;

/**
 * An SMTP client session for probes: every read has a named deadline, every exchange is recorded in the
 * transcript, and it refuses to send DATA or BDAT — so no probe can ever hand the server a message.
 */
export class SmtpSession {
  readonly transcript: TranscriptEntry[] = [];
  private lines: LineSocket;

  constructor(
    socket: Socket,
    private readonly stepMs: number,
  ) {
    this.lines = new LineSocket(socket);
  }

  /** Reads the 220 banner (or whatever the server sends first). */
  async greeting(): Promise<SmtpReply> {
    return this.exchange(null, 'the SMTP banner');
  }

  /** Sends one command line and reads its reply within the step deadline. */
  async command(
    line: string,
    step = `the reply to ${line.split(' ')[0]?.toUpperCase() ?? 'the command'}`,
  ): Promise<SmtpReply> {
    if (FORBIDDEN.test(line))
      throw new Error('SmtpSession refuses to send DATA or BDAT: a probe never transfers a message');
    if (/[\r\n]/.test(line)) throw new Error('SmtpSession refuses a command with a line break in it');
    return this.exchange(line, step);
  }

  /** After a 220 to STARTTLS: the TLS handshake on the same connection, within the step deadline. */
  async startTls(servername: string | undefined): Promise<TlsInfo> {
    const raw = this.lines.release();
    const secure = await withDeadline(
      'the TLS handshake after STARTTLS',
      this.stepMs,
      (signal) =>
        new Promise<TLSSocket>((resolve, reject) => {
          // The relay probe must reach MAIL/RCPT whatever certificate the server has; trust is recorded, not enforced.
          const socket = tlsConnect({ socket: raw as Socket, servername, rejectUnauthorized: false });
          signal.addEventListener('abort', () => socket.destroy(), { once: true });
          socket.once('secureConnect', () => resolve(socket));
          socket.once('error', (error) =>
            reject(
              new DiagError(
                'smtp.unexpected-reply',
                `The server accepted STARTTLS but the TLS handshake failed: ${error.message}.`,
                { cause: error },
              ),
            ),
          );
        }),
    ).catch((error: unknown) => {
      raw.destroy();
      throw error;
    });
    this.lines = new LineSocket(secure);
    return { protocol: secure.getProtocol(), cipher: secure.getCipher().name, authorized: secure.authorized };
  }

  close(): void {
    this.lines.close();
  }

  private async exchange(line: string | null, step: string): Promise<SmtpReply> {
    if (line !== null) this.lines.write(line);
    try {
      const reply = await readSmtpReply(this.lines, step, this.stepMs);
      this.transcript.push({ send: line, reply: reply.raw });
      return reply;
    } catch (error) {
      this.transcript.push({ send: line, reply: null, error: error instanceof Error ? error.message : String(error) });
      throw error;
    }
  }
}
