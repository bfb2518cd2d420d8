import type { Reply } from '../core/reply';
import { errorReply } from '../core/reply';
import type { LimitRefusal } from './limits';

function seconds(n: number): string {
  if (n < 90) return `${n} second${n === 1 ? '' : 's'}`;
  const minutes = Math.ceil(n / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}

function window(n: number): string {
  return n === 60 ? 'a minute' : `${seconds(n)}`;
}

/** The polite answer beyond a rate limit: which limit, and when to try again. */
export function rateLimitedReply(command: string, refusal: LimitRefusal): Reply {
  const wait = seconds(refusal.retryAfterSeconds);
  const message = ((): string => {
    switch (refusal.scope) {
      case 'user':
        return `You have sent ${refusal.limit} commands within ${window(refusal.windowSeconds)}, which is as many as diagbot takes from one person. Please try again in ${wait}.`;
      case 'channel':
        return `This conversation has sent ${refusal.limit} commands within ${window(refusal.windowSeconds)}, which is as many as diagbot takes from one place. Please try again in ${wait}.`;
      case 'target':
        return `${refusal.limit} checks of ${refusal.target ?? 'this host'} are running already, which is as many as diagbot runs against one host at once. Please try again in ${wait}, when they have finished.`;
      default: {
        const unreachable: never = refusal.scope;
        throw new Error(`unknown limit scope ${String(unreachable)}`);
      }
    }
  })();
  return errorReply(
    command,
    {
      id: 'rate.limited',
      severity: 'error',
      message,
      fix: {
        summary: `Wait ${wait}, then send the command again. Admins can change the limits under \`limits\` in the configuration.`,
      },
    },
    {
      scope: refusal.scope,
      limit: refusal.limit,
      windowSeconds: refusal.windowSeconds,
      retryAfterSeconds: refusal.retryAfterSeconds,
      ...(refusal.target ? { target: refusal.target } : {}),
    },
  );
}

/** The port is not on the command's allow-list. */
export function portDeniedReply(command: string, host: string, port: number, ports: readonly number[]): Reply {
  return errorReply(
    command,
    {
      id: 'policy.denied',
      severity: 'error',
      message: `\`${command}\` may connect to ports ${ports.join(', ')}; port ${port} is not one of them.`,
      fix: {
        summary: `Use one of those ports, or ask a diagbot admin to add ${port} under \`targets.ports.${command}\` in the configuration.`,
      },
    },
    { host, port, allowedPorts: [...ports] },
  );
}

/** A literal address outside the outbound policy, refused before any connection is tried. */
export function addressDeniedReply(command: string, address: string, reason: string): Reply {
  return errorReply(
    command,
    {
      id: 'policy.denied',
      severity: 'error',
      message: `diagbot may not connect to ${address}: ${reason}.`,
      fix: { summary: 'Ask a diagbot admin to add the network to targets.allow if this target is legitimate.' },
    },
    { host: address, address },
  );
}
