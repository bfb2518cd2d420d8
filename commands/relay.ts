import { isIP } from 'node:net';
import { z } from 'zod';
import type { Command } from '../src/core/command';
import { DiagError, usageError } from '../src/core/errors';
import { makeReply, type Finding, type Fix, type Link, type Reply } from '../src/core/reply';
import { canonicalIp } from '../src/net/address';
import { formatTarget, parseTarget, type Target } from '../src/net/target';
import {
  auditTopology, changesToAllow, changesToDeny, compileTopology, isPublicAddress, setConnectorRanges,
  type Change, type CompiledTopology, type PathEvaluation, type PathStep, type TopologyIssue,
} from '../src/relay';
import type { RelayConfig } from '../src/relay/topology-schema';
import type { LocalAddressCheck } from '../src/smtp/local-address';
import { domainOf, isMailbox } from '../src/smtp/mailbox';
import type { RelayProbeResult } from '../src/smtp/probe';
import type { CommandDeps } from './deps';

const EXAMPLE = 'relay 10.1.2.3 via smtp.contoso.com:25';

const relayArgs = z.object({
  positional: z.array(z.string()),
  policyOnly: z.boolean().optional().describe('evaluate the configured topology only; contact no server'),
  tls: z.boolean().optional().describe('send STARTTLS before MAIL FROM'),
}).superRefine((args, ctx) => {
  const parsed = readWords(args.positional);
  if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', path: ['positional'], message: parsed });
  else if (args.policyOnly && (parsed.target || parsed.recipient || args.tls)) {
    ctx.addIssue({ code: 'custom', path: ['positional'], message: '--policy-only contacts no server, so it takes no `via`, `to` or --tls (try `relay 10.1.2.3 --policy-only`)' });
  }
});

type RelayArgs = z.infer<typeof relayArgs>;

interface RelayWords {
  client: string;
  target?: Target;
  recipient?: string;
}

/** `<client-ip> [via host[:port]] [to address]`, keywords in either order; a string is the usage problem. */
function readWords(words: readonly string[]): RelayWords | string {
  const [client, ...rest] = words;
  if (client === undefined) return `relay needs the client IP to test, e.g. \`${EXAMPLE}\``;
  // Plain notation only: `10.1` or `0x0a.1` would silently mean 10.0.0.1 to the resolver, not what anyone types on purpose.
  const plain = client.replace(/^\[(.*)\]$/, '$1');
  const ip = isIP(plain) === 0 ? undefined : canonicalIp(plain);
  if (!ip) return `\`${client.slice(0, 60)}\` is not an IP address: give the address of the client that wants to relay, e.g. \`relay 10.1.2.3\``;
  const out: RelayWords = { client: ip.address };
  for (let i = 0; i < rest.length; i += 2) {
    const keyword = (rest[i] as string).toLowerCase();
    const value = rest[i + 1];
    if (keyword !== 'via' && keyword !== 'to') return `unexpected \`${(rest[i] as string).slice(0, 60)}\`: write \`relay <client-ip> [via host[:port]] [to address]\``;
    if (keyword in { via: 1, to: 1 } && (keyword === 'via' ? out.target : out.recipient) !== undefined) return `\`${keyword}\` is given twice`;
    if (value === undefined) {
      return keyword === 'via' ? `\`via\` needs a server after it, e.g. \`${EXAMPLE}\`` : '`to` needs an address after it, e.g. `relay 10.1.2.3 to someone@example.org`';
    }
    if (keyword === 'via') {
      try {
        out.target = parseTarget(value, 25, EXAMPLE);
      } catch (error) {
        if (error instanceof DiagError) return error.message;
        throw error;
      }
    } else {
      if (!isMailbox(value)) return `\`${value.slice(0, 80)}\` is not an email address, e.g. \`relay 10.1.2.3 to someone@example.org\``;
      out.recipient = value;
    }
  }
  return out;
}

function words(args: RelayArgs): RelayWords {
  const parsed = readWords(args.positional);
  if (typeof parsed === 'string') throw usageError(parsed, EXAMPLE);
  return parsed;
}

const LINKS = {
  anonymousRelay: { title: 'Allow anonymous relay on Exchange servers', url: 'https://learn.microsoft.com/en-us/exchange/mail-flow/connectors/allow-anonymous-relay' },
  setConnector: { title: 'Set-ReceiveConnector', url: 'https://learn.microsoft.com/en-us/powershell/module/exchange/set-receiveconnector' },
  snat: { title: 'F5 K7820: Overview of SNAT features', url: 'https://my.f5.com/manage/s/article/K7820' },
  dataGroup: { title: 'tmsh ltm data-group internal', url: 'https://clouddocs.f5.com/cli/tmsh-reference/latest/modules/ltm/ltm_data-group_internal.html' },
  snatPool: { title: 'tmsh ltm snatpool', url: 'https://clouddocs.f5.com/cli/tmsh-reference/latest/modules/ltm/ltm_snatpool.html' },
  postfixRelay: { title: 'Postfix relay and access control', url: 'https://www.postfix.org/SMTPD_ACCESS_README.html' },
  xclient: { title: 'Postfix XCLIENT', url: 'https://www.postfix.org/XCLIENT_README.html' },
  auth: { title: 'RFC 4954: SMTP AUTH', url: 'https://www.rfc-editor.org/rfc/rfc4954' },
  smtpReplies: { title: 'RFC 3463: enhanced status codes', url: 'https://www.rfc-editor.org/rfc/rfc3463' },
} satisfies Record<string, Link>;

export interface RelayCommandOptions {
  /** Replaces the host's own address check (tests that exercise XCLIENT, where all of 127/8 is local). */
  localAddresses?: LocalAddressCheck;
}

/** `relay`: may this client relay through the server? A live SMTP probe (never DATA) plus the topology's path evaluation. */
export function createRelayCommand(deps: CommandDeps, options: RelayCommandOptions = {}): Command<RelayArgs> {
  const relay: RelayConfig = deps.config.relay;
  // Compiled once: the config does not change while diagbot runs, and ranges are already validated at load.
  const compiled = relay.connectors.length > 0 ? compileTopology(relay) : undefined;
  const issues = compiled ? auditTopology(compiled) : [];
  const finding = (id: string, severity: Finding['severity'], message: string, fix?: Fix): Finding =>
    ({ id, severity, message, ...(fix ? { fix } : {}) });

  return {
    name: 'relay',
    summary: 'Test whether a client IP may relay through an SMTP server, live (never sending DATA) and through the load balancer\'s SNAT and receive connectors.',
    usage: 'relay <client-ip> [via host[:port]] [to address] [--tls] [--policy-only]',
    examples: ['relay 10.1.2.3', EXAMPLE, 'relay 10.1.2.3 via smtp.contoso.com to someone@example.org', 'relay 10.1.2.3 --policy-only', 'relay 10.1.2.3 --tls'],
    details: [
      'The probe sends EHLO, MAIL FROM and RCPT TO an external address, then RSET and QUIT: it never sends DATA, so nothing is ever delivered.',
      'It tests from the client by binding the client address when it is one of this host\'s, by XCLIENT when the server offers it and relay.probe.allowXclient is on, and otherwise from diagbot\'s own address (the reply says so).',
      'Accepted at RCPT is not proof of delivery: some servers accept and drop later.',
      'With a topology in the configuration (relay.loadBalancer, relay.connectors) the path client → data group → SNAT → receive connector is evaluated and compared with the live answer.',
    ],
    minRole: 'operator',
    args: relayArgs,
    targetOf(args) {
      const target = readWords(args.positional);
      if (typeof target === 'string' || args.policyOnly) return undefined;
      const t = target.target ?? relay.target;
      return t ? formatTarget(t) : undefined;
    },
    async run(args) {
      const request = words(args);
      if (args.policyOnly) {
        if (!compiled) throw noTopology();
        return policyReply(request.client, compiled);
      }
      const target = request.target ?? relay.target;
      if (!target) {
        throw usageError('No server to probe: add `via <server>` or set relay.target in the configuration', EXAMPLE);
      }
      const recipient = request.recipient ?? relay.probe.externalRecipient;
      const ports = [target.port, ...relay.probe.extraPorts.filter((p) => p !== target.port)];
      const { probeRelay } = await import('../src/smtp/probe');
      const outcomes = await Promise.all(ports.map((port) => probeRelay({
        target: { host: target.host, port },
        client: request.client,
        sender: relay.probe.sender,
        recipient,
        startTls: args.tls === true,
        allowXclient: relay.probe.allowXclient,
        heloName: relay.probe.heloName,
      }, { net: deps.net, localAddresses: options.localAddresses }).then((result) => ({ port, result }), (error: unknown) => ({ port, error }))));
      return liveReply(request.client, { host: target.host, port: target.port }, recipient, outcomes, args.tls === true);
    },
  };

  function noTopology(): DiagError {
    return new DiagError('usage', '--policy-only needs a relay topology, and none is configured (relay.connectors in diagbot.yaml).', {
      fix: { summary: 'Describe the load balancer and the receive connectors under `relay:` (see docs/relay.md), or run the live probe: `relay 10.1.2.3 via smtp.contoso.com`.' },
    });
  }

  function policyReply(client: string, topology: CompiledTopology): Reply {
    const evaluation = topology.evaluate(client);
    const findings = [...pathFindings(evaluation, topology), ...issues.map(issueFinding)];
    return makeReply({
      command: 'relay',
      title: `relay ${client} — policy: ${VERDICT_WORDS[evaluation.verdict]}`,
      findings,
      facts: policyFacts(evaluation),
      actions: relay.target ? [{ label: 'Probe live', command: `relay ${client} via ${formatTarget(relay.target)}` }] : [],
      data: { client, target: relay.target ?? null, method: 'policy-only', accepted: null, banner: null, ehlo: [], transcript: [], policy: policyData(evaluation) },
    });
  }

  function liveReply(
    client: string,
    target: { host: string; port: number },
    recipient: string,
    outcomes: Array<{ port: number; result: RelayProbeResult } | { port: number; error: unknown }>,
    tls: boolean,
  ): Reply {
    const evaluation = compiled?.evaluate(client);
    const policyFindings = compiled && evaluation ? [...pathFindings(evaluation, compiled), ...issues.map(issueFinding)] : [];
    const [primary, ...extra] = outcomes;
    if (!primary || 'error' in primary) {
      const error = primary && 'error' in primary ? primary.error : undefined;
      if (!(error instanceof DiagError)) throw error;
      return makeReply({
        command: 'relay',
        status: 'error',
        title: `relay ${client} via ${formatTarget(target)}: ${error.message}`,
        findings: [finding(error.code, 'error', error.message, error.fix), ...policyFindings],
        data: { client, target, method: error.data?.method ?? null, accepted: null, banner: error.data?.banner ?? null, ehlo: [], transcript: error.data?.transcript ?? [], error: error.data ?? {}, policy: evaluation ? policyData(evaluation) : null },
      });
    }
    const main = primary.result;
    const local = isLocalRecipient(recipient);
    const findings: Finding[] = [...liveFindings(main, local, tls)];
    for (const other of extra) {
      if ('result' in other) findings.push(...liveFindings(other.result, local, tls));
      else if (other.error instanceof DiagError) findings.push(finding(other.error.code, 'warn', `Port ${other.port}: ${other.error.message}`, other.error.fix));
      else throw other.error;
    }
    findings.push(...policyFindings);
    const open = findings.some((f) => f.id === 'relay.open');
    return makeReply({
      command: 'relay',
      title: `relay ${client} via ${formatTarget(target)} — ${open ? 'OPEN RELAY' : main.accepted ? 'accepted at RCPT' : OUTCOME_WORDS[main.outcome]}`,
      findings,
      facts: [
        { label: 'Tested from', value: `${main.testedAddress} (${METHOD_WORDS[main.method]})` },
        { label: 'Server', value: `${formatTarget(target)}${main.address !== target.host ? ` (${main.address})` : ''}` },
        { label: 'RCPT TO', value: `<${recipient}>${local ? ' (a local domain)' : ''}` },
        { label: 'Reply', value: (main.rcptReply ?? main.mailReply).raw },
        ...(main.tls ? [{ label: 'TLS', value: `${main.tls.protocol ?? '?'} ${main.tls.cipher}` }] : []),
        ...(evaluation ? policyFacts(evaluation) : []),
      ],
      actions: [
        ...(compiled ? [{ label: 'Policy only', command: `relay ${client} --policy-only` }] : []),
        ...(!tls && main.ehlo.some((l) => /^STARTTLS\b/i.test(l)) ? [{ label: 'With STARTTLS', command: `relay ${client} via ${formatTarget(target)} --tls` }] : []),
      ],
      data: {
        client, target, method: main.method, accepted: main.accepted, banner: main.banner, ehlo: main.ehlo, transcript: main.transcript,
        testedAddress: main.testedAddress, sender: relay.probe.sender, recipient, localRecipient: local, outcome: main.outcome,
        mailReply: main.mailReply, rcptReply: main.rcptReply, tls: main.tls, xclient: main.xclient,
        ports: extra.map((o) => ('result' in o ? portData(o.result) : { port: o.port, error: o.error instanceof DiagError ? { code: o.error.code, message: o.error.message } : null })),
        policy: evaluation ? policyData(evaluation) : null,
      },
    });
  }

  function isLocalRecipient(recipient: string): boolean {
    const domain = domainOf(recipient);
    return relay.probe.localDomains.some((d) => d.toLowerCase().replace(/\.$/, '') === domain);
  }

  /** The live answer for one port, judged against the topology for the address the server saw. */
  function liveFindings(result: RelayProbeResult, localRecipient: boolean, tls: boolean): Finding[] {
    const where = formatTarget(result.target);
    const reply = result.rcptReply ?? result.mailReply;
    const shown = `\`${reply.raw.split('\n').join(' / ')}\``;
    const from = `from ${result.testedAddress} (${METHOD_WORDS[result.method]})`;
    const out: Finding[] = [];
    if (result.xclient.problem) {
      out.push(finding('smtp.xclient-unsupported', 'warn', `${where} ${result.xclient.problem === 'refused' ? `refused XCLIENT (\`${result.xclient.reply?.raw ?? ''}\`)` : 'does not offer XCLIENT ADDR to diagbot'}, so diagbot could not speak for ${result.client}.`, {
        summary: 'Let diagbot speak for the client: add diagbot\'s address to smtpd_authorized_xclient_hosts (Postfix), or run diagbot on a host that owns the client address.',
        links: [LINKS.xclient],
      }));
    }
    // Said plainly in the live finding itself, so nobody reads diagbot's result as the client's.
    const forBot = result.method === 'direct' && result.testedAddress !== result.client
      ? ` This live answer is for diagbot's own address ${result.testedAddress}, not for ${result.client}${directWhy(result)}${compiled ? `; the policy evaluation is for ${result.client}` : ''}.`
      : '';
    const expected = compiled?.evaluate(result.testedAddress, { bypassLoadBalancer: result.method === 'xclient' });
    const allowedByPolicy = expected ? expected.verdict === 'allowed' : undefined;
    const deniedByPolicy = expected ? expected.verdict === 'denied' || expected.verdict === 'no-connector' : undefined;
    const tlsNote = tls && result.tls ? ' after STARTTLS' : '';
    switch (result.outcome) {
      case 'accepted':
        if (localRecipient) {
          out.push(finding('relay.accepted', 'info', `${where} accepted <${result.recipient}> at RCPT ${from}${tlsNote}: a local domain, so this is delivery, not relay (${shown}).`));
        } else if (deniedByPolicy || (expected === undefined && isPublicAddress(result.testedAddress))) {
          out.push(finding('relay.open', 'fail', `${where} accepted the external recipient <${result.recipient}> at RCPT ${from}${tlsNote} (${shown}), ${deniedByPolicy ? `although the topology does not let ${result.testedAddress} relay (${VERDICT_WORDS[(expected as PathEvaluation).verdict]})` : `and ${result.testedAddress} is a public address`}: anyone there can send mail anywhere through this server.`, {
            summary: `Stop anonymous relay from ${result.testedAddress}: find the connector that grants it and narrow its RemoteIPRanges.`,
            steps: [
              ...commands(expected && compiled ? changesToDeny(compiled, expected.routes[0] ?? compiled.route(result.testedAddress)) : []),
              // A recipient typed with `to` may be in one of our own domains, which is delivery, not relay.
              ...(result.recipient !== relay.probe.externalRecipient ? [`If ${domainOf(result.recipient)} is one of your accepted domains, this was delivery, not relay: list it under relay.probe.localDomains.`] : []),
            ],
            links: [LINKS.anonymousRelay, LINKS.setConnector, LINKS.postfixRelay],
          }));
        } else {
          out.push(finding('relay.accepted', 'info', `${where} accepted the external recipient <${result.recipient}> at RCPT ${from}${tlsNote} (${shown}). Accepted at RCPT is not proof of delivery.`));
        }
        break;
      case 'denied':
      case 'auth-required': {
        const id = result.outcome === 'denied' ? 'relay.denied' : 'relay.auth-required';
        const why = result.outcome === 'denied'
          ? `refused to relay ${from}${tlsNote} (${shown})${reply.code >= 400 && reply.code < 500 ? ' — a temporary code, but a relay refusal all the same' : ''}`
          : `wants authentication before it relays ${from}${tlsNote} (${shown}): anonymous relay is not allowed for this address`;
        if (allowedByPolicy) {
          out.push(finding('relay.blocked-allowed-client', 'fail', `${where} ${why}, although the topology lets ${result.testedAddress} relay${expected?.connector ? ` (connector "${expected.connector}")` : ''}.`, {
            summary: 'The servers do not match the topology: check the connector\'s RemoteIPRanges and its anonymous relay permission on every server.',
            steps: commands(compiled ? [...changesToAllow(compiled, result.testedAddress, { bypassLoadBalancer: result.method === 'xclient' }), ...changesToDeny(compiled, { seenAddress: result.testedAddress, connector: null, matchedRange: null, anonymousRelay: false, tiedWith: [] })] : []),
            links: [LINKS.anonymousRelay, LINKS.setConnector],
          }));
        }
        out.push(finding(id, 'info', `${where} ${why}.`, result.outcome === 'auth-required'
          ? { summary: 'Devices that can authenticate should use SMTP AUTH on port 587; others need a relay connector that lists their address.', links: [LINKS.auth, LINKS.anonymousRelay] }
          : undefined));
        break;
      }
      default:
        out.push(finding('smtp.unexpected-reply', 'warn', `${where} did not decide on relay ${from}: ${OUTCOME_WORDS[result.outcome]} (${shown}).`, unexpectedFix(result)));
    }
    const last = out[out.length - 1] as Finding;
    last.message += forBot;
    return out;
  }

  function pathFindings(evaluation: PathEvaluation, topology: CompiledTopology): Finding[] {
    const out: Finding[] = [];
    const lbLinks = relay.loadBalancer ? [LINKS.dataGroup] : [];
    const allowFix = evaluation.verdict !== 'allowed'
      ? { summary: `To let ${evaluation.client} relay:`, steps: commands(changesToAllow(topology, evaluation.client)), links: [...lbLinks, LINKS.setConnector, LINKS.anonymousRelay] }
      : undefined;
    const several = evaluation.routes.length > 1;
    // Allowed without being a member means the non-member SNAT address sits on a relay connector: say so on the path itself.
    const trap = evaluation.allowedByDataGroup === false && evaluation.verdict !== 'denied' && evaluation.verdict !== 'no-connector'
      ? ` — not because of the data group: the SNAT address for everyone else lands on a relay connector (relay.policy.automap-open-relay)`
      : '';
    out.push(finding('relay.policy.path', 'info', `${evaluation.steps.map((step) => stepWords(step, several)).join(' → ')} ⇒ ${VERDICT_WORDS[evaluation.verdict]}${trap}.`, allowFix));
    const fallback = topology.connectors.find((info) => !info.connector.anonymousRelay)?.connector.name;
    for (const route of evaluation.routes) {
      if (route.connector !== null) continue;
      out.push(finding('relay.policy.no-connector', 'warn', `No receive connector lists ${route.seenAddress} in its RemoteIPRanges: the servers refuse the connection before any relay decision.`, {
        summary: `Add ${route.seenAddress} to the RemoteIPRanges of the connector that should take it.`,
        steps: [
          ...commands(changesToAllow(topology, route.seenAddress, { bypassLoadBalancer: true })).map((step) => `If it should relay — ${step}`),
          ...(fallback ? commands([setConnectorRanges(fallback, { add: [route.seenAddress] }, 'add-to-connector')]).map((step) => `If it should only send to your own domains — ${step}`) : []),
        ],
        links: [LINKS.setConnector],
      }));
    }
    return out;
  }

  function issueFinding(issue: TopologyIssue): Finding {
    const lb = relay.loadBalancer;
    switch (issue.kind) {
      case 'automap-open-relay':
        return finding('relay.policy.automap-open-relay', 'fail', `Everyone can relay: ${lb?.name ?? 'the load balancer'} SNATs clients outside ${lb?.dataGroup.name ?? 'the data group'} to ${issue.snatAddress} (${issue.rule === 'automap' ? 'automap picks this self IP' : 'the default SNAT'}), and connector "${issue.route.connector}" allows anonymous relay from it (${issue.route.matchedRange}).`, {
          summary: `Take ${issue.snatAddress} out of "${issue.route.connector}" and give non-member traffic its own SNAT address.`,
          steps: commands(issue.changes),
          links: [LINKS.snat, LINKS.setConnector, LINKS.anonymousRelay],
        });
      case 'snat-mismatch':
        return finding('relay.policy.snat-mismatch', 'fail', `Data-group members are SNATed to ${issue.snatAddress}, but ${issue.route.connector ? `that lands on connector "${issue.route.connector}" (${issue.route.matchedRange}), which does not allow anonymous relay` : 'no receive connector lists it'}: the clients you allowed cannot relay.`, {
          summary: `Make ${issue.snatAddress} land on the relay connector.`,
          steps: commands(issue.changes),
          links: [LINKS.setConnector, LINKS.snat],
        });
      case 'port-exhaustion': {
        const share = issue.expectedConnections / issue.portsPerAddress;
        return finding('relay.policy.port-exhaustion', share >= 1 ? 'fail' : 'warn', `${issue.expectedConnections.toLocaleString('en-US')} concurrent connections per SNAT address is ${Math.round(share * 100)}% of the ~${issue.portsPerAddress.toLocaleString('en-US')} source ports one address has towards each server (${issue.snatAddresses.join(', ')}): new connections will fail at peak.`, {
          summary: `Use a SNAT pool of at least ${issue.addressesNeeded} addresses instead of one address, and list the new addresses on the relay connector.`,
          steps: commands(issue.changes),
          links: [LINKS.snatPool, LINKS.snat],
        });
      }
      default: {
        const unreachable: never = issue;
        throw new Error(`unknown topology issue ${JSON.stringify(unreachable)}`);
      }
    }
  }
}

function directWhy(result: RelayProbeResult): string {
  if (result.xclient.problem) return ' (XCLIENT could not be used)';
  return ` (${result.client} is not an address of this host${result.xclient.offered ? ' and relay.probe.allowXclient is off' : ''})`;
}

function unexpectedFix(result: RelayProbeResult): Fix {
  switch (result.outcome) {
    case 'sender-rejected':
      return { summary: 'The server refused the probe sender: set relay.probe.sender to an address in a domain the server accepts as a sender.', links: [LINKS.smtpReplies] };
    case 'recipient-rejected':
      return { summary: 'The server refused the recipient itself (it does not exist or cannot be routed), which hides the relay decision: set relay.probe.externalRecipient to a deliverable external address.', links: [LINKS.smtpReplies] };
    case 'temporary':
      return { summary: 'A temporary refusal that is not about relay (greylisting, load): try again in a few minutes.', links: [LINKS.smtpReplies] };
    default:
      return { summary: 'Check the server\'s logs for this session.', links: [LINKS.smtpReplies] };
  }
}

function portData(result: RelayProbeResult): Record<string, unknown> {
  return { port: result.target.port, method: result.method, accepted: result.accepted, outcome: result.outcome, rcptReply: result.rcptReply, mailReply: result.mailReply, transcript: result.transcript };
}

const METHOD_WORDS: Record<RelayProbeResult['method'], string> = {
  'source-bind': 'bound to the client address',
  xclient: 'XCLIENT ADDR',
  direct: 'diagbot\'s own address',
};

const OUTCOME_WORDS: Record<RelayProbeResult['outcome'], string> = {
  accepted: 'accepted at RCPT',
  denied: 'relay denied',
  'auth-required': 'authentication required',
  'sender-rejected': 'the probe sender was refused',
  'recipient-rejected': 'the recipient was refused',
  temporary: 'a temporary refusal',
  unexpected: 'an unexpected reply',
};

const VERDICT_WORDS: Record<PathEvaluation['verdict'], string> = {
  allowed: 'anonymous relay allowed',
  denied: 'anonymous relay not allowed',
  'no-connector': 'no connector accepts it',
  'depends-on-automap': 'depends on which self IP automap picks',
};

function commands(changes: readonly Change[]): string[] {
  return changes.map((c) => (c.shell === 'irule' ? `In the iRule: ${c.command}` : c.shell === 'tmsh' ? `On the BIG-IP: ${c.command}` : `Exchange Management Shell: ${c.command}`));
}

/** One step of the trace; a connector step names the address it is for only when automap gives several. */
function stepWords(step: PathStep, several: boolean): string {
  switch (step.kind) {
    case 'client':
      return `client ${step.address}`;
    case 'bypass-load-balancer':
      return `XCLIENT (skips ${step.loadBalancer}'s SNAT)`;
    case 'data-group':
      return step.member ? `${step.loadBalancer}: in data group ${step.dataGroup} (${step.matchedMember})` : `${step.loadBalancer}: not in data group ${step.dataGroup}`;
    case 'snat':
      return step.rule === 'none' ? 'no SNAT (client address kept)' : `SNAT ${step.rule === 'automap' ? 'automap → ' : ''}${step.addresses.join(' | ')}`;
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

function policyFacts(evaluation: PathEvaluation): Array<{ label: string; value: string }> {
  return [
    { label: 'Policy', value: VERDICT_WORDS[evaluation.verdict] },
    ...(evaluation.allowedByDataGroup !== null ? [{ label: 'Data group', value: evaluation.allowedByDataGroup ? 'member' : 'not a member' }] : []),
    ...(evaluation.snatAddress ? [{ label: 'SNAT', value: evaluation.routes.map((r) => r.seenAddress).join(' | ') }] : []),
    { label: 'Connector', value: evaluation.routes.map((r) => r.connector ?? '(none)').join(' | ') },
  ];
}

function policyData(evaluation: PathEvaluation): Record<string, unknown> {
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
