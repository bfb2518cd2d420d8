import { z } from 'zod';
import { createApp, type App } from '../src/app/create-app';
import { parseConfig } from '../src/config/load';
import { createMemoryAuditStore } from '../src/store/audit-memory';
import type { ChatRequest } from '../src/core/chat-request';
import type { Command } from '../src/core/command';
import { makeReply } from '../src/core/reply';
import { createRouter, type Router } from '../src/core/router';
import { silentLogger } from '../src/log/logger';
import { median, percentile, report } from './stats';

/**
 * What the guard rails cost per request: the same Slack request (a command naming a target) through a
 * bare router (baseline) and through the app as createApp builds it (roles, rate limits, port list,
 * literal-address policy, probe slot, audit row, secret scrub). In memory, no network.
 */
const probe: Command<{ positional: string[] }> = {
  name: 'cert',
  summary: 'bench stand-in',
  usage: 'cert <host>',
  examples: ['cert mail.contoso.com'],
  args: z.object({ positional: z.array(z.string()) }),
  targetOf: (args) => ({ host: args.positional[0] ?? '', port: 443 }),
  run: async () =>
    makeReply({ command: 'cert', title: 'ok', findings: [{ id: 'cert.ok', severity: 'ok', message: 'ok' }] }),
};

/** The app as createApp builds it, with the one stand-in command. */
async function guarded(): Promise<App> {
  const config = parseConfig({
    roles: { admins: ['U0ADMIN01'], operators: Array.from({ length: 200 }, (_v, i) => `U0OP${i}`) },
    limits: { perUser: { points: 100_000, durationSeconds: 1 }, perChannel: { points: 100_000, durationSeconds: 1 } },
    targets: { allow: ['10.0.0.0/8'], deny: ['192.168.0.0/16', 'corp.internal'] },
  });
  return createApp(config, {
    log: silentLogger(),
    audit: createMemoryAuditStore({ maxRows: 1000 }),
    onlyCommands: () => [probe],
    secrets: ['xoxb-bench-secret-0001', 'bench-ldap-password'],
  });
}

async function measure(router: Router, rounds: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < rounds; i += 1) {
    const request: ChatRequest = {
      platform: 'slack',
      door: 'command',
      userId: `U0USER${i % 50}`,
      channelId: 'C0BENCH',
      teamId: 'T0',
      rawText: 'cert 10.0.0.5',
      text: `cert 10.0.${i % 200}.5`,
    };
    const start = process.hrtime.bigint();
    await router.handle(request);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return times;
}

export async function run(): Promise<void> {
  const bare = createRouter({ commands: [probe], log: silentLogger() });
  const app = await guarded();
  const full = app.router;
  // Warm up both (JIT, the lazily loaded rate limiter).
  await measure(bare, 500);
  await measure(full, 500);
  const base = await measure(bare, 5000);
  const withGuard = await measure(full, 5000);
  report('guard', 'bare router, median', median(base) * 1000, 'µs');
  report('guard', 'guarded router, median', median(withGuard) * 1000, 'µs');
  report('guard', 'guarded router, p99', percentile(withGuard, 99) * 1000, 'µs');
  report('guard', 'ratio guarded / bare (median)', median(withGuard) / median(base), 'x');
  await app.close();
}
