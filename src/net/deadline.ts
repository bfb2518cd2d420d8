import { DiagError } from '../core/errors';

/**
 * Runs one named network step with a deadline. On expiry the step's AbortSignal fires (so sockets
 * can be destroyed) and a `net.timeout` DiagError names the step: "Timed out after 5000 ms waiting
 * for the SMTP banner".
 */
export async function withDeadline<T>(step: string, ms: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      const error = timeoutError(step, ms);
      controller.abort(error);
      reject(error);
    }, ms);
  });
  try {
    return await Promise.race([work(controller.signal), expired]);
  } finally {
    clearTimeout(timer);
  }
}

export function timeoutError(step: string, ms: number): DiagError {
  return new DiagError('net.timeout', `Timed out after ${ms} ms waiting for ${step}.`, {
    data: { step, timeoutMs: ms },
    fix: { summary: 'Check that the service is running and that no firewall drops the traffic; then try again.' },
  });
}
