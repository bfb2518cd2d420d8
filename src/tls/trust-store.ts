import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { DiagError } from '../core/errors';
import { readRootIndex, ROOT_INDEX_FILE, type RootIndex } from './root-index';

/** The roots a chain may end at: Node's bundled Mozilla roots plus the organisation's own CA files. */
export interface TrustStore {
  /** Trusted certificates whose subject equals `issuer` (Node's display form of the name). */
  bySubject(issuer: string): readonly X509Certificate[];
  has(fingerprint256: string): boolean;
  size: number;
}

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** One trusted certificate as the store files it; `cert()` parses it when it was not parsed yet. */
interface StoreEntry {
  subject: string | undefined;
  fingerprint256: string;
  cert(): X509Certificate;
}

const parsedEntry = (cert: X509Certificate): StoreEntry => ({
  subject: cert.subject,
  fingerprint256: cert.fingerprint256,
  cert: () => cert,
});

/** The first certificate of each fingerprint, filed by subject, in the order given. */
function storeOf(entries: Iterable<StoreEntry>): TrustStore {
  const index = new Map<string | undefined, StoreEntry[]>();
  const fingerprints = new Set<string>();
  for (const entry of entries) {
    if (fingerprints.has(entry.fingerprint256)) continue;
    fingerprints.add(entry.fingerprint256);
    const list = index.get(entry.subject) ?? [];
    list.push(entry);
    index.set(entry.subject, list);
  }
  return {
    bySubject: (issuer) => (index.get(issuer) ?? []).map((entry) => entry.cert()),
    has: (fingerprint) => fingerprints.has(fingerprint),
    size: fingerprints.size,
  };
}

function* parsedEntries(pems: readonly string[]): Generator<StoreEntry> {
  for (const pem of pems) {
    for (const block of pem.match(PEM_BLOCK) ?? []) yield parsedEntry(new X509Certificate(block));
  }
}

/** Builds the store from PEM texts (each may hold several certificates). */
export function trustStoreFromPems(pems: readonly string[]): TrustStore {
  return storeOf(parsedEntries(pems));
}

/**
 * The same store as `trustStoreFromPems([...bundled, ...pems])`, but each of the `bundled` roots (one certificate
 * per text, as `tls.rootCertificates`) is parsed only when a lookup returns it: the index (src/tls/root-index.ts,
 * built from exactly these roots) tells their subjects and fingerprints.
 */
export function trustStoreFromIndex(bundled: readonly string[], index: RootIndex, pems: readonly string[]): TrustStore {
  const lazyEntries = index.roots.map((root, position): StoreEntry => {
    let parsed: X509Certificate | undefined;
    return {
      subject: root.subject ?? undefined,
      fingerprint256: root.fingerprint256,
      cert: () => (parsed ??= new X509Certificate(bundled[position] as string)),
    };
  });
  return storeOf([...lazyEntries, ...parsedEntries(pems)]);
}

/**
 * Loads the bundled roots and `tls.extraCaFiles`. A file that cannot be read or holds no certificate is
 * a configuration error that names the file (the check cannot be trusted without it). The bundled roots are
 * parsed as lookups need them when the build's index (`rootIndexFile`) matches them, all at once otherwise.
 */
export async function loadTrustStore(
  extraCaFiles: readonly string[],
  includeBundled = true,
  rootIndexFile = ROOT_INDEX_FILE,
): Promise<TrustStore> {
  const pems: string[] = [];
  for (const file of extraCaFiles) {
    let text: string;
    try {
      // Read synchronously: a CA file is small and read once per process, and a first fs/promises read starts
      // libuv's thread pool and takes four round trips to it, ~4 ms of a cold `cert` that uses no other (issue 16).
      text = readFileSync(file, 'utf8');
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
    if (!includeBundled) return trustStoreFromPems(pems);
    const index = readRootIndex(rootCertificates, rootIndexFile);
    return index
      ? trustStoreFromIndex(rootCertificates, index, pems)
      : trustStoreFromPems([...rootCertificates, ...pems]);
  } catch (error) {
    throw new DiagError(
      'config.invalid',
      `tls.extraCaFiles: a certificate could not be parsed (${(error as Error).message}).`,
      { cause: error },
    );
  }
}
