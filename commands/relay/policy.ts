import { DiagError } from '../../src/core/errors';
import { makeReply, type Finding, type Reply } from '../../src/core/reply';
import { fill } from '../../src/core/template';
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
import type { RelayTexts } from './texts';

/**
 * The topology side of `relay`: the path client → data group → SNAT → connector, its verdict and the topology's
 * issues. The words are in relay/texts.yaml (section `policy`); this picks the case and gives the values.
 */

type PolicyTexts = RelayTexts['policy'];

export function noTopology(texts: PolicyTexts): DiagError {
  return new DiagError('usage', texts.noTopology.message, { fix: { summary: texts.noTopology.fix.summary } });
}

/** The path's findings and the topology's own issues: the policy side of every relay reply. */
export function policyFindings(
  ctx: RelayContext,
  evaluation: PathEvaluation,
  topology: CompiledTopology,
  texts: PolicyTexts,
): Finding[] {
  return [
    ...pathFindings(ctx, evaluation, topology, texts),
    ...ctx.issues.map((issue) => issueFinding(ctx, issue, texts)),
  ];
}

export function policyReply(ctx: RelayContext, client: string, topology: CompiledTopology, texts: PolicyTexts): Reply {
  const { relay } = ctx;
  const evaluation = topology.evaluate(client);
  const findings = policyFindings(ctx, evaluation, topology, texts);
  return makeReply({
    command: 'relay',
    title: fill(texts.title, { client, verdict: texts.verdict[evaluation.verdict] }),
    findings,
    facts: policyFacts(evaluation, texts),
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

export function pathFindings(
  ctx: RelayContext,
  evaluation: PathEvaluation,
  topology: CompiledTopology,
  texts: PolicyTexts,
): Finding[] {
  const { relay } = ctx;
  const t = texts.findings;
  const out: Finding[] = [];
  const pathFix = t['relay.policy.path'].fix;
  const allowFix =
    evaluation.verdict !== 'allowed'
      ? {
          summary: fill(pathFix.summary, { client: evaluation.client }),
          steps: commands(changesToAllow(topology, evaluation.client), texts),
          links: pathFix.links[relay.loadBalancer ? 'loadBalancer' : 'noLoadBalancer'].map((name) => LINKS[name]),
        }
      : undefined;
  const several = evaluation.routes.length > 1;
  // Allowed without being a member means the non-member SNAT address sits on a relay connector: say so on the path itself.
  const trap =
    evaluation.allowedByDataGroup === false && evaluation.verdict !== 'denied' && evaluation.verdict !== 'no-connector';
  out.push(
    finding(
      'relay.policy.path',
      'info',
      fill(t['relay.policy.path'].message[trap ? 'notByDataGroup' : 'plain'], {
        path: evaluation.steps.map((step) => stepWords(step, several, texts.path)).join(' → '),
        verdict: texts.verdict[evaluation.verdict],
      }),
      allowFix,
    ),
  );
  const fallback = topology.connectors.find((info) => !info.connector.anonymousRelay)?.connector.name;
  const noConnector = t['relay.policy.no-connector'];
  for (const route of evaluation.routes) {
    if (route.connector !== null) continue;
    const address = route.seenAddress;
    out.push(
      finding('relay.policy.no-connector', 'warn', fill(noConnector.message, { address }), {
        summary: fill(noConnector.fix.summary, { address }),
        steps: [
          ...commands(changesToAllow(topology, address, { bypassLoadBalancer: true }), texts).map((step) =>
            fill(noConnector.fix.relayStep, { step }),
          ),
          ...(fallback
            ? commands([setConnectorRanges(fallback, { add: [address] }, 'add-to-connector')], texts).map((step) =>
                fill(noConnector.fix.ownDomainsStep, { step }),
              )
            : []),
        ],
        links: noConnector.fix.links.map((name) => LINKS[name]),
      }),
    );
  }
  return out;
}

export function issueFinding(ctx: RelayContext, issue: TopologyIssue, texts: PolicyTexts): Finding {
  const lb = ctx.relay.loadBalancer;
  const t = texts.findings;
  const linksOf = (names: ReadonlyArray<keyof typeof LINKS>) => names.map((name) => LINKS[name]);
  switch (issue.kind) {
    case 'automap-open-relay': {
      const { message, why, unnamed, fix } = t['relay.policy.automap-open-relay'];
      const values = { snatAddress: issue.snatAddress, connector: issue.route.connector ?? '' };
      return finding(
        'relay.policy.automap-open-relay',
        'fail',
        fill(message, {
          ...values,
          loadBalancer: lb?.name ?? unnamed.loadBalancer,
          dataGroup: lb?.dataGroup.name ?? unnamed.dataGroup,
          why: why[issue.rule === 'automap' ? 'automap' : 'defaultSnat'],
          range: issue.route.matchedRange ?? '',
        }),
        { summary: fill(fix.summary, values), steps: commands(issue.changes, texts), links: linksOf(fix.links) },
      );
    }
    case 'snat-mismatch': {
      const { message, fix } = t['relay.policy.snat-mismatch'];
      const { connector, matchedRange } = issue.route;
      return finding(
        'relay.policy.snat-mismatch',
        'fail',
        connector
          ? fill(message.connector, { snatAddress: issue.snatAddress, connector, range: matchedRange ?? '' })
          : fill(message.noConnector, { snatAddress: issue.snatAddress }),
        {
          summary: fill(fix.summary, { snatAddress: issue.snatAddress }),
          steps: commands(issue.changes, texts),
          links: linksOf(fix.links),
        },
      );
    }
    case 'port-exhaustion': {
      const { message, fix } = t['relay.policy.port-exhaustion'];
      const share = issue.expectedConnections / issue.portsPerAddress;
      return finding(
        'relay.policy.port-exhaustion',
        share >= 1 ? 'fail' : 'warn',
        fill(message, {
          connections: issue.expectedConnections.toLocaleString('en-US'),
          percent: Math.round(share * 100),
          ports: issue.portsPerAddress.toLocaleString('en-US'),
          addresses: issue.snatAddresses.join(', '),
        }),
        {
          summary: fill(fix.summary, { needed: issue.addressesNeeded }),
          steps: commands(issue.changes, texts),
          links: linksOf(fix.links),
        },
      );
    }
    default: {
      const unreachable: never = issue;
      throw new Error(`unknown topology issue ${JSON.stringify(unreachable)}`);
    }
  }
}

/** Each change as a fix step, said with where it is made (the BIG-IP, the iRule, the Exchange Management Shell). */
export function commands(changes: readonly Change[], texts: PolicyTexts): string[] {
  return changes.map((c) => fill(texts.change[c.shell], { command: c.command }));
}

/** One step of the trace; a connector step names the address it is for only when automap gives several. */
function stepWords(step: PathStep, several: boolean, texts: PolicyTexts['path']): string {
  switch (step.kind) {
    case 'client':
      return fill(texts.client, { address: step.address });
    case 'bypass-load-balancer':
      return fill(texts['bypass-load-balancer'], { loadBalancer: step.loadBalancer });
    case 'data-group': {
      const values = { loadBalancer: step.loadBalancer, dataGroup: step.dataGroup };
      return step.member
        ? fill(texts['data-group'].member, { ...values, matchedMember: step.matchedMember ?? '' })
        : fill(texts['data-group'].notMember, values);
    }
    case 'snat':
      return step.rule === 'none'
        ? texts.snat.none
        : fill(texts.snat[step.rule === 'automap' ? 'automap' : 'address'], { addresses: step.addresses.join(' | ') });
    case 'connector': {
      const { route } = step;
      const { connector: words } = texts;
      const said =
        route.connector === null
          ? words.none
          : fill(words[route.anonymousRelay ? 'relay' : 'noRelay'], {
              connector: route.connector,
              range: route.matchedRange ?? '',
              tied:
                route.tiedWith.length > 0
                  ? fill(words.tied, { connectors: route.tiedWith.map((n) => `"${n}"`).join(', ') })
                  : '',
            });
      return several ? fill(words.several, { address: route.seenAddress, step: said }) : said;
    }
    default: {
      const unreachable: never = step;
      throw new Error(`unknown path step ${JSON.stringify(unreachable)}`);
    }
  }
}

export function policyFacts(evaluation: PathEvaluation, texts: PolicyTexts): Array<{ label: string; value: string }> {
  return [
    { label: 'Policy', value: texts.verdict[evaluation.verdict] },
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
