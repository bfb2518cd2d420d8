import { DiagError } from '../core/errors';
import { ipToBigInt, parseIpRange, type IpRange } from './ip-range';
import { RangeIndex } from './range-index';
import type { RelayConnector, RelayTopology } from './topology-schema';

/** Where one address the server sees lands: the connector chosen most specifically, or none. */
export interface ConnectorRoute {
  /** The source address the mail server sees. */
  seenAddress: string;
  connector: string | null;
  /** The RemoteIPRanges entry that chose the connector. */
  matchedRange: string | null;
  anonymousRelay: boolean;
  /** Other connectors listing exactly the same range. */
  tiedWith: string[];
}

/** One step of the path trace, as data (the command words it). */
export type PathStep =
  | { kind: 'client'; address: string }
  | { kind: 'data-group'; loadBalancer: string; dataGroup: string; member: boolean; matchedMember: string | null }
  | {
      kind: 'snat';
      loadBalancer: string;
      rule: 'relay-snat' | 'automap' | 'default-snat' | 'none';
      addresses: string[];
    }
  | { kind: 'bypass-load-balancer'; loadBalancer: string }
  | { kind: 'connector'; route: ConnectorRoute };

/**
 * - `allowed`: every path ends on a connector that lets anonymous users relay;
 * - `denied`: every path ends on a connector that does not (or on none);
 * - `no-connector`: no connector accepts the connection at all;
 * - `depends-on-automap`: automap picks among self IPs that land on different connectors.
 */
export type Verdict = 'allowed' | 'denied' | 'no-connector' | 'depends-on-automap';

export interface PathEvaluation {
  client: string;
  viaLoadBalancer: boolean;
  /** Null when no load balancer is configured (or it was bypassed). */
  allowedByDataGroup: boolean | null;
  /** The address the server sees when the load balancer SNATs; null without SNAT. */
  snatAddress: string | null;
  routes: ConnectorRoute[];
  /** The connector of the first route (the only one unless automap has several self IPs). */
  connector: string | null;
  anonymousRelay: boolean;
  verdict: Verdict;
  steps: PathStep[];
}

export interface EvaluateOptions {
  /** XCLIENT replaces the address the server sees, so the load balancer's SNAT no longer applies. */
  bypassLoadBalancer?: boolean;
}

interface ConnectorInfo {
  connector: RelayConnector;
  ranges: IpRange[];
}

/** A topology compiled once (ranges parsed and indexed) and evaluated many times. */
export interface CompiledTopology {
  readonly topology: RelayTopology;
  /** Each connector with its parsed ranges, in configuration order. */
  readonly connectors: ReadonlyArray<ConnectorInfo>;
  evaluate(client: string, options?: EvaluateOptions): PathEvaluation;
  /** Where one address the server sees lands. */
  route(seenAddress: string): ConnectorRoute;
  /** True when the address is in the load balancer's data group. */
  isMember(client: string): { member: boolean; matchedMember: string | null };
}

/** Parses and indexes the topology's ranges; throws `relay.topology` when one does not parse (config load catches this first). */
export function compileTopology(topology: RelayTopology): CompiledTopology {
  const connectors: ConnectorInfo[] = topology.connectors.map((connector) => ({
    connector,
    ranges: connector.remoteIpRanges.map((text) => parseOrThrow(text, `connector "${connector.name}"`)),
  }));
  let order = 0;
  const connectorIndex = new RangeIndex<ConnectorInfo>(
    connectors.flatMap((info) => info.ranges.map((range) => ({ range, owner: info, order: order++ }))),
  );
  const lb = topology.loadBalancer;
  const memberIndex = new RangeIndex<string>(
    (lb?.dataGroup.members ?? []).map((text, i) => ({
      range: parseOrThrow(text, `data group "${lb?.dataGroup.name}"`),
      owner: text,
      order: i,
    })),
  );

  function route(seenAddress: string): ConnectorRoute {
    const ip = ipToBigInt(seenAddress);
    const match = ip ? connectorIndex.lookup(ip.family, ip.value) : undefined;
    if (!match) return { seenAddress, connector: null, matchedRange: null, anonymousRelay: false, tiedWith: [] };
    return {
      seenAddress,
      connector: match.owner.connector.name,
      matchedRange: match.range.text,
      anonymousRelay: match.owner.connector.anonymousRelay,
      tiedWith: match.tiedWith.map((info) => info.connector.name),
    };
  }

  function isMember(client: string): { member: boolean; matchedMember: string | null } {
    const ip = ipToBigInt(client);
    const match = ip ? memberIndex.lookup(ip.family, ip.value) : undefined;
    return { member: match !== undefined, matchedMember: match?.owner ?? null };
  }

  function evaluate(client: string, options: EvaluateOptions = {}): PathEvaluation {
    const steps: PathStep[] = [{ kind: 'client', address: client }];
    let seen: string[] = [client];
    let allowedByDataGroup: boolean | null = null;
    let snatAddress: string | null = null;
    const viaLoadBalancer = lb !== undefined && !options.bypassLoadBalancer;
    if (lb && options.bypassLoadBalancer) steps.push({ kind: 'bypass-load-balancer', loadBalancer: lb.name });
    if (lb && viaLoadBalancer) {
      const { member, matchedMember } = isMember(client);
      allowedByDataGroup = member;
      steps.push({ kind: 'data-group', loadBalancer: lb.name, dataGroup: lb.dataGroup.name, member, matchedMember });
      if (member) {
        seen = [lb.relaySnat];
        steps.push({ kind: 'snat', loadBalancer: lb.name, rule: 'relay-snat', addresses: seen });
      } else if (lb.defaultSnat === 'automap') {
        seen = [...lb.selfIps];
        steps.push({ kind: 'snat', loadBalancer: lb.name, rule: 'automap', addresses: seen });
      } else if (lb.defaultSnat === 'none') {
        steps.push({ kind: 'snat', loadBalancer: lb.name, rule: 'none', addresses: seen });
      } else {
        seen = [lb.defaultSnat];
        steps.push({ kind: 'snat', loadBalancer: lb.name, rule: 'default-snat', addresses: seen });
      }
      snatAddress = member || lb.defaultSnat !== 'none' ? (seen[0] as string) : null;
    }
    const routes = seen.map(route);
    for (const r of routes) steps.push({ kind: 'connector', route: r });
    const verdict = verdictOf(routes);
    return {
      client,
      viaLoadBalancer,
      allowedByDataGroup,
      snatAddress,
      routes,
      connector: routes[0]?.connector ?? null,
      anonymousRelay: verdict === 'allowed',
      verdict,
      steps,
    };
  }

  return { topology, connectors, evaluate, route, isMember };
}

function verdictOf(routes: readonly ConnectorRoute[]): Verdict {
  if (routes.every((r) => r.connector === null)) return 'no-connector';
  if (routes.every((r) => r.anonymousRelay)) return 'allowed';
  if (routes.every((r) => !r.anonymousRelay)) return 'denied';
  return 'depends-on-automap';
}

function parseOrThrow(text: string, owner: string): IpRange {
  try {
    return parseIpRange(text);
  } catch (error) {
    throw new DiagError('relay.topology', `${owner}: ${(error as Error).message}`, { cause: error });
  }
}
