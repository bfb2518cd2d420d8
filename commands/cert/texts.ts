import { z } from 'zod';
import { dataFileOnce } from '../../src/core/data-file';
import { cases, checkLinkNames, fixText, linkTable, text } from '../../src/core/text-schema';
import type { CertIssueId } from '../../src/tls/types';

/*
 * What `cert` says lives in texts.yaml beside this file, where a writer can edit it; this module is its shape.
 * Every finding's fields are exactly the texts commands/cert.ts picks, so a missing case fails at load, and
 * every finding id of the engine must have an entry (a compile error otherwise).
 */

/** The server's own certificate (`leaf`) or a CA certificate on its path (`ca`). */
const leafOrCa = <T extends z.ZodType>(item: T) => cases(['leaf', 'ca'], item);
const finding = <H extends z.ZodType, M extends z.ZodType, F extends z.ZodType>(headline: H, message: M, fix: F) =>
  z.strictObject({ headline, message, fix });

const findings = {
  'cert.expired': finding(leafOrCa(text), text, leafOrCa(fixText)),
  'cert.not-yet-valid': finding(text, text, fixText),
  'cert.expiring-soon': finding(leafOrCa(text), text, fixText),
  'cert.name-mismatch': finding(
    text,
    cases(['address', 'name', 'commonName'], text),
    cases(['address', 'name'], fixText),
  ),
  'cert.cn-not-in-san': finding(text, text, fixText),
  'cert.short-name': finding(
    text,
    cases(['requested', 'requestedNoFullName', 'carried'], text),
    cases(['fullName', 'noFullName'], fixText),
  ),
  'cert.untrusted.self-signed': finding(text, text, fixText),
  'cert.untrusted.missing-intermediate': finding(
    text,
    cases(['aiaUrl', 'noAiaUrl'], text),
    cases(['aiaUrl', 'noAiaUrl'], fixText),
  ),
  'cert.untrusted.unknown-root': finding(text, cases(['sent', 'notSent'], text), fixText),
  'cert.weak-key': finding(cases(['known', 'unknown'], text), cases(['known', 'unknown'], text), fixText),
  'cert.weak-signature': finding(text, text, leafOrCa(fixText)),
  'cert.principal-name-mismatch': finding(text, cases(['cn', 'noCn'], text), cases(['cn', 'noCn'], fixText)),
} satisfies Record<CertIssueId, z.ZodType>;

export const certTextsSchema = z
  .strictObject({
    phrases: z.strictObject({ again: text, leafCertificate: text, caCertificate: text }),
    findings: z.strictObject({ 'cert.ok': z.strictObject({ headline: text, message: text }), ...findings }),
    /** Fixes for the checks that could not run, by error code. */
    errors: z.strictObject({
      'cert.starttls-unsupported': cases(['smtp', 'other'], fixText),
      'smtp.greeting-failed': fixText,
      'cert.handshake-failed': fixText,
    }),
    links: linkTable,
  })
  // Every link a fix names is defined in `links`.
  .superRefine((doc, ctx) => checkLinkNames(doc.links, { findings: doc.findings, errors: doc.errors }, ctx));

/** The same schema under the name scripts/compile-data.js looks for: the build validates texts.yaml with it. */
export { certTextsSchema as dataFileSchema };

export type CertTexts = z.output<typeof certTextsSchema>;

/** The texts, read and validated on first use (a `cert` run), then kept; `help` never reads them. */
export const loadCertTexts: () => Promise<CertTexts> = dataFileOnce(__dirname, 'texts', certTextsSchema);
