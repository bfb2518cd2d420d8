/** The facts the TLS engine returns (contracts/reply.md, `cert`). No chat text lives here. */

export type TlsMode = 'tls' | 'starttls-smtp' | 'starttls-imap' | 'starttls-pop3';

/** One certificate as the Reply's `data.chain` lists it. */
export interface CertDetails {
  subject: string;
  issuer: string;
  subjectCN: string | null;
  sans: { dns: string[]; ip: string[] };
  notBefore: string;
  notAfter: string;
  serialNumber: string;
  fingerprint256: string;
  keyType: string;
  keyBits: number | null;
  signatureAlgorithm: string;
  selfSigned: boolean;
}

/** Where a certificate sits: the server's leaf, an intermediate, or the root the path ends at. */
export interface CertRef {
  subject: string;
  role: 'leaf' | 'intermediate' | 'root';
  /** Position in the built path, leaf = 0. */
  depth: number;
}

/** One thing wrong (or worth saying) about the certificate; the command turns each into a finding. */
export type CertIssue =
  | { id: 'cert.expired'; cert: CertRef; notAfter: string; daysAgo: number }
  | { id: 'cert.not-yet-valid'; cert: CertRef; notBefore: string; daysUntil: number }
  | { id: 'cert.expiring-soon'; cert: CertRef; notAfter: string; daysRemaining: number; thresholdDays: number }
  | { id: 'cert.name-mismatch'; name: string; nameIsIp: boolean; carried: string[]; usedCommonName: boolean }
  | { id: 'cert.cn-not-in-san'; commonName: string; sanNames: string[] }
  | { id: 'cert.short-name'; name: string; requestedIsShort: boolean; shortNamesCarried: string[]; fullNames: string[] }
  | { id: 'cert.untrusted.self-signed'; subject: string }
  | { id: 'cert.untrusted.missing-intermediate'; missingIssuer: string; aiaUrls: string[]; lastSent: CertRef }
  | { id: 'cert.untrusted.unknown-root'; root: string; rootSent: boolean }
  | { id: 'cert.weak-key'; cert: CertRef; keyType: string; keyBits: number | null }
  | { id: 'cert.weak-signature'; cert: CertRef; algorithm: string }
  | { id: 'cert.principal-name-mismatch'; expected: string; subjectCN: string | null };

export type CertIssueId = CertIssue['id'];

/** One step of the certification path diagbot built. */
export interface PathEntry {
  subject: string;
  fingerprint256: string;
  /** `server` = the server sent it (at `sentIndex`); `trust-store` = found among the trusted roots. */
  source: 'server' | 'trust-store';
  sentIndex?: number;
}

/** The judgement of a chain: trust, names, dates, strength. */
export interface CertAnalysis {
  /** The certificates as the server sent them, in its order (leaf first). */
  chain: CertDetails[];
  path: PathEntry[];
  trusted: boolean;
  /** `unknown` when the wire order could not be read and Node's reordered chain was used. */
  chainOrder: 'in-order' | 'out-of-order' | 'unknown';
  /** Certificates the server sent that are not on the path (a root it also sent is not counted). */
  unusedCertificates: string[];
  daysRemaining: number;
  /** How the name matched: a DNS SAN, an IP SAN, the subject CN (no DNS SAN), or not at all. */
  nameMatch: 'san-dns' | 'san-ip' | 'subject-cn' | 'none';
  /** The name or address verified (the SNI name, or the address when there is no name). */
  verifiedName: string;
  issues: CertIssue[];
}

/** What a probe learned from the server: the raw chain and the session's parameters. */
export interface ProbeResult {
  host: string;
  port: number;
  /** The address connected to (resolved once, checked against the policy). */
  address: string;
  /** SNI sent; absent when the target is an address and no `--name` was given. */
  servername?: string;
  mode: TlsMode;
  protocol: string;
  cipher: string;
  /** DER, in the order the server sent them. */
  chain: Buffer[];
  /** `wire` = read from the handshake; `peer-certificate` = Node's rebuilt chain (order unknown). */
  chainSource: 'wire' | 'peer-certificate';
  /** For STARTTLS: the greeting line and capabilities the server announced. */
  banner?: string;
  capabilities?: string[];
}
