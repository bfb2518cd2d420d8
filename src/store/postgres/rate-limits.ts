import type { Pool } from 'pg';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';

/**
 * Rate-limit counters in PostgreSQL (rate-limiter-flexible's `RateLimiterPostgres`, in the `rate_limits` table
 * the migrations create), so a budget such as `limits.perUser` holds across replicas. While the database is
 * unreachable each replica counts in memory (the library's insurance limiter) instead of refusing everything
 * or letting everything through. Shaped as src/guard's `LimiterFactory`.
 */
export function pgLimiterFactory(client: () => Pick<Pool, 'query'> | Promise<Pick<Pool, 'query'>>) {
  return async (
    lib: typeof import('rate-limiter-flexible'),
    spec: { keyPrefix: string; points: number; duration: number },
  ): Promise<RateLimiterAbstract> =>
    new lib.RateLimiterPostgres({
      ...spec,
      storeClient: await client(),
      storeType: 'pool',
      tableName: 'rate_limits',
      tableCreated: true,
      insuranceLimiter: new lib.RateLimiterMemory(spec),
    });
}
