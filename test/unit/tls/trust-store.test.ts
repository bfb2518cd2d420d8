import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { analyzeChain } from '../../../src/tls/analyze';
import { parseCertificate } from '../../../src/tls/cert-info';
import { loadAsn1 } from '../../../src/tls/der-fields';
import { buildRootIndex, readRootIndex, rootIndexKey, type RootIndex } from '../../../src/tls/root-index';
import { loadTrustStore, trustStoreFromPems, type TrustStore } from '../../../src/tls/trust-store';
import { createIntermediate, createLeaf, createRoot, type Issued, type NameSpec } from '../../helpers/pki';

// The build's index of Node's bundled roots (scripts/index-roots.js) must change which roots are parsed, never
// which roots a lookup finds: a store built with it answers as the store that parses every root.

const dir = mkdtempSync(join(tmpdir(), 'diagbot-root-index-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const index = buildRootIndex(rootCertificates);
const bundled = rootCertificates.map((pem) => new X509Certificate(pem));
const first = bundled[0] as X509Certificate;
const second = bundled[1] as X509Certificate;

function indexFile(name: string, content: RootIndex | string): string {
  const file = join(dir, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

/** A bundled root's subject that the test PKI can write (C, O, CN only), to make an impostor under that name. */
function writableRootSubject(): { name: NameSpec; subject: string } {
  for (const cert of bundled) {
    const match = /^C=([A-Z]{2})\nO=([^\\\n]+)\nCN=([^\\\n]+)$/.exec(cert.subject);
    if (match) return { name: { C: match[1], O: match[2], CN: match[3] }, subject: cert.subject };
  }
  throw new Error('no bundled root with a plain C/O/CN subject');
}

// An organisation's own CA (tls.extraCaFiles) with a copy of a bundled root in the same file (kept once).
const ownRoot = createRoot('Index Test Root');
const ownIssuing = createIntermediate(ownRoot, 'Index Test Issuing CA');
const caFile = indexFile('own-ca.pem', `${ownRoot.certPem}\n${rootCertificates[2] as string}`);
const fullStore = (): TrustStore =>
  trustStoreFromPems([...rootCertificates, `${ownRoot.certPem}\n${rootCertificates[2]}`]);

const lookups = (store: TrustStore, subjects: string[]): string[][] =>
  subjects.map((subject) => store.bySubject(subject).map((cert) => cert.fingerprint256));

async function analyze(sent: Issued[], store: TrustStore, reference: string): Promise<unknown> {
  const asn1 = await loadAsn1();
  const parsed = sent.map((cert) => parseCertificate(asn1, cert.certDer));
  return analyzeChain(parsed, store, { reference, now: new Date(), expiryWarningDays: 30, chainSource: 'wire' });
}

describe('the bundled roots index', () => {
  it('is read back only when it was built from the same roots', () => {
    expect(readRootIndex(rootCertificates, indexFile('same.json', index))).toEqual(index);
    expect(readRootIndex(rootCertificates.slice(1), indexFile('same.json', index))).toBeUndefined();
    expect(readRootIndex(rootCertificates, join(dir, 'none.json'))).toBeUndefined();
    expect(readRootIndex(rootCertificates, indexFile('cut.json', JSON.stringify(index).slice(0, 500)))).toBeUndefined();
    expect(readRootIndex(rootCertificates, indexFile('shape.json', { key: index.key, roots: [{}] } as never))).toBe(
      undefined,
    );
    // Another Node's roots (here: one root fewer) give another key.
    expect(rootIndexKey(rootCertificates.slice(1))).not.toBe(index.key);
  });

  it('records the subject and fingerprint Node reads from each root', () => {
    expect(index.roots).toHaveLength(rootCertificates.length);
    expect(index.roots[0]).toEqual({ subject: first.subject, fingerprint256: first.fingerprint256 });
  });

  it('finds the same roots as parsing them all, for every bundled subject and the extra CA file', async () => {
    const store = await loadTrustStore([caFile], true, indexFile('index.json', index));
    const full = fullStore();
    const subjects = [...bundled.map((cert) => cert.subject), ownRoot.x509.subject, 'CN=Nobody'];
    expect(lookups(store, subjects)).toEqual(lookups(full, subjects));
    expect(store.bySubject(ownRoot.x509.subject).map((c) => c.fingerprint256)).toEqual([ownRoot.x509.fingerprint256]);
    expect(store.size).toBe(full.size);
    expect(store.size).toBe(new Set([...bundled, ownRoot.x509].map((c) => c.fingerprint256)).size);
    for (const cert of [...bundled, ownRoot.x509, ownIssuing.x509])
      expect(store.has(cert.fingerprint256)).toBe(full.has(cert.fingerprint256));
  });

  it('judges chains as parsing every root does: own CA, an impostor under a bundled name, a bundled root sent', async () => {
    const store = await loadTrustStore([caFile], true, indexFile('index.json', index));
    const full = fullStore();
    const { name, subject } = writableRootSubject();
    const impostor = createRoot('impostor', { subject: name });
    expect(impostor.x509.subject).toBe(subject);
    const chains: Array<[Issued[], string]> = [
      [[createLeaf(ownIssuing, { dns: ['mail.contoso.test'] }), ownIssuing], 'mail.contoso.test'],
      [[createLeaf(impostor, { dns: ['mail.contoso.test'] })], 'mail.contoso.test'],
      [[createLeaf(impostor, { dns: ['mail.contoso.test'] }), impostor], 'mail.contoso.test'],
    ];
    for (const [sent, reference] of chains)
      expect(await analyze(sent, store, reference)).toEqual(await analyze(sent, full, reference));
    // The impostor's leaf names a bundled root as issuer: looked up, and refused (the signature does not verify).
    expect(await analyze(chains[1]?.[0] ?? [], store, 'mail.contoso.test')).toMatchObject({ trusted: false });
    // A bundled root sent as the leaf is trusted by fingerprint, without being parsed from the store.
    const asn1 = await loadAsn1();
    const sentRoot = parseCertificate(asn1, first.raw);
    const judged = (s: TrustStore): unknown =>
      analyzeChain([sentRoot], s, { reference: 'x.test', now: new Date(), expiryWarningDays: 30, chainSource: 'wire' });
    expect(judged(store)).toEqual(judged(full));
    expect(judged(store)).toMatchObject({ trusted: true });
  });

  it('is used when its key matches (a tampered index shows it), and ignored when the key does not', async () => {
    // Two roots' entries swapped: a store that reads this index files each root under the other's subject.
    const tampered: RootIndex = {
      key: index.key,
      roots: [index.roots[1], index.roots[0], ...index.roots.slice(2)] as RootIndex['roots'],
    };
    const used = await loadTrustStore([], true, indexFile('tampered.json', tampered));
    expect(used.bySubject(first.subject).map((c) => c.fingerprint256)).toEqual([second.fingerprint256]);

    const foreign = { ...tampered, key: rootIndexKey(rootCertificates.slice(1)) };
    const ignored = await loadTrustStore([], true, indexFile('foreign.json', foreign));
    expect(ignored.bySubject(first.subject).map((c) => c.fingerprint256)).toEqual([first.fingerprint256]);
    expect(ignored.bySubject(second.subject).map((c) => c.fingerprint256)).toEqual([second.fingerprint256]);
  });

  it('leaves a store without the bundled roots alone', async () => {
    const store = await loadTrustStore([caFile], false, indexFile('index.json', index));
    expect(store.size).toBe(2);
    expect(store.has(first.fingerprint256)).toBe(false);
  });
});

describe('loadTrustStore: tls.extraCaFiles', () => {
  it('refuses a file it cannot read, or one without a PEM certificate, naming the file', async () => {
    const missing = join(dir, 'missing.pem');
    await expect(loadTrustStore([missing])).rejects.toMatchObject({
      code: 'config.invalid',
      message: `tls.extraCaFiles: cannot read ${missing} (ENOENT).`,
    });
    await expect(loadTrustStore([dir])).rejects.toMatchObject({
      code: 'config.invalid',
      message: expect.stringContaining('(EISDIR)'),
    });
    const empty = indexFile('empty.pem', 'no certificate here\n');
    await expect(loadTrustStore([empty])).rejects.toMatchObject({
      code: 'config.invalid',
      message: `tls.extraCaFiles: ${empty} holds no PEM certificate.`,
    });
  });
});
