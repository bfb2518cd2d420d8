import type pino from 'pino';
import type { Logger } from '../core/command';

/** Field names whose values never reach a log line, wherever they sit in the logged object. */
const SECRET_KEYS = [
  'password',
  'pass',
  'secret',
  'token',
  'authorization',
  'cookie',
  'botToken',
  'signingSecret',
  'appToken',
  'appPassword',
  'bindPassword',
  'credentials',
  'x-slack-signature',
];

/** Secrets shorter than this are not scrubbed from text: they would mangle ordinary words. */
export const MIN_SECRET_LENGTH = 6;

/**
 * A function that replaces every literal secret in a text with `[Redacted]`: as typed, as it appears
 * inside a JSON string (a password with a quote or a backslash is escaped in a log line), and in any letter case
 * (a host name is lower-cased on the way, a token typed as one would otherwise slip through).
 */
export function secretScrubber(secrets: readonly (string | undefined)[]): (text: string) => string {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH) continue;
    forms.add(secret);
    forms.add(JSON.stringify(secret).slice(1, -1));
  }
  if (forms.size === 0) return (text) => text;
  // Longest first, so a secret that contains another is replaced whole.
  const alternatives = [...forms]
    .sort((a, b) => b.length - a.length)
    .map((f) => f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const pattern = new RegExp(alternatives.join('|'), 'gi');
  return (text) => text.replace(pattern, '[Redacted]');
}

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
  // A silent logger writes nothing, so it needs no pino: the terminal's one-shot and chat modes start faster.
  if (options.level === 'silent') return SILENT;
  // Loaded here, not at the top: `diagbot --json help` never logs (issue 16's cold start).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pinoLogger = require('pino') as typeof import('pino');
  const paths = SECRET_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`, `*.*.*.${key}`]);
  const secrets = (options.secrets ?? []).filter((s) => s.length >= MIN_SECRET_LENGTH);
  const scrub = secretScrubber(secrets);
  const stream =
    typeof options.destination === 'object'
      ? options.destination
      : pinoLogger.destination({ fd: options.destination ?? 2, sync: true });
  return pinoLogger(
    {
      level: options.level,
      base: { app: 'diagbot' },
      redact: { paths, censor: '[Redacted]' },
      ...(secrets.length > 0 ? { hooks: { streamWrite: scrub } } : {}),
    },
    stream as pino.DestinationStream,
  ) as unknown as Logger;
}

/** Drops every line; its children too. */
const SILENT: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => SILENT,
};

/** A logger that drops everything (the CLI without --verbose). */
export function silentLogger(): Logger {
  return createLogger({ level: 'silent' });
}
