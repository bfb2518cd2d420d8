import type { ChatRequest } from '../core/chat-request';
import type { Reply } from '../core/reply';
import type { Router, RouterBoundary } from '../core/router';
import { secretScrubber } from '../log/logger';

/** Replaces every configured secret in a text (see the logger, which uses the same rule). */
export { secretScrubber };

/** A deep copy of a JSON-like value with every string scrubbed. */
export function scrubDeep<T>(value: T, scrub: (text: string) => string): T {
  if (typeof value === 'string') return scrub(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => scrubDeep(item, scrub)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) out[key] = scrubDeep(item, scrub);
    return out as T;
  }
  return value;
}

/**
 * The router's boundary (`createRouter({ boundary })`): every request scrubbed of the configured secrets where it
 * enters and every Reply on the way out, so a user who pastes a token into a command, or an error message that
 * quotes one, never gets it echoed to a chat, a "checking …" message, a log line, the audit trail or a digest's
 * stored results (a digest's checks come back in through the same router).
 */
export function secretBoundary(secrets: readonly (string | undefined)[]): RouterBoundary {
  const scrub = secretScrubber(secrets);
  return {
    intake(request) {
      const { respond, ...rest } = request;
      return { ...scrubDeep(rest, scrub), ...(respond ? { respond } : {}) };
    },
    reply: (reply) => scrubDeep(reply, scrub),
  };
}

/**
 * The same scrubbing around a router built without the boundary (adapter tests wrap their fixture routers).
 * The router with every request scrubbed of the configured secrets where it enters (`intake`, which the
 * doors call before they derive anything from the text) and every Reply scrubbed on the way out: a user
 * who pastes a token into a command, or an error message that quotes one, never gets it echoed to a chat,
 * a "checking …" message, a log line or the audit trail.
 */
export function withSecretScrub(router: Router, secrets: readonly (string | undefined)[]): Router {
  const scrub = secretScrubber(secrets);
  const intake = (request: ChatRequest): ChatRequest => {
    const inner = router.intake?.(request) ?? request;
    const { respond, ...rest } = inner;
    return { ...scrubDeep(rest, scrub), ...(respond ? { respond } : {}) };
  };
  return {
    // Keep whatever else the router offers; only the way in and out changes.
    ...router,
    intake,
    // The terminal and the scheduler enter here; a door has called intake already, and a second pass finds nothing.
    async handle(request: ChatRequest, signal?: AbortSignal): Promise<Reply> {
      return scrubDeep(await router.handle(intake(request), signal), scrub);
    },
  };
}
