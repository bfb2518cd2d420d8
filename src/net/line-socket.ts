import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { DiagError } from '../core/errors';
import { timeoutError } from './deadline';

/** A server line longer than this is refused: protects against a peer that streams without a newline. */
export const MAX_LINE_BYTES = 8192;

/**
 * Line-oriented reading over a socket for text protocols (SMTP, IMAP, POP3): `readLine` with a named
 * deadline, lines split however packets arrive, overlong lines refused. `release()` stops reading and
 * hands back the socket (for a STARTTLS upgrade) — any bytes already buffered are a protocol error.
 */
export class LineSocket {
  private buffer = '';
  private waiters: Array<{ resolve: (line: string) => void; reject: (error: Error) => void }> = [];
  private closedError: Error | undefined;
  private readonly onData = (chunk: Buffer): void => this.push(chunk.toString('latin1'));
  private readonly onEnd = (): void => this.fail(new DiagError('net.closed', 'The server closed the connection.'));
  private readonly onError = (error: Error): void =>
    this.fail(new DiagError('net.closed', `The connection failed: ${error.message}.`, { cause: error }));

  constructor(
    readonly socket: Socket | TLSSocket,
    private readonly maxLineBytes = MAX_LINE_BYTES,
  ) {
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('close', this.onEnd);
    socket.on('error', this.onError);
  }

  /** Reads one line (without CRLF) within `ms`; `step` names what was awaited in a timeout. */
  readLine(step: string, ms: number): Promise<string> {
    // A line already buffered (the rest of a multi-line reply) needs no timer: most reads are this case.
    const newline = this.waiters.length === 0 ? this.buffer.indexOf('\n') : -1;
    if (newline !== -1) {
      const line = this.buffer.slice(0, newline).replace(/\r$/, '');
      this.buffer = this.buffer.slice(newline + 1);
      return Promise.resolve(line);
    }
    // One timer per wait, without withDeadline's AbortController and race: this is every SMTP reply's hot path.
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(timeoutError(step, ms));
      }, ms);
      const waiter = {
        resolve: (line: string): void => {
          clearTimeout(timer);
          resolve(line);
        },
        reject: (error: Error): void => {
          clearTimeout(timer);
          reject(error);
        },
      };
      this.waiters.push(waiter);
      this.drain();
    });
  }

  write(line: string): void {
    this.socket.write(`${line}\r\n`);
  }

  /** Stops listening and returns the raw socket, e.g. to start TLS on it. */
  release(): Socket | TLSSocket {
    this.socket.off('data', this.onData);
    this.socket.off('end', this.onEnd);
    this.socket.off('close', this.onEnd);
    this.socket.off('error', this.onError);
    if (this.buffer.length > 0) {
      throw new DiagError(
        'smtp.unexpected-reply',
        'The server sent data before the TLS handshake started (a possible STARTTLS injection).',
      );
    }
    return this.socket;
  }

  close(): void {
    this.socket.destroy();
  }

  private push(text: string): void {
    this.buffer += text;
    if (this.buffer.length > this.maxLineBytes && !this.buffer.slice(0, this.maxLineBytes + 2).includes('\n')) {
      this.buffer = '';
      this.fail(
        new DiagError(
          'smtp.unexpected-reply',
          `The server sent a line longer than ${this.maxLineBytes} bytes without ending it; diagbot stopped reading.`,
        ),
      );
      this.socket.destroy();
      return;
    }
    this.drain();
  }

  private drain(): void {
    while (this.waiters.length > 0) {
      const newline = this.buffer.indexOf('\n');
      if (newline === -1) {
        if (this.closedError) for (const w of this.waiters.splice(0)) w.reject(this.closedError);
        return;
      }
      const line = this.buffer.slice(0, newline).replace(/\r$/, '');
      this.buffer = this.buffer.slice(newline + 1);
      (this.waiters.shift() as { resolve: (line: string) => void }).resolve(line);
    }
  }

  private fail(error: Error): void {
    this.closedError ??= error;
    this.drain();
    if (this.buffer.indexOf('\n') === -1) for (const w of this.waiters.splice(0)) w.reject(this.closedError);
  }
}
