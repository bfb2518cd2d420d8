import { createRelayCommand, type RelayCommandOptions } from '../../../commands/relay';
import { parseConfig } from '../../../src/config/load';
import type { Reply } from '../../../src/core/reply';
import { createRouter, type Router } from '../../../src/core/router';
import type { NetContext } from '../../../src/net/connect';
import { createTargetPolicy } from '../../../src/net/policy';
import { tableResolver } from '../../../src/net/resolver';
import { captureLogger } from '../../helpers/logger';
import { chatRequest } from '../../helpers/requests';

/** The relay command behind a real router, built from a config object the way src/main.ts builds it. */
export function relayApp(
  config: Record<string, unknown>,
  options: RelayCommandOptions & { stepMs?: number } = {},
): { router: Router; ask(text: string): Promise<Reply> } {
  const parsed = parseConfig({ targets: { allow: ['127.0.0.0/8'], deny: [] }, ...config });
  const net: NetContext = {
    policy: createTargetPolicy({ allow: ['127.0.0.0/8'], deny: [] }),
    resolver: tableResolver({ 'mx.diagbot.test': ['127.0.0.1'] }),
    timeouts: { connectMs: 2000, stepMs: options.stepMs ?? 5000 },
  };
  const log = captureLogger();
  const command = createRelayCommand({ config: parsed, net, log, now: () => new Date() }, options);
  const router = createRouter({ commands: [command], log, runbooks: parsed.links });
  return { router, ask: (text) => router.handle(chatRequest(text)) };
}

export function ids(reply: Reply): string[] {
  return reply.findings.map((f) => f.id);
}

export function findingOf(reply: Reply, id: string) {
  const found = reply.findings.find((f) => f.id === id);
  if (!found) throw new Error(`no ${id} in ${JSON.stringify(reply.findings, null, 2)}`);
  return found;
}
