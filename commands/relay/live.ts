import { isFindingError } from '../../src/core/errors';
import { makeReply, type Finding, type Fix, type Reply } from '../../src/core/reply';
import { formatTarget } from '../../src/net/target';
import { changesToAllow, changesToDeny, isPublicAddress, type PathEvaluation } from '../../src/relay';
import type { RelayConfig } from '../../src/relay/topology-schema';
import { domainOf } from '../../src/net/mailbox';
import type { RelayProbeResult } from '../../src/smtp/probe';
import type { RelayContext } from './context';
import { finding } from './finding';
import { LINKS } from './links';
import { commands, policyData, policyFacts, policyFindings, VERDICT_WORDS } from './policy';

/** The live side of `relay`: what the server answered on each port, judged against the topology when there is one. */

export function liveReply(
  ctx: RelayContext,
  client: string,
  target: { host: string; port: number },
  recipient: string,
  outcomes: Array<{ port: number; result: RelayProbeResult } | { port: number; error: unknown }>,
  tls: boolean,
): Reply {
  const { relay, compiled } = ctx;
  const evaluation = compiled?.evaluate(client);
  const topologyFindings = compiled && evaluation ? policyFindings(ctx, evaluation, compiled) : [];
  const [primary, ...extra] = outcomes;
  if (!primary || 'error' in primary) {
    const error = primary && 'error' in primary ? primary.error : undefined;
    if (!isFindingError(error)) throw error;
    return makeReply({
      command: 'relay',
      status: 'error',
      title: `relay ${client} via ${formatTarget(target)}: ${error.message}`,
      findings: [finding(error.code, 'error', error.message, error.fix), ...topologyFindings],
      data: {
        client,
        target,
        method: error.data?.method ?? null,
        accepted: null,
        banner: error.data?.banner ?? null,
        ehlo: [],
        transcript: error.data?.transcript ?? [],
        error: error.data ?? {},
        policy: evaluation ? policyData(evaluation) : null,
      },
    });
  }
  const main = primary.result;
  const local = isLocalRecipient(relay, recipient);
  const findings: Finding[] = [...liveFindings(ctx, main, local, tls)];
  for (const other of extra) {
    if ('result' in other) findings.push(...liveFindings(ctx, other.result, local, tls));
    else if (isFindingError(other.error))
      findings.push(finding(other.error.code, 'warn', `Port ${other.port}: ${other.error.message}`, other.error.fix));
    else throw other.error;
  }
  findings.push(...topologyFindings);
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
      ...(!tls && main.ehlo.some((l) => /^STARTTLS\b/i.test(l))
        ? [{ label: 'With STARTTLS', command: `relay ${client} via ${formatTarget(target)} --tls` }]
        : []),
    ],
    data: {
      client,
      target,
      method: main.method,
      accepted: main.accepted,
      banner: main.banner,
      ehlo: main.ehlo,
      transcript: main.transcript,
      testedAddress: main.testedAddress,
      sender: relay.probe.sender,
      recipient,
      localRecipient: local,
      outcome: main.outcome,
      mailReply: main.mailReply,
      rcptReply: main.rcptReply,
      tls: main.tls,
      xclient: main.xclient,
      ports: extra.map((o) =>
        'result' in o
          ? portData(o.result)
          : { port: o.port, error: isFindingError(o.error) ? { code: o.error.code, message: o.error.message } : null },
      ),
      policy: evaluation ? policyData(evaluation) : null,
    },
  });
}

function isLocalRecipient(relay: RelayConfig, recipient: string): boolean {
  const domain = domainOf(recipient);
  return relay.probe.localDomains.some((d) => d.toLowerCase().replace(/\.$/, '') === domain);
}

/** The live answer for one port, judged against the topology for the address the server saw. */
function liveFindings(ctx: RelayContext, result: RelayProbeResult, localRecipient: boolean, tls: boolean): Finding[] {
  const { relay, compiled } = ctx;
  const where = formatTarget(result.target);
  const reply = result.rcptReply ?? result.mailReply;
  const shown = `\`${reply.raw.split('\n').join(' / ')}\``;
  const from = `from ${result.testedAddress} (${METHOD_WORDS[result.method]})`;
  const out: Finding[] = [];
  if (result.xclient.problem) {
    out.push(
      finding(
        'smtp.xclient-unsupported',
        'warn',
        `${where} ${result.xclient.problem === 'refused' ? `refused XCLIENT (\`${result.xclient.reply?.raw ?? ''}\`)` : 'does not offer XCLIENT ADDR to diagbot'}, so diagbot could not speak for ${result.client}.`,
        {
          summary:
            "Let diagbot speak for the client: add diagbot's address to smtpd_authorized_xclient_hosts (Postfix), or run diagbot on a host that owns the client address.",
          links: [LINKS.xclient],
        },
      ),
    );
  }
  // Said plainly in the live finding itself, so nobody reads diagbot's result as the client's.
  const forBot =
    result.method === 'direct' && result.testedAddress !== result.client
      ? ` This live answer is for diagbot's own address ${result.testedAddress}, not for ${result.client}${directWhy(result)}${compiled ? `; the policy evaluation is for ${result.client}` : ''}.`
      : '';
  const expected = compiled?.evaluate(result.testedAddress, { bypassLoadBalancer: result.method === 'xclient' });
  const allowedByPolicy = expected ? expected.verdict === 'allowed' : undefined;
  const deniedByPolicy = expected ? expected.verdict === 'denied' || expected.verdict === 'no-connector' : undefined;
  const tlsNote = tls && result.tls ? ' after STARTTLS' : '';
  switch (result.outcome) {
    case 'accepted':
      if (localRecipient) {
        out.push(
          finding(
            'relay.accepted',
            'info',
            `${where} accepted <${result.recipient}> at RCPT ${from}${tlsNote}: a local domain, so this is delivery, not relay (${shown}).`,
          ),
        );
      } else if (deniedByPolicy || (expected === undefined && isPublicAddress(result.testedAddress))) {
        out.push(
          finding(
            'relay.open',
            'fail',
            `${where} accepted the external recipient <${result.recipient}> at RCPT ${from}${tlsNote} (${shown}), ${deniedByPolicy ? `although the topology does not let ${result.testedAddress} relay (${VERDICT_WORDS[(expected as PathEvaluation).verdict]})` : `and ${result.testedAddress} is a public address`}: anyone there can send mail anywhere through this server.`,
            {
              summary: `Stop anonymous relay from ${result.testedAddress}: find the connector that grants it and narrow its RemoteIPRanges.`,
              steps: [
                ...commands(
                  expected && compiled
                    ? changesToDeny(compiled, expected.routes[0] ?? compiled.route(result.testedAddress))
                    : [],
                ),
                // A recipient typed with `to` may be in one of our own domains, which is delivery, not relay.
                ...(result.recipient !== relay.probe.externalRecipient
                  ? [
                      `If ${domainOf(result.recipient)} is one of your accepted domains, this was delivery, not relay: list it under relay.probe.localDomains.`,
                    ]
                  : []),
              ],
              links: [LINKS.anonymousRelay, LINKS.setConnector, LINKS.postfixRelay],
            },
          ),
        );
      } else {
        out.push(
          finding(
            'relay.accepted',
            'info',
            `${where} accepted the external recipient <${result.recipient}> at RCPT ${from}${tlsNote} (${shown}). Accepted at RCPT is not proof of delivery.`,
          ),
        );
      }
      break;
    case 'denied':
    case 'auth-required': {
      const id = result.outcome === 'denied' ? 'relay.denied' : 'relay.auth-required';
      const why =
        result.outcome === 'denied'
          ? `refused to relay ${from}${tlsNote} (${shown})${reply.code >= 400 && reply.code < 500 ? ' — a temporary code, but a relay refusal all the same' : ''}`
          : `wants authentication before it relays ${from}${tlsNote} (${shown}): anonymous relay is not allowed for this address`;
      if (allowedByPolicy) {
        out.push(
          finding(
            'relay.blocked-allowed-client',
            'fail',
            `${where} ${why}, although the topology lets ${result.testedAddress} relay${expected?.connector ? ` (connector "${expected.connector}")` : ''}.`,
            {
              summary:
                "The servers do not match the topology: check the connector's RemoteIPRanges and its anonymous relay permission on every server.",
              steps: commands(
                compiled
                  ? [
                      ...changesToAllow(compiled, result.testedAddress, {
                        bypassLoadBalancer: result.method === 'xclient',
                      }),
                      ...changesToDeny(compiled, {
                        seenAddress: result.testedAddress,
                        connector: null,
                        matchedRange: null,
                        anonymousRelay: false,
                        tiedWith: [],
                      }),
                    ]
                  : [],
              ),
              links: [LINKS.anonymousRelay, LINKS.setConnector],
            },
          ),
        );
      }
      out.push(
        finding(
          id,
          'info',
          `${where} ${why}.`,
          result.outcome === 'auth-required'
            ? {
                summary:
                  'Devices that can authenticate should use SMTP AUTH on port 587; others need a relay connector that lists their address.',
                links: [LINKS.auth, LINKS.anonymousRelay],
              }
            : undefined,
        ),
      );
      break;
    }
    default:
      out.push(
        finding(
          'smtp.unexpected-reply',
          'warn',
          `${where} did not decide on relay ${from}: ${OUTCOME_WORDS[result.outcome]} (${shown}).`,
          unexpectedFix(result),
        ),
      );
  }
  const last = out[out.length - 1] as Finding;
  last.message += forBot;
  return out;
}

function directWhy(result: RelayProbeResult): string {
  if (result.xclient.problem) return ' (XCLIENT could not be used)';
  return ` (${result.client} is not an address of this host${result.xclient.offered ? ' and relay.probe.allowXclient is off' : ''})`;
}

function unexpectedFix(result: RelayProbeResult): Fix {
  switch (result.outcome) {
    case 'sender-rejected':
      return {
        summary:
          'The server refused the probe sender: set relay.probe.sender to an address in a domain the server accepts as a sender.',
        links: [LINKS.smtpReplies],
      };
    case 'recipient-rejected':
      return {
        summary:
          'The server refused the recipient itself (it does not exist or cannot be routed), which hides the relay decision: set relay.probe.externalRecipient to a deliverable external address.',
        links: [LINKS.smtpReplies],
      };
    case 'temporary':
      return {
        summary: 'A temporary refusal that is not about relay (greylisting, load): try again in a few minutes.',
        links: [LINKS.smtpReplies],
      };
    default:
      return { summary: "Check the server's logs for this session.", links: [LINKS.smtpReplies] };
  }
}

function portData(result: RelayProbeResult): Record<string, unknown> {
  return {
    port: result.target.port,
    method: result.method,
    accepted: result.accepted,
    outcome: result.outcome,
    rcptReply: result.rcptReply,
    mailReply: result.mailReply,
    transcript: result.transcript,
  };
}

const METHOD_WORDS: Record<RelayProbeResult['method'], string> = {
  'source-bind': 'bound to the client address',
  xclient: 'XCLIENT ADDR',
  direct: "diagbot's own address",
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
