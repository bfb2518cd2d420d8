import { createHash, X509Certificate } from 'node:crypto';
import type { TlsaRecord } from './types';

export interface TlsaMatch extends TlsaRecord {
  /** Whether the record matches what the server presented (for usage 2, any CA in the chain). */
  matches: boolean;
  /** Why the record cannot match by rule, e.g. PKIX usages, which SMTP ignores (RFC 7672 §3.1.3). */
  unusable?: string;
}

function selected(der: Buffer, selector: number): Buffer | undefined {
  if (selector === 0) return der;
  if (selector !== 1) return undefined;
  return new X509Certificate(der).publicKey.export({ type: 'spki', format: 'der' });
}

function digest(data: Buffer, matchingType: number): string | undefined {
  if (matchingType === 0) return data.toString('hex');
  if (matchingType === 1) return createHash('sha256').update(data).digest('hex');
  if (matchingType === 2) return createHash('sha512').update(data).digest('hex');
  return undefined;
}

/** The association data one certificate gives for a selector and matching type (what to publish). */
export function tlsaData(der: Buffer, selector: number, matchingType: number): string | undefined {
  const part = selected(der, selector);
  return part === undefined ? undefined : digest(part, matchingType);
}

/**
 * Compares each TLSA record with the chain the MX presented (leaf first, DER): DANE-EE (3) with the
 * leaf, DANE-TA (2) with the certificates above it (and the leaf, as some publish that too).
 * PKIX-TA/EE (0, 1) are unusable for SMTP (RFC 7672 §3.1.3) and never match.
 */
export function matchTlsa(records: readonly TlsaRecord[], chain: readonly Buffer[]): TlsaMatch[] {
  return records.map((record) => {
    if (record.usage === 0 || record.usage === 1)
      return {
        ...record,
        matches: false,
        unusable: `usage ${record.usage} (PKIX) is not used for SMTP; publish usage 3 or 2`,
      };
    if (record.usage !== 2 && record.usage !== 3)
      return { ...record, matches: false, unusable: `usage ${record.usage} is not defined` };
    if (record.selector > 1 || record.matchingType > 2)
      return { ...record, matches: false, unusable: 'unknown selector or matching type' };
    const candidates =
      record.usage === 3 ? chain.slice(0, 1) : chain.slice(1).length > 0 ? chain.slice(1) : chain.slice(0, 1);
    const want = record.data.toLowerCase();
    const matches = candidates.some((der) => {
      try {
        return tlsaData(der, record.selector, record.matchingType) === want;
      } catch {
        return false;
      }
    });
    return { ...record, matches };
  });
}
