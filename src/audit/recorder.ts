import type { Logger } from '../core/command';
import type { CompletedEvent } from '../core/router';
import type { AuditRow, AuditStore } from '../store/audit-types';

export interface AuditRecorderOptions {
  store: AuditStore;
  /** Literal secrets scrubbed from every field (a token typed as a "host" must not land in the trail). */
  scrub?: (text: string) => string;
  now?: () => Date;
  log?: Logger;
}

/** Builds the audit row for one handled request. The command text itself is never stored: it may hold anything. */
export function auditRowOf(event: CompletedEvent, at: Date, scrub: (text: string) => string = (t) => t): AuditRow {
  const { request, reply } = event;
  const outcome = reply.status === 'error' ? reply.findings[0]?.id : undefined;
  const row: AuditRow = {
    at: at.toISOString(),
    platform: request.platform,
    userId: scrub(request.userId).slice(0, 200),
    channelId: scrub(request.channelId).slice(0, 200),
    command: scrub(event.command).slice(0, 100),
    status: reply.status,
    durationMs: Math.max(0, Math.round(event.durationMs)),
    correlationId: event.correlationId,
  };
  if (request.teamId) row.teamId = scrub(request.teamId).slice(0, 200);
  if (event.target) row.target = scrub(event.target).slice(0, 300);
  if (outcome) row.outcome = scrub(outcome).slice(0, 100);
  return row;
}

/**
 * A completed-listener that writes one audit row per handled request, refusals included. A store
 * failure is logged (with the correlation id) and never turns a reply into an error.
 */
export function createAuditRecorder(options: AuditRecorderOptions): (event: CompletedEvent) => Promise<void> {
  const now = options.now ?? ((): Date => new Date());
  return async (event) => {
    try {
      await options.store.append(auditRowOf(event, now(), options.scrub));
    } catch (error) {
      options.log?.error({ err: error, correlationId: event.correlationId }, 'writing the audit row failed');
    }
  };
}
