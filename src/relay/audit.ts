import {
  addToDataGroup,
  createRelayConnector,
  createSnatPool,
  dedicatedDefaultSnat,
  inspectConnectors,
  setConnectorRanges,
  type Change,
} from './changes';
import type { CompiledTopology, ConnectorRoute } from './evaluate';
import { ipToBigInt, subtractAddress } from './ip-range';

/**
 * Source ports one SNAT address can use towards one server port: F5 allocates ephemeral ports from
 * 1024–65535, so about 64,500 concurrent connections per address and pool member.
 */
export const PORTS_PER_SNAT_ADDRESS = 64_512;
/** Above this share of the ports, connections start failing under load: warn before it happens. */
export const PORT_WARNING_RATIO = 0.8;

/** A problem with the topology itself, whatever client asks. */
export type TopologyIssue =
  | {
      kind: 'automap-open-relay';
      /** An address non-member traffic is SNATed to. */
      snatAddress: string;
      rule: 'automap' | 'default-snat';
      route: ConnectorRoute;
      changes: Change[];
    }
  | { kind: 'snat-mismatch'; snatAddress: string; route: ConnectorRoute; changes: Change[] }
  | {
      kind: 'port-exhaustion';
      snatAddresses: string[];
      expectedConnections: number;
      portsPerAddress: number;
      /** Addresses a SNAT pool needs so each stays under the warning ratio. */
      addressesNeeded: number;
      changes: Change[];
    };

/** Checks the topology for the known traps: the automap open relay, a relay SNAT on the wrong connector, port exhaustion. */
export function auditTopology(compiled: CompiledTopology): TopologyIssue[] {
  const lb = compiled.topology.loadBalancer;
  if (!lb) return [];
  const issues: TopologyIssue[] = [];

  if (lb.defaultSnat !== 'none') {
    const rule = lb.defaultSnat === 'automap' ? 'automap' : 'default-snat';
    const addresses = lb.defaultSnat === 'automap' ? lb.selfIps : [lb.defaultSnat];
    for (const snatAddress of addresses) {
      const route = compiled.route(snatAddress);
      if (!route.anonymousRelay || route.connector === null) continue;
      issues.push({
        kind: 'automap-open-relay',
        snatAddress,
        rule,
        route,
        changes: [...cutAddress(compiled, route), dedicatedDefaultSnat()],
      });
    }
  }

  const relayRoute = compiled.route(lb.relaySnat);
  if (!relayRoute.anonymousRelay) {
    issues.push({
      kind: 'snat-mismatch',
      snatAddress: lb.relaySnat,
      route: relayRoute,
      changes: routeToRelayConnector(compiled, relayRoute),
    });
  }

  if (lb.expectedConnections !== undefined && lb.expectedConnections >= PORTS_PER_SNAT_ADDRESS * PORT_WARNING_RATIO) {
    const perAddress = PORTS_PER_SNAT_ADDRESS * PORT_WARNING_RATIO;
    const addressesNeeded = Math.max(2, Math.ceil(lb.expectedConnections / perAddress));
    const members = [lb.relaySnat, ...Array.from({ length: addressesNeeded - 1 }, (_v, i) => `<address ${i + 2}>`)];
    const snatAddresses = [
      lb.relaySnat,
      ...(lb.defaultSnat === 'automap' ? lb.selfIps : lb.defaultSnat === 'none' ? [] : [lb.defaultSnat]),
    ];
    const relayConnector = relayRoute.anonymousRelay ? relayRoute.connector : firstRelayConnector(compiled);
    issues.push({
      kind: 'port-exhaustion',
      snatAddresses,
      expectedConnections: lb.expectedConnections,
      portsPerAddress: PORTS_PER_SNAT_ADDRESS,
      addressesNeeded,
      changes: [
        ...createSnatPool(`${lb.dataGroup.name}_snatpool`, members),
        ...(relayConnector
          ? [setConnectorRanges(relayConnector, { add: members.slice(1) }, 'add-to-relay-connector')]
          : []),
      ],
    });
  }
  return issues;
}

/**
 * The changes that let `client` relay: through the load balancer, add it to the data group (and make
 * sure the relay SNAT lands on a relay connector); without one, add it to a relay connector.
 */
export function changesToAllow(
  compiled: CompiledTopology,
  client: string,
  options: { bypassLoadBalancer?: boolean } = {},
): Change[] {
  const lb = compiled.topology.loadBalancer;
  if (lb && !options.bypassLoadBalancer) {
    const changes: Change[] = [];
    if (!compiled.isMember(client).member) changes.push(addToDataGroup(lb.dataGroup.name, client));
    const relayRoute = compiled.route(lb.relaySnat);
    if (!relayRoute.anonymousRelay) changes.push(...routeToRelayConnector(compiled, relayRoute));
    return changes;
  }
  return routeToRelayConnector(compiled, compiled.route(client));
}

/** The changes that stop `seenAddress` from relaying: cut it out of the relay connector's range, then check the servers. */
export function changesToDeny(compiled: CompiledTopology, route: ConnectorRoute): Change[] {
  if (route.connector === null || !route.anonymousRelay) return [inspectConnectors()];
  return [...cutAddress(compiled, route), inspectConnectors()];
}

function firstRelayConnector(compiled: CompiledTopology): string | null {
  return compiled.connectors.find((info) => info.connector.anonymousRelay)?.connector.name ?? null;
}

/** Makes the route's address land on a relay connector: add it there, and drop a single-address entry that pins it elsewhere. */
function routeToRelayConnector(compiled: CompiledTopology, route: ConnectorRoute): Change[] {
  const relay = firstRelayConnector(compiled);
  if (relay === null) return createRelayConnector('Anonymous Relay', [route.seenAddress]);
  const changes: Change[] = [setConnectorRanges(relay, { add: [route.seenAddress] }, 'add-to-relay-connector')];
  if (
    route.connector !== null &&
    route.connector !== relay &&
    route.matchedRange !== null &&
    isSingleAddress(route.matchedRange, route.seenAddress)
  ) {
    changes.push(setConnectorRanges(route.connector, { remove: [route.matchedRange] }, 'remove-from-connector'));
  }
  return changes;
}

/** Removes one address from the connector range that holds it, replacing the range by what remains. */
function cutAddress(compiled: CompiledTopology, route: ConnectorRoute): Change[] {
  const info = compiled.connectors.find((c) => c.connector.name === route.connector);
  const range = info?.ranges.find((r) => r.text === route.matchedRange);
  const ip = ipToBigInt(route.seenAddress);
  if (!info || !range || !ip) return [];
  const remaining = subtractAddress(range, ip.value);
  return [setConnectorRanges(info.connector.name, { remove: [range.text], add: remaining }, 'remove-from-connector')];
}

function isSingleAddress(rangeText: string, address: string): boolean {
  const a = ipToBigInt(rangeText);
  const b = ipToBigInt(address);
  return a !== undefined && b !== undefined && a.value === b.value && a.family === b.family;
}
