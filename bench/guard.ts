import { z } from 'zod';
import { createMemoryAuditStore } from '../src/store/audit-memory';
import { createAuditRecorder } from '../src/audit/recorder';
import type { ChatRequest } from '../src/core/chat-request';
import type { Command } from '../src/core/command';
import { makeReply } from '../src/core/reply';
import { createRouter, type Router } from '../src/core/router';
import { createGuard } from '../src/guard/guard';
import { DEFAULT_LIMITS } from '../src/guard/limits';
import { withSecretScrub } from '../src/guard/scrub';
import { silentLogger } from '../src/log/logger';
import { createTargetPolicy } from '../src/net/policy';
import { median, percentile, report } from './stats';

/**
 * What the guard rails cost per request: the same Slack request (a command naming a target) through a
 * bare router (baseline) and through the router wired as src/main.ts wires it (roles, rate limits, port list,
 * literal-address policy, probe slot, audit row, secret scrub). In memory, no network.
 */
const probe: Command<{ positional: string[] }> = {
  name: 'cert',
  summary: 'bench stand-in',
  usage: 'cert <host>',
  examples: ['cert mail.contoso.com'],
  args: z.object({ positional: z.array(z.string()) }),
  targetOf: (args) => ({ host: args.positional[0] ?? '', port: 443 }),
  run: async () => makeReply({ command: 'cert', title: 'ok', findings: [{ id: 'cert.ok', severity: 'ok', message: 'ok' }] }),
};

function guarded(): Router {
  const log = silentLogger();
  const audit = createMemoryAuditStore({ maxRows: 1000 });
  const guard = createGuard({
    roles: { admins: ['U0ADMIN01'], operators: Array.from({ length: 200 }, (_v, i) => `U0OP${i}`) },
    limits: { ...DEFAULT_LIMITS, perUser: { points: 1e9, durationSeconds: 60 }, perChannel: { points: 1e9, durationSeconds: 60 } },
    policy: createTargetPolicy({ allow: ['10.0.0.0/8'], deny: ['192.168.0.0/16', 'corp.internal'] }),
    log,
  });
  const recorder = createAuditRecorder({ store: audit, log });
  const router = createRouter({
    commands: guard.applyRoles([probe]),
    log,
    hooks: guard.routerHooks([recorder]),
  });
  return withSecretScrub(router, ['xoxb-bench-secret-0001', 'bench-ldap-password']);
}

async function measure(router: Router, rounds: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < rounds; i += 1) {
    const request: ChatRequest = {
      platform: 'slack', door: 'command', userId: `U0USER${i % 50}`, channelId: 'C0BENCH', teamId: 'T0',
      rawText: 'cert 10.0.0.5', text: `cert 10.0.${i % 200}.5`,
    };
    const start = process.hrtime.bigint();
    await router.handle(request);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return times;
}

export async function run(): Promise<void> {
  const bare = createRouter({ commands: [probe], log: silentLogger() });
  const full = guarded();
  // Warm up both (JIT, the lazily loaded rate limiter).
  await measure(bare, 500);
  await measure(full, 500);
  const base = await measure(bare, 5000);
  const withGuard = await measure(full, 5000);
  report('guard', 'bare router, median', median(base) * 1000, 'µs');
  report('guard', 'guarded router, median', median(withGuard) * 1000, 'µs');
  report('guard', 'guarded router, p99', percentile(withGuard, 99) * 1000, 'µs');
  report('guard', 'ratio guarded / bare (median)', median(withGuard) / median(base), 'x');
}
