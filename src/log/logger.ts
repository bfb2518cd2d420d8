import pino from 'pino';
import type { Logger } from '../core/command';

/** Field names whose values never reach a log line, wherever they sit in the logged object. */
const SECRET_KEYS = [
  'password', 'pass', 'secret', 'token', 'authorization', 'cookie', 'botToken', 'signingSecret', 'appToken',
  'appPassword', 'bindPassword', 'credentials', 'x-slack-signature',
];

export interface LoggerOptions {
  level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Where lines go: a file descriptor (2 = stderr) or a writable stream (tests capture logs). */
  destination?: number | NodeJS.WritableStream;
  /** Extra literal secrets to scrub from any string (tokens read from the environment). */
  secrets?: readonly string[];
}

/**
 * Structured JSON logs (pino). Secret fields are redacted by key at any depth up to three levels, and
 * literal secret values are scrubbed from every message and string field as a second line of defence.
 */
export function createLogger(options: LoggerOptions): Logger {
  const paths = SECRET_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`, `*.*.*.${key}`]);
  const secrets = (options.secrets ?? []).filter((s) => s.length >= 6);
  const scrub = (text: string): string => secrets.reduce((out, s) => out.split(s).join('[Redacted]'), text);
  const stream = typeof options.destination === 'object'
    ? options.destination
    : pino.destination({ fd: options.destination ?? 2, sync: true });
  return pino(
    {
      level: options.level,
      base: { app: 'diagbot' },
      redact: { paths, censor: '[Redacted]' },
      ...(secrets.length > 0 ? { hooks: { streamWrite: scrub } } : {}),
    },
    stream as pino.DestinationStream,
  ) as unknown as Logger;
}

/** A logger that drops everything (the CLI without --verbose). */
export function silentLogger(): Logger {
  return createLogger({ level: 'silent' });
}
