import type { IncomingMessage, ServerResponse } from 'node:http';
import { bodyError, type HttpHost } from '../../src/core/http-host';

/**
 * The node side of POST /api/messages: read a bounded JSON body within a deadline, answer with JSON.
 * botbuilder expects a framework (express, restify) to have parsed the body; the shared server is plain node.
 */

/** Teams activities are a few KB; a message-extension payload carries the whole message it was started on. */
export const MAX_BODY_BYTES = 512 * 1024;
const BODY_DEADLINE_MS = 10_000;

export async function readJsonBody(
  req: IncomingMessage,
  readBody: HttpHost['readBody'],
  limit = MAX_BODY_BYTES,
): Promise<unknown> {
  const type = String(req.headers['content-type'] ?? '');
  if (!/^application\/json\b/i.test(type)) throw bodyError(415, 'expected Content-Type: application/json');
  const text = (await readBody(req, { limitBytes: limit, deadlineMs: BODY_DEADLINE_MS })).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw bodyError(400, 'the body is not valid JSON');
  }
}

export function sendJson(res: ServerResponse, status: number, body?: unknown): void {
  if (res.headersSent) return;
  if (body === undefined) {
    res.writeHead(status);
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}
