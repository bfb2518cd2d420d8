import { errorReply, makeReply, type Action, type Fact, type Finding, type Reply } from '../../src/core/reply';
import { fill } from '../../src/core/template';
import type { AuthResult, HeaderAnalysis, Hop } from '../../src/headers';
import { authFindings } from './auth';
import { delayFinding, hopRoute, NOTABLE_DELAY_SECONDS, notableSubmission, skewFinding } from './delay';
import { clock, duration, hopFrom } from './format';
import type { HeadersTexts } from './texts';
import { loopFinding, markedBulkOnly, partialFinding, spamFinding } from './verdicts';

/**
 * Builds the `headers` Reply from the engine's facts. The hop list goes into `facts` as a compact table (one
 * fact per hop: route as the label, time, delay, protocol and TLS as the value), which every renderer already
 * shows within its limits; `data` carries the whole analysis for the CLI and `--json`.
 */

export const EXAMPLE = 'headers Received: from EXCH01.contoso.local (10.1.0.11) by EXCH02.contoso.local …';
/** At most this many hops in the chat table; `--json` and `data.hops` have them all. */
const TABLE_HOPS = 12;

function hopFact(hop: Hop, hops: readonly Hop[]): Fact {
  const previous = hops[hop.index - 1];
  const bits = [clock(hop.at, previous?.at)];
  if (hop.skewSeconds) bits.push(`skew −${duration(hop.skewSeconds)}`);
  else if (hop.delaySeconds !== undefined) bits.push(`+${duration(hop.delaySeconds)}`);
  if (hop.with) bits.push(hop.with);
  // The version is enough for a chat row; the cipher is in data.hops and the terminal's Received: text.
  bits.push(hop.tls ? (/^(?:TLS|SSL) \d(?:\.\d)?/.exec(hop.tls)?.[0] ?? hop.tls) : 'no TLS noted');
  return { label: `${hop.index + 1}. ${hopRoute(hop, hops)}`, value: bits.join(' · ') };
}

/** The hops worth a row: all when few; else the first and last ones and the largest delay, in order. */
function tableHops(analysis: HeaderAnalysis): { hops: Hop[]; left: number } {
  const { hops, largestDelay } = analysis;
  if (hops.length <= TABLE_HOPS) return { hops, left: 0 };
  const keep = new Set<number>();
  for (let i = 0; i < 4; i += 1) keep.add(i);
  for (let i = hops.length - 5; i < hops.length; i += 1) keep.add(i);
  if (largestDelay) {
    keep.add(largestDelay.hop);
    if (largestDelay.hop > 0) keep.add(largestDelay.hop - 1);
  }
  const shown = hops.filter((h) => keep.has(h.index));
  return { hops: shown, left: hops.length - shown.length };
}

function authLine(analysis: HeaderAnalysis): string {
  const parts: string[] = [];
  const { spf, dkim, dmarc, compauth, arc } = analysis.auth;
  const pairs: [string, AuthResult | undefined][] = [
    ['SPF', spf],
    ['DKIM', dkim],
    ['DMARC', dmarc],
    ['compauth', compauth],
    ['ARC', arc],
  ];
  for (const [name, result] of pairs) if (result) parts.push(`${name} ${result.result}`);
  return parts.join(', ');
}

/** Is the sending domain the organisation's own? Told by the headers themselves: the same domain receives, or Exchange says so. */
export function isOwnDomain(analysis: HeaderAnalysis): boolean {
  const domain = analysis.fromDomain;
  if (!domain) return false;
  if (analysis.recipientDomains.includes(domain)) return true;
  if (analysis.verdicts.some((v) => /AuthAs$/i.test(v.field) && /internal/i.test(v.value))) return true;
  if (analysis.verdicts.some((v) => /MessageDirectionality$/i.test(v.field) && /originating/i.test(v.value)))
    return true;
  const reason = analysis.auth.compauth?.reason;
  return reason === '010' || /^6\d\d$/.test(reason ?? '');
}

function title(analysis: HeaderAnalysis, findings: readonly Finding[]): string {
  const { largestDelay, hops } = analysis;
  const parts: string[] = [];
  const submission = notableSubmission(analysis);
  if (largestDelay && largestDelay.seconds >= NOTABLE_DELAY_SECONDS && largestDelay.seconds >= (submission ?? 0)) {
    parts.push(`held ${duration(largestDelay.seconds)} at ${hopRoute(hops[largestDelay.hop] as Hop, hops)}`);
  } else if (submission !== undefined) {
    parts.push(`first stamped ${duration(submission)} after its Date: (Outbox or clock)`);
  } else if (hops.length > 0) {
    parts.push(
      `${hops.length} hop${hops.length === 1 ? '' : 's'}${analysis.totalSeconds !== undefined ? ` in ${duration(analysis.totalSeconds)}` : ''}, no notable delay`,
    );
  }
  if (findings.some((f) => f.id === 'headers.loop')) parts.push('mail loop');
  if (findings.some((f) => f.id === 'headers.spam' && f.severity === 'warn'))
    parts.push(markedBulkOnly(analysis) ? 'marked bulk' : 'marked spam');
  const failed = (['spf', 'dkim', 'dmarc', 'compauth'] as const).filter((m) =>
    /fail|permerror/.test(analysis.auth[m]?.result ?? ''),
  );
  if (failed.length > 0)
    parts.push(`${failed.map((m) => (m === 'compauth' ? 'compauth' : m.toUpperCase())).join(', ')} failed`);
  else if (authLine(analysis) !== '') parts.push(authLine(analysis));
  return parts.join(' · ') || 'header block read';
}

function hopData(hop: Hop): Record<string, unknown> {
  return {
    from: hopFrom(hop) ?? null,
    by: hop.by ?? null,
    with: hop.with ?? null,
    tls: hop.tls ?? null,
    at: hop.at ?? null,
    delaySeconds: hop.delaySeconds ?? null,
    ...(hop.skewSeconds ? { skewSeconds: hop.skewSeconds } : {}),
    ...(hop.fromHelo ? { fromHelo: hop.fromHelo } : {}),
    ...(hop.fromHost ? { fromHost: hop.fromHost } : {}),
    ...(hop.fromIp ? { fromIp: hop.fromIp } : {}),
    ...(hop.byIp ? { byIp: hop.byIp } : {}),
    ...(hop.id ? { id: hop.id } : {}),
    ...(hop.for ? { for: hop.for } : {}),
  };
}

/** The reply when the paste holds no header block. */
export function noHeadersReply(text: string, texts: HeadersTexts['none']): Reply {
  return errorReply(
    'headers',
    {
      id: 'headers.none',
      severity: 'error',
      message: texts.message[text.trim() === '' ? 'empty' : 'notABlock'],
      fix: { summary: fill(texts.fix.summary, { example: EXAMPLE }), steps: [...texts.fix.steps] },
    },
    { hops: [], largestDelay: null },
  );
}

/** The `headers` answer for an analysis, in the words of headers/texts.yaml. */
export function headersReply(analysis: HeaderAnalysis, texts: HeadersTexts): Reply {
  const own = isOwnDomain(analysis);
  const findings: Finding[] = [];
  for (const finding of [
    delayFinding(analysis, texts.delay),
    skewFinding(analysis, texts.delay),
    loopFinding(analysis, texts.loop),
    ...authFindings(analysis, own, texts),
    spamFinding(analysis, texts.spam),
    partialFinding(analysis, texts.partial),
  ]) {
    if (finding) findings.push(finding);
  }
  const facts: Fact[] = [];
  const { hops: shown, left } = tableHops(analysis);
  for (const hop of shown) facts.push(hopFact(hop, analysis.hops));
  if (left > 0)
    facts.push({
      label: `… ${left} more hops`,
      value: 'all of them with `diagbot --json headers …` or in the terminal',
    });
  const auth = authLine(analysis);
  if (auth) facts.push({ label: 'Authentication', value: auth });
  if (analysis.from) facts.push({ label: 'From', value: analysis.from });
  if (analysis.subject) facts.push({ label: 'Subject', value: analysis.subject.slice(0, 200) });
  if (analysis.messageId) facts.push({ label: 'Message-ID', value: analysis.messageId.slice(0, 200) });

  const actions: Action[] = [];
  const notPassing = (['spf', 'dkim', 'dmarc'] as const).some((m) => {
    const result = analysis.auth[m]?.result;
    return result !== undefined && !['pass', 'bestguesspass'].includes(result);
  });
  if (own && analysis.fromDomain && notPassing)
    actions.push({ label: `Check ${analysis.fromDomain}'s mail setup`, command: `mail ${analysis.fromDomain}` });

  const { spf, dkim, dmarc, compauth, arc } = analysis.auth;
  const largest = analysis.largestDelay;
  const largestHop = largest ? analysis.hops[largest.hop] : undefined;
  return makeReply({
    command: 'headers',
    title: title(analysis, findings),
    findings,
    facts,
    actions,
    data: {
      hops: analysis.hops.map(hopData),
      largestDelay:
        largest && largestHop
          ? { hop: largest.hop, seconds: largest.seconds, from: hopFrom(largestHop) ?? null, by: largestHop.by ?? null }
          : null,
      ...(analysis.totalSeconds !== undefined ? { totalSeconds: analysis.totalSeconds } : {}),
      ...(analysis.submissionSeconds !== undefined ? { submissionSeconds: analysis.submissionSeconds } : {}),
      auth: {
        spf: spf ?? null,
        dkim: dkim ?? null,
        dmarc: dmarc ?? null,
        compauth: compauth ?? null,
        arc: arc ?? null,
        signatures: analysis.auth.signatures,
      },
      verdicts: analysis.verdicts.map(({ source, field, value, meaning }) => ({ source, field, value, meaning })),
      messageId: analysis.messageId ?? null,
      subject: analysis.subject ?? null,
      from: analysis.from ?? null,
      fromDomain: analysis.fromDomain ?? null,
      ownDomain: own,
      problems: analysis.problems,
    },
  });
}
