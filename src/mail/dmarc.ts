import { mailtoDomain, parseReportUris, parseTags } from './tags';

export type DmarcPolicy = 'none' | 'quarantine' | 'reject';

export interface DmarcRecord {
  record: string;
  p: DmarcPolicy | null;
  sp: DmarcPolicy | null;
  pct: number;
  rua: string[];
  ruf: string[];
  adkim: 'r' | 's';
  aspf: 'r' | 's';
  errors: string[];
}

const POLICY = /^(none|quarantine|reject)$/i;

/** True for a DMARC record (`v=DMARC1` first). */
export function isDmarcRecord(text: string): boolean {
  return /^v\s*=\s*DMARC1\s*(;|$)/i.test(text.trim());
}

/** Reads a DMARC record (RFC 7489 §6.3); problems are in `errors`, defaults filled in as receivers do. */
export function parseDmarc(record: string): DmarcRecord {
  const { tags, order, errors } = parseTags(record);
  if (order[0] !== 'v' || tags.get('v') !== 'DMARC1') errors.push('the record must start with v=DMARC1');
  const policy = (name: 'p' | 'sp'): DmarcPolicy | null => {
    const value = tags.get(name);
    if (value === undefined) return null;
    if (!POLICY.test(value)) {
      errors.push(`${name}=${value.slice(0, 40)} is not none, quarantine or reject`);
      return null;
    }
    return value.toLowerCase() as DmarcPolicy;
  };
  const p = policy('p');
  if (!tags.has('p')) errors.push('p= (the policy) is missing');
  const sp = policy('sp');
  let pct = 100;
  const pctText = tags.get('pct');
  if (pctText !== undefined) {
    if (/^\d{1,3}$/.test(pctText) && Number(pctText) <= 100) pct = Number(pctText);
    else errors.push(`pct=${pctText.slice(0, 20)} is not 0–100`);
  }
  const alignment = (name: 'adkim' | 'aspf'): 'r' | 's' => {
    const value = tags.get(name);
    if (value === undefined) return 'r';
    if (!/^[rs]$/i.test(value)) errors.push(`${name}=${value.slice(0, 20)} is not r or s`);
    return value.toLowerCase() === 's' ? 's' : 'r';
  };
  const rua = parseReportUris(tags.get('rua') ?? '', ['mailto', 'https']);
  const ruf = parseReportUris(tags.get('ruf') ?? '', ['mailto', 'https']);
  errors.push(...rua.errors.map((e) => `rua: ${e}`), ...ruf.errors.map((e) => `ruf: ${e}`));
  return {
    record,
    p,
    sp,
    pct,
    rua: rua.uris,
    ruf: ruf.uris,
    adkim: alignment('adkim'),
    aspf: alignment('aspf'),
    errors,
  };
}

/**
 * Whether `reportDomain` is the domain, a subdomain of it, or a parent of it. Without a public suffix
 * list a sibling (reports.contoso.com for mail.contoso.com) counts as outside: then the authorisation
 * record is looked up, so the worst case is a warning a receiver would not give, never a missed one.
 */
export function sameOrganisation(domain: string, reportDomain: string): boolean {
  const a = domain.toLowerCase().replace(/\.$/, '');
  const b = reportDomain.toLowerCase().replace(/\.$/, '');
  return a === b || a.endsWith(`.${b}`) || b.endsWith(`.${a}`);
}

/** The report domains outside the organisation that need `<domain>._report._dmarc.<them>` (RFC 7489 §7.1). */
export function externalReportDomains(domain: string, record: DmarcRecord): string[] {
  const domains = [...record.rua, ...record.ruf].map(mailtoDomain).filter((d): d is string => d !== undefined);
  return [...new Set(domains.filter((d) => !sameOrganisation(domain, d)))];
}
