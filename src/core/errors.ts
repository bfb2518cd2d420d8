import type { Fix } from './reply';

/**
 * The one error family. `code` is a finding id from the contract (`usage`, `policy.denied`,
 * `net.timeout`, `ldap.unavailable`, …); the router turns a DiagError into an `error` Reply
 * with that finding. Anything else that escapes a handler becomes `internal`.
 */
export class DiagError extends Error {
  readonly code: string;
  readonly fix?: Fix;
  readonly data?: Record<string, unknown>;

  constructor(code: string, message: string, options: { cause?: unknown; fix?: Fix; data?: Record<string, unknown> } = {}) {
    super(message, { cause: options.cause });
    this.name = 'DiagError';
    this.code = code;
    this.fix = options.fix;
    this.data = options.data;
  }
}

export function isDiagError(value: unknown): value is DiagError {
  return value instanceof DiagError;
}

/** A usage error: what was wrong with the text, plus how to write it right. */
export function usageError(message: string, example?: string): DiagError {
  return new DiagError('usage', message, {
    fix: example ? { summary: `Try: ${example}` } : undefined,
  });
}
