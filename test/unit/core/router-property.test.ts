import fc from 'fast-check';
import { createRouter } from '../../../src/core/router';
import { normaliseSlack } from '../../../adapters/slack/markup';
import { normaliseTeams } from '../../../adapters/teams/markup';
import { createCommands } from '../../../commands';
import { parseConfig } from '../../../src/config/load';
import { createTargetPolicy } from '../../../src/net/policy';
import { tableResolver } from '../../../src/net/resolver';
import { captureLogger } from '../../helpers/logger';
import { chatRequest } from '../../helpers/requests';

/**
 * Any text through any door gives a Reply — never a throw. The resolver knows no names and the policy
 * denies everything, so no generated text can reach the network.
 */
describe('router property: any string gives a Reply', () => {
  const config = parseConfig({
    targets: { deny: ['0.0.0.0/0', '::/0'] },
    dns: { servers: ['127.0.0.1:9'], timeoutMs: 50 },
  });
  const log = captureLogger();
  const commands = createCommands({
    config,
    net: {
      policy: createTargetPolicy(config.targets),
      resolver: tableResolver({}),
      timeouts: { connectMs: 200, stepMs: 200 },
    },
    log,
    now: () => new Date('2026-11-28T08:00:00Z'),
  });
  const router = createRouter({ commands, log });
  const names = commands.map((c) => c.name);
  const commandText = fc
    .tuple(fc.constantFrom(...names, 'frobnicate', ''), fc.string({ maxLength: 200 }))
    .map(([name, rest]) => `${name} ${rest}`);
  const anyText = fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'grapheme', maxLength: 100 }), commandText);

  it('handles any text from any door', async () => {
    await fc.assert(
      fc.asyncProperty(
        anyText,
        fc.constantFrom('slack', 'teams', 'cli'),
        fc.constantFrom('command', 'dm', 'mention', 'terminal'),
        async (raw, platform, door) => {
          const text = platform === 'slack' ? normaliseSlack(raw) : platform === 'teams' ? normaliseTeams(raw) : raw;
          const reply = await router.handle(
            chatRequest(text, { platform: platform as 'cli', door: door as 'dm', rawText: raw }),
          );
          expect(['ok', 'warn', 'fail', 'error']).toContain(reply.status);
          expect(typeof reply.title).toBe('string');
          expect(Array.isArray(reply.findings)).toBe(true);
          expect(reply.findings.some((f) => f.id === 'internal')).toBe(false);
        },
      ),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 300) },
    );
  });
});
