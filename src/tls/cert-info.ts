import { createHash, X509Certificate } from 'node:crypto';
import { readDerFields, type Asn1Module, type DerFields } from './der-fields';
import type { CertDetails } from './types';

/** A certificate parsed once: Node's object (keys, signatures, issuance) plus the DER fields and dates. */
export interface ParsedCert {
  x509: X509Certificate;
  der: Buffer;
  fields: DerFields;
  details: CertDetails;
  notBefore: Date;
  notAfter: Date;
  /** The digest behind the signature (`sha256`, `sha1`, `md5`, … or `intrinsic` for EdDSA). */
  signatureHash: string;
}

/** Signature algorithm OIDs → [display name, digest]. */
const SIGNATURE_ALGORITHMS: Record<string, [string, string]> = {
  '1.2.840.113549.1.1.2': ['md2WithRSAEncryption', 'md2'],
  '1.2.840.113549.1.1.3': ['md4WithRSAEncryption', 'md4'],
  '1.2.840.113549.1.1.4': ['md5WithRSAEncryption', 'md5'],
  '1.2.840.113549.1.1.5': ['sha1WithRSAEncryption', 'sha1'],
  '1.3.14.3.2.29': ['sha1WithRSASignature', 'sha1'],
  '1.2.840.113549.1.1.11': ['sha256WithRSAEncryption', 'sha256'],
  '1.2.840.113549.1.1.12': ['sha384WithRSAEncryption', 'sha384'],
  '1.2.840.113549.1.1.13': ['sha512WithRSAEncryption', 'sha512'],
  '1.2.840.113549.1.1.14': ['sha224WithRSAEncryption', 'sha224'],
  '1.2.840.10045.4.1': ['ecdsa-with-SHA1', 'sha1'],
  '1.2.840.10045.4.3.1': ['ecdsa-with-SHA224', 'sha224'],
  '1.2.840.10045.4.3.2': ['ecdsa-with-SHA256', 'sha256'],
  '1.2.840.10045.4.3.3': ['ecdsa-with-SHA384', 'sha384'],
  '1.2.840.10045.4.3.4': ['ecdsa-with-SHA512', 'sha512'],
  '1.2.840.10040.4.3': ['dsa-with-SHA1', 'sha1'],
  '2.16.840.1.101.3.4.3.2': ['dsa-with-SHA256', 'sha256'],
  '1.3.101.112': ['Ed25519', 'intrinsic'],
  '1.3.101.113': ['Ed448', 'intrinsic'],
};

const HASH_OIDS: Record<string, string> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

const CURVE_BITS: Record<string, number> = {
  prime192v1: 192,
  secp224r1: 224,
  prime256v1: 256,
  secp256k1: 256,
  secp384r1: 384,
  secp521r1: 521,
  brainpoolP256r1: 256,
  brainpoolP384r1: 384,
  brainpoolP512r1: 512,
};

/**
 * Node prints names one attribute a line, most significant first; shown as `CN=…, O=…, C=…`. An empty
 * name (SAN-only certificates) comes back from Node as undefined despite its typings, and shows as ''.
 */
export function displayName(multiline: string | undefined): string {
  return (multiline ?? '')
    .split('\n')
    .filter((part) => part !== '')
    .reverse()
    .join(', ');
}

function keyInfo(x509: X509Certificate): { keyType: string; keyBits: number | null } {
  const key = x509.publicKey;
  const type = key.asymmetricKeyType ?? 'unknown';
  const details = key.asymmetricKeyDetails ?? {};
  if (type === 'ec') {
    const curve = details.namedCurve ?? 'unknown';
    return { keyType: `ec (${curve})`, keyBits: CURVE_BITS[curve] ?? null };
  }
  if (type === 'ed25519') return { keyType: type, keyBits: 256 };
  if (type === 'ed448') return { keyType: type, keyBits: 456 };
  return { keyType: type, keyBits: details.modulusLength ?? null };
}

/** The signature algorithm's name and digest from the DER (Node 20 does not expose it). */
export function signatureOf(fields: DerFields): { name: string; hash: string } {
  const known = SIGNATURE_ALGORITHMS[fields.signatureOid];
  if (known) return { name: known[0], hash: known[1] };
  if (fields.pssHashOid !== undefined) {
    const hash = HASH_OIDS[fields.pssHashOid] ?? fields.pssHashOid;
    return { name: `RSASSA-PSS (${hash})`, hash };
  }
  return { name: fields.signatureOid, hash: 'unknown' };
}

/**
 * True when the certificate names itself as issuer and its own key verifies its signature. Key usage is
 * not consulted (`checkIssued` would): a self-signed server certificate rarely has keyCertSign, and
 * OpenSSL calls it self-signed all the same (error 18).
 */
export function isSelfSigned(x509: X509Certificate): boolean {
  return x509.subject === x509.issuer && x509.verify(x509.publicKey);
}

/** Parses one DER certificate; throws when it is not one. */
export function parseCertificate(asn1: Asn1Module, der: Buffer): ParsedCert {
  const x509 = new X509Certificate(der);
  const fields = readDerFields(asn1, der);
  const notBefore = new Date(x509.validFrom);
  const notAfter = new Date(x509.validTo);
  const signature = signatureOf(fields);
  const details: CertDetails = {
    subject: displayName(x509.subject),
    issuer: displayName(x509.issuer),
    subjectCN: fields.subjectCNs[0] ?? null,
    sans: { dns: fields.sanDns, ip: fields.sanIps },
    notBefore: notBefore.toISOString(),
    notAfter: notAfter.toISOString(),
    serialNumber: x509.serialNumber,
    fingerprint256: x509.fingerprint256,
    ...keyInfo(x509),
    signatureAlgorithm: signature.name,
    selfSigned: isSelfSigned(x509),
  };
  return { x509, der, fields, details, notBefore, notAfter, signatureHash: signature.hash };
}

/**
 * Parses through a bounded cache keyed by the DER's SHA-256: the same certificates come back check after
 * check (a digest of many hosts behind one CA, the same intermediate everywhere), and building Node's
 * X509Certificate costs more than the rest of the judgement. Entries are immutable facts; dates are
 * judged later against the clock of each check.
 */
export function createParseCache(asn1: Asn1Module, max = 512): (der: Buffer) => ParsedCert {
  const entries = new Map<string, ParsedCert>();
  return (der) => {
    const key = createHash('sha256').update(der).digest('hex');
    const hit = entries.get(key);
    if (hit) {
      entries.delete(key);
      entries.set(key, hit);
      return hit;
    }
    const parsed = parseCertificate(asn1, der);
    if (entries.size >= max) entries.delete(entries.keys().next().value as string);
    entries.set(key, parsed);
    return parsed;
  };
}
