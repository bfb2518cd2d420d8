import { z } from 'zod';
import { loadDataFile } from '../../src/core/data-file';
import { cases, text } from '../../src/core/text-schema';
import type { RelayProbeResult } from '../../src/smtp/probe';
import { LINKS } from './links';

/*
 * What `relay` says about a live probe lives in texts.yaml beside this file, where a writer can edit it; this
 * module is its shape. Every field is exactly a text commands/relay/live.ts picks, so a missing case fails at
 * load; the method and outcome words must cover every method and outcome of the probe (a compile error otherwise).
 */

/** Names from commands/relay/links.ts. */
const links = z.array(z.enum(Object.keys(LINKS) as [keyof typeof LINKS, ...Array<keyof typeof LINKS>])).min(1);
const fixText = z.strictObject({ summary: text, links });

const methods = ['source-bind', 'xclient', 'direct'] as const satisfies ReadonlyArray<RelayProbeResult['method']>;
const outcomes = [
  'accepted',
  'denied',
  'auth-required',
  'sender-rejected',
  'recipient-rejected',
  'temporary',
  'unexpected',
] as const satisfies ReadonlyArray<RelayProbeResult['outcome']>;
// Every method and outcome has words: adding one to the probe fails here until the file has them.
type Missing<All, Listed> = Exclude<All, Listed> extends never ? true : Exclude<All, Listed>;
const everyMethod: Missing<RelayProbeResult['method'], (typeof methods)[number]> = true;
const everyOutcome: Missing<RelayProbeResult['outcome'], (typeof outcomes)[number]> = true;
void everyMethod;
void everyOutcome;

export const relayTextsSchema = z.strictObject({
  phrases: z.strictObject({
    title: text,
    titleError: text,
    openRelay: text,
    acceptedAtRcpt: text,
    portError: text,
    from: text,
    afterStarttls: text,
    forBot: cases(['policy', 'noPolicy'], text),
    directWhy: cases(['xclientUnusable', 'notLocal', 'notLocalXclientOff'], text),
  }),
  words: z.strictObject({ method: cases(methods, text), outcome: cases(outcomes, text) }),
  findings: z.strictObject({
    'smtp.xclient-unsupported': z.strictObject({ message: cases(['refused', 'notOffered'], text), fix: fixText }),
    'relay.accepted': z.strictObject({ message: cases(['local', 'external'], text) }),
    'relay.open': z.strictObject({
      message: cases(['denied', 'public'], text),
      fix: z.strictObject({ summary: text, localDomainStep: text, links }),
    }),
    'relay.denied': z.strictObject({ why: cases(['permanent', 'temporary'], text), message: text }),
    'relay.auth-required': z.strictObject({ why: text, message: text, fix: fixText }),
    'relay.blocked-allowed-client': z.strictObject({
      message: cases(['connector', 'noConnector'], text),
      fix: fixText,
    }),
    'smtp.unexpected-reply': z.strictObject({
      message: text,
      fix: cases(['sender-rejected', 'recipient-rejected', 'temporary', 'other'], fixText),
    }),
  }),
});

/** The same schema under the name scripts/compile-data.js looks for: the build validates texts.yaml with it. */
export { relayTextsSchema as dataFileSchema };

export type RelayTexts = z.output<typeof relayTextsSchema>;

let loaded: Promise<RelayTexts> | undefined;

/** The texts, read and validated on first use (a live `relay` run), then kept; `help` never reads them. */
export function loadRelayTexts(): Promise<RelayTexts> {
  loaded ??= loadDataFile(__dirname, 'texts', relayTextsSchema);
  return loaded;
}
