import type { Finding, Severity } from '../../src/core/reply';
import type { HeaderAnalysis, Hop } from '../../src/headers';
import { clock, duration, hopFrom, shortHost } from './format';

/** The largest delay and any clock skew, as findings. */

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

function delayFix(analysis: HeaderAnalysis, hop: Hop): Finding['fix'] {
  const from = hopFrom(hop);
  const greylist = analysis.verdicts.find((v) => v.kind === 'delay');
  if (greylist) {
    return {
      summary: `${greylist.meaning} (${greylist.field}): greylisting explains a wait of minutes on the first message from a new sender; the sender's retry interval sets how long.`,
      steps: [
        'Nothing is broken. To spare known partners the wait, add their sending servers to the greylisting whitelist.',
      ],
    };
  }
  const held = shortHost(from);
  if (/\.outlook\.com$/i.test(from ?? '')) {
    return {
      summary:
        'The wait is inside Microsoft 365: check the message trace for throttling, a deferral or a retried delivery.',
      steps: [
        'Exchange admin center → Mail flow → Message trace, search by the Message-ID; "Deferred" events name the reason.',
      ],
    };
  }
  return {
    summary: `The message waited in ${held}'s queue before ${shortHost(hop.by)} accepted it: find out why ${held} could not hand it on.`,
    steps: [
      `On ${held}: look at its queue and its log for this message (Exchange: Get-Queue and Get-Message -Queue on ${held}, or the message tracking log; Postfix: mailq and the maillog) — a "451"/"421" deferral, a DNS or TLS error, or a smart host that was down shows why.`,
      `Check that ${held} can reach ${shortHost(hop.by)} now (port 25, TLS, certificate) and that its connector points at the right host.`,
      'A long wait that ended on its own is usually a retry after an outage or throttling; several messages held the same way point at the connector, not the message.',
    ],
  };
}

const OUTBOX_FIX = {
  summary:
    "The wait is before the first server: between the Date: header (when the message was written or sent) and the first stamp. It sat in the sender's Outbox, or the sender's clock is off.",
  steps: [
    'Outlook offline or in a slow cached-mode sync, a phone without signal, a "delay delivery" rule or an add-in all hold mail in the Outbox.',
    "Compare the sending device's clock with the first server's.",
  ],
};

/** The Date: → first stamp wait when it is worth saying (a minute or more), else undefined. */
export function notableSubmission(analysis: HeaderAnalysis): number | undefined {
  const seconds = analysis.submissionSeconds;
  return seconds !== undefined && seconds >= NOTABLE_DELAY_SECONDS ? seconds : undefined;
}

/** `headers.delay`: the largest delay, named; absent when there is no stamp to measure. */
export function delayFinding(analysis: HeaderAnalysis): Finding | undefined {
  const { largestDelay, hops } = analysis;
  const submission = notableSubmission(analysis);
  const first = hops[0];
  const outbox =
    submission !== undefined && first
      ? `The first server (${shortHost(first.by)}) stamped it ${duration(submission)} after its Date: header (${clock(analysis.date)}).`
      : undefined;
  if (hops.filter((h) => h.at).length < 2 && !outbox) return undefined;
  if (!largestDelay || largestDelay.seconds < NOTABLE_DELAY_SECONDS) {
    const between = `${analysis.totalSeconds !== undefined ? `${duration(analysis.totalSeconds)} from the first to the last server` : 'every hop took under a minute'}${largestDelay ? `, the longest step ${duration(largestDelay.seconds)} (${hopRoute(hops[largestDelay.hop] as Hop, hops)})` : ''}`;
    if (outbox) {
      return {
        id: 'headers.delay',
        severity: (submission ?? 0) >= 15 * 60 ? 'warn' : 'info',
        message: `No delay between servers (${between}). ${outbox}`,
        fix: OUTBOX_FIX,
      };
    }
    return { id: 'headers.delay', severity: 'ok', message: `No notable delay: ${between}.` };
  }
  const hop = hops[largestDelay.hop] as Hop;
  const before = hops[largestDelay.hop - 1];
  const severity: Severity = Math.max(largestDelay.seconds, submission ?? 0) >= 15 * 60 ? 'warn' : 'info';
  const since = before?.at ? `${clock(before.at)} (at ${shortHost(before.by)})` : 'the previous stamp';
  return {
    id: 'headers.delay',
    severity,
    message: `Held ${duration(largestDelay.seconds)} at ${hopRoute(hop, hops)}: stamped ${since}, then ${clock(hop.at, before?.at)} by ${hop.by ?? '?'}.${analysis.totalSeconds !== undefined ? ` ${duration(analysis.totalSeconds)} in all.` : ''}${outbox ? ` ${outbox}` : ''}`,
    fix: delayFix(analysis, hop),
  };
}

/** `headers.skew`: hops whose clock reads earlier than the hop before — not a delay, and not a negative one. */
export function skewFinding(analysis: HeaderAnalysis): Finding | undefined {
  const skewed = analysis.hops.filter((h) => (h.skewSeconds ?? 0) > 0);
  // A Date: later than the first stamp by minutes: the sending device's clock is ahead (seconds are normal rounding).
  const senderAhead =
    (analysis.submissionSeconds ?? 0) <= -NOTABLE_DELAY_SECONDS ? -(analysis.submissionSeconds ?? 0) : 0;
  if (skewed.length === 0 && senderAhead === 0) return undefined;
  const worst = Math.max(senderAhead, ...skewed.map((h) => h.skewSeconds ?? 0));
  const parts = skewed
    .slice(0, 5)
    .map((h) => `${hopRoute(h, analysis.hops)} stamped ${duration(h.skewSeconds ?? 0)} earlier than the step before`);
  if (senderAhead > 0)
    parts.unshift(
      `the Date: header is ${duration(senderAhead)} later than the first server's stamp (the sender's clock is ahead)`,
    );
  const list = parts.join('; ');
  return {
    id: 'headers.skew',
    severity: worst >= 300 ? 'warn' : 'info',
    message: `Clock skew, not a delay: ${list}${skewed.length > 5 ? `; and ${skewed.length - 5} more` : ''}.${skewed.length > 0 ? ' The delays next to it are measured across it.' : ''}`,
    ...(worst >= 300
      ? {
          fix: {
            summary:
              "A server's clock is off by minutes: point it at a reliable time source (NTP; on Windows w32tm /resync against the domain hierarchy).",
          },
        }
      : {}),
  };
}
