import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * What the trust store needs to know of Node's bundled roots without parsing them: each root's subject (Node's
 * display form, the key `TrustStore.bySubject` is asked with) and SHA-256 fingerprint. Parsing all ~144 roots
 * took ~25 ms of a cold `cert` (issue 16); with the index a check parses only the roots its chain names.
 * `npm run build` writes it beside the compiled module (scripts/index-roots.js); the sources (ts-jest) have none,
 * and a store without one parses every root as before.
 */
export interface RootIndex {
  /** {@link rootIndexKey} of the roots (and Node) the index was built from. */
  key: string;
  /** One entry per `tls.rootCertificates` position, in order; a root without a subject has `null`. */
  roots: Array<{ subject: string | null; fingerprint256: string }>;
}

/** Where the build writes the index and the trust store reads it. */
export const ROOT_INDEX_FILE = join(__dirname, 'root-index.json');

/**
 * A hash of the roots and of the Node and OpenSSL that read them: another Node carries other roots, and a
 * patch release has changed how Node prints a subject before (the CVE-2021-44533 fix), so an index built by
 * another Node is never used, whatever its roots.
 */
export function rootIndexKey(roots: readonly string[]): string {
  const hash = createHash('sha256').update(`${process.version} openssl ${process.versions.openssl ?? '-'}\n`);
  for (const pem of roots) hash.update(pem).update('\n');
  return hash.digest('hex');
}

/** Parses every root once, as the trust store would, and records what the store needs of each. */
export function buildRootIndex(roots: readonly string[]): RootIndex {
  return {
    key: rootIndexKey(roots),
    roots: roots.map((pem) => {
      const x509 = new X509Certificate(pem);
      // Node's typings say string; an empty name comes back undefined (see displayName in cert-info.ts).
      const subject = x509.subject as string | undefined;
      return { subject: subject ?? null, fingerprint256: x509.fingerprint256 };
    }),
  };
}

export function writeRootIndex(roots: readonly string[], file = ROOT_INDEX_FILE): RootIndex {
  const index = buildRootIndex(roots);
  writeFileSync(file, `${JSON.stringify(index)}\n`);
  return index;
}

function isRootIndex(value: unknown): value is RootIndex {
  if (typeof value !== 'object' || value === null) return false;
  const { key, roots } = value as Partial<RootIndex>;
  return (
    typeof key === 'string' &&
    Array.isArray(roots) &&
    roots.every(
      (root: unknown) =>
        typeof root === 'object' &&
        root !== null &&
        typeof (root as RootIndex['roots'][number]).fingerprint256 === 'string' &&
        (typeof (root as RootIndex['roots'][number]).subject === 'string' ||
          (root as RootIndex['roots'][number]).subject === null),
    )
  );
}

/**
 * The index in `file` when it was built from exactly `roots` by this Node; otherwise undefined, and the caller
 * parses every root. The index only saves time, so a missing, unreadable, malformed or foreign one is not an
 * error: the store is then built the slow way, with the same result.
 */
export function readRootIndex(roots: readonly string[], file = ROOT_INDEX_FILE): RootIndex | undefined {
  let index: unknown;
  try {
    index = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
  if (!isRootIndex(index) || index.roots.length !== roots.length || index.key !== rootIndexKey(roots)) return undefined;
  return index;
}
