import type { ChatRequest } from '../../src/core/chat-request';
import type { Logger } from '../../src/core/command';
import type { Router } from '../../src/core/router';

/**
 * Slack user groups (`S…` ids) for roles: `roles.admins: [S0123ABCD]` grants the role to every member.
 * Slack does not say in a request which groups the sender is in, so the members come from the Web API
 * (`usergroups.list` with `include_users`, scope `usergroups:read`) in one call for all groups, cached for
 * a while: a member added in Slack gets the role within the TTL.
 */

export interface UserGroup {
  id: string;
  users?: readonly string[];
}

/** The one Web API call (Bolt's client in production; tests hand in the capture server through the same client). */
export type ListUserGroups = () => Promise<readonly UserGroup[]>;

export interface UserGroupDirectory {
  /** The ids of the groups `userId` is a member of; none when Slack cannot be asked (fail closed). */
  groupsOf(userId: string): Promise<string[]>;
}

export interface UserGroupOptions {
  ttlMs: number;
  log: Logger;
  now?: () => number;
}

export function createUserGroupDirectory(list: ListUserGroups, options: UserGroupOptions): UserGroupDirectory {
  const now = options.now ?? Date.now;
  let members: Map<string, string[]> | undefined;
  let fetchedAt = -Infinity;
  let inFlight: Promise<void> | undefined;

  async function refresh(): Promise<void> {
    try {
      const next = new Map<string, string[]>();
      for (const group of await list()) {
        for (const user of group.users ?? []) next.set(user, [...(next.get(user) ?? []), group.id]);
      }
      members = next;
    } catch (error) {
      // A failed refresh keeps no stale grant beyond its TTL: without an answer nobody gets a group's role.
      options.log.warn({ err: error }, 'could not read Slack user groups; group roles are not applied until it works');
      if (now() - fetchedAt >= options.ttlMs) members = undefined;
    } finally {
      fetchedAt = now();
    }
  }

  return {
    async groupsOf(userId) {
      if (now() - fetchedAt >= options.ttlMs) {
        // Requests arriving together share one Web API call.
        inFlight ??= refresh().finally(() => (inFlight = undefined));
        await inFlight;
      }
      return members?.get(userId) ?? [];
    },
  };
}

/** The router, with each Slack request's `userGroups` filled in before roles are decided. */
export function withUserGroups(router: Router, groups: UserGroupDirectory): Router {
  return {
    // Whatever else the router offers (the secret scrubber's intake, …) stays as it is.
    ...router,
    async handle(request: ChatRequest, signal?: AbortSignal) {
      const userGroups = request.userId ? await groups.groupsOf(request.userId) : [];
      return router.handle({ ...request, userGroups }, signal);
    },
  };
}
