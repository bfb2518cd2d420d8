import { X509Certificate } from 'node:crypto';
import { rootCertificates } from 'node:tls';
import { analyzeChain, type AnalyzeOptions } from '../../../src/tls/analyze';
import { parseCertificate, type ParsedCert } from '../../../src/tls/cert-info';
import { loadAsn1 } from '../../../src/tls/der-fields';
import { trustStoreFromPems, type TrustStore } from '../../../src/tls/trust-store';
import type { CertAnalysis } from '../../../src/tls/types';
import { createIntermediate, createLeaf, createRoot, type Issued } from '../../helpers/pki';

const DAY = 86_400_000;
const root = createRoot('Unit Root CA');
const inter = createIntermediate(root, 'Unit Issuing CA', { aiaCaIssuers: 'http://pki.contoso.test/root.crt' });
const store: TrustStore = trustStoreFromPems([root.certPem]);

async function analyze(
  sent: Issued[],
  options: Partial<AnalyzeOptions> = {},
  trust: TrustStore = store,
): Promise<CertAnalysis> {
  const asn1 = await loadAsn1();
  const parsed: ParsedCert[] = sent.map((c) => parseCertificate(asn1, c.certDer));
  return analyzeChain(parsed, trust, {
    reference: 'mail.contoso.test',
    now: new Date(),
    expiryWarningDays: 30,
    chainSource: 'wire',
    ...options,
  });
}
const ids = (analysis: CertAnalysis): string[] => analysis.issues.map((i) => i.id).sort();

describe('analyzeChain: trust', () => {
  it('trusts a leaf + intermediate that end at a trusted root, in order', async () => {
    const leaf = createLeaf(inter, { dns: ['mail.contoso.test'] });
    const a = await analyze([leaf, inter]);
    expect(ids(a)).toEqual([]);
    expect(a).toMatchObject({ trusted: true, chainOrder: 'in-order', nameMatch: 'san-dns', unusedCertificates: [] });
    expect(a.path.map((p) => p.source)).toEqual(['server', 'server', 'trust-store']);
  });

  it('tells a self-signed leaf from an unknown root and a missing intermediate', async () => {
    const self = createLeaf(undefined, { dns: ['mail.contoso.test'] });
    expect(ids(await analyze([self]))).toEqual(['cert.untrusted.self-signed']);

    const otherRoot = createRoot('Other Root');
    const otherInter = createIntermediate(otherRoot, 'Other Issuing CA');
    const leaf = createLeaf(otherInter, { dns: ['mail.contoso.test'] });
    const sentRoot = await analyze([leaf, otherInter, otherRoot]);
    expect(ids(sentRoot)).toEqual(['cert.untrusted.unknown-root']);
    expect(sentRoot.issues[0]).toMatchObject({ root: 'CN=Other Root, O=Diagbot Test PKI', rootSent: true });
    const unsentRoot = await analyze([leaf, otherInter]);
    expect(unsentRoot.issues[0]).toMatchObject({ id: 'cert.untrusted.unknown-root', rootSent: false });

    const alone = await analyze([createLeaf(inter, { dns: ['mail.contoso.test'] })]);
    expect(ids(alone)).toEqual(['cert.untrusted.missing-intermediate']);
    expect(alone.issues[0]).toMatchObject({ missingIssuer: 'CN=Unit Issuing CA, O=Diagbot Test PKI' });
  });

  it('names the AIA URL of the certificate whose issuer is missing', async () => {
    const leaf = createLeaf(inter, { dns: ['mail.contoso.test'], aiaCaIssuers: 'http://pki.contoso.test/issuing.crt' });
    const a = await analyze([leaf]);
    expect(a.issues[0]).toMatchObject({
      id: 'cert.untrusted.missing-intermediate',
      aiaUrls: ['http://pki.contoso.test/issuing.crt'],
    });
  });

  it('builds the path from a chain sent out of order, and notices unrelated extras', async () => {
    const inter2 = createIntermediate(inter, 'Unit Sub CA');
    const leaf = createLeaf(inter2, { dns: ['mail.contoso.test'] });
    const stranger = createRoot('Stranger');
    const a = await analyze([leaf, inter, inter2, stranger]);
    expect(a.trusted).toBe(true);
    expect(a.chainOrder).toBe('out-of-order');
    expect(a.unusedCertificates).toEqual(['CN=Stranger, O=Diagbot Test PKI']);
    expect((await analyze([leaf, inter2, inter])).chainOrder).toBe('in-order');
    expect((await analyze([leaf, inter2, inter], { chainSource: 'peer-certificate' })).chainOrder).toBe('unknown');
  });

  it('does not count a root the server also sent as an extra', async () => {
    const leaf = createLeaf(inter, { dns: ['mail.contoso.test'] });
    const a = await analyze([leaf, inter, root]);
    expect(a).toMatchObject({ trusted: true, chainOrder: 'in-order', unusedCertificates: [] });
  });

  it('trusts a self-signed certificate that is itself in the trust store', async () => {
    const self = createLeaf(undefined, { dns: ['mail.contoso.test'] });
    const a = await analyze([self], {}, trustStoreFromPems([self.certPem]));
    expect(a.trusted).toBe(true);
    expect(ids(a)).toEqual([]);
  });

  it('does not trust a leaf whose signature does not verify, even when the issuer name matches a trusted root', async () => {
    const impostorRoot = createRoot('Unit Root CA');
    const leaf = createLeaf(impostorRoot, { dns: ['mail.contoso.test'] });
    expect((await analyze([leaf])).trusted).toBe(false);
  });

  it('finds real public roots in the bundled store (general case, not only the private PKI)', () => {
    const bundled = trustStoreFromPems([...rootCertificates]);
    const some = new X509Certificate(rootCertificates[0] as string);
    expect(bundled.size).toBeGreaterThan(100);
    expect(bundled.bySubject(some.subject).map((c) => c.fingerprint256)).toContain(some.fingerprint256);
  });
});

describe('analyzeChain: dates', () => {
  it('reports expired, not yet valid and expiring soon with days, for the leaf and for an intermediate', async () => {
    const now = Date.now();
    const expired = createLeaf(inter, {
      dns: ['mail.contoso.test'],
      notBefore: new Date(now - 400 * DAY),
      notAfter: new Date(now - 3 * DAY - 1000),
    });
    const a = await analyze([expired, inter]);
    expect(ids(a)).toEqual(['cert.expired']);
    expect(a.issues[0]).toMatchObject({ cert: { role: 'leaf', depth: 0 }, daysAgo: 3 });
    expect(a.daysRemaining).toBe(-4);

    const future = createLeaf(inter, {
      dns: ['mail.contoso.test'],
      notBefore: new Date(now + 5 * DAY),
      notAfter: new Date(now + 400 * DAY),
    });
    expect((await analyze([future, inter])).issues[0]).toMatchObject({ id: 'cert.not-yet-valid', daysUntil: 5 });

    const soon = createLeaf(inter, { dns: ['mail.contoso.test'], notAfter: new Date(now + 12 * DAY + 3600_000) });
    expect((await analyze([soon, inter])).issues).toEqual([
      expect.objectContaining({ id: 'cert.expiring-soon', daysRemaining: 12, thresholdDays: 30 }),
    ]);
    expect((await analyze([soon, inter], { expiryWarningDays: 7 })).issues).toEqual([]);

    const oldInter = createIntermediate(root, 'Old Issuing CA', {
      notBefore: new Date(now - 900 * DAY),
      notAfter: new Date(now - DAY),
    });
    const leaf = createLeaf(oldInter, { dns: ['mail.contoso.test'] });
    expect((await analyze([leaf, oldInter])).issues).toEqual([
      expect.objectContaining({
        id: 'cert.expired',
        cert: expect.objectContaining({ role: 'intermediate', depth: 1 }),
      }),
    ]);
  });

  it('judges dates against the given clock, not the wall clock', async () => {
    const leaf = createLeaf(inter, { dns: ['mail.contoso.test'], validDays: 90 });
    expect(ids(await analyze([leaf, inter], { now: new Date(Date.now() + 100 * DAY) }))).toEqual(['cert.expired']);
  });
});

describe('analyzeChain: names', () => {
  it('checks the name even when the chain is untrusted', async () => {
    const self = createLeaf(undefined, { dns: ['other.contoso.test'] });
    expect(ids(await analyze([self]))).toEqual(['cert.name-mismatch', 'cert.untrusted.self-signed']);
  });

  it('lists the names the certificate carries in a mismatch', async () => {
    const leaf = createLeaf(inter, { dns: ['a.contoso.test', '*.b.contoso.test'], ips: ['10.0.0.5'] });
    const a = await analyze([leaf, inter], { reference: 'b.contoso.test' });
    expect(a.issues).toEqual([
      expect.objectContaining({
        id: 'cert.name-mismatch',
        carried: ['a.contoso.test', '*.b.contoso.test', '10.0.0.5'],
        usedCommonName: false,
      }),
    ]);
    expect((await analyze([leaf, inter], { reference: 'x.b.contoso.test' })).issues).toEqual([]);
    expect((await analyze([leaf, inter], { reference: '10.0.0.5' })).nameMatch).toBe('san-ip');
  });

  it('warns when the CN is not in the SAN list, and accepts a SAN-only certificate', async () => {
    const cnOut = createLeaf(inter, { subject: { CN: 'legacy.contoso.test' }, dns: ['mail.contoso.test'] });
    expect(ids(await analyze([cnOut, inter]))).toEqual(['cert.cn-not-in-san']);
    const sanOnly = createLeaf(inter, { subject: {}, dns: ['mail.contoso.test'] });
    const a = await analyze([sanOnly, inter]);
    expect(ids(a)).toEqual([]);
    expect(a.chain[0]).toMatchObject({ subjectCN: null, subject: '' });
  });

  it('explains single-label names, requested or carried', async () => {
    const fqdn = createLeaf(inter, { dns: ['mail.contoso.test'] });
    const short = await analyze([fqdn, inter], { reference: 'mail' });
    expect(ids(short)).toEqual(['cert.name-mismatch', 'cert.short-name']);
    expect(short.issues.find((i) => i.id === 'cert.short-name')).toMatchObject({
      requestedIsShort: true,
      fullNames: ['mail.contoso.test'],
    });
    const carried = createLeaf(inter, { dns: ['mail', 'mail.contoso.test'] });
    expect((await analyze([carried, inter], { reference: 'mail' })).issues).toEqual([
      expect.objectContaining({ id: 'cert.short-name', shortNamesCarried: ['mail'] }),
    ]);
  });

  it('compares the Outlook Anywhere principal name with the subject CN, not the SAN', async () => {
    const leaf = createLeaf(inter, {
      subject: { CN: 'mail.contoso.test' },
      dns: ['mail.contoso.test', 'owa.contoso.test'],
    });
    expect(ids(await analyze([leaf, inter], { expr: 'MAIL.contoso.test' }))).toEqual([]);
    expect((await analyze([leaf, inter], { expr: 'owa.contoso.test' })).issues).toEqual([
      expect.objectContaining({ id: 'cert.principal-name-mismatch', subjectCN: 'mail.contoso.test' }),
    ]);
    const noCn = createLeaf(inter, { subject: {}, dns: ['mail.contoso.test'] });
    expect((await analyze([noCn, inter], { expr: 'mail.contoso.test' })).issues[0]).toMatchObject({ subjectCN: null });
  });
});

describe('analyzeChain: strength', () => {
  it('flags RSA below 2048 bits and SHA-1 / MD5 signatures on the leaf and intermediates', async () => {
    const small = createLeaf(inter, { dns: ['mail.contoso.test'], key: { type: 'rsa', bits: 1024 } });
    const a = await analyze([small, inter]);
    expect(a.issues).toEqual([expect.objectContaining({ id: 'cert.weak-key', keyType: 'rsa', keyBits: 1024 })]);

    const sha1 = createLeaf(inter, { dns: ['mail.contoso.test'], hash: 'sha1' });
    expect((await analyze([sha1, inter])).issues).toEqual([
      expect.objectContaining({ id: 'cert.weak-signature', algorithm: 'sha1WithRSAEncryption' }),
    ]);
    const md5 = createLeaf(inter, { dns: ['mail.contoso.test'], hash: 'md5' });
    expect((await analyze([md5, inter])).issues[0]).toMatchObject({ algorithm: 'md5WithRSAEncryption' });

    const sha1Inter = createIntermediate(root, 'SHA-1 Issuing CA', { hash: 'sha1' });
    const leaf = createLeaf(sha1Inter, { dns: ['mail.contoso.test'] });
    expect((await analyze([leaf, sha1Inter])).issues).toEqual([
      expect.objectContaining({ id: 'cert.weak-signature', cert: expect.objectContaining({ role: 'intermediate' }) }),
    ]);
  });

  it('accepts ECDSA P-256 end to end, and reads its key and signature', async () => {
    const ecRoot = createRoot('EC Root', { key: { type: 'ec' } });
    const leaf = createLeaf(ecRoot, { dns: ['mail.contoso.test'], key: { type: 'ec' } });
    const a = await analyze([leaf], {}, trustStoreFromPems([ecRoot.certPem]));
    expect(ids(a)).toEqual([]);
    expect(a.chain[0]).toMatchObject({
      keyType: 'ec (prime256v1)',
      keyBits: 256,
      signatureAlgorithm: 'ecdsa-with-SHA256',
    });
    const sha1Ec = createLeaf(ecRoot, { dns: ['mail.contoso.test'], key: { type: 'ec' }, hash: 'sha1' });
    expect(ids(await analyze([sha1Ec], {}, trustStoreFromPems([ecRoot.certPem])))).toEqual(['cert.weak-signature']);
  });
});
