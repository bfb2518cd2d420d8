import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import { isValidSlackRequest } from '@slack/bolt';
import type { Logger } from '../../src/core/command';
import { isDiagError, httpStatusOf } from '../../src/core/errors';
import type { HttpHost } from '../../src/core/http-host';
import { checkSlackBody } from './shape';

/**
 * Request checks in front of Bolt. Bolt's HTTPReceiver reads the whole body before it looks at a header,
 * accepts any timestamp in the future (a request signed ahead of time could be replayed for as long as its
 * clock lies), and trusts the shape of what it parsed. This module checks the headers first, reads the body
 * under a limit and a deadline, verifies the signature and the shape, and only then hands the request on.
 */

/** Slack's replay window: a request's timestamp may differ from our clock by at most five minutes. */
export const MAX_SKEW_SECONDS = 5 * 60;

export type TimestampVerdict = { ok: true } | { ok: false; reason: string };

/** Checks `X-Slack-Request-Timestamp` against both sides of the window (a missing one is refused by the route). */
export function checkTimestamp(header: string | string[] | undefined, nowMs: number): TimestampVerdict {
  if (typeof header !== 'string' || !/^\d{1,12}$/.test(header.trim())) return { ok: true };
  const sentSec = Number(header.trim());
  const nowSec = Math.floor(nowMs / 1000);
  if (sentSec > nowSec + MAX_SKEW_SECONDS)
    return { ok: false, reason: 'x-slack-request-timestamp is more than 5 minutes in the future' };
  if (sentSec < nowSec - MAX_SKEW_SECONDS)
    return { ok: false, reason: 'x-slack-request-timestamp is more than 5 minutes old' };
  return { ok: true };
}

export type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

export interface EventsRouteOptions {
  /** Bolt's HTTPReceiver request listener: signature (again), url_verification, ack. */
  listener: RequestListener;
  log: Logger;
  now: () => number;
  signingSecret: string;
  /** Requests larger than this are refused with 413, as their bytes arrive. */
  bodyLimitBytes: number;
  /** A body still arriving after this long is refused with 408 (default 10 s). */
  bodyDeadlineMs?: number;
  /** After stop() the route stays registered on the shared server, so it answers 503 itself. */
  accepting: () => boolean;
  /** Called when a request passed the checks here, before Bolt reads it (acknowledgement latency starts here). */
  arrived?: (req: IncomingMessage, res: ServerResponse) => void;
  /** The host's bounded body reader. */
  readBody: HttpHost['readBody'];
}

/** Slack's `ssl_check` probe is the one unsigned request; it is a short form. */
const SSL_CHECK_MAX_BYTES = 1024;
const SIGNATURE = /^v0=[0-9a-f]{64}$/;

/**
 * The handler for `POST /slack/events` on the shared HTTP server. In order, each step before anything is
 * buffered that can be: a timestamp outside the window or a missing signature is refused from the headers
 * alone; the body is read under a size limit and a deadline; its signature is checked; its shape is checked
 * (shape.ts); only then does Bolt get the request, with the body already read.
 */
export function createEventsRoute(
  options: EventsRouteOptions,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const deadlineMs = options.bodyDeadlineMs ?? 10_000;
  const refused = (res: ServerResponse, status: number, reason: string): void => {
    options.log.warn({ status, reason }, 'Slack request refused');
    refuse(res, status);
  };
  return async (req, res) => {
    if (!options.accepting()) return refuse(res, 503);
    const signature = req.headers['x-slack-signature'];
    if (typeof signature !== 'string' || !SIGNATURE.test(signature))
      return sslCheckOrRefuse(req, res, refused, deadlineMs, options.readBody);
    const timestamp = req.headers['x-slack-request-timestamp'];
    if (typeof timestamp !== 'string' || !/^\d{1,12}$/.test(timestamp.trim()))
      return refused(res, 401, 'x-slack-request-timestamp is missing or not a number');
    const verdict = checkTimestamp(timestamp, options.now());
    if (!verdict.ok) return refused(res, 401, verdict.reason);

    let body: Buffer;
    try {
      body = await options.readBody(req, { limitBytes: options.bodyLimitBytes, deadlineMs });
    } catch (error) {
      if (isDiagError(error, 'http.body')) return refused(res, httpStatusOf(error) ?? 400, error.message);
      throw error;
    }
    const valid = isValidSlackRequest({
      signingSecret: options.signingSecret,
      nowMilliseconds: options.now(),
      body: body.toString(),
      headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': Number(timestamp) },
    });
    if (!valid) return refused(res, 401, 'the signature does not match the body');
    const shape = checkSlackBody(body, req.headers['content-type']);
    if (!shape.ok) return refused(res, 400, shape.problem);

    // Bolt reads an already-read body from `rawBody` (its own bufferIncomingMessage checks for it).
    (req as IncomingMessage & { rawBody?: Buffer }).rawBody = body;
    options.arrived?.(req, res);
    options.listener(req, res);
  };
}

/**
 * A request without a signature can only be Slack's `ssl_check` (a form of a few bytes): anything else is
 * refused from its headers, and even an ssl_check is read only up to 1 KiB.
 */
async function sslCheckOrRefuse(
  req: IncomingMessage,
  res: ServerResponse,
  refused: (res: ServerResponse, status: number, reason: string) => void,
  deadlineMs: number,
  readBody: HttpHost['readBody'],
): Promise<void> {
  const declared = Number(req.headers['content-length']);
  const small = Number.isFinite(declared) && declared > 0 && declared <= SSL_CHECK_MAX_BYTES;
  if (req.headers['content-type'] !== 'application/x-www-form-urlencoded' || !small)
    return refused(res, 401, 'x-slack-signature is missing or malformed');
  let body: Buffer;
  try {
    body = await readBody(req, { limitBytes: SSL_CHECK_MAX_BYTES, deadlineMs: Math.min(deadlineMs, 2000) });
  } catch (error) {
    if (isDiagError(error, 'http.body')) return refused(res, httpStatusOf(error) ?? 400, error.message);
    throw error;
  }
  if (parseQuery(body.toString()).ssl_check !== '1')
    return refused(res, 401, 'x-slack-signature is missing or malformed');
  res.writeHead(200);
  res.end();
}

function refuse(res: ServerResponse, status: number): void {
  // Whatever of the body was not read is not drained: close the connection after the answer.
  if (res.headersSent) return;
  res.writeHead(status, { connection: 'close' });
  res.end();
}
