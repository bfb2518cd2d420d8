import type { Command } from '../src/core/command';
import type { CommandDeps } from './deps';
import { helpCommand } from './help';

/**
 * The one list of commands. The composition root builds the router from it; each feature adds one
 * line here. Keep `help` last so it lists the others first.
 */
export function createCommands(deps: CommandDeps): Command[] {
  void deps;
  return [helpCommand];
}

export type { CommandDeps } from './deps';
