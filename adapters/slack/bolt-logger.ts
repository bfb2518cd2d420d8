import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from '../../src/core/command';

const RANK: Record<LogLevel, number> = {
  [LogLevel.DEBUG]: 0,
  [LogLevel.INFO]: 1,
  [LogLevel.WARN]: 2,
  [LogLevel.ERROR]: 3,
};

/**
 * Bolt, its Web API client and the Socket Mode client log through this: their lines reach our structured logger
 * (which redacts secrets) instead of the console. Bolt logs variadic strings and errors; an Error becomes `err`.
 */
export function boltLogger(log: Logger, initial: LogLevel = LogLevel.INFO): BoltLogger {
  let level = initial;
  let name = 'bolt';
  const emit = (at: LogLevel, write: (obj: object, msg?: string) => void, parts: unknown[]): void => {
    if (RANK[at] < RANK[level]) return;
    const err = parts.find((p): p is Error => p instanceof Error);
    const text = parts
      .filter((p) => !(p instanceof Error))
      .map((p) => (typeof p === 'string' ? p : safeJson(p)))
      .join(' ');
    write(err ? { sdk: name, err } : { sdk: name }, text);
  };
  return {
    debug: (...msg: unknown[]) => emit(LogLevel.DEBUG, (o, m) => log.debug(o, m), msg),
    info: (...msg: unknown[]) => emit(LogLevel.INFO, (o, m) => log.info(o, m), msg),
    warn: (...msg: unknown[]) => emit(LogLevel.WARN, (o, m) => log.warn(o, m), msg),
    error: (...msg: unknown[]) => emit(LogLevel.ERROR, (o, m) => log.error(o, m), msg),
    setLevel: (next: LogLevel) => {
      level = next;
    },
    getLevel: () => level,
    setName: (next: string) => {
      name = next;
    },
  };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
