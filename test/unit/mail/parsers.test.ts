import { createHash, generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { matchTlsa, tlsaData } from '../../../src/mail/dane';
import { parseDkimKey } from '../../../src/mail/dkim';
import { externalReportDomains, parseDmarc, sameOrganisation } from '../../../src/mail/dmarc';
import { mxMatches, parseMtaStsPolicy, parseMtaStsTxt, uncoveredMx } from '../../../src/mail/mta-sts';
import { evaluateSpf, parseSpf } from '../../../src/mail/spf';
import { parseTlsRpt } from '../../../src/mail/tls-rpt';
import type { Lookup, MailDns } from '../../../src/mail/types';
import { createLeaf, createRoot, generateKey } from '../../helpers/pki';

/** An in-memory DNS for the SPF walk (the lab tests run the same code against NSD + Unbound). */
function tableDns(
  txt: Record<string, string[]>,
  addresses: Record<string, string[]> = {},
): MailDns & { asked: string[] } {
  const asked: string[] = [];
  const lookup = <T>(name: string, records: T[] | undefined): Lookup<T> => ({
    name,
    status: records === undefined ? 'nxdomain' : records.length > 0 ? 'ok' : 'nodata',
    dnssec: 'insecure',
    records: records ?? [],
    cnames: [],
  });
  return {
    asked,
    txt: async (name) => {
      asked.push(`TXT ${name}`);
      return lookup(name, txt[name]);
    },
    addresses: async (name) => {
      asked.push(`A ${name}`);
      return lookup(name, addresses[name] ?? (txt[name] ? [] : undefined));
    },
    mx: async (name) => lookup(name, txt[name] ? [{ preference: 10, exchange: `mx.${name}` }] : undefined),
    tlsa: async (name) => lookup(name, undefined),
  };
}

describe('SPF', () => {
  it('parses mechanisms, qualifiers and modifiers', () => {
    const parsed = parseSpf(
      'v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 a mx/24 include:_spf.contoso.com ~all redirect=other.example',
    );
    expect(parsed.errors).toEqual([]);
    expect(parsed.terms.map((t) => (t.kind === 'mechanism' ? `${t.qualifier}${t.name}` : `${t.name}=`))).toEqual([
      '+ip4',
      '+ip6',
      '+a',
      '+mx',
      '+include',
      '~all',
      'redirect=',
    ]);
  });

  it('names what is wrong', () => {
    expect(parseSpf('v=spf1 ip4:999.1.1.1 include: foo -all').errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/999\.1\.1\.1/),
        expect.stringMatching(/include:/),
        expect.stringMatching(/foo/),
      ]),
    );
    expect(parseSpf('spf1 -all').errors[0]).toMatch(/v=spf1/);
  });

  it('counts lookups through nested includes and redirect, and void lookups', async () => {
    const dns = tableDns({
      'contoso.com': [
        'v=spf1 include:a.contoso.com include:gone.contoso.com a:nothing.contoso.com redirect=r.contoso.com',
      ],
      'a.contoso.com': ['v=spf1 include:b.contoso.com mx -all'],
      'b.contoso.com': ['v=spf1 exists:%{i}.x.contoso.com ptr -all'],
      'r.contoso.com': ['v=spf1 a -all'],
      'nothing.contoso.com': ['not spf'],
    });
    const spf = await evaluateSpf('contoso.com', dns);
    // include a, include gone, a:nothing, redirect + (a: include b, mx) + (b: exists, ptr) + (r: a) = 9
    expect(spf.lookups).toBe(9);
    // gone.contoso.com (NXDOMAIN), nothing.contoso.com and r.contoso.com (`a` of the redirect: no address)
    expect(spf.voidLookups).toBe(3);
    expect(spf.all).toBe('-');
    expect(spf.macros).toEqual(['%{i}.x.contoso.com']);
    expect(spf.errors).toEqual([expect.stringMatching(/include:gone\.contoso\.com has no SPF record/)]);
  });

  it('stops on include loops', async () => {
    const dns = tableDns({
      'a.example': ['v=spf1 include:b.example -all'],
      'b.example': ['v=spf1 include:a.example -all'],
    });
    const spf = await evaluateSpf('a.example', dns);
    expect(spf.lookups).toBe(2);
    expect(spf.errors.join()).toMatch(/loops/);
  });

  it('never throws on junk', async () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        const parsed = parseSpf(text);
        expect(Array.isArray(parsed.errors)).toBe(true);
      }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.constantFrom(
            'include:x.example',
            'a',
            'mx',
            'ptr',
            '-all',
            '+all',
            'redirect=x.example',
            'exists:%{i}.e',
            'ip4:1.2.3.4',
            'garbage',
            '?all',
          ),
          { maxLength: 30 },
        ),
        async (terms) => {
          const dns = tableDns({ 'x.example': [`v=spf1 ${terms.join(' ')}`] });
          const spf = await evaluateSpf('x.example', dns);
          expect(spf.lookups).toBeGreaterThanOrEqual(0);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('DMARC', () => {
  it('reads the policy with defaults', () => {
    expect(
      parseDmarc(
        'v=DMARC1; p=quarantine; sp=reject; pct=50; rua=mailto:d@contoso.com,mailto:x@vendor.example!10m; adkim=s',
      ),
    ).toMatchObject({
      p: 'quarantine',
      sp: 'reject',
      pct: 50,
      adkim: 's',
      aspf: 'r',
      rua: ['mailto:d@contoso.com', 'mailto:x@vendor.example'],
      errors: [],
    });
  });

  it('names invalid values', () => {
    const errors = parseDmarc('v=DMARC1; p=block; pct=101; adkim=x; rua=ftp://x').errors.join('\n');
    for (const part of ['p=block', 'pct=101', 'adkim=x', 'ftp://x']) expect(errors).toContain(part);
    expect(parseDmarc('p=reject; v=DMARC1').errors[0]).toMatch(/start with v=DMARC1/);
    expect(parseDmarc('v=DMARC1').errors).toContain('p= (the policy) is missing');
  });

  it('finds report domains outside the domain', () => {
    expect(sameOrganisation('mail.contoso.com', 'contoso.com')).toBe(true);
    expect(sameOrganisation('contoso.com', 'reports.contoso.com')).toBe(true);
    expect(sameOrganisation('contoso.com', 'contoso.com.evil.example')).toBe(false);
    expect(
      externalReportDomains(
        'contoso.com',
        parseDmarc('v=DMARC1; p=none; rua=mailto:a@contoso.com,mailto:b@Vendor.example; ruf=mailto:c@other.example'),
      ),
    ).toEqual(['vendor.example', 'other.example']);
  });

  it('never throws on junk', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        expect(Array.isArray(parseDmarc(text).errors)).toBe(true);
        expect(Array.isArray(parseTlsRpt(text).errors)).toBe(true);
        expect(Array.isArray(parseMtaStsTxt(text).errors)).toBe(true);
        expect(Array.isArray(parseDkimKey('s', text).errors)).toBe(true);
      }),
    );
  });
});

describe('MTA-STS', () => {
  const policy =
    'version: STSv1\r\nmode: enforce\r\nmx: mail.contoso.com\r\nmx: *.mx.contoso.com\r\nmax_age: 604800\r\n';

  it('parses the policy and matches MX hosts (a wildcard covers one label)', () => {
    expect(parseMtaStsPolicy(policy)).toEqual({
      mode: 'enforce',
      maxAge: 604800,
      mx: ['mail.contoso.com', '*.mx.contoso.com'],
      errors: [],
    });
    expect(mxMatches('*.mx.contoso.com', 'a.mx.contoso.com')).toBe(true);
    expect(mxMatches('*.mx.contoso.com', 'a.b.mx.contoso.com')).toBe(false);
    expect(mxMatches('*.mx.contoso.com', 'mx.contoso.com')).toBe(false);
    expect(
      uncoveredMx(
        ['mail.contoso.com', '*.mx.contoso.com'],
        ['mail.contoso.com.', 'x.mx.contoso.com', 'backup.contoso.com'],
      ),
    ).toEqual(['backup.contoso.com']);
  });

  it('names every problem of a bad policy and TXT record', () => {
    const bad = parseMtaStsPolicy('version: STSv2\nmode: strict\nmax_age: 99999999999\n');
    for (const part of [/STSv2/, /strict/, /max_age: 99999999999/, /no mx/])
      expect(bad.errors.join('\n')).toMatch(part);
    expect(parseMtaStsTxt('v=STSv1; id=this-has-dashes').errors[0]).toMatch(/id=/);
    expect(parseMtaStsTxt('v=STSv1; id=20260101T000000')).toEqual({ id: '20260101T000000', errors: [] });
  });

  it('never throws on junk', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 500 }), fc.string({ maxLength: 60 }), (text, host) => {
        const parsed = parseMtaStsPolicy(text);
        expect(uncoveredMx(parsed.mx, [host]).length).toBeLessThanOrEqual(1);
      }),
    );
  });
});

describe('TLS-RPT and DKIM', () => {
  it('reads TLS-RPT', () => {
    expect(parseTlsRpt('v=TLSRPTv1; rua=mailto:tls@contoso.com,https://report.contoso.com/tls')).toEqual({
      rua: ['mailto:tls@contoso.com', 'https://report.contoso.com/tls'],
      errors: [],
    });
    expect(parseTlsRpt('v=TLSRPTv1;').errors).toEqual(['rua= (where reports go) is missing']);
  });

  it('measures DKIM keys, revoked keys and the testing flag', () => {
    const spki = (bits: number): string =>
      generateKeyPairSync('rsa', { modulusLength: bits })
        .publicKey.export({ type: 'spki', format: 'der' })
        .toString('base64');
    expect(parseDkimKey('s1', `v=DKIM1; k=rsa; t=y:s; p=${spki(1024)}`)).toMatchObject({
      keyType: 'rsa',
      keyBits: 1024,
      testing: true,
      revoked: false,
      errors: [],
    });
    expect(parseDkimKey('s1', 'v=DKIM1; p=')).toMatchObject({ revoked: true });
    const ed = generateKeyPairSync('ed25519')
      .publicKey.export({ type: 'spki', format: 'der' })
      .subarray(-32)
      .toString('base64');
    expect(parseDkimKey('s1', `v=DKIM1; k=ed25519; p=${ed}`)).toMatchObject({
      keyType: 'ed25519',
      keyBits: 256,
      errors: [],
    });
    expect(parseDkimKey('s1', 'v=DKIM1; p=AAAA').errors).toEqual(['p= is not an RSA public key']);
  });
});

describe('TLSA matching', () => {
  const root = createRoot('TLSA Test Root');
  const leaf = createLeaf(root, { dns: ['mx.contoso.com'], key: generateKey({ type: 'ec' }, true) });
  const chain = [leaf.certDer, root.certDer];
  const spkiHash = createHash('sha256')
    .update(leaf.x509.publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex');

  it('matches DANE-EE on the leaf and DANE-TA on the issuer, in every selector and matching type', () => {
    expect(tlsaData(leaf.certDer, 1, 1)).toBe(spkiHash);
    const records = [
      { usage: 3, selector: 1, matchingType: 1, data: spkiHash },
      { usage: 3, selector: 0, matchingType: 2, data: createHash('sha512').update(leaf.certDer).digest('hex') },
      { usage: 3, selector: 0, matchingType: 0, data: leaf.certDer.toString('hex') },
      { usage: 2, selector: 1, matchingType: 1, data: tlsaData(root.certDer, 1, 1) as string },
      { usage: 2, selector: 1, matchingType: 1, data: spkiHash },
      { usage: 3, selector: 1, matchingType: 1, data: '00'.repeat(32) },
      { usage: 1, selector: 1, matchingType: 1, data: spkiHash },
    ];
    expect(matchTlsa(records, chain).map((m) => m.matches)).toEqual([true, true, true, true, false, false, false]);
    expect(matchTlsa(records, chain)[6]?.unusable).toMatch(/PKIX/);
  });

  it('never throws on junk records or chains', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            usage: fc.nat(255),
            selector: fc.nat(255),
            matchingType: fc.nat(255),
            data: fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a).toString('hex')),
          }),
          { maxLength: 5 },
        ),
        fc.array(
          fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)),
          { maxLength: 3 },
        ),
        (records, junk) => {
          expect(matchTlsa(records, [...junk, ...chain]).length).toBe(records.length);
        },
      ),
    );
  });
});
