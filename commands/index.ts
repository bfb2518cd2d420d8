import type { Command } from '../src/core/command';
import { auditCommand } from './audit';
import { createCertCommand } from './cert';
import type { CommandDeps } from './deps';
import { createDigestCommand } from './digest';
import { createExplainCommand } from './explain';
import { helpCommand } from './help';
import { createOuCommand } from './ou';
import { createRelayCommand } from './relay';

/**
 * The one list of commands. The composition root builds the router from it; each feature adds one
 * line here. Keep `help` last so it lists the others first.
 */
export function createCommands(deps: CommandDeps): Command[] {
  return [auditCommand(deps), createRelayCommand(deps), createCertCommand(deps), createOuCommand(deps), createDigestCommand(deps), createExplainCommand(), helpCommand];
}

export type { CommandDeps } from './deps';
