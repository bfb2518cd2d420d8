import { DiagError } from '../../src/core/errors';
import { makeReply, type Finding, type Reply } from '../../src/core/reply';
import { formatTarget } from '../../src/net/target';
import {
  changesToAllow,
  setConnectorRanges,
  type Change,
  type CompiledTopology,
  type PathEvaluation,
  type PathStep,
  type TopologyIssue,
} from '../../src/relay';
import type { RelayContext } from './context';
import { finding } from './finding';
import { LINKS } from './links';

/** The topology side of `relay`: the path client → data group → SNAT → connector, its verdict and the topology's issues. */

export function noTopology(): DiagError {
  return new DiagError(
    'usage',
    '--policy-only needs a relay topology, and none is configured (relay.connectors in diagbot.yaml).',
    {
      fix: {
        summary:
          'Describe the load balancer and the receive connectors under `relay:` (see docs/relay.md), or run the live probe: `relay 10.1.2.3 via smtp.contoso.com`.',
      },
    },
  );
}

/** The path's findings and the topology's own issues: the policy side of every relay reply. */
export function policyFindings(ctx: RelayContext, evaluation: PathEvaluation, topology: CompiledTopology): Finding[] {
  return [...pathFindings(ctx, evaluation, topology), ...ctx.issues.map((issue) => issueFinding(ctx, issue))];
}

export function policyReply(ctx: RelayContext, client: string, topology: CompiledTopology): Reply {
  const { relay } = ctx;
  const evaluation = topology.evaluate(client);
  const findings = policyFindings(ctx, evaluation, topology);
  return makeReply({
    command: 'relay',
    title: `relay ${client} — policy: ${VERDICT_WORDS[evaluation.verdict]}`,
    findings,
    facts: policyFacts(evaluation),
    actions: relay.target
      ? [{ label: 'Probe live', command: `relay ${client} via ${formatTarget(relay.target)}` }]
      : [],
    data: {
      client,
      target: relay.target ?? null,
      method: 'policy-only',
      accepted: null,
      banner: null,
      ehlo: [],
      transcript: [],
      policy: policyData(evaluation),
    },
  });
}

export function pathFindings(ctx: RelayContext, evaluation: PathEvaluation, topology: CompiledTopology): Finding[] {
  const { relay } = ctx;
  const out: Finding[] = [];
  const lbLinks = relay.loadBalancer ? [LINKS.dataGroup] : [];
  const allowFix =
    evaluation.verdict !== 'allowed'
      ? {
          summary: `To let ${evaluation.client} relay:`,
          steps: commands(changesToAllow(topology, evaluation.client)),
          links: [...lbLinks, LINKS.setConnector, LINKS.anonymousRelay],
        }
      : undefined;
  const several = evaluation.routes.length > 1;
  // Allowed without being a member means the non-member SNAT address sits on a relay connector: say so on the path itself.
  const trap =
    evaluation.allowedByDataGroup === false && evaluation.verdict !== 'denied' && evaluation.verdict !== 'no-connector'
      ? ` — not because of the data group: the SNAT address for everyone else lands on a relay connector (relay.policy.automap-open-relay)`
      : '';
  out.push(
    finding(
      'relay.policy.path',
      'info',
      `${evaluation.steps.map((step) => stepWords(step, several)).join(' → ')} ⇒ ${VERDICT_WORDS[evaluation.verdict]}${trap}.`,
      allowFix,
    ),
  );
  const fallback = topology.connectors.find((info) => !info.connector.anonymousRelay)?.connector.name;
  for (const route of evaluation.routes) {
    if (route.connector !== null) continue;
    out.push(
      finding(
        'relay.policy.no-connector',
        'warn',
        `No receive connector lists ${route.seenAddress} in its RemoteIPRanges: the servers refuse the connection before any relay decision.`,
        {
          summary: `Add ${route.seenAddress} to the RemoteIPRanges of the connector that should take it.`,
          steps: [
            ...commands(changesToAllow(topology, route.seenAddress, { bypassLoadBalancer: true })).map(
              (step) => `If it should relay — ${step}`,
            ),
            ...(fallback
              ? commands([setConnectorRanges(fallback, { add: [route.seenAddress] }, 'add-to-connector')]).map(
                  (step) => `If it should only send to your own domains — ${step}`,
                )
              : []),
          ],
          links: [LINKS.setConnector],
        },
      ),
    );
  }
  return out;
}

export function issueFinding(ctx: RelayContext, issue: TopologyIssue): Finding {
  const lb = ctx.relay.loadBalancer;
  switch (issue.kind) {
    case 'automap-open-relay':
      return finding(
        'relay.policy.automap-open-relay',
        'fail',
        `Everyone can relay: ${lb?.name ?? 'the load balancer'} SNATs clients outside ${lb?.dataGroup.name ?? 'the data group'} to ${issue.snatAddress} (${issue.rule === 'automap' ? 'automap picks this self IP' : 'the default SNAT'}), and connector "${issue.route.connector}" allows anonymous relay from it (${issue.route.matchedRange}).`,
        {
          summary: `Take ${issue.snatAddress} out of "${issue.route.connector}" and give non-member traffic its own SNAT address.`,
          steps: commands(issue.changes),
          links: [LINKS.snat, LINKS.setConnector, LINKS.anonymousRelay],
        },
      );
    case 'snat-mismatch':
      return finding(
        'relay.policy.snat-mismatch',
        'fail',
        `Data-group members are SNATed to ${issue.snatAddress}, but ${issue.route.connector ? `that lands on connector "${issue.route.connector}" (${issue.route.matchedRange}), which does not allow anonymous relay` : 'no receive connector lists it'}: the clients you allowed cannot relay.`,
        {
          summary: `Make ${issue.snatAddress} land on the relay connector.`,
          steps: commands(issue.changes),
          links: [LINKS.setConnector, LINKS.snat],
        },
      );
    case 'port-exhaustion': {
      const share = issue.expectedConnections / issue.portsPerAddress;
      return finding(
        'relay.policy.port-exhaustion',
        share >= 1 ? 'fail' : 'warn',
        `${issue.expectedConnections.toLocaleString('en-US')} concurrent connections per SNAT address is ${Math.round(share * 100)}% of the ~${issue.portsPerAddress.toLocaleString('en-US')} source ports one address has towards each server (${issue.snatAddresses.join(', ')}): new connections will fail at peak.`,
        {
          summary: `Use a SNAT pool of at least ${issue.addressesNeeded} addresses instead of one address, and list the new addresses on the relay connector.`,
          steps: commands(issue.changes),
          links: [LINKS.snatPool, LINKS.snat],
        },
      );
    }
    default: {
      const unreachable: never = issue;
      throw new Error(`unknown topology issue ${JSON.stringify(unreachable)}`);
    }
  }
}

export const VERDICT_WORDS: Record<PathEvaluation['verdict'], string> = {
  allowed: 'anonymous relay allowed',
  denied: 'anonymous relay not allowed',
  'no-connector': 'no connector accepts it',
  'depends-on-automap': 'depends on which self IP automap picks',
};

export function commands(changes: readonly Change[]): string[] {
  return changes.map((c) =>
    c.shell === 'irule'
      ? `In the iRule: ${c.command}`
      : c.shell === 'tmsh'
        ? `On the BIG-IP: ${c.command}`
        : `Exchange Management Shell: ${c.command}`,
  );
}

/** One step of the trace; a connector step names the address it is for only when automap gives several. */
function stepWords(step: PathStep, several: boolean): string {
  switch (step.kind) {
    case 'client':
      return `client ${step.address}`;
    case 'bypass-load-balancer':
      return `XCLIENT (skips ${step.loadBalancer}'s SNAT)`;
    case 'data-group':
      return step.member
        ? `${step.loadBalancer}: in data group ${step.dataGroup} (${step.matchedMember})`
        : `${step.loadBalancer}: not in data group ${step.dataGroup}`;
    case 'snat':
      return step.rule === 'none'
        ? 'no SNAT (client address kept)'
        : `SNAT ${step.rule === 'automap' ? 'automap → ' : ''}${step.addresses.join(' | ')}`;
    case 'connector':
      return step.route.connector === null
        ? `${several ? `${step.route.seenAddress}: ` : ''}no connector`
        : `${several ? `${step.route.seenAddress}: ` : ''}connector "${step.route.connector}" (${step.route.matchedRange}${step.route.tiedWith.length > 0 ? `; the same range is on ${step.route.tiedWith.map((n) => `"${n}"`).join(', ')}` : ''}), anonymous relay ${step.route.anonymousRelay ? 'allowed' : 'not allowed'}`;
    default: {
      const unreachable: never = step;
      throw new Error(`unknown path step ${JSON.stringify(unreachable)}`);
    }
  }
}

export function policyFacts(evaluation: PathEvaluation): Array<{ label: string; value: string }> {
  return [
    { label: 'Policy', value: VERDICT_WORDS[evaluation.verdict] },
    ...(evaluation.allowedByDataGroup !== null
      ? [{ label: 'Data group', value: evaluation.allowedByDataGroup ? 'member' : 'not a member' }]
      : []),
    ...(evaluation.snatAddress
      ? [{ label: 'SNAT', value: evaluation.routes.map((r) => r.seenAddress).join(' | ') }]
      : []),
    { label: 'Connector', value: evaluation.routes.map((r) => r.connector ?? '(none)').join(' | ') },
  ];
}

export function policyData(evaluation: PathEvaluation): Record<string, unknown> {
  return {
    allowedByDataGroup: evaluation.allowedByDataGroup,
    snatAddress: evaluation.snatAddress,
    connector: evaluation.connector,
    anonymousRelay: evaluation.anonymousRelay,
    verdict: evaluation.verdict,
    routes: evaluation.routes,
    steps: evaluation.steps,
  };
}
