import { isIP } from 'node:net';
import fc from 'fast-check';
import {
  asciiHostname,
  canonicalIp,
  embeddedIpv4,
  formatIpv6,
  ipv6Bytes,
  looksNumeric,
  parseLooseIpv4,
} from '../../../src/net/address';
import { parseTarget } from '../../../src/net/target';

const dotted = (n: number): string => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');

describe('canonicalIp: IPv4 spellings', () => {
  it.each([
    ['2130706433', '127.0.0.1'],
    ['0177.0.0.1', '127.0.0.1'],
    ['0x7f.1', '127.0.0.1'],
    ['0x7F000001', '127.0.0.1'],
    ['017700000001', '127.0.0.1'],
    ['127.1', '127.0.0.1'],
    ['127.0.1', '127.0.0.1'],
    ['0x7f.0.0.0x1', '127.0.0.1'],
    ['127.0.0.1.', '127.0.0.1'],
    ['0', '0.0.0.0'],
    ['2852039166', '169.254.169.254'],
    ['0xa9.0xfe.0xa9.0xfe', '169.254.169.254'],
    ['0251.0376.0251.0376', '169.254.169.254'],
    ['10.0.0.5', '10.0.0.5'],
    ['1.2.65535', '1.2.255.255'],
  ])('%s is %s', (input, address) => {
    expect(canonicalIp(input)).toEqual({ address, family: 4 });
  });

  it.each([
    '256.1.1.1',
    '1.2.3.256',
    '08.1.1.1',
    '0x',
    '1..2',
    '1.2.3.4.5',
    '0x100000000',
    '4294967296',
    '1.2.65536',
    'mail.contoso.com',
    '',
    '.',
    'x1',
    '1e3',
    '-1',
    '99999999999999999999',
  ])('%s is not an address', (input) => {
    expect(canonicalIp(input)).toBeUndefined();
  });

  it('reads any 32-bit number as the resolver does, in decimal, hex and octal', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (n) => {
        const want = { address: dotted(n), family: 4 };
        expect(canonicalIp(String(n))).toEqual(want);
        expect(canonicalIp(`0x${n.toString(16)}`)).toEqual(want);
        expect(canonicalIp(`0${n.toString(8)}`)).toEqual(want);
        expect(parseLooseIpv4(dotted(n))).toBe(n);
      }),
      { numRuns: 500 },
    );
  });

  it('reads mixed per-part bases in dotted quads', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 4, maxLength: 4 }),
        fc.array(fc.constantFrom('dec', 'hex', 'oct'), { minLength: 4, maxLength: 4 }),
        (bytes, bases) => {
          const text = bytes
            .map((b, i) =>
              bases[i] === 'hex' ? `0x${b.toString(16)}` : bases[i] === 'oct' ? `0${b.toString(8)}` : String(b),
            )
            .join('.');
          expect(canonicalIp(text)?.address).toBe(bytes.join('.'));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('canonicalIp: IPv6', () => {
  it.each([
    ['::ffff:127.0.0.1', '127.0.0.1', 4],
    ['::FFFF:7f00:1', '127.0.0.1', 4],
    ['0:0:0:0:0:ffff:7f00:0001', '127.0.0.1', 4],
    ['::ffff:0:7f00:1', '127.0.0.1', 4],
    ['::127.0.0.1', '127.0.0.1', 4],
    ['::7f00:1', '127.0.0.1', 4],
    ['[::ffff:a9fe:a9fe]', '169.254.169.254', 4],
    ['::1', '::1', 6],
    ['::', '::', 6],
    ['0:0:0:0:0:0:0:1', '::1', 6],
    ['fe80::1%eth0', 'fe80::1', 6],
    ['[fe80::1%25eth0]', 'fe80::1', 6],
    // An empty zone still names the address: classified (and checked) rather than sent to DNS.
    ['fe80::1%', 'fe80::1', 6],
    ['FD00:EC2:0:0:0:0:0:254', 'fd00:ec2::254', 6],
    ['2001:0db8:0000:0000:0001:0000:0000:0001', '2001:db8::1:0:0:1', 6],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1', 6],
  ])('%s is %s', (input, address, family) => {
    expect(canonicalIp(input)).toEqual({ address, family });
  });

  it.each(['::ffff:1.2.3', ':::1', '1:2:3:4:5:6:7:8:9', 'g::1', '[::1'])('%s is not an address', (input) => {
    expect(canonicalIp(input)).toBeUndefined();
  });

  it('writes any IPv6 address in one canonical text that Node reads back to the same bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (bytes) => {
        const text = formatIpv6(bytes);
        expect(isIP(text)).toBe(6);
        expect(Array.from(ipv6Bytes(text) as Uint8Array)).toEqual(Array.from(bytes));
        // Long form with leading zeros reads as the same canonical text.
        const long = Array.from({ length: 8 }, (_v, i) =>
          (((bytes[i * 2] as number) << 8) | (bytes[i * 2 + 1] as number)).toString(16).padStart(4, '0'),
        ).join(':');
        expect(canonicalIp(long)).toEqual(canonicalIp(text));
      }),
      { numRuns: 500 },
    );
  });

  it('reads every IPv4-mapped spelling of any address as that IPv4 address', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (n) => {
        const hi = Math.floor(n / 65536).toString(16);
        const lo = (n % 65536).toString(16);
        expect(canonicalIp(`::ffff:${dotted(n)}`)?.address).toBe(dotted(n));
        expect(canonicalIp(`[::ffff:${hi}:${lo}]`)?.address).toBe(dotted(n));
        expect(canonicalIp(`0:0:0:0:0:FFFF:${hi}:${lo}`)?.address).toBe(dotted(n));
      }),
      { numRuns: 300 },
    );
  });

  it('finds the IPv4 address in NAT64 and 6to4 addresses', () => {
    expect(embeddedIpv4('64:ff9b::7f00:1')).toBe('127.0.0.1');
    expect(embeddedIpv4('64:ff9b::169.254.169.254')).toBe('169.254.169.254');
    expect(embeddedIpv4('2002:a9fe:a9fe::1')).toBe('169.254.169.254');
    expect(embeddedIpv4('2001:db8::1')).toBeUndefined();
  });
});

describe('parseTarget with trick spellings', () => {
  it.each([
    ['2130706433', '127.0.0.1'],
    ['0x7f.1:25', '127.0.0.1'],
    ['[::ffff:127.0.0.1]:443', '127.0.0.1'],
    ['https://0177.0.0.1/owa', '127.0.0.1'],
    ['https://user@[fe80::1%25eth0]:443/', 'fe80::1'],
  ])('%s targets %s', (input, host) => {
    expect(parseTarget(input, 443, 'cert mail.contoso.com').host).toBe(host);
  });

  it('drops a trailing dot and case from names', () => {
    expect(parseTarget('MAIL.Contoso.COM.:25', 443, 'x')).toMatchObject({
      host: 'mail.contoso.com',
      port: 25,
      isIp: false,
    });
  });

  it.each([
    ['münchen.contoso.com', 'xn--mnchen-3ya.contoso.com'],
    ['https://bücher.example/shop', 'xn--bcher-kva.example'],
    ['MAIL.Straße.example:25', 'mail.xn--strae-oqa.example'], // IDNA 2008: ß stays ß
  ])('turns the internationalised name %s into its ASCII form %s', (input, host) => {
    expect(parseTarget(input, 443, 'x')).toMatchObject({ host, isIp: false });
  });

  it('still refuses a name that has no ASCII form', () => {
    expect(() => parseTarget('bad\u0000name.example', 443, 'x')).toThrow(expect.objectContaining({ code: 'usage' }));
    expect(asciiHostname('bad\u0000näme.example')).toBe('bad\u0000näme.example');
  });

  it.each([
    '10.0.0.300',
    '0x7f.0x0.0x0.0x100',
    'mail.123',
    '1.2.3.4.5',
    'mail.contoso.com..',
    '%31%32%37.0.0.1',
    'exa mple.com',
  ])('%s is a usage error', (input) => {
    expect(() => parseTarget(input, 443, 'cert mail.contoso.com')).toThrow(expect.objectContaining({ code: 'usage' }));
  });

  it('treats a name whose last label is numeric as not a name', () => {
    expect(looksNumeric('mail.123')).toBe(true);
    expect(looksNumeric('mail.contoso.com')).toBe(false);
    expect(looksNumeric('x.0x1f')).toBe(true);
  });
});
