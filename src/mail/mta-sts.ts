import { parseTags } from './tags';

export interface MtaStsTxt {
  id: string | null;
  errors: string[];
}

export interface MtaStsPolicy {
  mode: 'enforce' | 'testing' | 'none' | null;
  maxAge: number | null;
  mx: string[];
  errors: string[];
}

/** RFC 8461 §3.2: max_age up to 31557600 seconds (one year). */
export const MAX_AGE_LIMIT = 31_557_600;

export function isMtaStsTxt(text: string): boolean {
  return /^v\s*=\s*STSv1\s*(;|$)/i.test(text.trim());
}

/** Reads the `_mta-sts` TXT record (RFC 8461 §3.1): `v=STSv1; id=20260101T000000;`. */
export function parseMtaStsTxt(record: string): MtaStsTxt {
  const { tags, order, errors } = parseTags(record);
  if (order[0] !== 'v' || tags.get('v') !== 'STSv1') errors.push('the record must start with v=STSv1');
  const id = tags.get('id');
  if (id === undefined) errors.push('id= is missing');
  else if (!/^[a-z0-9]{1,32}$/i.test(id)) errors.push(`id=${id.slice(0, 40)} must be 1–32 letters and digits`);
  return { id: id !== undefined && /^[a-z0-9]{1,32}$/i.test(id) ? id : null, errors };
}

/** Reads the policy file (RFC 8461 §3.2): `key: value` lines, CRLF or LF; version, mode, mx (repeated), max_age. */
export function parseMtaStsPolicy(text: string): MtaStsPolicy {
  const errors: string[] = [];
  const policy: MtaStsPolicy = { mode: null, maxAge: null, mx: [], errors };
  const seen = new Set<string>();
  let version: string | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '') continue;
    const colon = line.indexOf(':');
    if (colon <= 0) {
      errors.push(`\`${line.slice(0, 60)}\` is not key: value`);
      continue;
    }
    const key = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (key !== 'mx' && seen.has(key)) errors.push(`${key} appears twice`);
    seen.add(key);
    if (key === 'version') version = value;
    else if (key === 'mode') {
      if (/^(enforce|testing|none)$/.test(value)) policy.mode = value as MtaStsPolicy['mode'];
      else errors.push(`mode: ${value.slice(0, 40)} is not enforce, testing or none`);
    } else if (key === 'max_age') {
      if (/^\d{1,10}$/.test(value) && Number(value) <= MAX_AGE_LIMIT) policy.maxAge = Number(value);
      else errors.push(`max_age: ${value.slice(0, 20)} is not 0–${MAX_AGE_LIMIT} seconds`);
    } else if (key === 'mx') {
      if (/^(\*\.)?[a-z0-9_-]+(\.[a-z0-9_-]+)+\.?$/i.test(value))
        policy.mx.push(value.toLowerCase().replace(/\.$/, ''));
      else errors.push(`mx: ${value.slice(0, 60)} is not a host name or *.domain pattern`);
    }
  }
  if (version !== 'STSv1')
    errors.push(version === undefined ? 'version: STSv1 is missing' : `version: ${version.slice(0, 20)} is not STSv1`);
  if (policy.mode === null && !errors.some((e) => e.startsWith('mode'))) errors.push('mode is missing');
  if (policy.maxAge === null && !errors.some((e) => e.startsWith('max_age'))) errors.push('max_age is missing');
  if (policy.mx.length === 0 && policy.mode !== 'none') errors.push('no mx: lines (every MX must be listed)');
  return policy;
}

/** Whether an MX host matches one policy pattern: exact, or `*.domain` standing for exactly one label. */
export function mxMatches(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase().replace(/\.$/, '');
  const h = host.toLowerCase().replace(/\.$/, '');
  if (!p.startsWith('*.')) return p === h;
  const dot = h.indexOf('.');
  return dot > 0 && h.slice(dot + 1) === p.slice(2);
}

/** The MX hosts no pattern covers. */
export function uncoveredMx(patterns: readonly string[], hosts: readonly string[]): string[] {
  return hosts.filter((host) => !patterns.some((pattern) => mxMatches(pattern, host)));
}
