import { DiagError, type ErrorCode } from '../../src/core/errors';

/** The DiagError a promise rejects with; anything else (success, another error) fails the test. */
export async function diagFailure(promise: Promise<unknown>): Promise<DiagError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof DiagError))
    throw new Error(`expected a DiagError, got ${error === undefined ? 'success' : String(error)}`);
  return error;
}

/**
 * Matches a DiagError with this code, for `toThrow`, `rejects.toThrow` and `toEqual`.
 *
 * @example
 * expect(() => loadConfig({ file, env: {} })).toThrow(diagErrorWith('config.invalid'));
 */
export function diagErrorWith(code: ErrorCode): DiagError {
  return expect.objectContaining({ name: 'DiagError', code }) as DiagError;
}

/** The DiagError `run` throws; anything else (no error, another error) fails the test. */
export function diagErrorOf(run: () => unknown): DiagError {
  try {
    run();
  } catch (error) {
    if (error instanceof DiagError) return error;
    throw error;
  }
  throw new Error('expected a DiagError, but nothing was thrown');
}
