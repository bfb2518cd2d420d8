import { DiagError } from '../../src/core/errors';

/** The DiagError a promise rejects with; anything else (success, another error) fails the test. */
export async function diagFailure(promise: Promise<unknown>): Promise<DiagError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  if (!(error instanceof DiagError)) throw new Error(`expected a DiagError, got ${error === undefined ? 'success' : String(error)}`);
  return error;
}
