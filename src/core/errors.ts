import type { FindingId } from './finding-ids';
import type { Fix } from './reply';

/**
 * Codes of errors that are not a finding as they stand: the one caller that knows the context turns
 * them into one (a `usage` with the command's example, `digest.bad-schedule` with the schedule forms), into
 * an HTTP status (`http.body`, `teams.auth`) or into an exit code (adapters/cli/exit-code.ts). One that
 * escapes a handler untranslated is a bug and answers `internal`, like any other unexpected error.
 */
export const INTERNAL_ERROR_CODES = [
  /** The `diagbot` program's own command line (unknown flag, bad --format): exit 64. */
  'args.program',
  /** Unbalanced quotes in a command's words (src/core/tokenize.ts). */
  'args.tokenize',
  /** A DN that does not parse (src/dn); `data.position` is where reading stopped, `data.reason` why. */
  'dn.syntax',
  /** The words of `digest add` / `digest <sub> <id>` (src/digest/parse.ts). */
  'digest.usage',
  /** A schedule, time zone or cron pattern that cannot run (src/digest/schedule*.ts). */
  'schedule.invalid',
  /** A post that trying again cannot fix (no adapter for the digest's platform). */
  'digest.post-refused',
  /** A relay topology range that does not parse (src/relay); config load reports it first. */
  'relay.ip-range',
  'relay.topology',
  /** The knowledge-base data does not load or validate (src/kb). Not `kb.…`: that family is the entries' findings. */
  'knowledge-base.invalid',
  /** The store could not be opened or used; `data.sqliteCode` / `data.pgCode` say what the database said. */
  'store.failed',
  /** The database named in store.url cannot be used at all (host, login, name, schema): a configuration problem, exit 78. */
  'store.config',
  /** A request body that is too large, too slow or not what was expected; `data.status` is the HTTP answer. */
  'http.body',
  /** A Bot Framework request that does not authenticate; `data.status` is the HTTP answer. */
  'teams.auth',
  /** A Slack post or response_url that failed; `data.status` is Slack's HTTP status when it answered. */
  'send.failed',
] as const;

export type InternalErrorCode = (typeof INTERNAL_ERROR_CODES)[number];

/** Every code a DiagError may carry: a finding id (contracts/reply.md) or an internal code above. */
export type ErrorCode = FindingId | InternalErrorCode;

export interface DiagErrorOptions {
  cause?: unknown;
  fix?: Fix;
  data?: Record<string, unknown>;
}

/**
 * The one error family (after the Chat SDK's `ChatError(code, cause)`). `code` is a finding id from the
 * contract (`usage`, `policy.denied`, `net.timeout`, `ldap.unavailable`, …) or an internal code that a caller
 * translates; the router turns a DiagError with a finding id into an `error` Reply with that finding
 * (src/core/error-reply.ts). Narrow by `code` with {@link isDiagError}, never by subclass.
 *
 * @example
 * throw new DiagError('net.timeout', 'The TLS handshake with mail.contoso.com:443 took longer than 5 s.', { data: { step: 'tls-handshake' } });
 */
export class DiagError<C extends ErrorCode = ErrorCode> extends Error {
  readonly code: C;
  readonly fix?: Fix;
  readonly data?: Record<string, unknown>;

  constructor(code: C, message: string, options: DiagErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = 'DiagError';
    this.code = code;
    this.fix = options.fix;
    this.data = options.data;
  }
}

/**
 * True for a DiagError; with codes, for one carrying one of them.
 *
 * @example
 * if (isDiagError(error, 'store.failed', 'store.config')) throw new DiagError('store.unavailable', error.message);
 */
export function isDiagError<C extends ErrorCode = ErrorCode>(
  value: unknown,
  ...codes: readonly C[]
): value is DiagError<C> {
  return value instanceof DiagError && (codes.length === 0 || (codes as readonly ErrorCode[]).includes(value.code));
}

/** The HTTP status an error carries in `data.status` (`http.body`, `teams.auth`, `send.failed`), when it has one. */
export function httpStatusOf(error: DiagError): number | undefined {
  const status = error.data?.status;
  return typeof status === 'number' ? status : undefined;
}

const INTERNAL = new Set<string>(INTERNAL_ERROR_CODES);

/** A DiagError whose code is a finding id, so it can stand in a Reply as it is. */
export function isFindingError(value: unknown): value is DiagError<FindingId> {
  return value instanceof DiagError && !INTERNAL.has(value.code);
}

/** A usage error: what was wrong with the text, plus how to write it right. */
export function usageError(message: string, example?: string): DiagError<'usage'> {
  return new DiagError('usage', message, {
    fix: example ? { summary: `Try: ${example}` } : undefined,
  });
}
