import { z } from 'zod';
import { CODE_REF } from './code-ref';

/**
 * The knowledge-base file format (YAML under src/kb/data), validated when loaded. An entry is data:
 * how to recognise an error (signatures), what it means, why it happens, how to fix it, where the
 * vendor documents it, and which diagbot checks are worth running next.
 */

// Defined apart (code-ref.ts), so the matcher has it without building these schemas.
export { CODE_REF };

const codeRef = z
  .string()
  .transform((s) => s.trim().toLowerCase())
  .refine(
    (s) => CODE_REF.test(s),
    'a code is kind:value, e.g. win32:1722, hresult:0x800706ba, smtp:5.7.1, ldap-data:52e, tls:verify:20, jet:-1018, aadsts:50076, kdc:0x18',
  );

const weight = z.number().min(0.05).max(3);

/** Words that must appear together, in order (`smtp virtual server`), or a code (`smtp:5.7.1`). Bare numbers (`636`) are words too. */
const term = z
  // YAML reads an unquoted 0xC0000234 as the number 3221226036: a bare number is only a small word (a port, an event id).
  .union([
    z.string(),
    z
      .number()
      .int()
      .min(0)
      .max(
        999_999,
        'quote codes such as 0xC0000234 (YAML reads them as numbers); write hex codes as code keys, e.g. ntstatus:0xc0000234',
      ),
  ])
  .transform((v) => String(v).trim())
  .pipe(z.string().min(2).max(120));

const phraseText = z.string().trim().min(2).max(400);
const phrase = z.union([
  phraseText.transform((text) => ({ text, weight: 1, min: 0.6 })),
  z
    .object({
      text: phraseText,
      weight: weight.default(1),
      /** The least share of the phrase (words and word pairs) that counts as present; lower tolerates partial pastes. */
      min: z.number().min(0.2).max(1).default(0.6),
    })
    .strict(),
]);

const pattern = z
  .object({
    regex: z.string().min(2).max(300),
    weight: weight.default(0.5),
  })
  .strict();

export const signaturesSchema = z
  .object({
    /** Error text in the vendor's words; scored by the share of its words and word pairs present. */
    phrases: z.array(phrase).default([]),
    codes: z.array(z.union([codeRef, z.object({ code: codeRef, weight: weight.default(0.6) }).strict()])).default([]),
    /** Optional words that make the entry more likely, each a little. */
    keywords: z.array(term).default([]),
    /** Groups that must all be present; a group is satisfied by any one of its terms. */
    required: z.array(z.array(term).min(1)).default([]),
    /** Any of these present rules the entry out. */
    exclude: z.array(term).default([]),
    /** Regular expressions (case-insensitive), for what words cannot say; keep them simple. */
    patterns: z.array(pattern).default([]),
  })
  .strict();

const link = z
  .object({
    title: z.string().min(3).max(160),
    url: z
      .string()
      .url()
      .refine((u) => u.startsWith('https://'), 'links must be https'),
  })
  .strict();

/** Where a fix step applies: a Postfix paste gets the Linux steps, an Exchange paste the PowerShell ones. */
export const PLATFORMS = ['windows', 'linux'] as const;
export type Platform = (typeof PLATFORMS)[number];

/** A fix step: plain text (always shown) or text for one platform. */
const step = z.union([
  z
    .string()
    .min(3)
    .transform((text) => ({ text, platform: undefined as Platform | undefined })),
  z.object({ text: z.string().min(3), platform: z.enum(PLATFORMS) }).strict(),
]);

const FOLLOW_UP = /^(cert|relay|ou|mail|explain|help) [^\n]{1,200}$/;
const PLACEHOLDER = /\{([a-z]+)\}/g;
const KNOWN_PLACEHOLDERS = new Set(['host', 'ip', 'dn', 'email', 'domain', 'url']);

export const kbEntrySchema = z
  .object({
    id: z.string().regex(/^[a-z0-9]+(?:[.-][a-z0-9]+)*$/, 'ids are lower-case words joined by dots or hyphens'),
    title: z.string().min(5).max(140),
    /**
     * For SMTP refusals, the side that refused: `inbound` when our server refused a client or sender (`NOQUEUE: reject:
     * RCPT from`), `outbound` when a remote server refused our mail (`host … said: 550`, an NDR's `Remote Server returned`).
     * A text that clearly reads the other way rules the entry out (direction.ts).
     */
    direction: z.enum(['inbound', 'outbound']).optional(),
    /**
     * A catch-all for a status or a symptom (`HTTP 401`, `access denied`, `connection refused`): beside an entry for a
     * specific error it yields, and alone it is the diagnosis only of a text that is little more than the status; otherwise
     * it is possibly related (calibrate.ts, principles 1 and 9).
     */
    generic: z.boolean().default(false),
    /**
     * The entry names a consequence whose cause the paste usually quotes beside it (`QUEUE.Expired` above the queue's last
     * error, a crash report above its exception), or a warning printed beside other failures (Postfix's "hostname … does
     * not resolve" above a refusal): an entry for that cause, confident and with evidence of its own, goes first
     * (calibrate.ts, principle 1).
     */
    consequence: z.boolean().default(false),
    /**
     * A catch-all that names a status, not a cause (`Access is denied`, HTTP 401): the cause is whatever the text says
     * beside it, so the entry tells what the status means and is never the diagnosis, at most possibly related
     * (calibrate.ts, principle 8).
     */
    statusOnly: z.boolean().default(false),
    /** How bad the explained error is: `fail` for hard errors, `warn` for deferrals and retries. */
    severity: z.enum(['info', 'warn', 'fail']).default('fail'),
    products: z.array(z.string().min(2)).min(1),
    versions: z.array(z.string().min(1)).default([]),
    signatures: signaturesSchema.refine(
      (s) => s.phrases.length + s.codes.length > 0,
      'an entry needs at least one phrase or code',
    ),
    explanation: z.string().min(20),
    causes: z.array(z.string().min(5)).min(1),
    fix: z
      .object({
        summary: z.string().min(5),
        steps: z.array(step).min(1),
      })
      .strict(),
    /** Advice that differs by version, one line each (`Exchange 2019 CU12+: …`); shown after the steps. */
    versionNotes: z.array(z.string().min(5).max(400)).default([]),
    links: z.array(link).min(1),
    /** diagbot commands worth running next, filled from what the text names: `cert {host}`, `relay {ip}`, `ou "{dn}"`. */
    followUps: z
      .array(
        z
          .string()
          .refine((t) => FOLLOW_UP.test(t), 'a follow-up is a diagbot command, e.g. cert {host}')
          .refine(
            (t) => [...t.matchAll(PLACEHOLDER)].every((m) => KNOWN_PLACEHOLDERS.has(m[1] as string)),
            'placeholders are {host}, {ip}, {dn}, {email}, {domain}, {url}',
          ),
      )
      .default([]),
  })
  .strict();

export const kbFileSchema = z.object({ entries: z.array(z.unknown()).min(1) }).strict();

/** Plain-language meanings for common codes, keyed like signatures (`win32:5`, `hresult:0x8004010f`). */
export const meaningsFileSchema = z
  .object({
    meanings: z.record(
      z.string().regex(CODE_REF, 'keys are lower-case kind:value codes, e.g. win32:5'),
      z.string().min(5).max(400),
    ),
  })
  .strict();

export type KbEntry = z.infer<typeof kbEntrySchema>;
export type KbPhrase = KbEntry['signatures']['phrases'][number];
export type KbStep = KbEntry['fix']['steps'][number];
