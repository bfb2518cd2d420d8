/** The DNS engine's facts (no chat text). */

/** What the validating resolver said about an answer's DNSSEC status. */
export type DnssecStatus = 'secure' | 'insecure' | 'bogus';

/** How a lookup ended: records found, the name missing, the name present without this type, or no answer. */
export type LookupStatus = 'ok' | 'nxdomain' | 'nodata' | 'servfail' | 'error';

export interface DnsServer {
  host: string;
  port: number;
}

export interface MxRecord {
  preference: number;
  exchange: string;
}

export interface TlsaRecord {
  usage: number;
  selector: number;
  matchingType: number;
  /** The association data, hex. */
  data: string;
}

/** One lookup's result: the records of the asked type, the CNAME chain followed, and the DNSSEC verdict. */
export interface Lookup<T> {
  name: string;
  status: LookupStatus;
  dnssec: DnssecStatus;
  records: T[];
  /** The names the answer went through (CNAME targets), in order; empty when there was none. */
  cnames: string[];
  /** Why it failed, for `servfail` / `error`. */
  reason?: string;
}

/** The port other engines use (the mail engine declares the same shape). */
export interface DnsLookups {
  txt(name: string): Promise<Lookup<string>>;
  mx(name: string): Promise<Lookup<MxRecord>>;
  addresses(name: string): Promise<Lookup<string>>;
  tlsa(name: string): Promise<Lookup<TlsaRecord>>;
}
