import { parseReportUris, parseTags } from './tags';

export interface TlsRptRecord {
  rua: string[];
  errors: string[];
}

/** True for a TLS-RPT record (`v=TLSRPTv1` first). */
export function isTlsRptRecord(text: string): boolean {
  return /^v\s*=\s*TLSRPTv1\s*(;|$)/i.test(text.trim());
}

/** Reads a TLS-RPT record (RFC 8460 §3): `v=TLSRPTv1; rua=mailto:…,https://…`. */
export function parseTlsRpt(record: string): TlsRptRecord {
  const { tags, order, errors } = parseTags(record);
  if (order[0] !== 'v' || tags.get('v') !== 'TLSRPTv1') errors.push('the record must start with v=TLSRPTv1');
  const rua = tags.get('rua');
  if (rua === undefined) {
    errors.push('rua= (where reports go) is missing');
    return { rua: [], errors };
  }
  const parsed = parseReportUris(rua, ['mailto', 'https']);
  if (parsed.uris.length === 0 && parsed.errors.length === 0) errors.push('rua= names no address');
  return { rua: parsed.uris, errors: [...errors, ...parsed.errors] };
}
