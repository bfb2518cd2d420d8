import type { Command } from '../src/core/command';
import { auditCommand } from './audit';
import { createCertCommand } from './cert';
import type { CommandDeps } from './deps';
import { createDigestCommand } from './digest';
import { createExplainCommand } from './explain';
import { createHeadersCommand } from './headers';
import { helpCommand } from './help';
import { createOuCommand } from './ou';
import { createRelayCommand } from './relay';

/**
 * The one list of commands. The composition root builds the router from it; `help` lists them in this
 * order: the checks first, then scheduling, then the admins' audit, and `help` itself last.
 */
export function createCommands(deps: CommandDeps): Command[] {
  return [
    createCertCommand(deps),
    createRelayCommand(deps),
    createOuCommand(deps),
    createExplainCommand(),
    createHeadersCommand(),
    createDigestCommand(deps),
    auditCommand(deps),
    helpCommand,
  ];
}

export type { CommandDeps } from './deps';
