import type { IncomingMessage } from 'node:http';
import type { DiagError } from '../core/errors';
import { bodyError, type BodyLimits } from '../core/http-host';

/**
 * Reads a request body as its bytes arrive, within a size limit and a deadline: the declared length is checked
 * before anything is read, every chunk counts against the limit, and a body still arriving at the deadline
 * (trickled a byte at a time) is cut off. Every door reads its body through this, so none buffers without
 * bounds.
 */

export async function readBody(req: IncomingMessage, limits: BodyLimits): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limits.limitBytes) {
    // Nothing of it is read: the connection is closed after the answer.
    throw bodyError(413, `the body is larger than ${limits.limitBytes} bytes`);
  }
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (error?: DiagError): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
      if (error) {
        // Stop reading what is left; the route answers and closes the connection.
        req.pause();
        reject(error);
      } else {
        resolve(Buffer.concat(chunks, size));
      }
    };
    const timer = setTimeout(
      () => finish(bodyError(408, `the body did not arrive within ${limits.deadlineMs} ms`)),
      limits.deadlineMs,
    );
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limits.limitBytes) return finish(bodyError(413, `the body is larger than ${limits.limitBytes} bytes`));
      chunks.push(chunk);
    };
    const onEnd = (): void => finish();
    const onError = (error: Error): void => finish(bodyError(400, `the body could not be read: ${error.message}`));
    const onAborted = (): void => finish(bodyError(400, 'the client went away while sending the body'));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  });
}
