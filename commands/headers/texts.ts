import { z } from 'zod';
import { dataFileOnce } from '../../src/core/data-file';
import { cases, checkLinkNames, linkTable, text } from '../../src/core/text-schema';
import type { Problem } from '../../src/headers';

/*
 * What `headers` says — authentication, delays, spam verdicts, loops, partial pastes — lives in texts.yaml beside this
 * file, where a writer can edit it; this module is its shape. Every field is exactly a text commands/headers/auth.ts,
 * delay.ts, verdicts.ts or reply.ts picks, so a missing case fails at load; every kind of partial-paste problem has a
 * text (a compile error otherwise).
 */

const steps = z.array(text).min(1);
/** Names from `links`. */
const links = z.array(z.string()).min(1);

export const headersTextsSchema = z
  .strictObject({
    phrases: z.strictObject({ forDomain: text, detail: text, said: text }),
    auth: z.strictObject({
      spf: z.strictObject({
        message: text,
        fix: z.strictObject({
          summary: cases(['ownIp', 'own', 'otherIp', 'other', 'permerror', 'temperror'], text),
          noDomain: text,
          steps,
          links,
        }),
      }),
      dkim: z.strictObject({
        message: text,
        unverified: text,
        noSelector: text,
        unsigned: z.strictObject({ summary: cases(['own', 'other'], text), steps, links }),
        failed: z.strictObject({ summary: text, steps, links }),
      }),
      dmarc: z.strictObject({
        message: text,
        fix: z.strictObject({
          summary: cases(['domain', 'noDomain'], text),
          steps,
          lastStep: cases(['own', 'other'], text),
          links,
        }),
      }),
      compauth: z.strictObject({
        message: text,
        fix: z.strictObject({ summary: text, steps, links }),
        reasons: cases(
          [
            'none',
            '000',
            '001',
            '002',
            '010',
            '130',
            'passed',
            'softPass',
            'notChecked',
            'bypassed',
            'selfSpoof',
            'undocumented',
          ],
          text,
        ),
      }),
      arc: z.strictObject({ message: text, fix: z.strictObject({ summary: text, links }) }),
    }),
    delay: z.strictObject({
      outbox: text,
      between: z.strictObject({ total: text, underAMinute: text, longest: text }),
      none: text,
      noneButOutbox: text,
      held: text,
      since: z.strictObject({ stamp: text, unknown: text }),
      total: text,
      fix: z.strictObject({
        greylist: z.strictObject({ summary: text, steps }),
        microsoft365: z.strictObject({ summary: text, steps }),
        queue: z.strictObject({ summary: text, steps }),
        outbox: z.strictObject({ summary: text, steps }),
      }),
      skew: z.strictObject({
        message: text,
        hop: text,
        senderAhead: text,
        more: text,
        across: text,
        fix: z.strictObject({ summary: text }),
      }),
    }),
    spam: z.strictObject({
      message: cases(['skipped', 'spam', 'bulk'], text),
      verdict: text,
      skippedFix: z.strictObject({ summary: text }),
      fix: z.strictObject({ summary: text, authFailed: text, bulk: text, steps }),
    }),
    loop: z.strictObject({ message: text, fix: z.strictObject({ summary: text, steps }) }),
    partial: z.strictObject({
      message: text,
      more: text,
      problems: z.strictObject({
        cut: text,
        'too-many-hops': text,
        body: cases(['one', 'many'], text),
        'leading-text': cases(['one', 'many'], text),
        'starts-mid-header': text,
        'no-date': text,
        'bad-date': text,
        'unknown-zone': text,
        'no-by': text,
      } satisfies Record<Problem['kind'], z.ZodType>),
      fix: z.strictObject({ summary: text, steps }),
    }),
    none: z.strictObject({
      message: cases(['empty', 'notABlock'], text),
      fix: z.strictObject({ summary: text, steps }),
    }),
    links: linkTable,
  })
  // Every link a fix names is defined in `links`.
  .superRefine((doc, ctx) => checkLinkNames(doc.links, { auth: doc.auth }, ctx));

/** The same schema under the name scripts/compile-data.js looks for: the build validates texts.yaml with it. */
export { headersTextsSchema as dataFileSchema };

export type HeadersTexts = z.output<typeof headersTextsSchema>;

/** The texts, read and validated on first use (a `headers` answer), then kept; `help` never reads them. */
export const loadHeadersTexts: () => Promise<HeadersTexts> = dataFileOnce(__dirname, 'texts', headersTextsSchema);
