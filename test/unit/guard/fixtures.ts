import { z } from 'zod';
import { createAuditCommand } from '../../../commands/audit';
import { createHelpCommand } from '../../../commands/help';
import { createApp } from '../../../src/app/create-app';
import { parseConfig } from '../../../src/config/load';
import { createMemoryAuditStore } from '../../../src/store/audit-memory';
import type { ChatRequest, Platform } from '../../../src/core/chat-request';
import type { Command, Role } from '../../../src/core/command';
import type { CommandTarget } from '../../../src/core/target';
import { DiagError, usageError } from '../../../src/core/errors';
import { makeReply } from '../../../src/core/reply';
import type { Router } from '../../../src/core/router';
import type { GuardOptions } from '../../../src/guard/guard';
import { DEFAULT_LIMITS, type LimitRules } from '../../../src/guard/limits';
import { parseTarget } from '../../../src/net/target';
import { captureLogger } from '../../helpers/logger';
import { fakeId } from '../../helpers/finding-id';

/**
 * Stand-ins for the commands other features write (cert, relay, ou, explain, digest), with the same
 * names and the same shape of target, so the guard is tested on its own. Each counts its runs and can
 * be held open (a probe in flight) with `hold()`; a host starting `fail.` fails like a refused connection.
 */
export interface StubCommand extends Command<{ positional: string[] }> {
  runs: number;
  hold(): () => void;
}

function stub(name: string, options: { defaultPort?: number; roleFor?: (words: string[]) => Role } = {}): StubCommand {
  let gate: Promise<void> | undefined;
  const command: StubCommand = {
    name,
    summary: `The ${name} stand-in.`,
    usage: `${name} <words>`,
    examples: [`${name} mail.contoso.com`],
    args: z.object({ positional: z.array(z.string()) }),
    runs: 0,
    hold() {
      let open!: () => void;
      gate = new Promise<void>((resolve) => {
        open = resolve;
      });
      return () => {
        gate = undefined;
        open();
      };
    },
    targetOf:
      options.defaultPort === undefined
        ? undefined
        : (args): CommandTarget | undefined => {
            const [host] = args.positional;
            return host === undefined
              ? undefined
              : parseTarget(host, options.defaultPort as number, `${name} mail.contoso.com`);
          },
    roleFor: options.roleFor ? (args): Role => (options.roleFor as (w: string[]) => Role)(args.positional) : undefined,
    async run(args) {
      command.runs += 1;
      if (options.defaultPort !== undefined && args.positional.length === 0)
        throw usageError(`${name} needs a host`, `${name} mail.contoso.com`);
      if (gate) await gate;
      if (args.positional[0]?.startsWith('fail.'))
        throw new DiagError('net.refused', `${args.positional[0]} refused the connection.`);
      return makeReply({
        command: name,
        title: `${name} ran`,
        findings: [{ id: fakeId(`${name}.ok`), severity: 'ok', message: 'ran' }],
      });
    },
  };
  return command;
}

export function stubCommands(): Record<'cert' | 'relay' | 'ou' | 'explain' | 'digest', StubCommand> {
  return {
    cert: stub('cert', { defaultPort: 443 }),
    relay: stub('relay', { defaultPort: 25 }),
    ou: stub('ou'),
    explain: stub('explain'),
    digest: stub('digest', {
      roleFor: (words) => (words[0] === 'add' || words[0] === 'remove' ? 'admin' : 'everyone'),
    }),
  };
}

export const IDS = {
  slackAdmin: 'U0ADMIN01',
  slackOperator: 'U0OPER001',
  slackGroupAdmins: 'S0ADMINS1',
  teamsAdmin: '5b1e8f0c-2a7d-4c39-9e2f-0d6a4b8c1e21',
  teamsOperator: '8f0e3c2a-1b4d-4e6f-a7b8-c9d0e1f2a3b4',
};

export const ROLES: GuardOptions['roles'] = {
  admins: [IDS.slackAdmin, IDS.slackGroupAdmins, `teams:${IDS.teamsAdmin}`],
  operators: [`slack:${IDS.slackOperator}`, IDS.teamsOperator.toUpperCase()],
};

export function request(
  platform: Platform,
  userId: string,
  text: string,
  extra: Partial<ChatRequest> = {},
): ChatRequest {
  return {
    platform,
    door: platform === 'cli' ? 'terminal' : 'command',
    userId,
    channelId: platform === 'teams' ? '19:abc@thread.tacv2' : 'C0CHANNEL',
    teamId: platform === 'slack' ? 'T0TEAM' : platform === 'teams' ? 'tenant-1' : undefined,
    rawText: text,
    text,
    ...extra,
  };
}

export interface Harness {
  router: Router;
  stubs: ReturnType<typeof stubCommands>;
  audit: ReturnType<typeof createMemoryAuditStore>;
  log: ReturnType<typeof captureLogger>;
}

/** The app as createApp builds it (guard hooks, audit recorder, secret scrub), with the stub commands. */
export async function harness(
  options: {
    roles?: GuardOptions['roles'];
    limits?: Partial<LimitRules>;
    ports?: GuardOptions['ports'];
    allow?: string[];
    secrets?: string[];
    now?: () => Date;
  } = {},
): Promise<Harness> {
  const stubs = stubCommands();
  const audit = createMemoryAuditStore();
  const log = captureLogger();
  const config = parseConfig({
    roles: options.roles ?? ROLES,
    limits: { ...DEFAULT_LIMITS, ...options.limits },
    targets: { allow: options.allow ?? [], deny: [], ...(options.ports ? { ports: options.ports } : {}) },
  });
  const app = await createApp(config, {
    log,
    audit,
    now: options.now,
    secrets: options.secrets,
    onlyCommands: () => [
      stubs.cert,
      stubs.relay,
      stubs.ou,
      stubs.explain,
      stubs.digest,
      createAuditCommand({ audit }),
      createHelpCommand(),
    ],
  });
  return { router: app.router, stubs, audit, log };
}
