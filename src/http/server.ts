import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from '../core/command';

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/** What is up, for /healthz: each door and the scheduler report themselves here. */
export interface HealthRegistry {
  set(component: string, up: boolean): void;
  snapshot(): Record<string, boolean>;
}

/** What must hold before a load balancer sends this replica traffic, for /readyz (the store, …). */
export interface ReadinessRegistry {
  set(component: string, ready: boolean, reason?: string): void;
  snapshot(): Record<string, { ready: boolean; reason?: string }>;
}

export interface HttpServer {
  /** Registers a handler for one method and exact path (query strings ignored). */
  route(method: string, path: string, handler: RouteHandler): void;
  health: HealthRegistry;
  readiness: ReadinessRegistry;
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
}

/**
 * The one HTTP server and port (contracts/cli-and-config.md): Slack's HTTP mode at POST /slack/events,
 * Teams at POST /api/messages, GET /healthz, GET /readyz and GET /metrics. Doors register their routes; nothing here
 * knows a platform.
 */
export function createHttpServer(options: HttpServerOptions): HttpServer {
  const routes = new Map<string, RouteHandler>();
  const components = new Map<string, boolean>();
  const health: HealthRegistry = {
    set: (component, up) => void components.set(component, up),
    snapshot: () => Object.fromEntries(components),
  };

  const readyComponents = new Map<string, { ready: boolean; reason?: string }>();
  const readiness: ReadinessRegistry = {
    set: (component, ready, reason) => void readyComponents.set(component, ready || reason === undefined ? { ready } : { ready, reason }),
    snapshot: () => Object.fromEntries(readyComponents),
  };

  // Liveness: 200 while the process serves; the components tell what is up. Taking a replica out of a
  // load balancer is /readyz's job (contracts/cli-and-config.md).
  routes.set('GET /healthz', (_req, res) => {
    const snapshot = health.snapshot();
    const ok = Object.values(snapshot).every(Boolean);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: ok ? 'ok' : 'degraded', components: snapshot }));
  });
  routes.set('GET /readyz', (_req, res) => {
    const components = readiness.snapshot();
    const ready = Object.values(components).every((c) => c.ready);
    res.writeHead(ready ? 200 : 503, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: ready ? 'ready' : 'not-ready', components }));
  });
  if (options.metrics) {
    const metrics = options.metrics;
    routes.set('GET /metrics', async (_req, res) => {
      const { contentType, body } = await metrics();
      res.writeHead(200, { 'content-type': contentType });
      res.end(body);
    });
  }

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const handler = routes.get(`${req.method ?? 'GET'} ${path}`);
    if (!handler) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found\n');
      return;
    }
    Promise.resolve().then(() => handler(req, res)).catch((error: unknown) => {
      options.log.error({ err: error, path }, 'HTTP handler failed');
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end();
    });
  });

  return {
    route: (method, path, handler) => void routes.set(`${method.toUpperCase()} ${path}`, handler),
    health,
    readiness,
    server,
    listen: () => new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => {
        server.off('error', reject);
        const address = server.address();
        resolve({ port: typeof address === 'object' && address ? address.port : options.port });
      });
    }),
    close: () => new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
