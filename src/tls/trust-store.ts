import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { rootCertificates } from 'node:tls';
import { DiagError } from '../core/errors';

/** The roots a chain may end at: Node's bundled Mozilla roots plus the organisation's own CA files. */
export interface TrustStore {
  /** Trusted certificates whose subject equals `issuer` (Node's display form of the name). */
  bySubject(issuer: string): readonly X509Certificate[];
  has(fingerprint256: string): boolean;
  size: number;
}

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Builds the store from PEM texts (each may hold several certificates). */
export function trustStoreFromPems(pems: readonly string[]): TrustStore {
  const index = new Map<string, X509Certificate[]>();
  const fingerprints = new Set<string>();
  for (const pem of pems) {
    for (const block of pem.match(PEM_BLOCK) ?? []) {
      const cert = new X509Certificate(block);
      if (fingerprints.has(cert.fingerprint256)) continue;
      fingerprints.add(cert.fingerprint256);
      const list = index.get(cert.subject) ?? [];
      list.push(cert);
      index.set(cert.subject, list);
    }
  }
  return {
    bySubject: (issuer) => index.get(issuer) ?? [],
    has: (fingerprint) => fingerprints.has(fingerprint),
    size: fingerprints.size,
  };
}

/**
 * Loads the bundled roots and `tls.extraCaFiles`. A file that cannot be read or holds no certificate is
 * a configuration error that names the file (the check cannot be trusted without it).
 */
export async function loadTrustStore(extraCaFiles: readonly string[], includeBundled = true): Promise<TrustStore> {
  const pems: string[] = includeBundled ? [...rootCertificates] : [];
  for (const file of extraCaFiles) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      throw new DiagError(
        'config.invalid',
        `tls.extraCaFiles: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'}).`,
        {
          cause: error,
          fix: { summary: 'Fix the path in tls.extraCaFiles / DIAGBOT_TLS_EXTRA_CA, or remove the entry.' },
        },
      );
    }
    if ((text.match(PEM_BLOCK) ?? []).length === 0) {
      throw new DiagError('config.invalid', `tls.extraCaFiles: ${file} holds no PEM certificate.`, {
        fix: {
          summary: 'Export the CA certificate as Base-64 encoded X.509 (.cer/.pem) and point tls.extraCaFiles at it.',
        },
      });
    }
    pems.push(text);
  }
  try {
    return trustStoreFromPems(pems);
  } catch (error) {
    throw new DiagError(
      'config.invalid',
      `tls.extraCaFiles: a certificate could not be parsed (${(error as Error).message}).`,
      { cause: error },
    );
  }
}
