import fc from 'fast-check';
import { isIP } from 'node:net';
import {
  commonNamesMissingFromSan,
  dnsNameMatches,
  isIpAddress,
  isSingleLabel,
  matchIdentity,
} from '../../../src/tls/names';

describe('dnsNameMatches (RFC 6125 §6.4)', () => {
  it.each([
    ['mail.contoso.com', 'mail.contoso.com', true],
    ['MAIL.Contoso.com', 'mail.contoso.COM.', true],
    ['mail.contoso.com', 'mail2.contoso.com', false],
    ['*.contoso.com', 'mail.contoso.com', true],
    ['*.contoso.com', 'contoso.com', false],
    ['*.contoso.com', 'a.b.contoso.com', false],
    ['*.contoso.com', '.contoso.com', false],
    ['*.com', 'contoso.com', false],
    ['w*.contoso.com', 'www.contoso.com', false],
    ['*mail.contoso.com', 'mail.contoso.com', false],
    ['mail.*.com', 'mail.contoso.com', false],
    ['*.*.contoso.com', 'a.b.contoso.com', false],
    ['', 'mail.contoso.com', false],
  ])('%s vs %s → %s', (pattern, reference, expected) => {
    expect(dnsNameMatches(pattern, reference)).toBe(expected);
  });

  const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/);
  const domain = fc.array(label, { minLength: 2, maxLength: 4 }).map((labels) => labels.join('.'));

  it('a wildcard matches exactly one extra label, never the bare domain or two levels down (property)', () => {
    fc.assert(
      fc.property(domain, label, label, (parent, first, second) => {
        const pattern = `*.${parent}`;
        expect(dnsNameMatches(pattern, `${first}.${parent}`)).toBe(true);
        expect(dnsNameMatches(pattern, parent)).toBe(false);
        expect(dnsNameMatches(pattern, `${second}.${first}.${parent}`)).toBe(false);
      }),
    );
  });

  it('an exact name matches itself in any case and nothing with another label (property)', () => {
    fc.assert(
      fc.property(domain, label, (name, extra) => {
        expect(dnsNameMatches(name.toUpperCase(), name)).toBe(true);
        expect(dnsNameMatches(name, `${extra}.${name}`)).toBe(false);
      }),
    );
  });
});

describe('matchIdentity', () => {
  it('uses DNS SANs and ignores the CN once a DNS SAN exists', () => {
    const names = { dns: ['mail.contoso.com'], ips: [], commonNames: ['legacy.contoso.com'] };
    expect(matchIdentity('mail.contoso.com', names)).toMatchObject({ matched: true, by: 'san-dns' });
    expect(matchIdentity('legacy.contoso.com', names)).toMatchObject({
      matched: false,
      by: 'none',
      usedCommonName: false,
    });
  });

  it('falls back to the CN only when there is no DNS SAN (an IP SAN does not count)', () => {
    expect(
      matchIdentity('mail.contoso.com', { dns: [], ips: ['10.0.0.5'], commonNames: ['mail.contoso.com'] }),
    ).toMatchObject({ matched: true, by: 'subject-cn', usedCommonName: true });
  });

  it('matches an address only against iPAddress SANs, in any spelling of IPv6', () => {
    const names = { dns: ['10.0.0.5'], ips: ['2001:db8::1'], commonNames: ['10.0.0.5'] };
    expect(matchIdentity('10.0.0.5', names).matched).toBe(false);
    expect(matchIdentity('2001:0db8:0:0:0:0:0:1', names)).toMatchObject({ matched: true, by: 'san-ip' });
    expect(matchIdentity('[2001:db8::1]', names).matched).toBe(true);
  });

  it('treats a single-label name as a different name from the FQDN', () => {
    expect(matchIdentity('mail', { dns: ['mail.contoso.com'], ips: [], commonNames: [] }).matched).toBe(false);
    expect(isSingleLabel('mail')).toBe(true);
    expect(isSingleLabel('mail.')).toBe(true);
    expect(isSingleLabel('mail.contoso.com')).toBe(false);
    expect(isSingleLabel('10.0.0.5')).toBe(false);
  });
});

describe('commonNamesMissingFromSan', () => {
  it('lists CNs the SAN list does not repeat, and none when there are no SANs', () => {
    expect(commonNamesMissingFromSan({ dns: ['a.contoso.com'], ips: [], commonNames: ['b.contoso.com'] })).toEqual([
      'b.contoso.com',
    ]);
    expect(commonNamesMissingFromSan({ dns: ['A.contoso.com'], ips: [], commonNames: ['a.contoso.com'] })).toEqual([]);
    expect(commonNamesMissingFromSan({ dns: [], ips: ['10.0.0.5'], commonNames: ['10.0.0.5'] })).toEqual([]);
    expect(commonNamesMissingFromSan({ dns: [], ips: [], commonNames: ['b.contoso.com'] })).toEqual([]);
  });
});

describe('isIpAddress', () => {
  it.each([
    ['10.0.0.5', true],
    ['[2001:db8::1]', true],
    ['fe80::1%eth0', true],
    ['::ffff:10.0.0.5', true],
    ['mail.contoso.com', false],
    ['10.0.0', false],
    ['10.0.0.256', false],
    ['mail:25', false],
    ['', false],
  ])('%s → %s', (text, expected) => {
    expect(isIpAddress(text)).toBe(expected);
  });

  it("answers as node's isIP for any text (its cheap gate only skips what cannot be an address)", () => {
    const addressy = fc.stringMatching(/^\[?[0-9a-fA-F.:%]{0,40}\]?$/);
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.ipV4(), fc.ipV6(), addressy), (text) => {
        expect(isIpAddress(text)).toBe(isIP(text.replace(/^\[|\]$/g, '')) !== 0);
      }),
    );
  });
});
