/**
 * Every finding id a Reply may carry, as data and as a type. The ids of contracts/reply.md are stable:
 * renderers, digests (diffs between runs), docs, runbook links (`links`) and tests key on them, so a misspelt
 * id must fail the typecheck, not a chat. test/unit/core/finding-ids.test.ts reads the contract and fails
 * when this list and the document disagree.
 */

/** The ids contracts/reply.md lists, in its order: the shared errors, then one list per command. */
export const CONTRACT_FINDING_IDS = [
  // Errors every command shares
  'usage',
  'policy.denied',
  'net.dns',
  'net.refused',
  'net.timeout',
  'net.unreachable',
  'internal',
  // cert
  'cert.ok',
  'cert.expired',
  'cert.not-yet-valid',
  'cert.expiring-soon',
  'cert.name-mismatch',
  'cert.cn-not-in-san',
  'cert.short-name',
  'cert.untrusted.self-signed',
  'cert.untrusted.missing-intermediate',
  'cert.untrusted.unknown-root',
  'cert.weak-key',
  'cert.weak-signature',
  'cert.principal-name-mismatch',
  'cert.starttls-unsupported',
  'cert.handshake-failed',
  // relay
  'relay.accepted',
  'relay.denied',
  'relay.open',
  'relay.blocked-allowed-client',
  'relay.auth-required',
  'relay.policy.path',
  'relay.policy.no-connector',
  'relay.policy.automap-open-relay',
  'relay.policy.snat-mismatch',
  'relay.policy.port-exhaustion',
  'smtp.greeting-failed',
  'smtp.unexpected-reply',
  'smtp.xclient-unsupported',
  // ou
  'ou.found',
  'ou.default-container',
  'ou.not-found',
  'ou.ambiguous',
  'ou.disabled',
  'ldap.bind-failed',
  'ldap.unavailable',
  // explain (beside the `kb.<entry-id>` and `code.<kind>` families below)
  'explain.no-match',
  // digest
  'digest.created',
  'digest.removed',
  'digest.list',
  'digest.ran',
  'digest.changed',
  'digest.bad-schedule',
  // mail
  'mail.ok',
  'mail.mx.none',
  'mail.mx.null',
  'mail.mx.implicit',
  'mail.mx.cname',
  'mail.mx.ip-literal',
  'mail.mx.unresolvable',
  'mail.starttls.missing',
  'mail.starttls.cert',
  'mail.dane.mismatch',
  'mail.dane.unsigned',
  'mail.dane.bogus',
  'mail.dane.rollover',
  'mail.mta-sts.missing',
  'mail.mta-sts.testing',
  'mail.mta-sts.mx-not-covered',
  'mail.mta-sts.policy-unreachable',
  'mail.mta-sts.invalid',
  'mail.tls-rpt.missing',
  'mail.tls-rpt.invalid',
  'mail.spf.missing',
  'mail.spf.multiple',
  'mail.spf.syntax',
  'mail.spf.too-many-lookups',
  'mail.spf.void-lookups',
  'mail.spf.permissive',
  'mail.dkim.missing',
  'mail.dkim.weak-key',
  'mail.dkim.revoked',
  'mail.dkim.testing',
  'mail.dmarc.missing',
  'mail.dmarc.invalid',
  'mail.dmarc.none',
  'mail.dmarc.external-rua-unauthorized',
  // headers
  'headers.delay',
  'headers.skew',
  'headers.auth.spf',
  'headers.auth.dkim',
  'headers.auth.dmarc',
  'headers.auth.compauth',
  'headers.auth.arc',
  'headers.spam',
  'headers.partial',
  'headers.none',
] as const;

/**
 * Ids the code answers with that the contract does not list (yet): guard rails, the store, commands added
 * after the contract (help, audit), and a few finer findings. Kept apart so the contract test can tell a
 * new id from a misspelt one; moving one into the contract moves it to the list above.
 */
export const EXTRA_FINDING_IDS = [
  // configuration and guard rails
  'config.invalid',
  'auth.forbidden',
  'rate.limited',
  // the connection closed mid-conversation (a step of net.* that the contract does not name)
  'net.closed',
  // the store and the platforms' post ports
  'store.unavailable',
  'teams.not-started',
  'teams.no-conversation',
  // digest beyond the contract's list
  'digest.paused',
  'digest.resumed',
  'digest.limit',
  'digest.busy',
  'digest.not-found',
  // mail and headers beyond the contract's list
  'mail.mx.unreachable',
  'mail.spf.macros',
  'mail.dkim.invalid',
  'headers.loop',
  // help and audit, commands added after the contract
  'help.usage',
  'help.option',
  'help.note',
  'help.command',
  'audit.summary',
  'audit.more',
  'audit.entry',
  'audit.unavailable',
] as const;

/**
 * The kinds of code `explain` decodes; each is a `code.<kind>` finding. The one list: src/kb/codes `CodeKind`
 * is this type (an engine may import core; core imports nothing of ours), so a decoder kind not listed here
 * does not compile.
 */
export const CODE_FINDING_KINDS = [
  'hresult',
  'win32',
  'ntstatus',
  'ldap',
  'smtp',
  'http',
  'tls',
  'jet',
  'aadsts',
  'kdc',
  'sspi',
  'winhttp',
  'schannel',
] as const;
export type CodeFindingKind = (typeof CODE_FINDING_KINDS)[number];

/** One id of the lists above. */
export type ListedFindingId = (typeof CONTRACT_FINDING_IDS)[number] | (typeof EXTRA_FINDING_IDS)[number];

/**
 * A finding id: a listed one, a knowledge-base entry that matched (`kb.<entry-id>`, ids from src/kb/data)
 * or a decoded code (`code.<kind>`).
 *
 * @example
 * const id: FindingId = 'cert.expiring-soon';   // ok
 * const bad: FindingId = 'cert.expiring_soon';  // does not compile
 */
export type FindingId = ListedFindingId | `kb.${string}` | `code.${CodeFindingKind}`;

const LISTED = new Set<string>([
  ...CONTRACT_FINDING_IDS,
  ...EXTRA_FINDING_IDS,
  ...CODE_FINDING_KINDS.map((kind) => `code.${kind}`),
]);
/** A knowledge-base entry id (src/kb/schema.ts) behind `kb.`. */
const KB_FINDING = /^kb\.[a-z0-9]+(?:[.-][a-z0-9]+)*$/;

/** True when `id` is a finding id: for text read back from storage or typed by an operator. */
export function isFindingId(id: string): id is FindingId {
  return LISTED.has(id) || KB_FINDING.test(id);
}
