import type { RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';
import type { ChatRequest, Platform } from '../core/chat-request';

/** `limits` from config. */
export interface LimitRules {
  /** Commands per user per window. */
  perUser: { points: number; durationSeconds: number };
  /** Commands per channel / conversation per window (all users together). */
  perChannel: { points: number; durationSeconds: number };
  /** Probes running at once against one target host, from everyone together. */
  concurrentPerTarget: number;
  /**
   * How long a probe's slot is held at most when its completion is never reported (a lease, not a
   * deadline: every probe has its own, much shorter, network deadlines).
   */
  targetLeaseSeconds?: number;
  /** Platforms the limits do not apply to: the local terminal and scheduled digests by default. */
  exemptPlatforms: readonly Platform[];
}

export const DEFAULT_LIMITS: LimitRules = {
  perUser: { points: 20, durationSeconds: 60 },
  perChannel: { points: 60, durationSeconds: 60 },
  concurrentPerTarget: 4,
  targetLeaseSeconds: 300,
  exemptPlatforms: ['cli', 'digest'],
};

/** Why a request was held back, and when to try again. */
export interface LimitRefusal {
  scope: 'user' | 'channel' | 'target';
  limit: number;
  windowSeconds: number;
  retryAfterSeconds: number;
  target?: string;
}

/** A held probe slot; `release` gives it back (idempotent). */
export interface TargetSlot {
  release(): Promise<void>;
}

export interface Limits {
  /** Counts one command against the user and the channel; a refusal says which limit and when to retry. */
  take(request: ChatRequest): Promise<LimitRefusal | undefined>;
  /** Takes a slot for a probe of `hostKey`, or says the host is busy. */
  acquireTarget(request: ChatRequest, hostKey: string): Promise<TargetSlot | LimitRefusal>;
}

const NO_SLOT: TargetSlot = { release: async () => undefined };

interface Limiters {
  perUser: RateLimiterAbstract;
  perChannel: RateLimiterAbstract;
  perTarget: RateLimiterAbstract;
  isLimiterRes(value: unknown): value is RateLimiterRes;
}

/** One counter's settings, as rate-limiter-flexible takes them. */
export interface LimiterSpec {
  keyPrefix: string;
  points: number;
  duration: number;
}

/**
 * Where the counters live. In memory by default (one process); the composition root passes one that keeps
 * them in PostgreSQL (`RateLimiterPostgres`, with an in-memory insurance limiter) so every replica counts
 * against the same budget. Called once per counter, on first use.
 */
export type LimiterFactory = (
  lib: typeof import('rate-limiter-flexible'),
  spec: LimiterSpec,
) => RateLimiterAbstract | Promise<RateLimiterAbstract>;

const inMemory: LimiterFactory = (lib, spec) => new lib.RateLimiterMemory(spec);

/**
 * Rate limits (rate-limiter-flexible) per user, per channel and concurrent probes per target host, in memory
 * or wherever `factory` keeps them. Keys include the platform and workspace, so a Slack and a Teams id never share a bucket.
 * The library loads on the first request that is limited at all: the terminal (exempt by default) never
 * pays for it, which keeps `diagbot --json help` fast.
 */
export function createLimits(rules: LimitRules, factory: LimiterFactory = inMemory): Limits {
  const lease = rules.targetLeaseSeconds ?? DEFAULT_LIMITS.targetLeaseSeconds ?? 300;
  const exempt = new Set<Platform>(rules.exemptPlatforms);
  const where = (request: ChatRequest): string => `${request.platform}:${request.teamId ?? ''}`;
  let loaded: Promise<Limiters> | undefined;
  const limiters = (): Promise<Limiters> => {
    loaded ??= import('rate-limiter-flexible').then(async (lib) => ({
      perUser: await factory(lib, {
        keyPrefix: 'user',
        points: rules.perUser.points,
        duration: rules.perUser.durationSeconds,
      }),
      perChannel: await factory(lib, {
        keyPrefix: 'channel',
        points: rules.perChannel.points,
        duration: rules.perChannel.durationSeconds,
      }),
      // A counter of slots in use: consume takes one, reward gives it back. The lease window bounds a leak.
      perTarget: await factory(lib, { keyPrefix: 'target', points: rules.concurrentPerTarget, duration: lease }),
      isLimiterRes: (value: unknown): value is RateLimiterRes => value instanceof lib.RateLimiterRes,
    }));
    return loaded;
  };

  async function consume(limiter: RateLimiterAbstract, key: string): Promise<RateLimiterRes | undefined> {
    try {
      await limiter.consume(key);
      return undefined;
    } catch (rejection) {
      // The library rejects with a RateLimiterRes when over the limit; anything else is a real error.
      if ((await limiters()).isLimiterRes(rejection)) return rejection;
      throw rejection;
    }
  }

  const retryAfter = (res: RateLimiterRes): number => Math.max(1, Math.ceil(res.msBeforeNext / 1000));

  return {
    async take(request) {
      if (exempt.has(request.platform)) return undefined;
      const { perUser, perChannel } = await limiters();
      const user = await consume(perUser, `${where(request)}:${request.userId}`);
      if (user) {
        return {
          scope: 'user',
          limit: rules.perUser.points,
          windowSeconds: rules.perUser.durationSeconds,
          retryAfterSeconds: retryAfter(user),
        };
      }
      const channel = await consume(perChannel, `${where(request)}:${request.channelId}`);
      if (channel) {
        return {
          scope: 'channel',
          limit: rules.perChannel.points,
          windowSeconds: rules.perChannel.durationSeconds,
          retryAfterSeconds: retryAfter(channel),
        };
      }
      return undefined;
    },

    async acquireTarget(request, hostKey) {
      if (exempt.has(request.platform)) return NO_SLOT;
      const { perTarget } = await limiters();
      const refused = await consume(perTarget, hostKey);
      if (refused) {
        // A refused consume still counted; give that point back so the count is only slots in use.
        await perTarget.reward(hostKey, 1);
        return {
          scope: 'target',
          limit: rules.concurrentPerTarget,
          windowSeconds: lease,
          retryAfterSeconds: 5,
          target: hostKey,
        };
      }
      const windowEnds = Date.now() + ((await perTarget.get(hostKey))?.msBeforeNext ?? 0);
      let released = false;
      return {
        async release() {
          if (released) return;
          released = true;
          // After the lease window the counter started again from zero without this slot: nothing to give back.
          if (Date.now() < windowEnds) await perTarget.reward(hostKey, 1);
        },
      };
    },
  };
}

export function isRefusal(value: TargetSlot | LimitRefusal): value is LimitRefusal {
  return 'scope' in value;
}
