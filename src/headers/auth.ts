import type { Field } from './block';
import type { AuthResult, AuthSummary, DkimSignature } from './types';

/**
 * SPF, DKIM, DMARC, Microsoft compauth and ARC as the receiving servers wrote them: Authentication-Results
 * (RFC 8601, including Exchange Online's form without an authserv-id), ARC-Authentication-Results and ARC-Seal
 * (RFC 8617), Received-SPF (RFC 7208 §9.1) and DKIM-Signature tags (RFC 6376). Nothing is verified here: no
 * DNS is asked and no signature is checked, so the verdicts are the servers' own.
 */

interface ResInfo {
  method: string;
  result: string;
  props: Record<string, string>;
  comment?: string;
}

interface ParsedResults {
  authserv?: string;
  results: ResInfo[];
}

const METHODS = ['spf', 'dkim', 'dmarc', 'compauth', 'arc'] as const;
type Method = (typeof METHODS)[number];

/** Splits on `sep` outside quotes and comments. */
function splitOutside(value: string, sep: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < value.length; i += 1) {
    const c = value[i];
    if (c === '\\') i += 1;
    else if (c === '"' && depth === 0) quoted = !quoted;
    else if (!quoted && c === '(') depth += 1;
    else if (!quoted && c === ')' && depth > 0) depth -= 1;
    else if (!quoted && depth === 0 && c === sep) {
      parts.push(value.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(value.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

/** `dkim=pass (good signature) header.d=example.com header.s=s1` → method, result, props, first comment. */
function parseResInfo(text: string): ResInfo | undefined {
  const comments: string[] = [];
  const bare = text.replace(/\((?:[^()\\]|\\.|\((?:[^()\\]|\\.)*\))*\)/g, (c) => {
    comments.push(c.slice(1, -1).trim());
    return ' ';
  });
  const pairs = bare.match(/[A-Za-z0-9._/-]+\s*=\s*(?:"(?:[^"\\]|\\.)*"|[^\s;]*)/g) ?? [];
  const [head, ...rest] = pairs;
  if (!head) return undefined;
  const eq = head.indexOf('=');
  const method = head
    .slice(0, eq)
    .trim()
    .toLowerCase()
    .replace(/\/\d+$/, '');
  const result = head
    .slice(eq + 1)
    .trim()
    .replace(/^"|"$/g, '')
    .toLowerCase();
  if (method === '' || result === '') return undefined;
  const props: Record<string, string> = {};
  for (const pair of rest) {
    const at = pair.indexOf('=');
    const key = pair.slice(0, at).trim().toLowerCase();
    if (!(key in props))
      props[key] = pair
        .slice(at + 1)
        .trim()
        .replace(/^"|"$/g, '');
  }
  const info: ResInfo = { method, result, props };
  if (comments[0]) info.comment = comments[0];
  return info;
}

/** One Authentication-Results (or ARC-Authentication-Results) value. */
export function parseAuthenticationResults(value: string): ParsedResults {
  const parts = splitOutside(value.replace(/^\s*i\s*=\s*\d+\s*;/i, ''), ';');
  const out: ParsedResults = { results: [] };
  const [first, ...rest] = parts;
  if (first === undefined) return out;
  // Exchange Online writes no authserv-id: the first part is already `spf=…`.
  const firstInfo = /^[A-Za-z0-9._/-]+\s*=/.test(first) ? parseResInfo(first) : undefined;
  if (firstInfo) out.results.push(firstInfo);
  else out.authserv = first.split(/\s+/)[0];
  for (const part of rest) {
    const info = parseResInfo(part);
    if (info) out.results.push(info);
  }
  return out;
}

function domainOf(address: string | undefined): string | undefined {
  if (!address) return undefined;
  const at = address.lastIndexOf('@');
  const domain = (at >= 0 ? address.slice(at + 1) : address).replace(/[<>"\s]/g, '').toLowerCase();
  return domain === '' ? undefined : domain;
}

function toResult(info: ResInfo, source: string): AuthResult {
  const p = info.props;
  const out: AuthResult = { result: info.result, source };
  let domain: string | undefined;
  switch (info.method as Method) {
    case 'spf':
      domain = domainOf(p['smtp.mailfrom'] ?? p['smtp.helo']);
      break;
    case 'dkim': {
      domain = domainOf(p['header.d'] ?? p['header.i']);
      if (domain === 'none') domain = undefined;
      if (p['header.s']) out.detail = `selector ${p['header.s']}`;
      break;
    }
    case 'dmarc': {
      domain = domainOf(p['header.from']);
      const policy = p.action ?? /\bp=([a-z]+)/i.exec(info.comment ?? '')?.[1];
      if (policy) out.detail = `policy ${policy.toLowerCase()}`;
      break;
    }
    case 'compauth':
      break;
    case 'arc': {
      const instance = /\bi=(\d+)/.exec(info.comment ?? '')?.[1];
      if (instance) out.detail = `instance ${instance}`;
      break;
    }
  }
  if (domain) out.domain = domain;
  const reason = p.reason ?? info.comment;
  if (reason) out.reason = reason.slice(0, 300);
  return out;
}

/** The DKIM-Signature tags read (`d=`, `s=`, `a=`); the long `b=`/`bh=` values are never copied. */
const DKIM_TAGS = {
  d: /(?:^|;)\s*d\s*=\s*([^;\s]+)/i,
  s: /(?:^|;)\s*s\s*=\s*([^;\s]+)/i,
  a: /(?:^|;)\s*a\s*=\s*([^;\s]+)/i,
} as const;

function dkimTag(value: string, tag: keyof typeof DKIM_TAGS): string | undefined {
  return DKIM_TAGS[tag].exec(value)?.[1];
}

function dkimSignatures(fields: readonly Field[]): DkimSignature[] {
  const out: DkimSignature[] = [];
  for (const field of fields) {
    if (field.key !== 'dkim-signature') continue;
    const domain = dkimTag(field.value, 'd');
    const selector = dkimTag(field.value, 's');
    const algorithm = dkimTag(field.value, 'a');
    if (domain && selector) out.push({ domain: domain.toLowerCase(), selector, ...(algorithm ? { algorithm } : {}) });
  }
  return out;
}

/** `Pass (mailfrom) identity=mailfrom; client-ip=…; envelope-from=…` → the SPF result and domain. */
function receivedSpf(value: string): AuthResult | undefined {
  const result = /^\s*([a-z]+)/i.exec(value)?.[1]?.toLowerCase();
  if (!result) return undefined;
  const domain = domainOf(
    /envelope-from=\s*"?<?([^\s;>"]+)/i.exec(value)?.[1] ??
      /domain of (?:[^\s@]+@)?([^\s)]+)/i.exec(value)?.[1] ??
      /\bhelo=\s*([^\s;]+)/i.exec(value)?.[1],
  );
  const comment = /\(([^)]*)\)/.exec(value)?.[1];
  return {
    result,
    source: 'Received-SPF',
    ...(domain ? { domain } : {}),
    ...(comment ? { reason: comment.slice(0, 300) } : {}),
  };
}

/**
 * The verdicts, for each method the first source that states it, in this order: the Authentication-Results
 * written by the receiving organisation (the topmost one's authserv-id, or Exchange Online's form without
 * one — trace fields are prepended, so the topmost is the receiver's), then its Received-SPF for SPF, then
 * any other Authentication-Results and the ARC-Authentication-Results, newest first, and for ARC the newest
 * ARC-Seal's `cv=`. For DKIM a pass of any signature wins, as DMARC counts it.
 */
export function readAuth(fields: readonly Field[]): AuthSummary {
  const summary: AuthSummary = { signatures: dkimSignatures(fields) };
  const results = fields
    .filter((f) => f.key === 'authentication-results' || f.key === 'arc-authentication-results')
    .map((f) => ({ arc: f.key !== 'authentication-results', parsed: parseAuthenticationResults(f.value) }));
  const receiver = results.find((r) => !r.arc)?.parsed.authserv;
  const own = (r: (typeof results)[number]): boolean => !r.arc && r.parsed.authserv === receiver;
  const ordered = [
    ...results.filter(own),
    ...results.filter((r) => !r.arc && !own(r)),
    ...results.filter((r) => r.arc),
  ];
  const sources = ordered.map(({ arc, parsed }) => {
    const name = arc ? 'ARC-Authentication-Results' : 'Authentication-Results';
    return {
      results: parsed.results,
      source: parsed.authserv ? `${name} (${parsed.authserv})` : name,
      own: !arc && parsed.authserv === receiver,
    };
  });
  const spfHeader = fields.find((f) => f.key === 'received-spf');
  const receivedSpfResult = spfHeader ? receivedSpf(spfHeader.value) : undefined;
  for (const method of METHODS) {
    for (const { results: infos, source, own: isOwn } of sources) {
      // The receiver's Received-SPF outranks another organisation's Authentication-Results.
      if (method === 'spf' && !isOwn && receivedSpfResult) break;
      const mine = infos.filter((r) => r.method === method);
      if (mine.length === 0) continue;
      const chosen = method === 'dkim' ? (mine.find((r) => r.result === 'pass') ?? mine[0]) : mine[0];
      summary[method] = toResult(chosen as ResInfo, source);
      break;
    }
  }
  if (!summary.spf && receivedSpfResult) summary.spf = receivedSpfResult;
  if (!summary.arc) {
    let newest: { instance: number; cv: string } | undefined;
    for (const field of fields) {
      if (field.key !== 'arc-seal') continue;
      const instance = Number(/\bi\s*=\s*(\d+)/.exec(field.value)?.[1] ?? 0);
      const cv = /\bcv\s*=\s*([a-z]+)/i.exec(field.value)?.[1]?.toLowerCase();
      if (cv && (!newest || instance > newest.instance)) newest = { instance, cv };
    }
    if (newest)
      summary.arc = {
        result: newest.cv,
        detail: `instance ${newest.instance}`,
        source: `ARC-Seal i=${newest.instance}`,
      };
  }
  if (!summary.dkim && summary.signatures.length > 0) {
    const first = summary.signatures[0] as DkimSignature;
    summary.dkim = {
      result: 'unverified',
      domain: first.domain,
      detail: `selector ${first.selector}`,
      source: 'DKIM-Signature',
    };
  }
  return summary;
}
