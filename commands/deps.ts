import type { Logger } from '../src/core/command';
import type { Config } from '../src/config/schema';
import type { NetContext } from '../src/net/connect';

/**
 * What the composition root hands to the command factories. Engines are built from these slices; a
 * collaborator that holds state (the directory connection, the store) is created once in main.ts and
 * passed here, so tests can pass their own.
 */
export interface CommandDeps {
  config: Config;
  net: NetContext;
  log: Logger;
  now: () => Date;
}
