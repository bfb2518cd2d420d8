import { dnSyntaxProblem, formatDn, parseDn, type DnSyntaxProblem } from '../../../src/dn';

const values = (text: string): string[][] => parseDn(text).map((rdn) => rdn.map((ava) => ava.value));
const types = (text: string): string[][] => parseDn(text).map((rdn) => rdn.map((ava) => ava.type));

function syntaxError(text: string): DnSyntaxProblem {
  try {
    parseDn(text);
  } catch (error) {
    const problem = dnSyntaxProblem(error);
    if (problem) return problem;
    throw error;
  }
  throw new Error(`parseDn accepted ${JSON.stringify(text)}`);
}

describe('parseDn', () => {
  it('reads the founding case leaf first', () => {
    const dn = parseDn('CN=Clint Boessen,OU=Microsoft MVPs,OU=Engineers,OU=IT Professionals,DC=4Logic,DC=local');
    expect(dn.map((rdn) => `${rdn[0]?.type}=${rdn[0]?.value}`)).toEqual([
      'CN=Clint Boessen',
      'OU=Microsoft MVPs',
      'OU=Engineers',
      'OU=IT Professionals',
      'DC=4Logic',
      'DC=local',
    ]);
  });

  it('keeps an escaped comma inside the value instead of splitting there', () => {
    expect(values('CN=Boessen\\, Clint,OU=Engineers,DC=contoso,DC=local')).toEqual([
      ['Boessen, Clint'],
      ['Engineers'],
      ['contoso'],
      ['local'],
    ]);
  });

  it.each([
    ['\\,', ','],
    ['\\+', '+'],
    ['\\"', '"'],
    ['\\\\', '\\'],
    ['\\<', '<'],
    ['\\>', '>'],
    ['\\;', ';'],
    ['\\=', '='],
    ['\\#', '#'],
  ])('decodes the escape %s', (escape, literal) => {
    expect(values(`CN=a${escape}b,DC=x`)[0]).toEqual([`a${literal}b`]);
  });

  it('keeps escaped leading and trailing spaces and drops unescaped ones', () => {
    expect(values('CN=\\ padded\\ ,DC=x')[0]).toEqual([' padded ']);
    expect(values('CN = Jane Doe , OU = Eng ,DC=x')).toEqual([['Jane Doe'], ['Eng'], ['x']]);
    expect(values('CN=\\#1 \\ ,DC=x')[0]).toEqual(['#1  ']);
  });

  it('decodes hex escapes as UTF-8, also mixed with text and across several characters', () => {
    expect(values('CN=Zo\\C3\\AB,DC=x')[0]).toEqual(['Zoë']);
    expect(values('CN=\\E6\\9D\\B1\\E4\\BA\\AC Office,DC=x')[0]).toEqual(['東京 Office']);
    expect(values('CN=a\\2Cb\\2bc,DC=x')[0]).toEqual(['a,b+c']);
    expect(values('CN=Zoë,DC=x')[0]).toEqual(['Zoë']);
  });

  it('reads #-hex values: BER strings as text, other BER as hex, both kept for serialising', () => {
    const text = parseDn('UID=#04024869,DC=x')[0]?.[0];
    expect(text).toEqual({ type: 'UID', value: 'Hi', ber: '04024869' });
    const other = parseDn('1.3.6.1.4.1.1466.0=#0101FF,DC=x')[0]?.[0];
    expect(other).toEqual({ type: '1.3.6.1.4.1.1466.0', value: '#0101ff', ber: '0101ff' });
    expect(formatDn(parseDn('UID=#04024869,DC=x'))).toBe('UID=#04024869,DC=x');
  });

  it('reads multi-valued RDNs', () => {
    expect(types('CN=Jane Doe+UID=jdoe,OU=Eng,DC=x')).toEqual([['CN', 'UID'], ['OU'], ['DC']]);
    expect(values('CN=Jane Doe + UID=jdoe,DC=x')[0]).toEqual(['Jane Doe', 'jdoe']);
  });

  it('reads OID types with and without the legacy OID. prefix, and any case of names', () => {
    expect(types('2.5.4.3=Jane,OID.2.5.4.11=Eng,dc=x')).toEqual([['2.5.4.3'], ['2.5.4.11'], ['dc']]);
    expect(types('cn=a,Ou=b,x-custom-Attr1=c')).toEqual([['cn'], ['Ou'], ['x-custom-Attr1']]);
  });

  it('accepts ; as a separator, = inside a value and an empty value', () => {
    expect(values('CN=a;OU=b')).toEqual([['a'], ['b']]);
    expect(values('CN=a=b,DC=x')[0]).toEqual(['a=b']);
    expect(values('CN=,DC=x')[0]).toEqual(['']);
  });

  it('reads the empty DN as no RDNs', () => {
    expect(parseDn('')).toEqual([]);
    expect(parseDn('   ')).toEqual([]);
  });

  it.each([
    ['CN=unterminated\\', 'backslash that escapes nothing'],
    ['CN=a\\qb,DC=x', 'not a valid escape'],
    ['CN=a"b,DC=x', 'must be escaped'],
    ['CN=a<b', 'must be escaped'],
    [',,,', 'expected an attribute type'],
    ['CN=a,,DC=x', 'expected an attribute type'],
    ['CN=a,', 'ends with a separator'],
    ['=a', 'expected an attribute type'],
    ['CN', 'needs `=`'],
    ['CN a', 'expected `=`'],
    ['CN=a,2.5=x,3=y', 'at least two parts'],
    ['1..2=x', 'digits between its dots'],
    ['UID=#0402486', 'even number'],
    ['UID=#', 'no hex digits'],
    ['UID=#0402zz', 'only hex digits'],
    ['CN=\\C3\\28', 'not valid UTF-8'],
    ['CN=a\u0000b', 'NUL'],
    ['C N=a', 'expected `=`'],
  ])('refuses %j with a reason and a position', (text, reason) => {
    const error = syntaxError(text);
    expect(error.reason).toContain(reason);
    expect(error.position).toBeGreaterThanOrEqual(0);
    expect(error.position).toBeLessThanOrEqual(text.length);
  });

  it('points at the character that broke the DN', () => {
    expect(syntaxError('CN=ok,OU=bad"quote,DC=x').position).toBe('CN=ok,OU=bad'.length);
    expect(syntaxError('CN=a\\qb').position).toBe(4);
  });
});
