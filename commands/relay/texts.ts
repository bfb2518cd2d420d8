import { z } from 'zod';
import { dataFileOnce } from '../../src/core/data-file';
import { cases, text } from '../../src/core/text-schema';
import type { Change, PathEvaluation, PathStep, TopologyIssue } from '../../src/relay';
import type { RelayProbeResult } from '../../src/smtp/probe';
import { LINKS } from './links';

/*
 * What `relay` says about a live probe and about the topology lives in texts.yaml beside this file, where a writer
 * can edit it; this module is its shape. Every field is exactly a text commands/relay/live.ts or policy.ts picks, so
 * a missing case fails at load; the words must cover every method and outcome of the probe, and every verdict,
 * path step, change and topology issue of the policy (a compile error otherwise).
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

const verdicts = ['allowed', 'denied', 'no-connector', 'depends-on-automap'] as const satisfies ReadonlyArray<
  PathEvaluation['verdict']
>;
const shells = ['tmsh', 'exchange-powershell', 'irule'] as const satisfies ReadonlyArray<Change['shell']>;
const everyVerdict: Missing<PathEvaluation['verdict'], (typeof verdicts)[number]> = true;
const everyShell: Missing<Change['shell'], (typeof shells)[number]> = true;
void everyVerdict;
void everyShell;

/** What `relay --policy-only` and a live reply's path findings say: one entry per path step and topology issue. */
const policyTexts = z.strictObject({
  noTopology: z.strictObject({ message: text, fix: z.strictObject({ summary: text }) }),
  title: text,
  verdict: cases(verdicts, text),
  change: cases(shells, text),
  path: z.strictObject({
    client: text,
    'bypass-load-balancer': text,
    'data-group': cases(['member', 'notMember'], text),
    snat: cases(['none', 'automap', 'address'], text),
    connector: cases(['none', 'relay', 'noRelay', 'tied', 'several'], text),
  } satisfies Record<PathStep['kind'], z.ZodType>),
  findings: z.strictObject({
    'relay.policy.path': z.strictObject({
      message: cases(['plain', 'notByDataGroup'], text),
      fix: z.strictObject({ summary: text, links: cases(['loadBalancer', 'noLoadBalancer'], links) }),
    }),
    'relay.policy.no-connector': z.strictObject({
      message: text,
      fix: z.strictObject({ summary: text, relayStep: text, ownDomainsStep: text, links }),
    }),
    'relay.policy.automap-open-relay': z.strictObject({
      message: text,
      why: cases(['automap', 'defaultSnat'], text),
      unnamed: cases(['loadBalancer', 'dataGroup'], text),
      fix: fixText,
    }),
    'relay.policy.snat-mismatch': z.strictObject({ message: cases(['connector', 'noConnector'], text), fix: fixText }),
    'relay.policy.port-exhaustion': z.strictObject({ message: text, fix: fixText }),
  } satisfies Record<`relay.policy.${TopologyIssue['kind'] | 'path' | 'no-connector'}`, z.ZodType>),
});

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
  policy: policyTexts,
});

/** The same schema under the name scripts/compile-data.js looks for: the build validates texts.yaml with it. */
export { relayTextsSchema as dataFileSchema };

export type RelayTexts = z.output<typeof relayTextsSchema>;

/** The texts, read and validated on first use (a `relay` run), then kept; `help` never reads them. */
export const loadRelayTexts: () => Promise<RelayTexts> = dataFileOnce(__dirname, 'texts', relayTextsSchema);
