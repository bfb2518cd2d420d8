import type { AuditStore } from '../src/store/audit-types';
import type { Logger } from '../src/core/command';
import type { Config } from '../src/config/schema';
import type { Directory } from '../src/directory/client';
import type { NetContext } from '../src/net/connect';
import type { Store } from '../src/store/types';

/**
 * What the composition root hands to the command factories. Engines are built from these slices; a
 * collaborator that holds state (the directory connection, the store) is created once in src/main.ts and
 * passed here, so tests can pass their own.
 */
export interface CommandDeps {
  config: Config;
  net: NetContext;
  log: Logger;
  now: () => Date;
  /** The audit trail (`audit` reads it; the recorder createApp wires writes it). */
  audit?: AuditStore;
  /** The store (digests, runs, Teams conversation references), opened on first use so `help` never opens a database. */
  store?: () => Promise<Store>;
  /** Told after `digest add`, `pause`, `resume` or `remove` changed a digest: the scheduler reschedules at once. */
  digestsChanged?: () => void;
  /** The directory (`ou`): one lazily connected, reused LDAP connection; absent when `ldap` is not configured. */
  directory?: Directory;
}
