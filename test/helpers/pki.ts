import { createHash, generateKeyPairSync, randomBytes, sign, X509Certificate, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  bitString,
  bool,
  explicit,
  implicitPrimitive,
  integer,
  nullValue,
  octetString,
  oid,
  printable,
  seq,
  set,
  time,
  utf8,
} from './der-writer';

/**
 * A private PKI for tests and benchmarks: roots, intermediates and leaves with any mix of key type
 * (RSA of any size, ECDSA P-256/P-384), signature hash (SHA-256/384, SHA-1, MD5), dates, names, SANs
 * and AIA. Certificates are built with a small DER writer and signed with `crypto.sign`, so ECDSA
 * works as well as RSA (node-forge cannot build EC certificates).
 *
 * @example
 * const root = createRoot('Test Root CA');
 * const inter = createIntermediate(root, 'Test Issuing CA');
 * const leaf = createLeaf(inter, { dns: ['mail.contoso.test'] });
 * // serve leaf.certPem + inter.certPem with leaf.keyPem; trust root.certPem
 */

export type KeySpec = { type: 'rsa'; bits?: number } | { type: 'ec'; curve?: 'P-256' | 'P-384' };
export type HashName = 'sha256' | 'sha384' | 'sha1' | 'md5';

export interface KeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
  spec: KeySpec;
}

/** A certificate with its key, ready to serve (PEM) or to issue further certificates. */
export interface Issued {
  certPem: string;
  certDer: Buffer;
  keyPem: string;
  keys: KeyPair;
  x509: X509Certificate;
  /** The subject as DER (the issuer field of what this certificate signs). */
  subjectDer: Buffer;
  /** Subject key identifier, copied into the AKI of certificates it issues. */
  ski: Buffer;
}

export interface NameSpec {
  CN?: string;
  O?: string;
  OU?: string;
  C?: string;
}

export interface CertOptions {
  /** The subject; `CN` may be left out (a SAN-only certificate). Default `{ CN: 'localhost' }` for leaves. */
  subject?: NameSpec;
  /** The issuing certificate; absent = self-signed. */
  issuer?: Issued;
  key?: KeySpec | KeyPair;
  notBefore?: Date;
  notAfter?: Date;
  /** Convenience: validity from now − 1 day to now + `validDays` (default 365). */
  validDays?: number;
  dns?: string[];
  ips?: string[];
  ca?: boolean;
  pathLen?: number;
  /** The hash the issuer signs with (default sha256). */
  hash?: HashName;
  /** caIssuers URL for the Authority Information Access extension. */
  aiaCaIssuers?: string;
  /** Adds id-kp-serverAuth (default true for leaves). */
  serverAuth?: boolean;
}

const DAY_MS = 86_400_000;
const keyCache = new Map<string, KeyPair>();

/** A key pair; the same spec gives the same (cached) key unless `fresh` is set, which keeps suites fast (leaves share keys). */
export function generateKey(spec: KeySpec = { type: 'rsa', bits: 2048 }, fresh = false): KeyPair {
  const id = spec.type === 'rsa' ? `rsa-${spec.bits ?? 2048}` : `ec-${spec.curve ?? 'P-256'}`;
  const cached = keyCache.get(id);
  if (cached && !fresh) return cached;
  const pair =
    spec.type === 'rsa'
      ? generateKeyPairSync('rsa', { modulusLength: spec.bits ?? 2048 })
      : generateKeyPairSync('ec', { namedCurve: spec.curve === 'P-384' ? 'secp384r1' : 'prime256v1' });
  const keys = { ...pair, spec };
  if (!fresh) keyCache.set(id, keys);
  return keys;
}

const NAME_OIDS: Array<[keyof NameSpec, string]> = [
  ['C', '2.5.4.6'],
  ['O', '2.5.4.10'],
  ['OU', '2.5.4.11'],
  ['CN', '2.5.4.3'],
];

function encodeName(name: NameSpec): Buffer {
  const rdns = NAME_OIDS.filter(([key]) => name[key] !== undefined).map(([key, id]) =>
    set(seq(oid(id), key === 'C' ? printable(name[key] as string) : utf8(name[key] as string))),
  );
  return seq(...rdns);
}

function signatureAlgorithm(keySpec: KeySpec, hash: HashName): Buffer {
  if (keySpec.type === 'ec') {
    const ids: Record<HashName, string> = {
      sha256: '1.2.840.10045.4.3.2',
      sha384: '1.2.840.10045.4.3.3',
      sha1: '1.2.840.10045.4.1',
      md5: '',
    };
    if (hash === 'md5') throw new Error('ECDSA with MD5 does not exist');
    return seq(oid(ids[hash]));
  }
  const ids: Record<HashName, string> = {
    sha256: '1.2.840.113549.1.1.11',
    sha384: '1.2.840.113549.1.1.12',
    sha1: '1.2.840.113549.1.1.5',
    md5: '1.2.840.113549.1.1.4',
  };
  return seq(oid(ids[hash]), nullValue());
}

function ipBytes(ip: string): Buffer {
  if (isIP(ip) === 4) return Buffer.from(ip.split('.').map(Number));
  const [head = '', tail = ''] = ip.split('::');
  const groups = (part: string): string[] => (part === '' ? [] : part.split(':'));
  const h = groups(head);
  const t = groups(tail);
  const all = ip.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
  return Buffer.from(all.map((g) => g.padStart(4, '0')).join(''), 'hex');
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return critical ? seq(oid(id), bool(true), octetString(value)) : seq(oid(id), octetString(value));
}

/** Builds and signs one certificate. */
export function createCertificate(options: CertOptions = {}): Issued {
  // CAs get their own fresh key: OpenSSL refuses to serve a leaf whose key is also its issuer's key.
  const keys =
    options.key && 'privateKey' in options.key
      ? options.key
      : generateKey(options.key as KeySpec | undefined, options.ca ?? false);
  const issuer = options.issuer;
  const signer = issuer?.keys ?? keys;
  const hash = options.hash ?? 'sha256';
  const now = Date.now();
  const notBefore = options.notBefore ?? new Date(now - DAY_MS);
  const notAfter = options.notAfter ?? new Date(now + (options.validDays ?? 365) * DAY_MS);
  const subject = options.subject ?? {};
  const subjectDer = encodeName(subject);
  const spki = keys.publicKey.export({ type: 'spki', format: 'der' });
  const ski = createHash('sha1').update(spki).digest();
  const isCa = options.ca ?? false;

  const extensions: Buffer[] = [];
  extensions.push(
    extension(
      '2.5.29.19',
      isCa,
      isCa ? seq(bool(true), ...(options.pathLen !== undefined ? [integer(options.pathLen)] : [])) : seq(),
    ),
  );
  // keyUsage bits: digitalSignature 0x80, keyEncipherment 0x20, keyCertSign 0x04, cRLSign 0x02.
  const usage = isCa
    ? bitString(Buffer.from([0x06]), 1)
    : keys.spec.type === 'rsa'
      ? bitString(Buffer.from([0xa0]), 5)
      : bitString(Buffer.from([0x80]), 7);
  extensions.push(extension('2.5.29.15', true, usage));
  if (!isCa && options.serverAuth !== false)
    extensions.push(extension('2.5.29.37', false, seq(oid('1.3.6.1.5.5.7.3.1'))));
  extensions.push(extension('2.5.29.14', false, octetString(ski)));
  if (issuer) extensions.push(extension('2.5.29.35', false, seq(implicitPrimitive(0, issuer.ski))));
  const sans = [
    ...(options.dns ?? []).map((name) => implicitPrimitive(2, Buffer.from(name, 'latin1'))),
    ...(options.ips ?? []).map((ip) => implicitPrimitive(7, ipBytes(ip))),
  ];
  // A SAN is critical when the subject is empty (RFC 5280 §4.2.1.6).
  if (sans.length > 0) extensions.push(extension('2.5.29.17', Object.keys(subject).length === 0, seq(...sans)));
  if (options.aiaCaIssuers) {
    extensions.push(
      extension(
        '1.3.6.1.5.5.7.1.1',
        false,
        seq(seq(oid('1.3.6.1.5.5.7.48.2'), implicitPrimitive(6, Buffer.from(options.aiaCaIssuers, 'latin1')))),
      ),
    );
  }

  const serial = randomBytes(16);
  serial[0] = (serial[0] as number) & 0x7f;
  const algorithm = signatureAlgorithm(signer.spec, hash);
  const tbs = seq(
    explicit(0, integer(2)),
    integer(serial),
    algorithm,
    issuer ? issuer.subjectDer : subjectDer,
    seq(time(notBefore), time(notAfter)),
    subjectDer,
    spki,
    explicit(3, seq(...extensions)),
  );
  const signature = sign(hash, tbs, signer.privateKey);
  const certDer = seq(tbs, algorithm, bitString(signature));
  const x509 = new X509Certificate(certDer);
  return {
    certDer,
    certPem: x509.toString(),
    keyPem: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    keys,
    x509,
    subjectDer,
    ski,
  };
}

/** A self-signed CA. */
export function createRoot(cn: string, options: Omit<CertOptions, 'issuer' | 'ca'> = {}): Issued {
  return createCertificate({
    validDays: 3650,
    ...options,
    subject: options.subject ?? { CN: cn, O: 'Diagbot Test PKI' },
    ca: true,
  });
}

/** A CA certificate issued by `issuer`. */
export function createIntermediate(
  issuer: Issued,
  cn: string,
  options: Omit<CertOptions, 'issuer' | 'ca'> = {},
): Issued {
  return createCertificate({
    validDays: 1825,
    ...options,
    subject: options.subject ?? { CN: cn, O: 'Diagbot Test PKI' },
    issuer,
    ca: true,
  });
}

/** A server certificate issued by `issuer` (default subject CN = the first DNS name). */
export function createLeaf(issuer: Issued | undefined, options: Omit<CertOptions, 'issuer' | 'ca'> = {}): Issued {
  const subject = options.subject ?? { CN: options.dns?.[0] ?? options.ips?.[0] ?? 'localhost' };
  return createCertificate({ ...options, subject, issuer, ca: false });
}

/** Concatenated PEMs, in the order given (the order a server sends them). */
export function pemBundle(...certs: Issued[]): string {
  return certs.map((c) => c.certPem).join('');
}

/** Writes PEMs into a fresh temp dir (for openssl -CAfile, DIAGBOT_TLS_EXTRA_CA); returns the paths by name. */
export function writePems(files: Record<string, string>): { dir: string; paths: Record<string, string> } {
  const dir = mkdtempSync(join(tmpdir(), 'diagbot-pki-'));
  const paths: Record<string, string> = {};
  for (const [name, pem] of Object.entries(files)) {
    const path = join(dir, name);
    writeFileSync(path, pem);
    paths[name] = path;
  }
  return { dir, paths };
}
