import { parseCertificate } from '../../../src/tls/cert-info';
import { loadAsn1 } from '../../../src/tls/der-fields';
import { extractCertificates, HandshakeCapture } from '../../../src/tls/wire-chain';
import { createIntermediate, createLeaf, createRoot } from '../../helpers/pki';

const u24 = (n: number): Buffer => Buffer.from([(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]);
const u16 = (n: number): Buffer => Buffer.from([(n >> 8) & 0xff, n & 0xff]);
const handshake = (type: number, body: Buffer): Buffer => Buffer.concat([Buffer.from([type]), u24(body.length), body]);
const record = (type: number, body: Buffer): Buffer =>
  Buffer.concat([Buffer.from([type, 3, 3]), u16(body.length), body]);

/** A TLS 1.2 ServerHello (no supported_versions extension) for suite 0xc02f. */
function serverHello12(): Buffer {
  return handshake(
    2,
    Buffer.concat([Buffer.from([3, 3]), Buffer.alloc(32, 7), Buffer.from([0]), u16(0xc02f), Buffer.from([0]), u16(0)]),
  );
}

function certificate12(ders: Buffer[]): Buffer {
  const list = Buffer.concat(ders.map((der) => Buffer.concat([u24(der.length), der])));
  return handshake(11, Buffer.concat([u24(list.length), list]));
}

const root = createRoot('Wire Root');
const inter = createIntermediate(root, 'Wire Issuing CA');
const leaf = createLeaf(inter, { dns: ['mail.contoso.test'] });

describe('extractCertificates (TLS 1.2, clear text)', () => {
  it('returns the certificates in the order sent, whatever that order is', () => {
    for (const order of [[leaf, inter, root], [leaf, root, inter], [leaf]]) {
      const bytes = Buffer.concat([
        record(22, serverHello12()),
        record(22, certificate12(order.map((c) => c.certDer))),
      ]);
      expect(extractCertificates(bytes, undefined)?.map((d) => d.toString('hex'))).toEqual(
        order.map((c) => c.certDer.toString('hex')),
      );
    }
  });

  it('reassembles a Certificate message split across records and records split across reads', () => {
    const messages = Buffer.concat([serverHello12(), certificate12([leaf.certDer, inter.certDer])]);
    const records = Buffer.concat([
      record(22, messages.subarray(0, 50)),
      record(22, messages.subarray(50, 900)),
      record(22, messages.subarray(900)),
    ]);
    const capture = new HandshakeCapture();
    for (let i = 0; i < records.length; i += 97) capture.push(records.subarray(i, i + 97));
    expect(capture.certificates()).toHaveLength(2);
  });

  it('gives up (undefined) on what it cannot read: not TLS, an alert, a truncated record, TLS 1.3 without the secret', () => {
    expect(extractCertificates(Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n'), undefined)).toBeUndefined();
    expect(extractCertificates(record(21, Buffer.from([2, 40])), undefined)).toBeUndefined();
    const full = Buffer.concat([record(22, serverHello12()), record(22, certificate12([leaf.certDer]))]);
    expect(extractCertificates(full.subarray(0, full.length - 10), undefined)).toBeUndefined();
    const hello13 = handshake(
      2,
      Buffer.concat([
        Buffer.from([3, 3]),
        Buffer.alloc(32, 1),
        Buffer.from([0]),
        u16(0x1301),
        Buffer.from([0]),
        u16(6),
        u16(43),
        u16(2),
        u16(0x0304),
      ]),
    );
    expect(
      extractCertificates(Buffer.concat([record(22, hello13), record(23, Buffer.alloc(64, 9))]), undefined),
    ).toBeUndefined();
    expect(
      extractCertificates(Buffer.concat([record(22, hello13), record(23, Buffer.alloc(64, 9))]), Buffer.alloc(32, 3)),
    ).toBeUndefined();
  });

  it('bounds what it keeps', () => {
    const capture = new HandshakeCapture(1000);
    for (let i = 0; i < 100; i += 1) capture.push(Buffer.alloc(100));
    expect(capture.bytes().length).toBeLessThanOrEqual(1100);
  });
});

describe('parseCertificate (DER fields Node 20 does not expose)', () => {
  it('reads SANs of both kinds, the CN, the AIA URL and the signature algorithm', async () => {
    const cert = createLeaf(inter, {
      subject: { CN: 'Mail Server', O: 'Contoso' },
      dns: ['mail.contoso.test', '*.contoso.test'],
      ips: ['10.0.0.5', '2001:db8:0:0:0:0:0:1'],
      aiaCaIssuers: 'http://pki.contoso.test/issuing.crt',
      hash: 'sha384',
    });
    const parsed = parseCertificate(await loadAsn1(), cert.certDer);
    expect(parsed.details).toMatchObject({
      subject: 'CN=Mail Server, O=Contoso',
      issuer: 'CN=Wire Issuing CA, O=Diagbot Test PKI',
      subjectCN: 'Mail Server',
      sans: { dns: ['mail.contoso.test', '*.contoso.test'], ip: ['10.0.0.5', '2001:db8::1'] },
      keyType: 'rsa',
      keyBits: 2048,
      signatureAlgorithm: 'sha384WithRSAEncryption',
      selfSigned: false,
    });
    expect(parsed.fields.aiaCaIssuers).toEqual(['http://pki.contoso.test/issuing.crt']);
    expect(parsed.details.fingerprint256).toBe(cert.x509.fingerprint256);
    expect(new Date(parsed.details.notAfter).getTime()).toBe(new Date(cert.x509.validTo).getTime());
  });

  it('reads a CN with non-ASCII characters and an ECDSA P-384 key', async () => {
    const cert = createLeaf(undefined, {
      subject: { CN: 'Zürich Mail' },
      dns: ['zh.contoso.test'],
      key: { type: 'ec', curve: 'P-384' },
      hash: 'sha384',
    });
    const parsed = parseCertificate(await loadAsn1(), cert.certDer);
    expect(parsed.details).toMatchObject({
      subjectCN: 'Zürich Mail',
      keyType: 'ec (secp384r1)',
      keyBits: 384,
      signatureAlgorithm: 'ecdsa-with-SHA384',
      selfSigned: true,
    });
  });

  it('throws on bytes that are not a certificate', async () => {
    const asn1 = await loadAsn1();
    expect(() => parseCertificate(asn1, Buffer.from('not a certificate'))).toThrow();
  });
});
