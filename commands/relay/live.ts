import { isFindingError } from '../../src/core/errors';
import { makeReply, type Finding, type Fix, type Reply } from '../../src/core/reply';
import { formatTarget } from '../../src/net/target';
import { changesToAllow, changesToDeny, isPublicAddress, type PathEvaluation } from '../../src/relay';
import type { RelayConfig } from '../../src/relay/topology-schema';
import { domainOf } from '../../src/net/mailbox';
import { fill } from '../../src/core/template';
import type { RelayProbeResult } from '../../src/smtp/probe';
import type { RelayContext } from './context';
import { finding } from './finding';
import { LINKS } from './links';
import { commands, policyData, policyFacts, policyFindings } from './policy';
import type { RelayTexts } from './texts';

/**
 * The live side of `relay`: what the server answered on each port, judged against the topology when there is one.
 * The words are in relay/texts.yaml; this picks the case and gives the values.
 */

export function liveReply(
  ctx: RelayContext,
  client: string,
  target: { host: string; port: number },
  recipient: string,
  outcomes: Array<{ port: number; result: RelayProbeResult } | { port: number; error: unknown }>,
  tls: boolean,
  texts: RelayTexts,
): Reply {
  const { relay, compiled } = ctx;
  const evaluation = compiled?.evaluate(client);
  const topologyFindings = compiled && evaluation ? policyFindings(ctx, evaluation, compiled, texts.policy) : [];
  const [primary, ...extra] = outcomes;
  if (!primary || 'error' in primary) {
    const error = primary && 'error' in primary ? primary.error : undefined;
    if (!isFindingError(error)) throw error;
    return makeReply({
      command: 'relay',
      status: 'error',
      title: fill(texts.phrases.titleError, { client, target: formatTarget(target), message: error.message }),
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
  const findings: Finding[] = [...liveFindings(ctx, main, local, tls, texts)];
  for (const other of extra) {
    if ('result' in other) findings.push(...liveFindings(ctx, other.result, local, tls, texts));
    else if (isFindingError(other.error))
      findings.push(
        finding(
          other.error.code,
          'warn',
          fill(texts.phrases.portError, { port: other.port, message: other.error.message }),
          other.error.fix,
        ),
      );
    else throw other.error;
  }
  findings.push(...topologyFindings);
  const open = findings.some((f) => f.id === 'relay.open');
  return makeReply({
    command: 'relay',
    title: fill(texts.phrases.title, {
      client,
      target: formatTarget(target),
      verdict: open
        ? texts.phrases.openRelay
        : main.accepted
          ? texts.phrases.acceptedAtRcpt
          : texts.words.outcome[main.outcome],
    }),
    findings,
    facts: [
      { label: 'Tested from', value: `${main.testedAddress} (${texts.words.method[main.method]})` },
      { label: 'Server', value: `${formatTarget(target)}${main.address !== target.host ? ` (${main.address})` : ''}` },
      { label: 'RCPT TO', value: `<${recipient}>${local ? ' (a local domain)' : ''}` },
      { label: 'Reply', value: (main.rcptReply ?? main.mailReply).raw },
      ...(main.tls ? [{ label: 'TLS', value: `${main.tls.protocol ?? '?'} ${main.tls.cipher}` }] : []),
      ...(evaluation ? policyFacts(evaluation, texts.policy) : []),
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
function liveFindings(
  ctx: RelayContext,
  result: RelayProbeResult,
  localRecipient: boolean,
  tls: boolean,
  texts: RelayTexts,
): Finding[] {
  const { relay, compiled } = ctx;
  const t = texts.findings;
  const where = formatTarget(result.target);
  const reply = result.rcptReply ?? result.mailReply;
  const shown = `\`${reply.raw.split('\n').join(' / ')}\``;
  const from = fill(texts.phrases.from, {
    address: result.testedAddress,
    method: texts.words.method[result.method],
  });
  const out: Finding[] = [];
  if (result.xclient.problem) {
    const { message, fix } = t['smtp.xclient-unsupported'];
    out.push(
      finding(
        'smtp.xclient-unsupported',
        'warn',
        fill(message[result.xclient.problem === 'refused' ? 'refused' : 'notOffered'], {
          where,
          reply: result.xclient.reply?.raw ?? '',
          client: result.client,
        }),
        fixOf(fix),
      ),
    );
  }
  // Said plainly in the live finding itself, so nobody reads diagbot's result as the client's.
  const forBot =
    result.method === 'direct' && result.testedAddress !== result.client
      ? ` ${fill(texts.phrases.forBot[compiled ? 'policy' : 'noPolicy'], {
          tested: result.testedAddress,
          client: result.client,
          why: directWhy(result, texts),
        })}`
      : '';
  const expected = compiled?.evaluate(result.testedAddress, { bypassLoadBalancer: result.method === 'xclient' });
  const allowedByPolicy = expected ? expected.verdict === 'allowed' : undefined;
  const deniedByPolicy = expected ? expected.verdict === 'denied' || expected.verdict === 'no-connector' : undefined;
  const tlsNote = tls && result.tls ? ` ${texts.phrases.afterStarttls}` : '';
  const values = { where, from, tlsNote, shown, recipient: result.recipient, tested: result.testedAddress };
  switch (result.outcome) {
    case 'accepted':
      if (localRecipient) {
        out.push(finding('relay.accepted', 'info', fill(t['relay.accepted'].message.local, values)));
      } else if (deniedByPolicy || (expected === undefined && isPublicAddress(result.testedAddress))) {
        const { message, fix } = t['relay.open'];
        out.push(
          finding(
            'relay.open',
            'fail',
            deniedByPolicy
              ? fill(message.denied, { ...values, verdict: texts.policy.verdict[(expected as PathEvaluation).verdict] })
              : fill(message.public, values),
            {
              summary: fill(fix.summary, values),
              steps: [
                ...commands(
                  expected && compiled
                    ? changesToDeny(compiled, expected.routes[0] ?? compiled.route(result.testedAddress))
                    : [],
                  texts.policy,
                ),
                // A recipient typed with `to` may be in one of our own domains, which is delivery, not relay.
                ...(result.recipient !== relay.probe.externalRecipient
                  ? [fill(fix.localDomainStep, { recipientDomain: domainOf(result.recipient) })]
                  : []),
              ],
              links: fix.links.map((name) => LINKS[name]),
            },
          ),
        );
      } else {
        out.push(finding('relay.accepted', 'info', fill(t['relay.accepted'].message.external, values)));
      }
      break;
    case 'denied':
    case 'auth-required': {
      const id = result.outcome === 'denied' ? 'relay.denied' : 'relay.auth-required';
      const why = fill(
        result.outcome === 'denied'
          ? t['relay.denied'].why[reply.code >= 400 && reply.code < 500 ? 'temporary' : 'permanent']
          : t['relay.auth-required'].why,
        values,
      );
      if (allowedByPolicy) {
        const { message, fix } = t['relay.blocked-allowed-client'];
        out.push(
          finding(
            'relay.blocked-allowed-client',
            'fail',
            expected?.connector
              ? fill(message.connector, { ...values, why, connector: expected.connector })
              : fill(message.noConnector, { ...values, why }),
            {
              summary: fix.summary,
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
                texts.policy,
              ),
              links: fix.links.map((name) => LINKS[name]),
            },
          ),
        );
      }
      out.push(
        finding(
          id,
          'info',
          fill(t[id].message, { where, why }),
          result.outcome === 'auth-required' ? fixOf(t['relay.auth-required'].fix) : undefined,
        ),
      );
      break;
    }
    default: {
      const fixes = t['smtp.unexpected-reply'].fix;
      const outcome = result.outcome;
      out.push(
        finding(
          'smtp.unexpected-reply',
          'warn',
          fill(t['smtp.unexpected-reply'].message, { ...values, outcome: texts.words.outcome[outcome] }),
          fixOf(
            outcome === 'sender-rejected' || outcome === 'recipient-rejected' || outcome === 'temporary'
              ? fixes[outcome]
              : fixes.other,
          ),
        ),
      );
    }
  }
  const last = out[out.length - 1] as Finding;
  last.message += forBot;
  return out;
}

function directWhy(result: RelayProbeResult, texts: RelayTexts): string {
  const why = texts.phrases.directWhy;
  if (result.xclient.problem) return why.xclientUnusable;
  return fill(result.xclient.offered ? why.notLocalXclientOff : why.notLocal, { client: result.client });
}

/** A fix from the file: its summary, and its links by name. */
function fixOf(fix: { summary: string; links: Array<keyof typeof LINKS> }): Fix {
  return { summary: fix.summary, links: fix.links.map((name) => LINKS[name]) };
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
