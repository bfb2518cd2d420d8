import { fill, fillFix } from '../../../src/core/template';

describe('fill', () => {
  it('puts each value in its placeholder, as it is', () => {
    expect(
      fill('Renew {host} before {date} ({days} left).', { host: 'mail.contoso.com', date: '2026-03-01', days: 9 }),
    ).toBe('Renew mail.contoso.com before 2026-03-01 (9 left).');
    // A value is never read for placeholders or replacement patterns.
    expect(fill('{a} and {b}', { a: '{b}', b: '$& $1' })).toBe('{b} and $& $1');
  });

  it('leaves braces that hold no name as written', () => {
    expect(fill('Get-WinEvent @{LogName=Security} { } {1}', {})).toBe('Get-WinEvent @{LogName=Security} { } {1}');
  });

  it('throws on a placeholder without a value (the data names a value its code does not give)', () => {
    expect(() => fill('expires {notAfter}', { notBefore: 'x' })).toThrow(
      'no value for {notAfter} in "expires {notAfter}"',
    );
    expect(() => fill('{constructor}', {})).toThrow(/no value for \{constructor\}/);
  });
});

describe('fillFix', () => {
  const links = { renew: { title: 'Renew', url: 'https://example.test/renew' } };

  it('fills summary and steps and turns link names into links, keeping absent fields absent', () => {
    expect(
      fillFix({ summary: 'Renew {host}.', steps: ['Run `{command}`.'], links: ['renew'] }, links, {
        host: 'h',
        command: 'cert h',
      }),
    ).toEqual({
      summary: 'Renew h.',
      steps: ['Run `cert h`.'],
      links: [links.renew],
    });
    expect(Object.keys(fillFix({ summary: 'Only this.' }, links, {}))).toEqual(['summary']);
  });

  it('throws on a link name that is not there', () => {
    expect(() => fillFix({ summary: 's', links: ['nowhere'] }, links, {})).toThrow('no link named nowhere');
  });
});
