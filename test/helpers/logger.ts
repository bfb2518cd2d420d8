import { Writable } from 'node:stream';
import type { Logger } from '../../src/core/command';

export interface CapturedLine {
  level: string;
  obj: object;
  msg?: string;
}

/** A logger that keeps every line in memory, so tests can assert on logs (and on what never reaches them). */
export function captureLogger(
  lines: CapturedLine[] = [],
  bindings: Record<string, unknown> = {},
): Logger & { lines: CapturedLine[] } {
  const write =
    (level: string) =>
    (obj: object, msg?: string): void => {
      lines.push({ level, obj: { ...bindings, ...obj }, msg });
    };
  return {
    lines,
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    child: (more) => captureLogger(lines, { ...bindings, ...more }),
  };
}

/** A stream that keeps what pino writes to it, for tests of the real logger's output. */
export function captureStream(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}
