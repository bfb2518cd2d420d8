import type { ChatRequest } from '../core/chat-request';
import type { Command, Role } from '../core/command';
import { roleAllows } from '../core/router';

/** `roles` from config: who is an admin or operator, and per-command overrides of the least role. */
export interface RoleRules {
  /** Slack user ids (U…/W…), Slack user-group ids (S…), Teams AAD object ids; `slack:`/`teams:` prefixes pin a platform. */
  admins: readonly string[];
  operators: readonly string[];
  /** Command name → least role, overriding `DEFAULT_MIN_ROLES` and the command's own `minRole`. */
  commands?: Readonly<Record<string, Role>>;
}

/**
 * The least role per command when config says nothing. Commands not named here keep their own
 * `minRole` (default everyone). `digest add` / `digest remove` ask for admin through the digest
 * command's `roleFor`, which the guard keeps.
 */
export const DEFAULT_MIN_ROLES: Readonly<Record<string, Role>> = {
  help: 'everyone',
  explain: 'everyone',
  cert: 'everyone',
  mail: 'everyone',
  relay: 'operator',
  ou: 'operator',
  digest: 'everyone',
  audit: 'admin',
};

/** The higher of two roles. */
export function maxRole(a: Role, b: Role): Role {
  return roleAllows(a, b) ? a : b;
}

function matcher(entries: readonly string[]): (platform: string, ids: readonly string[]) => boolean {
  const any = new Set<string>();
  const pinned = new Set<string>();
  for (const raw of entries) {
    const entry = raw.trim();
    const colon = entry.indexOf(':');
    const prefix = colon === -1 ? '' : entry.slice(0, colon).toLowerCase();
    if (prefix === 'slack' || prefix === 'teams') pinned.add(`${prefix}:${entry.slice(colon + 1).toLowerCase()}`);
    else any.add(entry.toLowerCase());
  }
  // Teams AAD object ids are GUIDs that arrive in either case; Slack ids are upper case. Compare without case.
  return (platform, ids) =>
    ids.some((id) => {
      const lower = id.toLowerCase();
      return any.has(lower) || pinned.has(`${platform}:${lower}`);
    });
}

/**
 * `roleOf` for the router: the local terminal is the operator of the machine (admin); a digest runs
 * commands an admin scheduled (admin); Slack and Teams users get the role their user id or one of
 * their Slack user groups is listed under, `everyone` otherwise.
 */
export function createRoleOf(rules: RoleRules): (request: ChatRequest) => Role {
  const isAdmin = matcher(rules.admins);
  const isOperator = matcher(rules.operators);
  return (request) => {
    if (request.platform === 'cli' || request.platform === 'digest') return 'admin';
    const ids = [request.userId, ...(request.userGroups ?? [])].filter((id) => id.trim() !== '');
    if (isAdmin(request.platform, ids)) return 'admin';
    if (isOperator(request.platform, ids)) return 'operator';
    return 'everyone';
  };
}

/** The least role a command needs under these rules: config override, else the stricter of default and own. */
export function minRoleOf(command: Command, overrides: Readonly<Record<string, Role>> = {}): Role {
  const configured = overrides[command.name];
  if (configured) return configured;
  return maxRole(DEFAULT_MIN_ROLES[command.name] ?? 'everyone', command.minRole ?? 'everyone');
}

/**
 * The commands with the guard's least roles applied, so the router refuses and `help` hides them.
 * Each is a view of the original (a Proxy): everything but `minRole` and `roleFor` reads through, and
 * methods run with the original as `this`. A sub-command's `roleFor` may ask for more than the
 * command's least role, never less.
 */
export function applyCommandRoles(
  commands: readonly Command[],
  overrides: Readonly<Record<string, Role>> = {},
): Command[] {
  return commands.map((command) => {
    const least = minRoleOf(command, overrides);
    const ownRoleFor = command.roleFor;
    const roleFor = ownRoleFor ? (args: unknown): Role => maxRole(least, ownRoleFor.call(command, args)) : undefined;
    return new Proxy(command, {
      get(target, property, receiver) {
        if (property === 'minRole') return least;
        if (property === 'roleFor') return roleFor;
        const value: unknown = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  });
}

/** Command names in `overrides` that no registered command has (reported at start, likely a typo). */
export function unknownOverrides(
  commands: readonly Command[],
  overrides: Readonly<Record<string, Role>> = {},
): string[] {
  const names = new Set(commands.map((c) => c.name));
  return Object.keys(overrides).filter((name) => !names.has(name));
}
