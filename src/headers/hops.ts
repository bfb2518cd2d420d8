import { parseMailDate } from './date';
import { MAX_HOPS } from './limits';
import { parseReceived } from './received';
import type { Hop, Problem } from './types';

/**
 * The Received: chain in order from the sender, with the time each hop took and where two clocks disagree.
 * Trace fields are prepended by each server, so the first Received: in the paste is the last hop.
 */

export interface Chain {
  hops: Hop[];
  largestDelay: { hop: number; seconds: number } | null;
  totalSeconds?: number;
  /** Seconds from the Date: header to the first stamp (the sender's Outbox, or its clock); negative when Date: is later. */
  submissionSeconds?: number;
  problems: Problem[];
}

/**
 * `received` are the Received: values in paste order (newest first); `dateHeader` the Date: value. Each hop's
 * delay is counted from the hop before it, as the stamps say; the wait between Date: and the first stamp (the
 * sender's Outbox, or a wrong clock on the sender's device) is reported apart, as `submissionSeconds`.
 */
export function buildChain(received: readonly string[], dateHeader: string | undefined): Chain {
  const problems: Problem[] = [];
  let values = received;
  if (values.length > MAX_HOPS) {
    problems.push({ kind: 'too-many-hops', hops: values.length, limit: MAX_HOPS });
    // Keep the newest hops: they are where the message is now, and where a loop shows.
    values = values.slice(0, MAX_HOPS);
  }
  const hops: Hop[] = [];
  const times: (number | undefined)[] = [];
  const ordered = [...values].reverse();
  for (const [index, raw] of ordered.entries()) {
    const parts = parseReceived(raw);
    const { date: _date, dateText: _dateText, ...clauses } = parts;
    const hop: Hop = { index, raw, ...clauses };
    if (parts.date) {
      hop.at = new Date(parts.date.ms).toISOString();
      if (!parts.date.zoneKnown)
        problems.push({
          kind: 'unknown-zone',
          hop: index,
          text: raw
            .slice(raw.lastIndexOf(';') + 1)
            .trim()
            .slice(0, 60),
        });
    } else if (parts.dateText) {
      problems.push({ kind: 'bad-date', hop: index, text: parts.dateText });
    } else {
      problems.push({ kind: 'no-date', hop: index });
    }
    if (!parts.by && !parts.date) problems.push({ kind: 'no-by', hop: index });
    times.push(parts.date?.ms);
    hops.push(hop);
  }

  const steps: (number | undefined)[] = hops.map((_, i) => {
    const now = times[i];
    const before = i === 0 ? undefined : times[i - 1];
    return now === undefined || before === undefined ? undefined : Math.round((now - before) / 1000);
  });
  // A backwards step k means the clock at k-1 is fast or the one at k is slow. A fast clock inflates the step
  // before it, a slow one the step after it: whichever neighbour is larger is measured across the skew instead —
  // unless that step stays within one clock (two servers of one organisation share their domain's time), where
  // the skew cannot have inflated it.
  const effective = steps.map((step) => (step === undefined ? undefined : Math.max(0, step)));
  const crossesClock = (i: number): boolean => i >= 1 && i < hops.length && !sameClock(hops[i - 1], hops[i]);
  for (let k = 1; k < steps.length; k += 1) {
    const step = steps[k];
    if (step === undefined || step >= 0) continue;
    const before = steps[k - 1];
    const after = steps[k + 1];
    const larger = (before ?? -1) >= (after ?? -1) ? k - 1 : k + 1;
    const other = larger === k - 1 ? k + 1 : k - 1;
    const side = crossesClock(larger) ? larger : crossesClock(other) ? other : undefined;
    if (side === undefined) continue;
    const inflated = steps[side];
    if (inflated !== undefined && inflated > 0)
      effective[side] = Math.max(0, Math.min(effective[side] ?? inflated, inflated + step));
  }
  for (const [i, hop] of hops.entries()) {
    const step = steps[i];
    if (step === undefined) continue;
    if (step < 0) hop.skewSeconds = -step;
    hop.delaySeconds = effective[i] ?? 0;
  }

  let largestDelay: Chain['largestDelay'] = null;
  for (const hop of hops) {
    if (
      hop.delaySeconds !== undefined &&
      hop.delaySeconds > 0 &&
      (!largestDelay || hop.delaySeconds > largestDelay.seconds)
    ) {
      largestDelay = { hop: hop.index, seconds: hop.delaySeconds };
    }
  }
  const known = times.filter((t): t is number => t !== undefined);
  const chain: Chain = { hops, largestDelay, problems };
  const sent = dateHeader ? parseMailDate(dateHeader) : undefined;
  const first = times[0];
  if (sent && first !== undefined) chain.submissionSeconds = Math.round((first - sent.ms) / 1000);
  if (known.length >= 2) chain.totalSeconds = Math.round((Math.max(...known) - Math.min(...known)) / 1000);
  return chain;
}

/** The domain a host's clock is kept by: its last two labels (`ex01.corp.example` and `ex02.corp.example` share one). */
function clockDomain(host: string | undefined): string | undefined {
  if (!host) return undefined;
  const labels = host.toLowerCase().replace(/\.$/, '').split('.');
  return labels.length >= 3 ? labels.slice(-2).join('.') : undefined;
}

function sameClock(a: Hop | undefined, b: Hop | undefined): boolean {
  const x = clockDomain(a?.by);
  return x !== undefined && x === clockDomain(b?.by);
}
