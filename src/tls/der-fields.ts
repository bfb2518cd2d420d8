import type * as Forge from 'node-forge';
import { bytesToIp } from './ip';

/**
 * What `crypto.X509Certificate` does not give in Node 20 (or gives only as display text), read from the
 * certificate's ASN.1 with node-forge's parser. Only `forge.asn1` is used: forge's certificate object
 * cannot read non-RSA keys, and ECDSA certificates must work.
 */
export interface DerFields {
  /** The outer signatureAlgorithm OID (e.g. 1.2.840.113549.1.1.11). */
  signatureOid: string;
  /** For RSASSA-PSS: the hash OID from the parameters (SHA-1 when absent, per RFC 4055). */
  pssHashOid?: string;
  /** Every subject commonName, in order (usually one, sometimes none). */
  subjectCNs: string[];
  sanDns: string[];
  /** iPAddress SAN entries as canonical text. */
  sanIps: string[];
  /** caIssuers URLs from Authority Information Access. */
  aiaCaIssuers: string[];
}

/** node-forge's ASN.1 module (`forge.asn1`). */
export type Asn1Module = typeof Forge.asn1;
type Asn1 = Forge.asn1.Asn1;

let asn1Module: Promise<Asn1Module> | undefined;

/**
 * node-forge's ASN.1 module, loaded once and lazily (`diagbot --json help` must not pay for it). That module and
 * the three it needs (forge, util, oids) only: the package's index loads all of forge (ciphers, TLS, PKCS#12, …),
 * which took ~20 ms of a cold `cert` even bundled with a code cache, this ~4 ms (issue 16).
 */
export function loadAsn1(): Promise<Asn1Module> {
  asn1Module ??= import('node-forge/lib/asn1').then(
    (m) => ((m as unknown as { default?: Asn1Module }).default ?? m) as Asn1Module,
  );
  return asn1Module;
}

/** forge's own `util.decodeUtf8` (a binary string's bytes as %XX for the URI decoder, which throws on bad UTF-8). */
const decodeUtf8 = (bytes: string): string => decodeURIComponent(escape(bytes));

const OID_CN = '2.5.4.3';
const OID_SAN = '2.5.29.17';
const OID_AIA = '1.3.6.1.5.5.7.1.1';
const OID_CA_ISSUERS = '1.3.6.1.5.5.7.48.2';
const OID_RSASSA_PSS = '1.2.840.113549.1.1.10';
const OID_SHA1 = '1.3.14.3.2.26';

const children = (node: Asn1 | undefined): Asn1[] => (node && Array.isArray(node.value) ? (node.value as Asn1[]) : []);
const bytes = (node: Asn1 | undefined): string => (node && typeof node.value === 'string' ? node.value : '');

/** Reads the fields above from a certificate's DER; throws when the DER is not a certificate. */
export function readDerFields(asn1: Asn1Module, der: Buffer): DerFields {
  // The typings know only the boolean form; the options object skips decoding the (large) signature bits. A
  // binary string is wrapped in forge's byte buffer by fromDer itself.
  const fromDer = asn1.fromDer as unknown as (
    input: string,
    options: { strict: boolean; decodeBitStrings: boolean },
  ) => Asn1;
  const cert = fromDer(der.toString('binary'), { strict: false, decodeBitStrings: false });
  const [tbs, sigAlg] = children(cert);
  const sigAlgParts = children(sigAlg);
  const signatureOid = asn1.derToOid(bytes(sigAlgParts[0]));
  const out: DerFields = { signatureOid, subjectCNs: [], sanDns: [], sanIps: [], aiaCaIssuers: [] };
  if (signatureOid === OID_RSASSA_PSS) out.pssHashOid = pssHash(asn1, sigAlgParts[1]) ?? OID_SHA1;

  const tbsParts = children(tbs);
  const offset = tbsParts[0]?.tagClass === asn1.Class.CONTEXT_SPECIFIC && tbsParts[0].type === 0 ? 1 : 0;
  const subject = tbsParts[offset + 4];
  for (const rdn of children(subject)) {
    for (const attribute of children(rdn)) {
      const [type, value] = children(attribute);
      if (asn1.derToOid(bytes(type)) === OID_CN && value) out.subjectCNs.push(decodeString(asn1, value));
    }
  }
  const extensionsTag = tbsParts.find((n) => n.tagClass === asn1.Class.CONTEXT_SPECIFIC && n.type === 3);
  for (const extension of children(children(extensionsTag)[0])) {
    const parts = children(extension);
    const id = asn1.derToOid(bytes(parts[0]));
    const valueNode = parts[parts.length - 1];
    if (id !== OID_SAN && id !== OID_AIA) continue;
    const inner = fromDer(bytes(valueNode), { strict: false, decodeBitStrings: false });
    if (id === OID_SAN) {
      for (const name of children(inner)) {
        if (name.tagClass !== asn1.Class.CONTEXT_SPECIFIC) continue;
        if (name.type === 2) out.sanDns.push(bytes(name));
        if (name.type === 7) {
          const ip = bytesToIp(Buffer.from(bytes(name), 'binary'));
          if (ip) out.sanIps.push(ip);
        }
      }
    } else {
      for (const access of children(inner)) {
        const [method, location] = children(access);
        if (asn1.derToOid(bytes(method)) === OID_CA_ISSUERS && location?.type === 6)
          out.aiaCaIssuers.push(bytes(location));
      }
    }
  }
  return out;
}

/** RSASSA-PSS-params: `hashAlgorithm [0] EXPLICIT AlgorithmIdentifier`. */
function pssHash(asn1: Asn1Module, params: Asn1 | undefined): string | undefined {
  const hashTag = children(params).find((n) => n.tagClass === asn1.Class.CONTEXT_SPECIFIC && n.type === 0);
  const algorithm = children(hashTag)[0];
  const id = children(algorithm)[0];
  return id ? asn1.derToOid(bytes(id)) : undefined;
}

function decodeString(asn1: Asn1Module, node: Asn1): string {
  const raw = bytes(node);
  switch (node.type) {
    case asn1.Type.UTF8:
      return decodeUtf8(raw);
    case asn1.Type.BMPSTRING: {
      let text = '';
      for (let i = 0; i + 1 < raw.length; i += 2)
        text += String.fromCharCode((raw.charCodeAt(i) << 8) | raw.charCodeAt(i + 1));
      return text;
    }
    default:
      return raw;
  }
}
