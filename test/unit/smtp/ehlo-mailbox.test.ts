import { addressLiteral, offersXclientAddr, parseEhlo } from '../../../src/smtp/ehlo';
import { domainOf, isMailbox } from '../../../src/net/mailbox';

describe('parseEhlo', () => {
  it('splits keyword and parameters, upper-casing keywords', () => {
    const ehlo = parseEhlo({
      code: 250,
      lines: [
        'mx.contoso.com Hello [10.0.0.5]',
        'SIZE 37748736',
        'xclient NAME ADDR PROTO',
        'STARTTLS',
        'AUTH NTLM LOGIN',
      ],
      raw: '',
    });
    expect(ehlo.greeting).toBe('mx.contoso.com Hello [10.0.0.5]');
    expect(ehlo.lines).toEqual(['SIZE 37748736', 'xclient NAME ADDR PROTO', 'STARTTLS', 'AUTH NTLM LOGIN']);
    expect(ehlo.capabilities.get('SIZE')).toEqual(['37748736']);
    expect(ehlo.capabilities.get('AUTH')).toEqual(['NTLM', 'LOGIN']);
    expect(offersXclientAddr(ehlo)).toBe(true);
  });

  it('does not count XCLIENT without ADDR', () => {
    expect(offersXclientAddr(parseEhlo({ code: 250, lines: ['mx', 'XCLIENT NAME HELO'], raw: '' }))).toBe(false);
    expect(offersXclientAddr(parseEhlo({ code: 250, lines: ['mx'], raw: '' }))).toBe(false);
  });

  it('writes address literals for EHLO', () => {
    expect(addressLiteral('10.0.0.5')).toBe('[10.0.0.5]');
    expect(addressLiteral('2001:db8::5')).toBe('[IPv6:2001:db8::5]');
  });
});

describe('isMailbox', () => {
  it.each(['someone@example.org', 'relay-test+probe@mail.contoso.com', "o'brien@contoso.co.uk"])(
    'accepts %s',
    (text) => {
      expect(isMailbox(text)).toBe(true);
    },
  );

  it.each([
    '',
    'not-an-address',
    '@example.org',
    'a@',
    'a@localhost',
    'a b@example.org',
    'a@example.org>',
    'a@exa mple.org',
    'a\r\nDATA@example.org',
    '.a@example.org',
    'a..b@example.org',
    `${'a'.repeat(65)}@example.org`,
  ])('refuses %j', (text) => {
    expect(isMailbox(text)).toBe(false);
  });

  it('finds the domain', () => {
    expect(domainOf('Someone@Contoso.COM.')).toBe('contoso.com');
  });
});
