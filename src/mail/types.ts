/** The mail engine's facts (contracts/reply.md, `mail`). No chat text lives here. */

export type DnssecStatus = 'secure' | 'insecure' | 'bogus';
export type LookupStatus = 'ok' | 'nxdomain' | 'nodata' | 'servfail' | 'error';

export interface Lookup<T> {
  name: string;
  status: LookupStatus;
  dnssec: DnssecStatus;
  records: T[];
  cnames: string[];
  reason?: string;
}

export interface MxRecord {
  preference: number;
  exchange: string;
}

export interface TlsaRecord {
  usage: number;
  selector: number;
  matchingType: number;
  data: string;
}

/** The DNS port the mail engine is handed (src/dns implements it; the command passes it in). */
export interface MailDns {
  txt(name: string): Promise<Lookup<string>>;
  mx(name: string): Promise<Lookup<MxRecord>>;
  addresses(name: string): Promise<Lookup<string>>;
  tlsa(name: string): Promise<Lookup<TlsaRecord>>;
}

/** TXT records that start with `prefix` (case-insensitive), e.g. `v=spf1` — the ones a protocol reads. */
export function recordsWith(lookup: Lookup<string>, prefix: RegExp): string[] {
  return lookup.records.filter((r) => prefix.test(r.trim()));
}
