import type { Logger } from '../../src/core/command';

export interface CapturedLine {
  level: string;
  obj: object;
  msg?: string;
}

/** A logger that keeps every line in memory, so tests can assert on logs (and on what never reaches them). */
export function captureLogger(lines: CapturedLine[] = [], bindings: Record<string, unknown> = {}): Logger & { lines: CapturedLine[] } {
  const write = (level: string) => (obj: object, msg?: string): void => {
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
