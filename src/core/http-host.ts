import type { IncomingMessage, ServerResponse } from 'node:http';
import { DiagError } from './errors';

/**
 * The one HTTP host port both platform doors use (the shared server in src/http implements it): routes on
 * the one port, the health and readiness registries, and a bounded body reader. A door depends on this
 * port, never on the server, so it can be hosted by anything that offers the same four things.
 */

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/** One component's state and, when it is not up/ready, why (for an operator reading /healthz or /readyz). */
export interface ComponentState {
  up: boolean;
  reason?: string;
}

/**
 * A registry of components and whether each is up (`health`, for /healthz) or ready to take traffic
 * (`readiness`, for /readyz). Doors, the scheduler, the store and the answer queues report themselves here.
 */
export interface HealthRegistry {
  set(component: string, up: boolean, reason?: string): void;
  /** Component → up/ready, the shape /healthz has always shown. */
  snapshot(): Record<string, boolean>;
  /** Component → state with its reason. */
  details(): Record<string, ComponentState>;
}

export interface BodyLimits {
  limitBytes: number;
  /** From the moment reading starts until the last byte. */
  deadlineMs: number;
}

/**
 * A body that could not be read: a DiagError `http.body` whose `data.status` is what the route answers
 * (400 broken stream, 408 too slow, 413 too large, 415); read it with `httpStatusOf`.
 */
export function bodyError(status: number, message: string): DiagError<'http.body'> {
  return new DiagError('http.body', message, { data: { status } });
}

export interface HttpHost {
  /** Registers a handler for one method and exact path (query strings ignored). */
  route(method: string, path: string, handler: RouteHandler): void;
  /** Liveness detail: what is up. /healthz answers 200 whatever it holds, while the process serves. */
  health: HealthRegistry;
  /** Readiness: /readyz answers 503 while any component here is not ready. */
  readiness: HealthRegistry;
  /** Reads a request body as its bytes arrive, within a size limit and a deadline; rejects with `http.body` (bodyError). */
  readBody(req: IncomingMessage, limits: BodyLimits): Promise<Buffer>;
}
