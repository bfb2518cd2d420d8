import { readAuth } from './auth';
import { readBlock, type Field } from './block';
import { isHeaderBlock } from './detect';
import { parseMailDate } from './date';
import { buildChain } from './hops';
import type { HeaderAnalysis } from './types';
import { readVerdicts } from './verdicts';

/**
 * The headers engine: a paste in, facts out (hops, delays, skew, authentication, verdicts, what was odd about
 * the paste). Pure and synchronous: nothing is fetched and no host or address in the headers is contacted.
 */

function first(fields: readonly Field[], key: string): string | undefined {
  return fields.find((f) => f.key === key)?.value;
}

/** The address inside `Name <a@b>` or a bare `a@b`. */
function address(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const angle = /<([^<>\s]+@[^<>\s]+)>/.exec(value)?.[1];
  const bare = angle ?? /([^\s<>"(),;:]+@[^\s<>"(),;:]+)/.exec(value)?.[1];
  return bare?.toLowerCase();
}

function domainOf(addr: string | undefined): string | undefined {
  if (!addr) return undefined;
  const domain = addr.slice(addr.lastIndexOf('@') + 1).replace(/[.>]+$/, '');
  return domain === '' ? undefined : domain;
}

/** Analyses a paste. Never throws for any text; a paste that is no header block gives `found: false`. */
export function analyseHeaders(text: string): HeaderAnalysis {
  const { fields, problems } = readBlock(text);
  const received = fields.filter((f) => f.key === 'received').map((f) => f.value);
  const dateHeader = first(fields, 'date');
  const chain = buildChain(received, dateHeader);
  const auth = readAuth(fields);
  const verdicts = readVerdicts(fields);
  const from = address(first(fields, 'from'));
  const recipientDomains = new Set<string>();
  for (const key of ['to', 'delivered-to', 'x-original-to', 'x-ms-exchange-organization-originalenvelopeto']) {
    for (const field of fields) {
      if (field.key !== key) continue;
      for (const part of field.value.split(',').slice(0, 20)) {
        const domain = domainOf(address(part));
        if (domain) recipientDomains.add(domain);
      }
    }
  }
  const found = isHeaderBlock(text) || received.length >= 2 || (received.length >= 1 && fields.length >= 3);
  const analysis: HeaderAnalysis = {
    found,
    hops: chain.hops,
    largestDelay: chain.largestDelay,
    auth,
    verdicts,
    recipientDomains: [...recipientDomains],
    problems: [...problems, ...chain.problems],
    fieldCount: fields.length,
  };
  if (chain.totalSeconds !== undefined) analysis.totalSeconds = chain.totalSeconds;
  if (chain.submissionSeconds !== undefined) analysis.submissionSeconds = chain.submissionSeconds;
  const messageId = first(fields, 'message-id');
  if (messageId) analysis.messageId = messageId.slice(0, 300);
  const subject = first(fields, 'subject');
  if (subject !== undefined) analysis.subject = subject.slice(0, 300);
  if (from) analysis.from = from;
  const fromDomain = domainOf(from);
  if (fromDomain) analysis.fromDomain = fromDomain;
  const sent = dateHeader ? parseMailDate(dateHeader) : undefined;
  if (sent) analysis.date = new Date(sent.ms).toISOString();
  return analysis;
}
