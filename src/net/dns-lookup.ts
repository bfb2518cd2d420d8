/**
 * The shape of a DNS answer as the DNS engine gives it and the mail engine reads it: shared protocol
 * facts, kept here below both so neither engine imports the other.
 */

/** What the validating resolver said about an answer's DNSSEC status. */
export type DnssecStatus = 'secure' | 'insecure' | 'bogus';

/** How a lookup ended: records found, the name missing, the name present without this type, or no answer. */
export type LookupStatus = 'ok' | 'nxdomain' | 'nodata' | 'servfail' | 'error';

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

/** The lookups a DNS client offers (src/dns implements it; the mail engine is handed one). */
export interface DnsLookups {
  txt(name: string): Promise<Lookup<string>>;
  mx(name: string): Promise<Lookup<MxRecord>>;
  /** A and AAAA together. */
  addresses(name: string): Promise<Lookup<string>>;
  tlsa(name: string): Promise<Lookup<TlsaRecord>>;
}
