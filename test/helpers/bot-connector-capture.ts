import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/**
 * A stand-in for the Bot Connector service (the `serviceUrl` Teams puts on every activity), on loopback: it
 * implements the v3 endpoints botbuilder calls to answer — reply to an activity, send to a conversation,
 * update an activity in place, delete one — and records every call. Typing indicators arrive as replies
 * of type `typing`. Tests point their activities' `serviceUrl` at `url`.
 */

export type CapturedKind = 'reply' | 'send' | 'update' | 'delete';

export interface CapturedCall {
  kind: CapturedKind;
  method: string;
  path: string;
  conversationId: string;
  /** The activity replied to, updated or deleted. */
  activityId?: string;
  /** The id this server gave the activity (what botbuilder gets back). */
  assignedId?: string;
  activity: Record<string, unknown>;
  authorization?: string;
  /** Size of the request body in bytes, as it travelled. */
  bytes: number;
}

export interface BotConnectorCapture {
  /** The service URL (with a trailing slash, as Teams sends it). */
  url: string;
  port: number;
  calls: CapturedCall[];
  /** Resolves with the first call (already made or still to come) that matches, or fails after `timeoutMs`. */
  waitFor(predicate: (call: CapturedCall) => boolean, timeoutMs?: number): Promise<CapturedCall>;
  /** Calls of one kind and activity type, e.g. `messages('reply')`. */
  messages(kind?: CapturedKind): CapturedCall[];
  reset(): void;
  close(): Promise<void>;
}

export interface CaptureOptions {
  /** Port range to try (the caller's own range, so parallel suites do not clash); default: any free port. */
  ports?: [number, number];
}

const ROUTE = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?\/?$/;

export async function startBotConnectorCapture(options: CaptureOptions = {}): Promise<BotConnectorCapture> {
  const calls: CapturedCall[] = [];
  const waiters: Array<{ predicate: (call: CapturedCall) => boolean; resolve: (call: CapturedCall) => void }> = [];
  let counter = 0;

  const record = (call: CapturedCall): void => {
    calls.push(call);
    for (const waiter of [...waiters]) {
      if (waiter.predicate(call)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(call);
      }
    }
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const path = (req.url ?? '/').split('?')[0] as string;
      const match = ROUTE.exec(path);
      if (!match) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'NotFound', message: `no route ${req.method} ${path}` } }));
        return;
      }
      let activity: Record<string, unknown> = {};
      if (raw.length > 0) {
        try {
          activity = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
        } catch {
          res.writeHead(400).end();
          return;
        }
      }
      const conversationId = decodeURIComponent(match[1] as string);
      const activityId = match[2] ? decodeURIComponent(match[2]) : undefined;
      const method = req.method ?? 'GET';
      const kind: CapturedKind | undefined =
        method === 'POST'
          ? activityId
            ? 'reply'
            : 'send'
          : method === 'PUT' && activityId
            ? 'update'
            : method === 'DELETE' && activityId
              ? 'delete'
              : undefined;
      if (!kind) {
        res.writeHead(405).end();
        return;
      }
      counter += 1;
      const assignedId = kind === 'update' || kind === 'delete' ? activityId : `captured-${counter}`;
      record({
        kind,
        method,
        path,
        conversationId,
        activityId,
        assignedId,
        activity,
        authorization: req.headers.authorization,
        bytes: raw.length,
      });
      if (kind === 'delete') {
        res.writeHead(200).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: assignedId }));
    });
  });

  const port = await listenInRange(server, options.ports);
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    calls,
    // A deadline for a failing test, not a timing assertion (see slack-capture.ts: the first explain loads the knowledge base).
    waitFor(predicate, timeoutMs = 30_000) {
      const found = calls.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const waiter = {
          predicate,
          resolve: (call: CapturedCall) => {
            clearTimeout(timer);
            resolve(call);
          },
        };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(
            new Error(
              `no matching Bot Connector call within ${timeoutMs} ms; calls so far: ${JSON.stringify(calls.map((c) => [c.kind, c.activity.type, c.activityId]))}`,
            ),
          );
        }, timeoutMs);
        waiters.push(waiter);
      });
    },
    messages(kind) {
      return calls.filter((c) => c.activity.type === 'message' && (kind === undefined || c.kind === kind));
    },
    reset() {
      calls.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Listens on 127.0.0.1 on a free port in `[from, to]` (random start, then upwards), or any free port. */
export async function listenInRange(server: Server, range?: [number, number]): Promise<number> {
  const tryPort = (port: number): Promise<number> =>
    new Promise((resolve, reject) => {
      const onError = (error: Error): void => reject(error);
      server.once('error', onError);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', onError);
        const address = server.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
    });
  if (!range) return tryPort(0);
  const [from, to] = range;
  const span = to - from + 1;
  const start = Math.floor(Math.random() * span);
  for (let i = 0; i < Math.min(span, 50); i += 1) {
    try {
      return await tryPort(from + ((start + i) % span));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    }
  }
  throw new Error(`no free port in ${from}-${to}`);
}

/** A free port in the range for a server that binds it itself (e.g. createHttpServer). */
export async function freePortInRange(range: [number, number]): Promise<number> {
  const probe = createServer();
  const port = await listenInRange(probe, range);
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
