import type { Command } from '../src/core/command';
import { createAuditCommand } from './audit';
import { createCertCommand } from './cert';
import type { CommandDeps } from './deps';
import { createDigestCommand } from './digest';
import { createExplainCommand } from './explain';
import { createHeadersCommand } from './headers';
import { createHelpCommand } from './help';
import { createMailCommand } from './mail';
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
    createMailCommand(deps),
    createExplainCommand(),
    createHeadersCommand(),
    createDigestCommand(deps),
    createAuditCommand(deps),
    createHelpCommand(),
  ];
}

export type { CommandDeps } from './deps';
