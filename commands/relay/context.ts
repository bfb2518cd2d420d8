import { auditTopology, compileTopology, type CompiledTopology, type TopologyIssue } from '../../src/relay';
import type { RelayConfig } from '../../src/relay/topology-schema';

/** What every relay reply is judged against: the configuration and, when one is configured, its topology. */
export interface RelayContext {
  relay: RelayConfig;
  /** Absent when the configuration describes no receive connectors. */
  compiled?: CompiledTopology;
  /** The topology's own problems, reported with every reply. */
  issues: TopologyIssue[];
}

export function relayContext(relay: RelayConfig): RelayContext {
  // Compiled once: the config does not change while diagbot runs, and ranges are already validated at load.
  const compiled = relay.connectors.length > 0 ? compileTopology(relay) : undefined;
  const issues = compiled ? auditTopology(compiled) : [];
  return { relay, compiled, issues };
}
