import { z } from 'zod';
import { dataFileOnce } from '../../src/core/data-file';
import { cases, checkLinkNames, linkTable, text } from '../../src/core/text-schema';
import type { ParentType } from '../../src/dn';

/*
 * What `ou` says lives in texts.yaml beside this file, where a writer can edit it; this module is its shape. Every
 * field is exactly a text commands/ou.ts picks, so a missing case fails at load.
 */

/** Names from `links`. */
const links = z.array(z.string()).min(1);
const kinds = ['ou', 'container', 'domain'] as const satisfies ReadonlyArray<ParentType>;
// Every kind of parent has a word: a new kind in src/dn fails here until the file has it.
const everyKind: Exclude<ParentType, (typeof kinds)[number]> extends never ? true : false = true;
void everyKind;

export const ouTextsSchema = z
  .strictObject({
    title: z.strictObject({ found: text, container: text, notFound: text, noBaseDn: text, ambiguous: text }),
    kind: cases(kinds, text),
    findings: z.strictObject({
      'ou.found': z.strictObject({ message: cases(['domainRoot', 'inside'], text), who: text }),
      'ou.default-container': z.strictObject({
        message: text,
        fix: z.strictObject({ summary: text, users: text, other: text, links }),
      }),
      'ou.disabled': z.strictObject({ message: text, fix: z.strictObject({ summary: text, links }) }),
      'ou.not-found': z.strictObject({
        message: text,
        fix: z.strictObject({
          summary: text,
          tryAnother: cases(['sAMAccountName', 'other'], text),
          search: text,
          referrals: text,
          links,
        }),
      }),
      'ou.ambiguous': z.strictObject({
        message: text,
        truncated: text,
        user: text,
        matched: text,
        fix: z.strictObject({ summary: text, links }),
      }),
      'ldap.unavailable': z.strictObject({
        message: cases(['missing', 'notGiven'], text),
        fix: z.strictObject({
          summary: text,
          secret: text,
          setting: text,
          steps: z.array(text).min(1),
          links,
        }),
      }),
    }),
    links: linkTable,
  })
  // Every link a fix names is defined in `links`.
  .superRefine((doc, ctx) => checkLinkNames(doc.links, { findings: doc.findings }, ctx));

/** The same schema under the name scripts/compile-data.js looks for: the build validates texts.yaml with it. */
export { ouTextsSchema as dataFileSchema };

export type OuTexts = z.output<typeof ouTextsSchema>;

/** The texts, read and validated on first use (an `ou` run), then kept; `help` never reads them. */
export const loadOuTexts: () => Promise<OuTexts> = dataFileOnce(__dirname, 'texts', ouTextsSchema);
