import type * as packet from 'dns-packet';
import { exchange } from './transport';
import type { DnsLookups, DnsServer, Lookup, LookupStatus, MxRecord, TlsaRecord } from './types';

/** At most this many records of one lookup are kept (a hostile zone could list thousands). */
export const MAX_RECORDS = 64;
/** At most this many CNAMEs are followed inside one answer. */
const MAX_CNAMES = 8;

export interface DnsClientConfig {
  servers: readonly DnsServer[];
  timeoutMs: number;
}

export interface DnsClient extends DnsLookups {
  /** The servers asked, in order (the next is tried when one does not answer). */
  readonly servers: readonly DnsServer[];
}

type AnswerOf<T extends packet.RecordType> = T extends packet.StringRecordType
  ? packet.StringAnswer
  : Extract<packet.Answer, { type: T }>;

const bare = (name: string): string => name.toLowerCase().replace(/\.$/, '');

/** Follows the CNAME chain from `name` through the answer section and keeps the records of `type` at its end. */
function pick<T extends packet.RecordType>(
  response: packet.DecodedPacket,
  name: string,
  type: T,
): { cnames: string[]; answers: AnswerOf<T>[] } {
  const answers = response.answers ?? [];
  const cnames: string[] = [];
  let owner = bare(name);
  for (let i = 0; i < MAX_CNAMES; i += 1) {
    const alias = answers.find((a): a is AnswerOf<'CNAME'> => a.type === 'CNAME' && bare(a.name) === owner);
    if (!alias) break;
    owner = bare(alias.data);
    cnames.push(owner);
  }
  const found = answers.filter((a): a is AnswerOf<T> => a.type === type && bare(a.name) === owner);
  return { cnames, answers: found.slice(0, MAX_RECORDS) };
}

function statusOf(response: packet.DecodedPacket, count: number): LookupStatus {
  const rcode = (response as { rcode?: string }).rcode ?? 'NOERROR';
  if (rcode === 'NXDOMAIN') return 'nxdomain';
  if (rcode === 'SERVFAIL') return 'servfail';
  if (rcode !== 'NOERROR') return 'error';
  return count > 0 ? 'ok' : 'nodata';
}

const txtString = (data: packet.TxtData): string =>
  (Array.isArray(data) ? data : [data]).map((part) => part.toString('latin1')).join('');

/**
 * The DNS engine: asks the configured resolvers (in order, the next when one does not answer), each
 * question under its own deadline, and reports the validating resolver's DNSSEC verdict: AD set →
 * `secure`; SERVFAIL that turns into an answer with CD set → `bogus`; otherwise `insecure`.
 * Failures are values (`status`), never exceptions: the mail engine turns them into findings.
 */
export function createDnsClient(config: DnsClientConfig): DnsClient {
  async function ask(name: string, type: packet.RecordType, checkingDisabled = false): Promise<packet.DecodedPacket> {
    let lastError: unknown = new Error('no DNS servers configured (dns.servers)');
    for (const server of config.servers) {
      try {
        return await exchange(server, { name, type, checkingDisabled }, config.timeoutMs);
      } catch (error) {
        lastError = error;
      }
    }
    throw lastError;
  }

  async function lookup<T extends packet.RecordType, R>(
    name: string,
    type: T,
    convert: (answer: AnswerOf<T>) => R | undefined,
  ): Promise<Lookup<R>> {
    const query = bare(name);
    try {
      const response = await ask(query, type);
      const picked = pick(response, query, type);
      const records = picked.answers.map(convert).filter((r): r is R => r !== undefined);
      const status = statusOf(response, records.length);
      if (status !== 'servfail')
        return {
          name: query,
          status,
          dnssec: response.flag_ad ? 'secure' : 'insecure',
          records,
          cnames: picked.cnames,
        };
      // A validating resolver answers SERVFAIL for a bogus zone; with CD set it hands the data over anyway.
      const unchecked = await ask(query, type, true).catch(() => undefined);
      const uncheckedStatus = unchecked ? statusOf(unchecked, 1) : 'servfail';
      if (unchecked && uncheckedStatus !== 'servfail' && uncheckedStatus !== 'error') {
        const raw = pick(unchecked, query, type);
        return {
          name: query,
          status: 'servfail',
          dnssec: 'bogus',
          records: raw.answers.map(convert).filter((r): r is R => r !== undefined),
          cnames: raw.cnames,
          reason: 'DNSSEC validation failed (bogus signatures)',
        };
      }
      return {
        name: query,
        status: 'servfail',
        dnssec: 'insecure',
        records: [],
        cnames: [],
        reason: 'the resolver answered SERVFAIL',
      };
    } catch (error) {
      return {
        name: query,
        status: 'error',
        dnssec: 'insecure',
        records: [],
        cnames: [],
        reason: (error as Error).message,
      };
    }
  }

  return {
    servers: config.servers,
    txt: (name) => lookup(name, 'TXT', (a) => txtString(a.data)),
    mx: (name) =>
      lookup(name, 'MX', (a): MxRecord => ({ preference: a.data.preference ?? 0, exchange: bare(a.data.exchange) })),
    tlsa: (name) =>
      lookup(name, 'TLSA', (a): TlsaRecord => ({
        usage: a.data.usage,
        selector: a.data.selector,
        matchingType: a.data.matchingType,
        data: a.data.certificate.toString('hex'),
      })),
    async addresses(name) {
      const [v4, v6] = await Promise.all([lookup(name, 'A', (a) => a.data), lookup(name, 'AAAA', (a) => a.data)]);
      const records = [...v4.records, ...v6.records];
      const failed = [v4, v6].find((l) => l.status === 'servfail' || l.status === 'error');
      const status: LookupStatus =
        records.length > 0 ? 'ok' : failed ? failed.status : v4.status === 'nxdomain' ? 'nxdomain' : 'nodata';
      const dnssec =
        v4.dnssec === 'bogus' || v6.dnssec === 'bogus'
          ? 'bogus'
          : v4.dnssec === 'secure' && v6.dnssec === 'secure'
            ? 'secure'
            : 'insecure';
      return {
        name: v4.name,
        status,
        dnssec,
        records,
        cnames: v4.cnames.length > 0 ? v4.cnames : v6.cnames,
        reason: failed?.reason,
      };
    },
  };
}

/** The same lookups, each name and type asked once per session (one `mail` run asks some names twice). */
export function memoLookups(inner: DnsLookups): DnsLookups {
  const seen = new Map<string, Promise<unknown>>();
  const once = <R>(key: string, work: () => Promise<R>): Promise<R> => {
    let hit = seen.get(key) as Promise<R> | undefined;
    if (!hit) {
      hit = work();
      seen.set(key, hit);
    }
    return hit;
  };
  return {
    txt: (name) => once(`txt ${bare(name)}`, () => inner.txt(name)),
    mx: (name) => once(`mx ${bare(name)}`, () => inner.mx(name)),
    addresses: (name) => once(`a ${bare(name)}`, () => inner.addresses(name)),
    tlsa: (name) => once(`tlsa ${bare(name)}`, () => inner.tlsa(name)),
  };
}
