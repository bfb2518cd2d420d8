import type { KeyObject, X509Certificate } from 'node:crypto';
import { isSelfSigned, type ParsedCert } from './cert-info';
import type { TrustStore } from './trust-store';

/** One certificate on the built path. */
export interface PathNode {
  x509: X509Certificate;
  /** Present for certificates the server sent. */
  sent?: ParsedCert;
  source: 'server' | 'trust-store';
  sentIndex?: number;
}

export type TrustVerdict = 'trusted' | 'self-signed' | 'unknown-root' | 'missing-intermediate';

export interface PathResult {
  nodes: PathNode[];
  verdict: TrustVerdict;
  /** For `missing-intermediate` / an unsent `unknown-root`: the issuer nobody supplied, and where to get it. */
  missingIssuer?: string;
  aiaUrls: string[];
  /** True when the path ended at a self-signed certificate the server itself sent. */
  rootSent: boolean;
  chainOrder: 'in-order' | 'out-of-order';
  /** Sent certificates that are not on the path (a copy of the path's root is not counted). */
  unused: ParsedCert[];
}

/** Longer paths than this are not built (real ones have 2–4 certificates). */
const MAX_DEPTH = 10;

/** Node recomputes `fingerprint256` and builds a new KeyObject on every `publicKey` read; each is kept per certificate. */
const keysMemo = new WeakMap<X509Certificate, { fingerprint: string; publicKey: KeyObject }>();
export function keysOf(x509: X509Certificate): { fingerprint: string; publicKey: KeyObject } {
  let keys = keysMemo.get(x509);
  if (!keys) {
    keys = { fingerprint: x509.fingerprint256, publicKey: x509.publicKey };
    keysMemo.set(x509, keys);
  }
  return keys;
}

/** Issuer/subject pairs already judged, by SHA-256 fingerprints (a pure function of the two certificates). */
const issuedMemo = new Map<string, boolean>();
const MAX_MEMO = 4096;

/** True when `issuer` issued `subject`: names, key identifiers and usage agree, and the signature verifies. */
function issued(issuer: X509Certificate, subject: X509Certificate): boolean {
  if (subject.issuer !== issuer.subject) return false;
  const key = `${keysOf(issuer).fingerprint}>${keysOf(subject).fingerprint}`;
  let result = issuedMemo.get(key);
  if (result === undefined) {
    result = subject.checkIssued(issuer) && subject.verify(keysOf(issuer).publicKey);
    if (issuedMemo.size >= MAX_MEMO) issuedMemo.clear();
    issuedMemo.set(key, result);
  }
  return result;
}

/**
 * Builds the certification path the way OpenSSL does (trusted certificates first): from the leaf, each
 * step takes the issuer from the trust store when it is there, otherwise from what the server sent, in
 * whatever order it was sent. The verdict tells apart the three untrusted cases an admin fixes differently,
 * in step with OpenSSL's errors 18 (self-signed leaf), 19 (self-signed root in the chain) and 20 (issuer
 * not found): a leaf sent without its issuer is `missing-intermediate`; a path that ends at a CA nobody
 * trusts (sent or not) is `unknown-root`.
 */
export function buildPath(sent: readonly ParsedCert[], store: TrustStore): PathResult {
  const leaf = sent[0];
  if (!leaf) throw new Error('buildPath needs at least the leaf certificate');
  const nodes: PathNode[] = [{ x509: leaf.x509, sent: leaf, source: 'server', sentIndex: 0 }];
  const used = new Set<number>([0]);
  let verdict: TrustVerdict | undefined;
  let missingIssuer: string | undefined;
  let aiaUrls: string[] = [];
  let rootSent = false;

  while (verdict === undefined) {
    const current = nodes[nodes.length - 1] as PathNode;
    if (store.has(keysOf(current.x509).fingerprint)) {
      verdict = 'trusted';
      break;
    }
    const anchor = store.bySubject(current.x509.issuer).find((candidate) => issued(candidate, current.x509));
    if (anchor) {
      nodes.push({ x509: anchor, source: 'trust-store' });
      verdict = 'trusted';
      break;
    }
    if (isSelfSigned(current.x509)) {
      verdict = nodes.length === 1 ? 'self-signed' : 'unknown-root';
      rootSent = nodes.length > 1;
      break;
    }
    const next = nodes.length < MAX_DEPTH ? sent.findIndex((c, i) => !used.has(i) && issued(c.x509, current.x509)) : -1;
    if (next !== -1) {
      used.add(next);
      nodes.push({ x509: (sent[next] as ParsedCert).x509, sent: sent[next], source: 'server', sentIndex: next });
      continue;
    }
    missingIssuer = current.x509.issuer;
    aiaUrls = current.sent?.fields.aiaCaIssuers ?? [];
    // A leaf without its issuer is the classic missing intermediate; a sent CA without its issuer means the
    // path ends at a CA diagbot does not know (usually the organisation's root, which servers need not send).
    verdict = nodes.length === 1 ? 'missing-intermediate' : 'unknown-root';
  }

  const pathPrints = new Set(nodes.map((n) => keysOf(n.x509).fingerprint));
  const unused = sent.filter((c, i) => !used.has(i) && !pathPrints.has(c.details.fingerprint256));
  const sentOrder = nodes.filter((n) => n.sentIndex !== undefined).map((n) => n.sentIndex as number);
  const inOrder = sentOrder.every((index, position) => index === position);
  return {
    nodes,
    verdict,
    missingIssuer,
    aiaUrls,
    rootSent,
    chainOrder: inOrder ? 'in-order' : 'out-of-order',
    unused,
  };
}
