import type { ChatRequest } from '../core/chat-request';
import type { Command, Logger, Role } from '../core/command';
import type { Reply } from '../core/reply';
import type { CompletedEvent, RouterHooks } from '../core/router';
import { canonicalIp } from '../net/address';
import type { TargetPolicy } from '../net/policy';
import { createLimits, isRefusal, type LimiterFactory, type LimitRules, type TargetSlot } from './limits';
import { createPortPolicy, targetHostKey } from './ports';
import { addressDeniedReply, portDeniedReply, rateLimitedReply } from './replies';
import { applyCommandRoles, createRoleOf, unknownOverrides, type RoleRules } from './roles';

export interface GuardOptions {
  roles: RoleRules;
  limits: LimitRules;
  /** Where the rate-limit counters live (default: this process's memory). */
  limiters?: LimiterFactory;
  /** Extra ports per command beside `DEFAULT_COMMAND_PORTS` (`targets.ports`). */
  ports?: Readonly<Record<string, readonly number[]>>;
  /** The outbound policy: a literal address outside it is refused before the handler runs. */
  policy?: TargetPolicy;
  log?: Logger;
}

/** The router hooks and the command decoration that together make up the guard rails. */
export interface Guard {
  roleOf(request: ChatRequest): Role;
  /** Rate limits, the command's port allow-list, the policy for a literal address, then a probe slot. */
  admit(request: ChatRequest, command: Command, args: unknown): Promise<Reply | undefined>;
  /** A completed-listener: gives back the probe slot `admit` took for this request. */
  completed(event: CompletedEvent): Promise<void>;
  /** The commands with the configured least roles applied (see `applyCommandRoles`). */
  applyRoles(commands: readonly Command[]): Command[];
  /**
   * The router hooks: `roleOf`, `admit`, and on completion `completed` followed by each listener in turn.
   * The list is read at every completion, so listeners added later (metrics) are called too.
   */
  routerHooks(listeners?: ReadonlyArray<(event: CompletedEvent) => void | Promise<void>>): RouterHooks;
}

/**
 * Builds the guard rails the router's hooks call. Order in `admit`: every parsed request counts against
 * the user's and the channel's rate limit first (so refused attempts cannot be sent endlessly), then the
 * target's port and literal address are checked (no network), and last a slot for probing that host is
 * taken, which `completed` gives back.
 */
export function createGuard(options: GuardOptions): Guard {
  const roleOf = createRoleOf(options.roles);
  const limits = createLimits(options.limits, options.limiters);
  const ports = createPortPolicy(options.ports);
  const slots = new WeakMap<ChatRequest, TargetSlot[]>();

  const guard: Guard = {
    roleOf,

    async admit(request, command, args) {
      const limited = await limits.take(request);
      if (limited) return rateLimitedReply(command.name, limited);
      const target = command.targetOf?.(args);
      if (target === undefined || target.host.trim() === '') return undefined;
      const { host, port } = target;
      const portDecision = ports.check(command.name, port);
      if (!portDecision.allowed && port !== undefined)
        return portDeniedReply(command.name, host, port, portDecision.ports ?? []);
      const literal = canonicalIp(host);
      if (literal && options.policy) {
        const decision = options.policy.check(literal.address);
        if (!decision.allowed) return addressDeniedReply(command.name, literal.address, decision.reason);
      }
      const slot = await limits.acquireTarget(request, targetHostKey(host));
      if (isRefusal(slot)) return rateLimitedReply(command.name, slot);
      slots.set(request, [...(slots.get(request) ?? []), slot]);
      return undefined;
    },

    async completed(event) {
      const held = slots.get(event.request);
      if (!held) return;
      slots.delete(event.request);
      for (const slot of held) await slot.release();
    },

    applyRoles(commands) {
      const unknown = unknownOverrides(commands, options.roles.commands);
      if (unknown.length > 0) {
        options.log?.warn({ commands: unknown }, 'roles.commands names commands that do not exist');
      }
      return applyCommandRoles(commands, options.roles.commands);
    },

    routerHooks(listeners = []) {
      return {
        roleOf: guard.roleOf,
        admit: guard.admit,
        async completed(event) {
          await guard.completed(event);
          for (const listener of listeners) await listener(event);
        },
      };
    },
  };
  return guard;
}
