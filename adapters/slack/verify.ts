import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../../src/core/command';

/**
 * Request checks in front of Bolt's own verification. Bolt's `verifySlackRequest` (run by its HTTPReceiver)
 * checks the v0 HMAC signature and rejects timestamps more than five minutes in the past, but accepts any
 * timestamp in the future, so a request signed ahead of time could be replayed for as long as its clock
 * lies. This module adds the other side of the window before the request reaches Bolt.
 */

/** Slack's replay window: a request's timestamp may differ from our clock by at most five minutes. */
export const MAX_SKEW_SECONDS = 5 * 60;

export type TimestampVerdict = { ok: true } | { ok: false; reason: string };

/**
 * Checks `X-Slack-Request-Timestamp` against both sides of the window. A missing or non-numeric header is
 * left to Bolt, which refuses it (except for Slack's unsigned `ssl_check` probe, which carries no command).
 */
export function checkTimestamp(header: string | string[] | undefined, nowMs: number): TimestampVerdict {
  if (typeof header !== 'string' || !/^\d{1,12}$/.test(header.trim())) return { ok: true };
  const sentSec = Number(header.trim());
  const nowSec = Math.floor(nowMs / 1000);
  if (sentSec > nowSec + MAX_SKEW_SECONDS) return { ok: false, reason: 'x-slack-request-timestamp is more than 5 minutes in the future' };
  if (sentSec < nowSec - MAX_SKEW_SECONDS) return { ok: false, reason: 'x-slack-request-timestamp is more than 5 minutes old' };
  return { ok: true };
}

export type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

export interface EventsRouteOptions {
  /** Bolt's HTTPReceiver request listener: body limit, signature, url_verification, ack. */
  listener: RequestListener;
  log: Logger;
  now: () => number;
  /** After stop() the route stays registered on the shared server, so it answers 503 itself. */
  accepting: () => boolean;
  /** Called when a request passed the checks here, before Bolt reads it (acknowledgement latency starts here). */
  arrived?: (req: IncomingMessage, res: ServerResponse) => void;
}

/** The handler for `POST /slack/events` on the shared HTTP server. */
export function createEventsRoute(options: EventsRouteOptions): RequestListener {
  return (req, res) => {
    if (!options.accepting()) {
      refuse(res, 503);
      return;
    }
    const verdict = checkTimestamp(req.headers['x-slack-request-timestamp'], options.now());
    if (!verdict.ok) {
      options.log.warn({ reason: verdict.reason }, 'Slack request refused');
      refuse(res, 401);
      return;
    }
    options.arrived?.(req, res);
    options.listener(req, res);
  };
}

function refuse(res: ServerResponse, status: number): void {
  // The body is never read: close the connection rather than drain an unverified upload.
  res.writeHead(status, { connection: 'close' });
  res.end();
}
