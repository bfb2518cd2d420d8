import type { X509Certificate } from 'node:crypto';
import { displayName, type ParsedCert } from './cert-info';
import { buildPath, keysOf, type PathNode } from './chain';
import { commonNamesMissingFromSan, isIpAddress, isSingleLabel, matchIdentity } from './names';
import type { TrustStore } from './trust-store';
import type { CertAnalysis, CertIssue, CertRef } from './types';

export interface AnalyzeOptions {
  /** The name (the SNI sent) or, without one, the address to verify. */
  reference: string;
  now: Date;
  expiryWarningDays: number;
  /** The NAME of `--expr msstd:NAME`: the Outlook Anywhere certificate principal name. */
  expr?: string;
  chainSource: 'wire' | 'peer-certificate';
}

const DAY_MS = 86_400_000;
/** RSA and DSA keys below this many bits are weak (NIST SP 800-131A, OpenSSL security level 2). */
const MIN_RSA_BITS = 2048;
/** EC keys below this many bits are weak (this project's rule: P-256 or better). */
const MIN_EC_BITS = 256;
const WEAK_HASHES = new Set(['md2', 'md4', 'md5', 'sha1']);

function refOf(node: PathNode, depth: number, last: boolean): CertRef {
  const role: CertRef['role'] =
    depth === 0 ? 'leaf' : last && node.x509.subject === node.x509.issuer ? 'root' : 'intermediate';
  return { subject: displayName(node.x509.subject), role, depth };
}

function dates(x509: X509Certificate, sent: ParsedCert | undefined): { notBefore: Date; notAfter: Date } {
  return sent
    ? { notBefore: sent.notBefore, notAfter: sent.notAfter }
    : { notBefore: new Date(x509.validFrom), notAfter: new Date(x509.validTo) };
}

function keyIsWeak(cert: ParsedCert): boolean {
  const { keyType, keyBits } = cert.details;
  if (keyBits === null) return false;
  if (keyType.startsWith('ec')) return keyBits < MIN_EC_BITS;
  if (keyType === 'rsa' || keyType === 'rsa-pss' || keyType === 'dsa') return keyBits < MIN_RSA_BITS;
  return false;
}

/**
 * Judges a chain as the server sent it: path and trust, names (always, even when the chain is untrusted:
 * Node skips its hostname check once the chain fails, so a wrong name could hide), dates of every
 * certificate on the path, key and signature strength, and the Outlook Anywhere principal name.
 */
export function analyzeChain(sent: readonly ParsedCert[], store: TrustStore, options: AnalyzeOptions): CertAnalysis {
  const leaf = sent[0];
  if (!leaf) throw new Error('analyzeChain needs at least the leaf certificate');
  const issues: CertIssue[] = [];
  const path = buildPath(sent, store);

  switch (path.verdict) {
    case 'trusted':
      break;
    case 'self-signed':
      issues.push({ id: 'cert.untrusted.self-signed', subject: leaf.details.subject });
      break;
    case 'missing-intermediate':
      issues.push({
        id: 'cert.untrusted.missing-intermediate',
        missingIssuer: displayName(path.missingIssuer ?? leaf.x509.issuer),
        aiaUrls: path.aiaUrls,
        lastSent: refOf(path.nodes[0] as PathNode, 0, false),
      });
      break;
    case 'unknown-root': {
      const last = path.nodes[path.nodes.length - 1] as PathNode;
      issues.push({
        id: 'cert.untrusted.unknown-root',
        root: displayName(path.rootSent ? last.x509.subject : (path.missingIssuer ?? last.x509.issuer)),
        rootSent: path.rootSent,
      });
      break;
    }
    default: {
      const unreachable: never = path.verdict;
      throw new Error(`unknown verdict ${String(unreachable)}`);
    }
  }

  const names = { dns: leaf.fields.sanDns, ips: leaf.fields.sanIps, commonNames: leaf.fields.subjectCNs };
  const match = matchIdentity(options.reference, names);
  if (!match.matched) {
    issues.push({
      id: 'cert.name-mismatch',
      name: options.reference,
      nameIsIp: isIpAddress(options.reference),
      carried: [...names.dns, ...names.ips, ...(match.usedCommonName ? names.commonNames : [])],
      usedCommonName: match.usedCommonName,
    });
  }
  for (const cn of commonNamesMissingFromSan(names)) {
    issues.push({ id: 'cert.cn-not-in-san', commonName: cn, sanNames: [...names.dns, ...names.ips] });
  }
  const shortCarried = names.dns.filter(isSingleLabel);
  const requestedIsShort = isSingleLabel(options.reference);
  if (requestedIsShort || shortCarried.length > 0) {
    const prefix = `${options.reference.toLowerCase()}.`;
    issues.push({
      id: 'cert.short-name',
      name: options.reference,
      requestedIsShort,
      shortNamesCarried: shortCarried,
      fullNames: names.dns.filter((n) => (requestedIsShort ? n.toLowerCase().startsWith(prefix) : n.includes('.'))),
    });
  }

  const now = options.now.getTime();
  for (const [depth, node] of path.nodes.entries()) {
    const ref = refOf(node, depth, depth === path.nodes.length - 1);
    const { notBefore, notAfter } = dates(node.x509, node.sent);
    const remaining = Math.floor((notAfter.getTime() - now) / DAY_MS);
    if (notAfter.getTime() < now) {
      issues.push({
        id: 'cert.expired',
        cert: ref,
        notAfter: notAfter.toISOString(),
        daysAgo: Math.floor((now - notAfter.getTime()) / DAY_MS),
      });
    } else if (notBefore.getTime() > now) {
      issues.push({
        id: 'cert.not-yet-valid',
        cert: ref,
        notBefore: notBefore.toISOString(),
        daysUntil: Math.ceil((notBefore.getTime() - now) / DAY_MS),
      });
    } else if (remaining <= options.expiryWarningDays) {
      issues.push({
        id: 'cert.expiring-soon',
        cert: ref,
        notAfter: notAfter.toISOString(),
        daysRemaining: remaining,
        thresholdDays: options.expiryWarningDays,
      });
    }
    // Only what the server sent is judged for strength: a trusted root's signature is never checked.
    const cert = node.sent;
    if (!cert) continue;
    if (keyIsWeak(cert))
      issues.push({ id: 'cert.weak-key', cert: ref, keyType: cert.details.keyType, keyBits: cert.details.keyBits });
    if (!cert.details.selfSigned && WEAK_HASHES.has(cert.signatureHash)) {
      issues.push({ id: 'cert.weak-signature', cert: ref, algorithm: cert.details.signatureAlgorithm });
    }
  }

  if (options.expr !== undefined) {
    const subjectCN = leaf.details.subjectCN;
    if (subjectCN === null || subjectCN.toLowerCase() !== options.expr.toLowerCase()) {
      issues.push({ id: 'cert.principal-name-mismatch', expected: options.expr, subjectCN });
    }
  }

  return {
    chain: sent.map((c) => c.details),
    path: path.nodes.map((n) => ({
      subject: displayName(n.x509.subject),
      fingerprint256: keysOf(n.x509).fingerprint,
      source: n.source,
      sentIndex: n.sentIndex,
    })),
    trusted: path.verdict === 'trusted',
    chainOrder: options.chainSource === 'wire' ? path.chainOrder : 'unknown',
    unusedCertificates: path.unused.map((c) => c.details.subject),
    daysRemaining: Math.floor((leaf.notAfter.getTime() - now) / DAY_MS),
    nameMatch: match.by,
    verifiedName: options.reference,
    issues,
  };
}
