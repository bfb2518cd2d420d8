import type { Logger } from '../core/command';

export type LastResortKind = 'unhandledRejection' | 'uncaughtException';

/**
 * The process-wide last resort for `diagbot serve`: an error nothing caught (a rejection inside an SDK's own
 * request handling, a throw in a timer) is logged, counted and survived. Each door already validates what it
 * receives, so reaching this is a bug to fix, not a request to die on: ending the process would take every
 * door and the digest scheduler down with the one request that found the bug.
 *
 * Returns the function that removes the handlers again (tests, and `serve` when it stops).
 */
export function installLastResort(
  log: Logger,
  count: (kind: LastResortKind) => void,
  target: NodeJS.Process = process,
): () => void {
  const handler =
    (kind: LastResortKind) =>
    (error: unknown): void => {
      count(kind);
      log.error({ err: error, kind }, 'an error reached the last-resort handler; diagbot keeps serving');
    };
  const onRejection = handler('unhandledRejection');
  const onException = handler('uncaughtException');
  target.on('unhandledRejection', onRejection);
  target.on('uncaughtException', onException);
  return () => {
    target.off('unhandledRejection', onRejection);
    target.off('uncaughtException', onException);
  };
}
