import type { DnsLookups } from '../net/dns-lookup';

/** The mail engine's view of DNS answers (contracts/reply.md, `mail`); the shapes live in src/net. */
export type { DnssecStatus, Lookup, LookupStatus, MxRecord, TlsaRecord } from '../net/dns-lookup';

/** The DNS port the mail engine is handed (src/dns implements it; the command passes it in). */
export type MailDns = DnsLookups;
