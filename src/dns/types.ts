/** The DNS engine's facts (no chat text); the answer shapes are shared with the mail engine through src/net. */
export type { DnsLookups, DnssecStatus, Lookup, LookupStatus, MxRecord, TlsaRecord } from '../net/dns-lookup';

export interface DnsServer {
  host: string;
  port: number;
}
