import { DiagError, isFindingError } from '../core/errors';
import type { FindingId } from '../core/finding-ids';
import { canonicalIp } from '../net/address';
import { matchTlsa, tlsaData, type TlsaMatch } from './dane';
import { isDmarcRecord, parseDmarc, externalReportDomains, type DmarcRecord } from './dmarc';
import { DEFAULT_SELECTORS, parseDkimKey, type DkimKey } from './dkim';
import type { MailIssue, MailSection } from './issues';
import { isMtaStsTxt, parseMtaStsPolicy, parseMtaStsTxt, uncoveredMx } from './mta-sts';
import { isNullMx, providerOf, sortMx } from './mx';
import { evaluateSpf, type SpfQualifier } from './spf';
import { isTlsRptRecord, parseTlsRpt } from './tls-rpt';
import type { DnssecStatus, Lookup, MailDns } from './types';

/** What probing one MX on port 25 gave (the command builds it with the TLS engine). */
export type MxProbeResult =
  | {
      ok: true;
      protocol: string;
      chain: Buffer[];
      certificate: Record<string, unknown>;
      certIds: string[];
      trusted: boolean;
      daysRemaining: number;
    }
  | { ok: false; code: FindingId; message: string };

export interface MailCheckDeps {
  dns: MailDns;
  /** STARTTLS on port 25 of `host` (resolved through the same DNS answers, checked against the target policy). */
  probeMx(host: string): Promise<MxProbeResult>;
  /** The MTA-STS policy body; throws a DiagError (policy.denied, mail.mta-sts.policy-unreachable, net.*). */
  fetchPolicy(domain: string): Promise<{ url: string; body: string }>;
  expiryWarningDays: number;
}

export interface MailCheckRequest {
  domain: string;
  selectors: readonly string[];
  only: ReadonlySet<MailSection>;
}

export interface MxHost {
  host: string;
  preference: number;
  addresses: string[];
  provider: string | null;
  starttls: boolean | null;
  protocol: string | null;
  certificate: Record<string, unknown> | null;
  tlsa: Array<Omit<TlsaMatch, 'data'> & { data: string }>;
  dnssec: DnssecStatus;
}

export interface MailPosture {
  domain: string;
  mxDnssec: DnssecStatus;
  mx: MxHost[];
  mtaSts: {
    id: string | null;
    mode: string | null;
    maxAge: number | null;
    mx: string[];
    covered: boolean | null;
    url: string | null;
  } | null;
  tlsRpt: { rua: string[] } | null;
  spf: { record: string | null; lookups: number; voidLookups: number; all: SpfQualifier | null } | null;
  dkim: { tried: string[]; keys: DkimKey[] } | null;
  dmarc: Omit<DmarcRecord, 'errors'> | null;
  issues: MailIssue[];
}

/** A lookup that did not answer (SERVFAIL, timeout, bogus) becomes `net.dns` for that part, never "missing". */
function failedLookup(lookup: Lookup<unknown>, part: MailSection, issues: MailIssue[]): boolean {
  if (lookup.status !== 'servfail' && lookup.status !== 'error') return false;
  issues.push({ id: 'net.dns', part, name: lookup.name, reason: lookup.reason ?? lookup.status });
  return true;
}

const tlsaRecord = (host: string, data: string | undefined): string | null =>
  data === undefined ? null : `_25._tcp.${host}. IN TLSA 3 1 1 ${data}`;

/**
 * A domain's mail posture: MX (with STARTTLS, certificates and DANE per host), MTA-STS, TLS-RPT,
 * SPF, DKIM and DMARC, each section only when `only` names it. Sections run at once; MTA-STS
 * coverage waits for the MX list. Facts and issues only: the command words the findings.
 */
export async function checkMailDomain(request: MailCheckRequest, deps: MailCheckDeps): Promise<MailPosture> {
  const { domain, only } = request;
  const issues: MailIssue[] = [];
  const posture: MailPosture = {
    domain,
    mxDnssec: 'insecure',
    mx: [],
    mtaSts: null,
    tlsRpt: null,
    spf: null,
    dkim: null,
    dmarc: null,
    issues,
  };
  const needMx = only.has('mx') || only.has('tls') || only.has('dane') || only.has('mta-sts');
  // Without the MX part the MX lookup still runs once: a domain that does not exist is an error, not "no SPF record".
  const mxDone = needMx
    ? checkMx(request, deps, posture)
    : deps.dns.mx(domain).then((mx) => assertAnswered(domain, mx));
  await Promise.all([
    mxDone,
    only.has('mta-sts') ? checkMtaSts(domain, deps, posture, mxDone) : undefined,
    only.has('tls-rpt') ? checkTlsRpt(domain, deps, posture) : undefined,
    only.has('spf') ? checkSpf(domain, deps, posture) : undefined,
    only.has('dkim') ? checkDkim(request, deps, posture) : undefined,
    only.has('dmarc') ? checkDmarc(domain, deps, posture) : undefined,
  ]);
  return posture;
}

/** The domain's MX answer must exist and have come back; otherwise the whole check is a `net.dns` error. */
function assertAnswered(domain: string, mx: Lookup<unknown>): void {
  if (mx.status === 'nxdomain') {
    throw new DiagError('net.dns', `${domain} does not exist in DNS (NXDOMAIN).`, {
      data: { domain },
      fix: { summary: `Check the spelling of the domain, e.g. \`mail contoso.com\`.` },
    });
  }
  if (mx.status === 'servfail' || mx.status === 'error') {
    throw new DiagError('net.dns', `The MX lookup of ${domain} failed: ${mx.reason ?? mx.status}.`, {
      data: { domain, dnssec: mx.dnssec },
      fix: {
        summary:
          "Check that the resolvers in dns.servers answer (and, for a bogus answer, the zone's DNSSEC signatures).",
      },
    });
  }
}

async function checkMx(request: MailCheckRequest, deps: MailCheckDeps, posture: MailPosture): Promise<void> {
  const { domain, only } = request;
  const { issues } = posture;
  const mx = await deps.dns.mx(domain);
  posture.mxDnssec = mx.dnssec;
  assertAnswered(domain, mx);
  let hosts: Array<{ host: string; preference: number }>;
  if (isNullMx(mx.records)) {
    if (only.has('mx')) issues.push({ id: 'mail.mx.null' });
    return;
  }
  if (mx.records.length === 0) {
    const implicit = await deps.dns.addresses(domain);
    if (implicit.records.length === 0) {
      if (only.has('mx')) issues.push({ id: 'mail.mx.none' });
      return;
    }
    if (only.has('mx')) issues.push({ id: 'mail.mx.implicit', addresses: implicit.records });
    hosts = [{ host: domain, preference: 0 }];
  } else {
    hosts = sortMx(mx.records).map((r) => ({ host: r.exchange, preference: r.preference }));
  }
  posture.mx = await Promise.all(hosts.map((h) => checkMxHost(h.host, h.preference, request, deps, posture)));
}

async function checkMxHost(
  host: string,
  preference: number,
  request: MailCheckRequest,
  deps: MailCheckDeps,
  posture: MailPosture,
): Promise<MxHost> {
  const { only } = request;
  const { issues } = posture;
  const entry: MxHost = {
    host,
    preference,
    addresses: [],
    provider: providerOf(host) ?? null,
    starttls: null,
    protocol: null,
    certificate: null,
    tlsa: [],
    dnssec: 'insecure',
  };
  if (canonicalIp(host)) {
    if (only.has('mx')) issues.push({ id: 'mail.mx.ip-literal', host });
    return entry;
  }
  const [addresses, tlsa] = await Promise.all([
    deps.dns.addresses(host),
    only.has('dane') ? deps.dns.tlsa(`_25._tcp.${host}`) : undefined,
  ]);
  if (addresses.dnssec === 'bogus') {
    // Senders that validate cannot even find the host; diagbot does not connect on unvalidated data either.
    issues.push({ id: 'mail.dane.bogus', host, name: host });
    entry.dnssec = 'bogus';
    return entry;
  }
  entry.addresses = addresses.records;
  entry.dnssec = tlsa?.dnssec ?? addresses.dnssec;
  if (addresses.cnames.length > 0 && only.has('mx'))
    issues.push({ id: 'mail.mx.cname', host, target: addresses.cnames[addresses.cnames.length - 1] as string });
  if (addresses.records.length === 0) {
    if (only.has('mx'))
      issues.push({ id: 'mail.mx.unresolvable', host, status: addresses.status, reason: addresses.reason });
    return entry;
  }
  if (!only.has('tls') && !only.has('dane')) return entry;
  const probe = await deps.probeMx(host);
  if (!probe.ok) {
    entry.starttls = probe.code === 'cert.starttls-unsupported' ? false : null;
    if (probe.code === 'policy.denied') issues.push({ id: 'policy.denied', host, reason: probe.message });
    else if (probe.code === 'cert.starttls-unsupported') {
      if (only.has('tls')) issues.push({ id: 'mail.starttls.missing', host, reason: probe.message });
    } else issues.push({ id: 'mail.mx.unreachable', host, code: probe.code, reason: probe.message });
  } else {
    entry.starttls = true;
    entry.protocol = probe.protocol;
    entry.certificate = probe.certificate;
    if (only.has('tls') && probe.certIds.length > 0)
      issues.push({
        id: 'mail.starttls.cert',
        host,
        certIds: probe.certIds,
        trusted: probe.trusted,
        daysRemaining: probe.daysRemaining,
      });
  }
  if (tlsa) checkDane(host, tlsa, probe, posture, entry, deps.expiryWarningDays);
  return entry;
}

function checkDane(
  host: string,
  tlsa: Awaited<ReturnType<MailDns['tlsa']>>,
  probe: MxProbeResult,
  posture: MailPosture,
  entry: MxHost,
  warnDays: number,
): void {
  const { issues } = posture;
  if (tlsa.dnssec === 'bogus') {
    issues.push({ id: 'mail.dane.bogus', host, name: tlsa.name });
    return;
  }
  if (failedLookup(tlsa, 'dane', issues)) return;
  if (tlsa.records.length === 0) return;
  const leaf = probe.ok ? probe.chain[0] : undefined;
  const publish = leaf ? tlsaRecord(host, tlsaData(leaf, 1, 1)) : null;
  const matched: TlsaMatch[] = probe.ok
    ? matchTlsa(tlsa.records, probe.chain)
    : tlsa.records.map((r) => ({ ...r, matches: false }));
  entry.tlsa = matched;
  // RFC 7672 §2.2: senders use TLSA only when both the MX RRset and the TLSA RRset validate.
  if (tlsa.dnssec !== 'secure' || posture.mxDnssec !== 'secure') {
    issues.push({
      id: 'mail.dane.unsigned',
      host,
      records: tlsa.records.length,
      unsignedPart: tlsa.dnssec !== 'secure' ? 'tlsa' : 'mx',
    });
    return;
  }
  if (!probe.ok) return;
  if (!matched.some((m) => m.matches)) {
    issues.push({ id: 'mail.dane.mismatch', host, records: matched, publish });
    return;
  }
  const usable = matched.filter((m) => m.unusable === undefined);
  if (probe.daysRemaining >= 0 && probe.daysRemaining <= warnDays && usable.every((m) => m.matches))
    issues.push({ id: 'mail.dane.rollover', host, daysRemaining: probe.daysRemaining, publish });
}

/** The record and the policy are fetched while the MX hosts are probed; only the coverage waits for the MX list. */
async function checkMtaSts(
  domain: string,
  deps: MailCheckDeps,
  posture: MailPosture,
  mxDone: Promise<void>,
): Promise<void> {
  const { issues } = posture;
  const txt = await deps.dns.txt(`_mta-sts.${domain}`);
  if (failedLookup(txt, 'mta-sts', issues)) return;
  const records = txt.records.filter(isMtaStsTxt);
  if (records.length === 0) {
    issues.push({ id: 'mail.mta-sts.missing' });
    return;
  }
  const parsed = parseMtaStsTxt(records[0] as string);
  const errors =
    records.length > 1
      ? [`${records.length} v=STSv1 records; senders ignore them all unless there is exactly one`, ...parsed.errors]
      : parsed.errors;
  posture.mtaSts = { id: parsed.id, mode: null, maxAge: null, mx: [], covered: null, url: null };
  if (errors.length > 0) issues.push({ id: 'mail.mta-sts.invalid', where: 'txt', errors });
  let fetched: { url: string; body: string };
  try {
    fetched = await deps.fetchPolicy(domain);
  } catch (error) {
    if (!isFindingError(error)) throw error;
    if (error.code === 'policy.denied')
      issues.push({ id: 'policy.denied', host: `mta-sts.${domain}`, reason: error.message });
    else
      issues.push({
        id: 'mail.mta-sts.policy-unreachable',
        url: `https://mta-sts.${domain}/.well-known/mta-sts.txt`,
        reason: error.message,
      });
    return;
  }
  const policy = parseMtaStsPolicy(fetched.body);
  // A failed MX lookup is reported by checkMx; coverage is then judged against no hosts.
  await mxDone.catch(() => undefined);
  const hosts = posture.mx.map((m) => m.host);
  const uncovered = uncoveredMx(policy.mx, hosts);
  posture.mtaSts = {
    id: parsed.id,
    mode: policy.mode,
    maxAge: policy.maxAge,
    mx: policy.mx,
    covered: uncovered.length === 0,
    url: fetched.url,
  };
  if (policy.errors.length > 0) issues.push({ id: 'mail.mta-sts.invalid', where: 'policy', errors: policy.errors });
  if (policy.mode === 'testing') issues.push({ id: 'mail.mta-sts.testing' });
  if (uncovered.length > 0 && policy.mode !== 'none')
    issues.push({ id: 'mail.mta-sts.mx-not-covered', hosts: uncovered, patterns: policy.mx });
}

async function checkTlsRpt(domain: string, deps: MailCheckDeps, posture: MailPosture): Promise<void> {
  const txt = await deps.dns.txt(`_smtp._tls.${domain}`);
  if (failedLookup(txt, 'tls-rpt', posture.issues)) return;
  const records = txt.records.filter(isTlsRptRecord);
  if (records.length === 0) {
    posture.issues.push({ id: 'mail.tls-rpt.missing' });
    return;
  }
  const parsed = parseTlsRpt(records[0] as string);
  posture.tlsRpt = { rua: parsed.rua };
  const errors =
    records.length > 1
      ? [`${records.length} v=TLSRPTv1 records; there must be exactly one`, ...parsed.errors]
      : parsed.errors;
  if (errors.length > 0) posture.issues.push({ id: 'mail.tls-rpt.invalid', errors });
}

async function checkSpf(domain: string, deps: MailCheckDeps, posture: MailPosture): Promise<void> {
  const { issues } = posture;
  const spf = await evaluateSpf(domain, deps.dns);
  posture.spf = { record: spf.record, lookups: spf.lookups, voidLookups: spf.voidLookups, all: spf.all };
  if (spf.lookupFailed !== undefined) {
    issues.push({ id: 'net.dns', part: 'spf', name: domain, reason: spf.lookupFailed });
    return;
  }
  if (spf.records.length === 0) {
    issues.push({ id: 'mail.spf.missing' });
    return;
  }
  if (spf.records.length > 1) {
    issues.push({ id: 'mail.spf.multiple', records: spf.records });
    return;
  }
  if (spf.errors.length > 0) issues.push({ id: 'mail.spf.syntax', errors: spf.errors });
  if (spf.lookups > 10) issues.push({ id: 'mail.spf.too-many-lookups', lookups: spf.lookups, includes: spf.includes });
  if (spf.voidLookups > 2) issues.push({ id: 'mail.spf.void-lookups', voidLookups: spf.voidLookups });
  if (spf.all === '+' || spf.all === '?') issues.push({ id: 'mail.spf.permissive', all: spf.all });
  if (spf.macros.length > 0) issues.push({ id: 'mail.spf.macros', macros: spf.macros });
}

async function checkDkim(request: MailCheckRequest, deps: MailCheckDeps, posture: MailPosture): Promise<void> {
  const named = [...new Set(request.selectors.map((s) => s.toLowerCase()))];
  const tried = named.length > 0 ? named : [...DEFAULT_SELECTORS];
  const lookups = await Promise.all(
    tried.map(async (selector) => ({
      selector,
      lookup: await deps.dns.txt(`${selector}._domainkey.${request.domain}`),
    })),
  );
  const keys: DkimKey[] = [];
  for (const { selector, lookup } of lookups) {
    if (failedLookup(lookup, 'dkim', posture.issues)) continue;
    const record = lookup.records.find((r) => /(^|;)\s*(v=DKIM1|p=|k=)/i.test(r));
    if (record === undefined) {
      if (named.length > 0) posture.issues.push({ id: 'mail.dkim.missing', tried: [selector], named });
      continue;
    }
    const key = parseDkimKey(selector, record);
    keys.push(key);
    if (key.revoked) posture.issues.push({ id: 'mail.dkim.revoked', selector });
    else if (key.errors.length > 0) posture.issues.push({ id: 'mail.dkim.invalid', selector, errors: key.errors });
    else if (key.keyType === 'rsa' && key.keyBits !== null && key.keyBits < 2048)
      posture.issues.push({ id: 'mail.dkim.weak-key', selector, keyType: key.keyType, keyBits: key.keyBits });
    if (key.testing) posture.issues.push({ id: 'mail.dkim.testing', selector });
  }
  posture.dkim = { tried, keys };
  const answered = lookups.filter((l) => l.lookup.status !== 'servfail' && l.lookup.status !== 'error').length;
  if (named.length === 0 && keys.length === 0 && answered > 0)
    posture.issues.push({ id: 'mail.dkim.missing', tried, named });
}

async function checkDmarc(domain: string, deps: MailCheckDeps, posture: MailPosture): Promise<void> {
  const { issues } = posture;
  const txt = await deps.dns.txt(`_dmarc.${domain}`);
  if (failedLookup(txt, 'dmarc', issues)) return;
  const records = txt.records.filter(isDmarcRecord);
  if (records.length === 0) {
    // A record that tries to be DMARC but misspells the version is invalid, not missing.
    const near = txt.records.find((r) => /^v\s*=\s*dmarc/i.test(r.trim()));
    issues.push(
      near
        ? { id: 'mail.dmarc.invalid', errors: [`\`${near.slice(0, 80)}\` does not start with v=DMARC1`] }
        : { id: 'mail.dmarc.missing' },
    );
    return;
  }
  if (records.length > 1) {
    issues.push({
      id: 'mail.dmarc.invalid',
      errors: [`${records.length} DMARC records; receivers ignore them all unless there is exactly one`],
    });
    return;
  }
  const dmarc = parseDmarc(records[0] as string);
  const { errors, ...facts } = dmarc;
  posture.dmarc = facts;
  if (errors.length > 0) issues.push({ id: 'mail.dmarc.invalid', errors });
  if (dmarc.p === 'none') issues.push({ id: 'mail.dmarc.none', pct: dmarc.pct });
  const external = externalReportDomains(domain, dmarc);
  const unauthorised: string[] = [];
  await Promise.all(
    external.map(async (reportDomain) => {
      const auth = await deps.dns.txt(`${domain}._report._dmarc.${reportDomain}`);
      if (!auth.records.some(isDmarcRecord)) unauthorised.push(reportDomain);
    }),
  );
  if (unauthorised.length > 0)
    issues.push({ id: 'mail.dmarc.external-rua-unauthorized', domains: unauthorised.sort() });
}
