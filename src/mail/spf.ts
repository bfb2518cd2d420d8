import type { MailDns } from './types';

/** RFC 7208 §4.6.4: at most 10 mechanisms and modifiers that query DNS, and at most 2 void lookups. */
export const SPF_LOOKUP_LIMIT = 10;
export const SPF_VOID_LIMIT = 2;
/** Evaluation stops following includes beyond this many lookups (a loop or a hostile zone). */
const HARD_STOP = 40;

export type SpfQualifier = '+' | '-' | '~' | '?';
export type SpfTerm =
  | {
      kind: 'mechanism';
      qualifier: SpfQualifier;
      name: 'all' | 'include' | 'a' | 'mx' | 'ptr' | 'ip4' | 'ip6' | 'exists';
      value?: string;
    }
  | { kind: 'modifier'; name: string; value: string };

export interface ParsedSpf {
  terms: SpfTerm[];
  errors: string[];
}

const MECHANISM = /^([+\-~?]?)(all|include|a|mx|ptr|ip4|ip6|exists)(?::([^/\s]+))?((?:\/\d{1,3})?(?:\/\/\d{1,3})?)$/i;
const MODIFIER = /^([a-z][a-z0-9_.-]*)=(\S*)$/i;
const IP4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
const DOMAIN_SPEC = /^(%\{[slodiphcrtv]\d*r?[.\-+,/_=]*\}|%%|%_|%-|[!-$&-~])+$/i;

/** True when a record is an SPF record (`v=spf1` alone or followed by a space). */
export function isSpfRecord(text: string): boolean {
  return /^v=spf1(\s|$)/i.test(text.trim());
}

/** Reads an SPF record into terms; every problem is named in `errors` (never throws). */
export function parseSpf(record: string): ParsedSpf {
  const words = record.trim().split(/\s+/);
  const errors: string[] = [];
  const terms: SpfTerm[] = [];
  if (!/^v=spf1$/i.test(words[0] ?? '')) errors.push('the record does not start with v=spf1');
  for (const word of words.slice(1)) {
    const mechanism = MECHANISM.exec(word);
    if (mechanism) {
      const name = (mechanism[2] as string).toLowerCase() as Extract<SpfTerm, { kind: 'mechanism' }>['name'];
      const value = mechanism[3];
      const needsValue = name === 'include' || name === 'exists' || name === 'ip4' || name === 'ip6';
      if (needsValue && value === undefined) errors.push(`\`${word}\` needs a value (${name}:…)`);
      else if (name === 'all' && (value !== undefined || mechanism[4])) errors.push(`\`${word}\`: all takes no value`);
      else if (name === 'ip4' && !IP4.test(value ?? '')) errors.push(`\`${word}\`: ${value} is not an IPv4 address`);
      else if (name === 'ip6' && !/^[0-9a-f:.]+$/i.test(value ?? ''))
        errors.push(`\`${word}\`: ${value} is not an IPv6 address`);
      else if (value !== undefined && name !== 'ip4' && name !== 'ip6' && !DOMAIN_SPEC.test(value))
        errors.push(`\`${word}\`: ${value} is not a domain`);
      else terms.push({ kind: 'mechanism', qualifier: (mechanism[1] || '+') as SpfQualifier, name, value });
      continue;
    }
    const modifier = MODIFIER.exec(word);
    if (modifier) {
      const name = (modifier[1] as string).toLowerCase();
      if ((name === 'redirect' || name === 'exp') && terms.some((t) => t.kind === 'modifier' && t.name === name))
        errors.push(`${name}= appears twice`);
      else terms.push({ kind: 'modifier', name, value: modifier[2] as string });
      continue;
    }
    errors.push(`\`${word}\` is neither a mechanism nor a modifier`);
  }
  return { terms, errors };
}

export interface SpfEvaluation {
  /** The domain's SPF records (one is right; more is a permerror). */
  records: string[];
  record: string | null;
  /** DNS-querying mechanisms and modifiers counted through includes and redirects. */
  lookups: number;
  voidLookups: number;
  /** The effective `all` (of the record, or of its redirect target); null when there is none. */
  all: SpfQualifier | null;
  errors: string[];
  /** Domain specs with macros, which are not evaluated (their lookups are counted, their targets not followed). */
  macros: string[];
  /** Each include/redirect followed, with the lookups it cost (the record's own included). */
  includes: Array<{ domain: string; lookups: number }>;
  /** Set when the domain's own TXT lookup failed (SERVFAIL, timeout, bogus): nothing was judged. */
  lookupFailed?: string;
}

/**
 * Counts what a receiver would have to look up for this domain's SPF (RFC 7208 §4.6.4): each
 * include, a, mx, ptr, exists and redirect is one lookup, includes are followed, and a lookup that
 * finds nothing (NXDOMAIN or no records) is a void lookup. Macro targets are named, not expanded.
 */
export async function evaluateSpf(domain: string, dns: MailDns): Promise<SpfEvaluation> {
  const top = await dns.txt(domain);
  const records = top.records.filter(isSpfRecord);
  const result: SpfEvaluation = {
    records,
    record: records[0] ?? null,
    lookups: 0,
    voidLookups: 0,
    all: null,
    errors: [],
    macros: [],
    includes: [],
  };
  if (top.status === 'servfail' || top.status === 'error')
    return { ...result, records: [], record: null, lookupFailed: top.reason ?? top.status };
  if (records.length !== 1) return result;
  const visited = new Set<string>([domain.toLowerCase()]);

  async function walk(record: string, owner: string, depth: number): Promise<SpfQualifier | null> {
    const parsed = parseSpf(record);
    for (const error of parsed.errors) result.errors.push(depth === 0 ? error : `in ${owner}: ${error}`);
    let all: SpfQualifier | null = null;
    let redirect: string | undefined;
    const voidCheck: Array<Promise<void>> = [];
    for (const term of parsed.terms) {
      if (term.kind === 'modifier') {
        if (term.name === 'redirect') redirect = term.value;
        continue;
      }
      if (term.name === 'all') all = term.qualifier;
      if (!['include', 'a', 'mx', 'ptr', 'exists'].includes(term.name)) continue;
      result.lookups += 1;
      const target = term.value ?? owner;
      if (target.includes('%')) {
        result.macros.push(target);
        continue;
      }
      if (result.lookups > HARD_STOP) continue;
      if (term.name === 'include') {
        const before = result.lookups;
        const included = await dns.txt(target);
        const spf = included.records.filter(isSpfRecord);
        if (included.status === 'servfail' || included.status === 'error') {
          result.errors.push(
            `include:${target} could not be looked up (${included.reason ?? included.status}; receivers return temperror)`,
          );
        } else if (included.status === 'nxdomain' || included.status === 'nodata' || spf.length === 0) {
          if (included.status === 'nxdomain' || included.status === 'nodata') result.voidLookups += 1;
          result.errors.push(`include:${target} has no SPF record (a receiver returns permerror)`);
        } else if (spf.length > 1) {
          result.errors.push(`include:${target} has ${spf.length} SPF records`);
        } else if (!visited.has(target.toLowerCase())) {
          visited.add(target.toLowerCase());
          await walk(spf[0] as string, target, depth + 1);
        } else {
          result.errors.push(`include:${target} loops back to a record already included`);
        }
        result.includes.push({ domain: target, lookups: result.lookups - before + 1 });
      } else if (term.name === 'a' || term.name === 'exists') {
        voidCheck.push(
          dns.addresses(target).then((l) => {
            if (l.status === 'nxdomain' || l.status === 'nodata') result.voidLookups += 1;
          }),
        );
      } else if (term.name === 'mx') {
        voidCheck.push(
          dns.mx(target).then((l) => {
            if (l.status === 'nxdomain' || l.status === 'nodata') result.voidLookups += 1;
          }),
        );
      }
    }
    await Promise.all(voidCheck);
    if (redirect !== undefined && all === null) {
      result.lookups += 1;
      if (redirect.includes('%')) {
        result.macros.push(redirect);
      } else if (!visited.has(redirect.toLowerCase()) && result.lookups <= HARD_STOP) {
        visited.add(redirect.toLowerCase());
        const before = result.lookups;
        const target = await dns.txt(redirect);
        const spf = target.records.filter(isSpfRecord);
        if (target.status === 'nxdomain' || target.status === 'nodata') result.voidLookups += 1;
        if (spf.length !== 1)
          result.errors.push(
            `redirect=${redirect} has ${spf.length === 0 ? 'no' : spf.length} SPF record${spf.length === 1 ? '' : 's'}`,
          );
        else all = await walk(spf[0] as string, redirect, depth + 1);
        result.includes.push({ domain: redirect, lookups: result.lookups - before + 1 });
      }
    }
    return all;
  }

  result.all = await walk(result.record as string, domain, 0);
  return result;
}
