import { Socket } from 'node:net';
import { DiagError, isFindingError } from '../core/errors';
import { canonicalIp } from './address';
import { withDeadline } from './deadline';
import type { TargetPolicy } from './policy';
import type { ResolvedAddress, Resolver } from './resolver';
import { formatTarget } from './target';

export interface Timeouts {
  connectMs: number;
  stepMs: number;
}

/** What every engine that touches the network is given: the policy, the resolver and the deadlines. */
export interface NetContext {
  policy: TargetPolicy;
  resolver: Resolver;
  timeouts: Timeouts;
}

/**
 * Resolves a host once and checks every answer against the policy. Returns the address to connect to;
 * callers connect to that address and never look the name up again (DNS rebinding gets nowhere).
 */
export async function resolveChecked(host: string, net: NetContext): Promise<ResolvedAddress> {
  const literal = canonicalIp(host);
  let answers: ResolvedAddress[];
  if (literal) {
    answers = [literal];
  } else {
    try {
      answers = await withDeadline(`the DNS lookup of ${host}`, net.timeouts.connectMs, () =>
        net.resolver.resolve(host),
      );
    } catch (error) {
      if (isFindingError(error)) throw error;
      throw dnsError(host, error);
    }
    if (answers.length === 0) throw dnsError(host, undefined);
  }
  for (const answer of answers) {
    const decision = net.policy.check(answer.address, literal ? undefined : host);
    if (!decision.allowed) {
      throw new DiagError(
        'policy.denied',
        `diagbot may not connect to ${literal ? answer.address : `${host} (${answer.address})`}: ${decision.reason}.`,
        {
          fix: { summary: 'Ask a diagbot admin to add the network to targets.allow if this target is legitimate.' },
          data: { host, address: answer.address },
        },
      );
    }
  }
  const first = canonicalIp((answers[0] as ResolvedAddress).address) as ResolvedAddress;
  return first;
}

function dnsError(host: string, cause: unknown): DiagError {
  const code = (cause as { code?: string } | undefined)?.code;
  const why =
    code === 'ENOTFOUND'
      ? 'does not exist in DNS'
      : code === 'EAI_AGAIN'
        ? 'could not be resolved (DNS server not answering)'
        : 'could not be resolved';
  return new DiagError('net.dns', `${host} ${why}.`, {
    cause,
    fix: { summary: `Check the spelling, or run \`nslookup ${host}\` from the network diagbot runs in.` },
    data: { host },
  });
}

export interface ConnectOptions {
  /** Bind this local address first (relay's source-bind). */
  localAddress?: string;
  /** The step name used in a timeout finding; default "TCP connect to host:port". */
  step?: string;
}

/** Resolves (once), checks policy, then opens a TCP connection to the checked address within the connect deadline. */
export async function connectTcp(
  target: { host: string; port: number },
  net: NetContext,
  options: ConnectOptions = {},
): Promise<{ socket: Socket; address: string }> {
  const { address } = await resolveChecked(target.host, net);
  const step = options.step ?? `the TCP connection to ${formatTarget(target)}`;
  const socket = new Socket();
  try {
    await withDeadline(
      step,
      net.timeouts.connectMs,
      (signal) =>
        new Promise<void>((resolve, reject) => {
          const onError = (error: Error): void => reject(connectError(target, address, error));
          signal.addEventListener('abort', () => socket.destroy(), { once: true });
          socket.once('error', onError);
          socket.connect({ host: address, port: target.port, localAddress: options.localAddress }, () => {
            socket.off('error', onError);
            resolve();
          });
        }),
    );
  } catch (error) {
    socket.destroy();
    throw error;
  }
  return { socket, address };
}

function connectError(target: { host: string; port: number }, address: string, error: Error): DiagError {
  const code = (error as { code?: string }).code;
  const where = `${formatTarget(target)}${address !== target.host ? ` (${address})` : ''}`;
  switch (code) {
    case 'ECONNREFUSED':
      return new DiagError(
        'net.refused',
        `${where} refused the connection: nothing listens on port ${target.port}, or a firewall rejects it.`,
        {
          cause: error,
          fix: {
            summary: `Check that the service runs and listens on port ${target.port} (e.g. \`Test-NetConnection ${target.host} -Port ${target.port}\`).`,
          },
          data: { host: target.host, port: target.port },
        },
      );
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EADDRNOTAVAIL':
      return new DiagError('net.unreachable', `${where} is unreachable from diagbot (${code}).`, {
        cause: error,
        fix: { summary: 'Check routing and firewalls between diagbot and the target.' },
        data: { host: target.host, port: target.port },
      });
    case 'ETIMEDOUT':
      return new DiagError('net.timeout', `Timed out connecting to ${where}.`, {
        cause: error,
        data: { step: 'connect' },
      });
    default:
      return new DiagError('net.unreachable', `Could not connect to ${where}: ${error.message}.`, {
        cause: error,
        data: { host: target.host, port: target.port },
      });
  }
}
