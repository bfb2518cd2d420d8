import { z } from 'zod';
import { dataFileOnce } from '../../src/core/data-file';
import { cases, checkLinkNames, fixText, linkTable, text } from '../../src/core/text-schema';
import type { MailIssueId } from '../../src/mail/issues';

/*
 * What `mail` says lives in texts.yaml beside this file, where a writer can edit it; this module is its shape.
 * Every finding's fields are exactly the texts commands/mail/findings.ts picks, so a missing case fails at load,
 * and every issue id of the engine must have an entry (a compile error otherwise).
 */

const finding = <H extends z.ZodType, M extends z.ZodType, F extends z.ZodType>(headline: H, message: M, fix: F) =>
  z.strictObject({ headline, message, fix });
/** A finding with `parts`: pieces of a sentence, filled first and given to the texts as a placeholder. */
const withParts = <H extends z.ZodType, M extends z.ZodType, F extends z.ZodType, P extends z.ZodRawShape>(
  headline: H,
  message: M,
  fix: F,
  parts: P,
) => z.strictObject({ headline, message, fix, parts: z.strictObject(parts) });
const plain = finding(text, text, fixText);
const publishOrNot = cases(['publish', 'noPublish'], fixText);

const findings = {
  'mail.mx.none': plain,
  'mail.mx.null': plain,
  'mail.mx.implicit': plain,
  'mail.mx.cname': plain,
  'mail.mx.ip-literal': plain,
  'mail.mx.unresolvable': withParts(text, text, fixText, { why: cases(['nxdomain', 'nodata'], text) }),
  'policy.denied': plain,
  'net.dns': plain,
  'mail.mx.unreachable': plain,
  'mail.starttls.missing': plain,
  'mail.starttls.cert': finding(text, cases(['trusted', 'untrusted'], text), fixText),
  'mail.dane.mismatch': finding(text, cases(['unusable', 'usable'], text), publishOrNot),
  'mail.dane.unsigned': withParts(text, text, fixText, {
    unsigned: cases(['tlsa', 'mx'], text),
    zone: cases(['tlsa', 'mx'], text),
  }),
  'mail.dane.bogus': plain,
  'mail.dane.rollover': finding(text, text, publishOrNot),
  'mail.mta-sts.missing': plain,
  'mail.mta-sts.testing': plain,
  'mail.mta-sts.mx-not-covered': withParts(text, text, fixText, { noPatterns: text, hostStep: text }),
  'mail.mta-sts.policy-unreachable': plain,
  'mail.mta-sts.invalid': finding(
    cases(['txt', 'policy'], text),
    cases(['txt', 'policy'], text),
    cases(['txt', 'policy'], fixText),
  ),
  'mail.tls-rpt.missing': plain,
  'mail.tls-rpt.invalid': plain,
  'mail.spf.missing': plain,
  'mail.spf.multiple': plain,
  'mail.spf.syntax': plain,
  'mail.spf.too-many-lookups': finding(text, cases(['heavy', 'noIncludes'], text), fixText),
  'mail.spf.void-lookups': plain,
  'mail.spf.permissive': withParts(text, text, fixText, { effect: cases(['pass', 'neutral'], text) }),
  'mail.spf.macros': z.strictObject({ headline: text, message: text }),
  'mail.dkim.missing': finding(
    cases(['named', 'common'], text),
    cases(['named', 'common'], text),
    cases(['named', 'common'], fixText),
  ),
  'mail.dkim.weak-key': withParts(text, text, fixText, { judgement: cases(['below1024', 'atLeast1024'], text) }),
  'mail.dkim.revoked': plain,
  'mail.dkim.testing': plain,
  'mail.dkim.invalid': plain,
  'mail.dmarc.missing': plain,
  'mail.dmarc.invalid': plain,
  'mail.dmarc.none': plain,
  'mail.dmarc.external-rua-unauthorized': withParts(text, text, fixText, {
    who: cases(['one', 'many'], text),
    domainStep: text,
  }),
} satisfies Record<MailIssueId, z.ZodType>;

export const mailTextsSchema = z
  .strictObject({
    phrases: z.strictObject({ again: text, listMore: text, bulletMore: text, more: text }),
    findings: z.strictObject({ 'mail.ok': z.strictObject({ headline: text, message: text }), ...findings }),
    links: linkTable,
  })
  // Every link a fix names is defined in `links`.
  .superRefine((doc, ctx) => checkLinkNames(doc.links, { findings: doc.findings }, ctx));

/** The same schema under the name scripts/compile-data.js looks for: the build validates texts.yaml with it. */
export { mailTextsSchema as dataFileSchema };

export type MailTexts = z.output<typeof mailTextsSchema>;

/** The texts, read and validated on first use (a `mail` run), then kept; `help` never reads them. */
export const loadMailTexts: () => Promise<MailTexts> = dataFileOnce(__dirname, 'texts', mailTextsSchema);
