import { createServer, type Server, type ServerResponse } from 'node:http';
import type { Logger } from '../core/command';
import type { ComponentState, HealthRegistry, HttpHost, RouteHandler } from '../core/http-host';
import { readBody } from './body';
import { createHealthRegistry } from './health';

export type { ComponentState, HealthRegistry, RouteHandler } from '../core/http-host';
export { createHealthRegistry } from './health';

/** The shared server: the doors' host port (src/core/http-host.ts) plus what the composition root needs. */
export interface HttpServer extends HttpHost {
  listen(): Promise<{ port: number }>;
  close(): Promise<void>;
  readonly server: Server;
}

export interface HttpServerOptions {
  port: number;
  host: string;
  log: Logger;
  /** Prometheus text for GET /metrics. */
  metrics?: () => Promise<{ contentType: string; body: string }>;
  /**
   * Node's own deadlines for a request's headers and whole request (ms). A client that trickles its headers
   * or body is cut off here, whichever route it asked for (docs/security.md).
   */
  headersTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** /healthz and /readyz registries made earlier (createApp reports the store into them before the server exists). */
  health?: HealthRegistry;
  readiness?: HealthRegistry;
}

/**
 * The one HTTP server and port (contracts/cli-and-config.md): Slack's HTTP mode at POST /slack/events,
 * Teams at POST /api/messages, GET /healthz (liveness), GET /readyz (readiness) and GET /metrics. Doors
 * register their routes; nothing here knows a platform.
 */
export function createHttpServer(options: HttpServerOptions): HttpServer {
  const routes = new Map<string, RouteHandler>();
  const health = options.health ?? createHealthRegistry();
  const readiness = options.readiness ?? createHealthRegistry();

  // Liveness: answering at all is the signal. A door or store that is down is shown, not turned into a 503
  // that would make an orchestrator restart a process that is serving the other doors fine.
  routes.set('GET /healthz', (_req, res) => {
    const components = health.details();
    const ok = Object.values(components).every((c) => c.up);
    sendJson(res, 200, {
      status: ok ? 'ok' : 'degraded',
      components: health.snapshot(),
      ...(ok ? {} : { problems: problems(components) }),
    });
  });
  routes.set('GET /readyz', (_req, res) => {
    const components = readiness.details();
    const ready = Object.values(components).every((c) => c.up);
    sendJson(res, ready ? 200 : 503, {
      status: ready ? 'ready' : 'not-ready',
      components: readiness.snapshot(),
      ...(ready ? {} : { problems: problems(components) }),
    });
  });
  if (options.metrics) {
    const metrics = options.metrics;
    routes.set('GET /metrics', async (_req, res) => {
      const { contentType, body } = await metrics();
      res.writeHead(200, { 'content-type': contentType });
      res.end(body);
    });
  }

  const server = createServer(
    {
      headersTimeout: options.headersTimeoutMs ?? 10_000,
      requestTimeout: options.requestTimeoutMs ?? 30_000,
    },
    (req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      const handler = routes.get(`${req.method ?? 'GET'} ${path}`);
      if (!handler) {
        res.writeHead(404, { 'content-type': 'text/plain', connection: 'close' });
        res.end('not found\n');
        return;
      }
      Promise.resolve()
        .then(() => handler(req, res))
        .catch((error: unknown) => {
          options.log.error({ err: error, path }, 'HTTP handler failed');
          if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
          res.end();
        });
    },
  );
  // A malformed request line or headers: answer 400 and close, as node does by default, without logging the bytes.
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
    else socket.destroy();
  });

  return {
    route: (method, path, handler) => void routes.set(`${method.toUpperCase()} ${path}`, handler),
    health,
    readiness,
    readBody,
    server,
    listen: () =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.port, options.host, () => {
          server.off('error', reject);
          const address = server.address();
          resolve({ port: typeof address === 'object' && address ? address.port : options.port });
        });
      }),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function problems(components: Record<string, ComponentState>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(components)
      .filter(([, c]) => !c.up)
      .map(([name, c]) => [name, c.reason ?? 'down']),
  );
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
