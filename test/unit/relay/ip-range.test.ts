import fc from 'fast-check';
import {
  bigIntToIp,
  ipToBigInt,
  isPublicAddress,
  parseIpRange,
  rangeSize,
  subtractAddress,
} from '../../../src/relay/ip-range';
import { diagErrorWith } from '../../helpers/diag-error';

describe('parseIpRange', () => {
  it.each([
    ['10.0.0.5', 4, '10.0.0.5', '10.0.0.5', 1n],
    ['10.0.0.0/24', 4, '10.0.0.0', '10.0.0.255', 256n],
    ['10.0.0.77/24', 4, '10.0.0.0', '10.0.0.255', 256n],
    ['10.0.0.1-10.0.0.99', 4, '10.0.0.1', '10.0.0.99', 99n],
    ['10.0.0.1 - 10.0.0.99', 4, '10.0.0.1', '10.0.0.99', 99n],
    ['0.0.0.0-255.255.255.255', 4, '0.0.0.0', '255.255.255.255', 2n ** 32n],
    ['192.168.1.0(255.255.255.0)', 4, '192.168.1.0', '192.168.1.255', 256n],
    ['0.0.0.0/0', 4, '0.0.0.0', '255.255.255.255', 2n ** 32n],
    ['::ffff:10.0.0.9', 4, '10.0.0.9', '10.0.0.9', 1n],
    ['2001:db8::/32', 6, '2001:db8::', '2001:db8:ffff:ffff:ffff:ffff:ffff:ffff', 2n ** 96n],
    ['2001:db8::1-2001:db8::ff', 6, '2001:db8::1', '2001:db8::ff', 255n],
    ['fe80::1', 6, 'fe80::1', 'fe80::1', 1n],
    ['64:ff9b::10.0.0.1', 6, '64:ff9b::a00:1', '64:ff9b::a00:1', 1n],
  ])('reads %s', (text, family, start, end, size) => {
    const range = parseIpRange(text);
    expect(range.family).toBe(family);
    expect(bigIntToIp(range.start, range.family)).toBe(start);
    expect(bigIntToIp(range.end, range.family)).toBe(end);
    expect(rangeSize(range)).toBe(size);
  });

  it.each([
    ['', /empty/],
    ['10.0.0.300', /not an IP address/],
    ['10.0.0.0/33', /prefix length/],
    ['10.0.0.0/-1', /not a range of two IP addresses/],
    ['10.1', /not an IP address/],
    ['0x0a.0.0.1', /not an IP address/],
    ['10.0.5.', /not an IP address/],
    ['10.0.0.9-10.0.0.1', /ends before it starts/],
    ['10.0.0.1-2001:db8::1', /mixes IPv4 and IPv6/],
    ['10.0.0.1-10.0.0.2-10.0.0.3', /more than one dash/],
    ['10.0.0.0(255.0.255.0)', /not contiguous/],
    ['contoso.com', /not an IP address/],
    ['2001:db8::/129', /prefix length/],
  ])('refuses %j with a reason', (text, why) => {
    expect(() => parseIpRange(text)).toThrow(diagErrorWith('relay.ip-range'));
    expect(() => parseIpRange(text)).toThrow(why);
  });
});

describe('address arithmetic', () => {
  it('round-trips any IPv4 and IPv6 address', () => {
    fc.assert(fc.property(fc.ipV4(), (ip) => bigIntToIp((ipToBigInt(ip) as { value: bigint }).value, 4) === ip));
    fc.assert(
      fc.property(fc.ipV6(), (ip) => {
        const parsed = ipToBigInt(ip);
        if (!parsed || parsed.family !== 6) return true; // IPv4-mapped forms canonicalise to IPv4
        return ipToBigInt(bigIntToIp(parsed.value, 6))?.value === parsed.value;
      }),
    );
  });

  it('compresses IPv6 as RFC 5952 says', () => {
    expect(bigIntToIp((ipToBigInt('2001:0db8:0000:0000:0001:0000:0000:0001') as { value: bigint }).value, 6)).toBe(
      '2001:db8::1:0:0:1',
    );
    expect(bigIntToIp(0n, 6)).toBe('::');
    expect(bigIntToIp(1n, 6)).toBe('::1');
  });

  it('cuts one address out of a range, leaving exact pieces', () => {
    const range = parseIpRange('10.0.0.0/24');
    expect(subtractAddress(range, (ipToBigInt('10.0.0.100') as { value: bigint }).value)).toEqual([
      '10.0.0.0-10.0.0.99',
      '10.0.0.101-10.0.0.255',
    ]);
    expect(subtractAddress(range, (ipToBigInt('10.0.0.0') as { value: bigint }).value)).toEqual([
      '10.0.0.1-10.0.0.255',
    ]);
    expect(subtractAddress(parseIpRange('10.0.0.7'), (ipToBigInt('10.0.0.7') as { value: bigint }).value)).toEqual([]);
    expect(
      subtractAddress(parseIpRange('10.0.0.6-10.0.0.7'), (ipToBigInt('10.0.0.7') as { value: bigint }).value),
    ).toEqual(['10.0.0.6']);
  });

  it('tells public addresses from private, loopback and documentation ones', () => {
    for (const ip of ['8.8.8.8', '52.96.0.1', '2a01:111::1']) expect(isPublicAddress(ip)).toBe(true);
    for (const ip of [
      '10.1.2.3',
      '172.16.5.5',
      '192.168.0.1',
      '127.0.0.2',
      '100.64.1.1',
      '203.0.113.9',
      'fd00::1',
      '::1',
      'fe80::1',
      'not-an-ip',
    ]) {
      expect(isPublicAddress(ip)).toBe(false);
    }
  });
});
