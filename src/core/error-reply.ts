import type { Logger } from './command';
import { isFindingError, type DiagError } from './errors';
import type { FindingId } from './finding-ids';
import { errorReply, type Reply } from './reply';

/** What an unexpected error needs: the id the reply shows and the log that keeps the details. */
export interface UnexpectedErrorContext {
  correlationId: string;
  log: Logger;
}

/**
 * The one place an error becomes a Reply: a DiagError with a finding id is an `error` Reply with that
 * finding (its message, fix and data as thrown); anything else — an internal code nobody translated, a
 * TypeError — is a bug, logged with the correlation id, and the reply shows only that id.
 *
 * @example
 * replyForError('cert', new DiagError('net.timeout', 'The TLS handshake took longer than 5 s.'), { correlationId, log });
 */
export function replyForError(command: string, error: unknown, context: UnexpectedErrorContext): Reply {
  if (isFindingError(error)) return findingErrorReply(command, error);
  const { correlationId, log } = context;
  log.error({ err: error, command }, 'command failed unexpectedly');
  return errorReply(
    command,
    {
      id: 'internal',
      severity: 'error',
      message: `Something went wrong inside diagbot (correlation id ${correlationId}).`,
      fix: { summary: `Tell the diagbot admins; they can find the details in the logs under ${correlationId}.` },
    },
    { correlationId },
  );
}

/** A DiagError whose code is a finding id as the `error` Reply of `command` (also main's bad configuration under --json). */
export function findingErrorReply(command: string, error: DiagError<FindingId>): Reply {
  return errorReply(command, { id: error.code, severity: 'error', message: error.message, fix: error.fix }, error.data);
}
