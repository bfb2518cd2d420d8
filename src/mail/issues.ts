import type { FindingId } from '../core/finding-ids';
import type { TlsaMatch } from './dane';
import type { SpfQualifier } from './spf';

/** The sections `--only` picks from. */
export const MAIL_SECTIONS = ['mx', 'tls', 'dane', 'mta-sts', 'tls-rpt', 'spf', 'dkim', 'dmarc'] as const;
export type MailSection = (typeof MAIL_SECTIONS)[number];

/** One thing wrong (or worth saying) about a domain's mail posture; the command turns each into a finding. */
export type MailIssue =
  | { id: 'mail.mx.none' }
  | { id: 'mail.mx.null' }
  | { id: 'mail.mx.implicit'; addresses: string[] }
  | { id: 'mail.mx.cname'; host: string; target: string }
  | { id: 'mail.mx.ip-literal'; host: string }
  | { id: 'mail.mx.unresolvable'; host: string; status: string; reason?: string }
  | { id: 'policy.denied'; host: string; reason: string }
  /** A lookup that failed (SERVFAIL, timeout, bogus): that part was not judged. */
  | { id: 'net.dns'; part: MailSection; name: string; reason: string }
  /** A connection-level failure reaching an MX (`net.refused`, `net.timeout`, `smtp.greeting-failed` …). */
  | { id: 'mail.mx.unreachable'; host: string; code: FindingId; reason: string }
  | { id: 'mail.starttls.missing'; host: string; reason: string }
  | { id: 'mail.starttls.cert'; host: string; certIds: string[]; trusted: boolean; daysRemaining: number }
  | { id: 'mail.dane.mismatch'; host: string; records: TlsaMatch[]; publish: string | null }
  | { id: 'mail.dane.unsigned'; host: string; records: number; unsignedPart: 'tlsa' | 'mx' }
  | { id: 'mail.dane.bogus'; host: string; name: string }
  | { id: 'mail.dane.rollover'; host: string; daysRemaining: number; publish: string | null }
  | { id: 'mail.mta-sts.missing' }
  | { id: 'mail.mta-sts.testing' }
  | { id: 'mail.mta-sts.mx-not-covered'; hosts: string[]; patterns: string[] }
  | { id: 'mail.mta-sts.policy-unreachable'; url: string; reason: string }
  | { id: 'mail.mta-sts.invalid'; where: 'txt' | 'policy'; errors: string[] }
  | { id: 'mail.tls-rpt.missing' }
  | { id: 'mail.tls-rpt.invalid'; errors: string[] }
  | { id: 'mail.spf.missing' }
  | { id: 'mail.spf.multiple'; records: string[] }
  | { id: 'mail.spf.syntax'; errors: string[] }
  | { id: 'mail.spf.too-many-lookups'; lookups: number; includes: Array<{ domain: string; lookups: number }> }
  | { id: 'mail.spf.void-lookups'; voidLookups: number }
  | { id: 'mail.spf.permissive'; all: SpfQualifier }
  | { id: 'mail.spf.macros'; macros: string[] }
  | { id: 'mail.dkim.missing'; tried: string[]; named: string[] }
  | { id: 'mail.dkim.weak-key'; selector: string; keyType: string; keyBits: number }
  | { id: 'mail.dkim.revoked'; selector: string }
  | { id: 'mail.dkim.testing'; selector: string }
  | { id: 'mail.dkim.invalid'; selector: string; errors: string[] }
  | { id: 'mail.dmarc.missing' }
  | { id: 'mail.dmarc.invalid'; errors: string[] }
  | { id: 'mail.dmarc.none'; pct: number }
  | { id: 'mail.dmarc.external-rua-unauthorized'; domains: string[] };

export type MailIssueId = MailIssue['id'];
