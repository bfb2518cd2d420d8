import type { Finding, Severity } from '../../src/core/reply';
import type { HeaderAnalysis, Hop } from '../../src/headers';
import { fill } from '../../src/core/template';
import { clock, duration, hopFrom, shortHost } from './format';
import type { HeadersTexts } from './texts';

type DelayTexts = HeadersTexts['delay'];

/** The largest delay and any clock skew, as findings, in the words of headers/texts.yaml (delay). */

/** Below this a wait is normal transit time, not a delay worth a title. */
export const NOTABLE_DELAY_SECONDS = 60;

/**
 * `EXCH02 → EOP` for a hop. A hop that names no client (`Received: by …`) came from the server of the hop
 * before it, or from the sender's program when it is the first.
 */
export function hopRoute(hop: Hop, hops: readonly Hop[]): string {
  const from = hopFrom(hop) ?? (hop.index === 0 ? 'the sender' : hops[hop.index - 1]?.by);
  return `${shortHost(from)} → ${shortHost(hop.by)}`;
}

function delayFix(analysis: HeaderAnalysis, hop: Hop, texts: DelayTexts): Finding['fix'] {
  const from = hopFrom(hop);
  const greylist = analysis.verdicts.find((v) => v.kind === 'delay');
  if (greylist) {
    const { summary, steps } = texts.fix.greylist;
    return { summary: fill(summary, { meaning: greylist.meaning, field: greylist.field }), steps: [...steps] };
  }
  const held = shortHost(from);
  if (/\.outlook\.com$/i.test(from ?? '')) {
    const { summary, steps } = texts.fix.microsoft365;
    return { summary, steps: [...steps] };
  }
  const values = { held, by: shortHost(hop.by) };
  const { summary, steps } = texts.fix.queue;
  return { summary: fill(summary, values), steps: steps.map((step) => fill(step, values)) };
}

/** The Date: → first stamp wait when it is worth saying (a minute or more), else undefined. */
export function notableSubmission(analysis: HeaderAnalysis): number | undefined {
  const seconds = analysis.submissionSeconds;
  return seconds !== undefined && seconds >= NOTABLE_DELAY_SECONDS ? seconds : undefined;
}

/** `headers.delay`: the largest delay, named; absent when there is no stamp to measure. */
export function delayFinding(analysis: HeaderAnalysis, texts: DelayTexts): Finding | undefined {
  const { largestDelay, hops } = analysis;
  const submission = notableSubmission(analysis);
  const first = hops[0];
  const outbox =
    submission !== undefined && first
      ? fill(texts.outbox, { first: shortHost(first.by), duration: duration(submission), date: clock(analysis.date) })
      : undefined;
  if (hops.filter((h) => h.at).length < 2 && !outbox) return undefined;
  if (!largestDelay || largestDelay.seconds < NOTABLE_DELAY_SECONDS) {
    const between = `${analysis.totalSeconds !== undefined ? fill(texts.between.total, { duration: duration(analysis.totalSeconds) }) : texts.between.underAMinute}${largestDelay ? fill(texts.between.longest, { duration: duration(largestDelay.seconds), route: hopRoute(hops[largestDelay.hop] as Hop, hops) }) : ''}`;
    if (outbox) {
      const { summary, steps } = texts.fix.outbox;
      return {
        id: 'headers.delay',
        severity: (submission ?? 0) >= 15 * 60 ? 'warn' : 'info',
        message: fill(texts.noneButOutbox, { between, outbox }),
        fix: { summary, steps: [...steps] },
      };
    }
    return { id: 'headers.delay', severity: 'ok', message: fill(texts.none, { between }) };
  }
  const hop = hops[largestDelay.hop] as Hop;
  const before = hops[largestDelay.hop - 1];
  const severity: Severity = Math.max(largestDelay.seconds, submission ?? 0) >= 15 * 60 ? 'warn' : 'info';
  const since = before?.at
    ? fill(texts.since.stamp, { clock: clock(before.at), host: shortHost(before.by) })
    : texts.since.unknown;
  return {
    id: 'headers.delay',
    severity,
    message: fill(texts.held, {
      duration: duration(largestDelay.seconds),
      route: hopRoute(hop, hops),
      since,
      clock: clock(hop.at, before?.at),
      by: hop.by ?? '?',
      total:
        analysis.totalSeconds !== undefined
          ? ` ${fill(texts.total, { duration: duration(analysis.totalSeconds) })}`
          : '',
      outbox: outbox ? ` ${outbox}` : '',
    }),
    fix: delayFix(analysis, hop, texts),
  };
}

/** `headers.skew`: hops whose clock reads earlier than the hop before — not a delay, and not a negative one. */
export function skewFinding(analysis: HeaderAnalysis, texts: DelayTexts): Finding | undefined {
  const t = texts.skew;
  const skewed = analysis.hops.filter((h) => (h.skewSeconds ?? 0) > 0);
  // A Date: later than the first stamp by minutes: the sending device's clock is ahead (seconds are normal rounding).
  const senderAhead =
    (analysis.submissionSeconds ?? 0) <= -NOTABLE_DELAY_SECONDS ? -(analysis.submissionSeconds ?? 0) : 0;
  if (skewed.length === 0 && senderAhead === 0) return undefined;
  const worst = Math.max(senderAhead, ...skewed.map((h) => h.skewSeconds ?? 0));
  const parts = skewed
    .slice(0, 5)
    .map((h) => fill(t.hop, { route: hopRoute(h, analysis.hops), duration: duration(h.skewSeconds ?? 0) }));
  if (senderAhead > 0) parts.unshift(fill(t.senderAhead, { duration: duration(senderAhead) }));
  return {
    id: 'headers.skew',
    severity: worst >= 300 ? 'warn' : 'info',
    message: fill(t.message, {
      list: parts.join('; '),
      more: skewed.length > 5 ? fill(t.more, { count: skewed.length - 5 }) : '',
      across: skewed.length > 0 ? t.across : '',
    }),
    ...(worst >= 300 ? { fix: { summary: t.fix.summary } } : {}),
  };
}
