import {
  canonicalName,
  dnEquals,
  dnKind,
  escapeDnValue,
  formatDn,
  leafName,
  normaliseDn,
  parentDn,
  parseDn,
  rdnPairs,
} from '../../../src/dn';

describe('escapeDnValue', () => {
  it.each([
    ['Doe, Jane', 'Doe\\, Jane'],
    ['#Zoë O+Brien', '\\#Zoë O\\+Brien'],
    [' lead', '\\ lead'],
    ['trail ', 'trail\\ '],
    ['a"b<c>d;e\\f', 'a\\"b\\<c\\>d\\;e\\\\f'],
    ['tab\there', 'tab\\09here'],
    ['mid # and = stay', 'mid # and = stay'],
    ['plain', 'plain'],
    ['', ''],
  ])('escapes %j as %j', (value, escaped) => {
    expect(escapeDnValue(value)).toBe(escaped);
  });
});

describe('formatDn', () => {
  it('serialises what it parsed, escaping only what needs it', () => {
    const text = 'CN=Doe\\, Jane,OU=Engineers,DC=contoso,DC=local';
    expect(formatDn(parseDn(text))).toBe(text);
    expect(formatDn(parseDn('CN = Jane , OU=Eng;DC=x'))).toBe('CN=Jane,OU=Eng,DC=x');
    expect(formatDn(parseDn('CN=Zo\\C3\\AB\\2C Ops,DC=x'))).toBe('CN=Zoë\\, Ops,DC=x');
    expect(formatDn(parseDn('CN=Jane+UID=jdoe,DC=x'))).toBe('CN=Jane+UID=jdoe,DC=x');
  });
});

describe('parents, kinds and canonical names', () => {
  const mvp = parseDn('CN=Clint Boessen,OU=Microsoft MVPs,OU=Engineers,OU=IT Professionals,DC=4Logic,DC=local');

  it('gives the parent DN and what kind it is', () => {
    const parent = parentDn(mvp) ?? [];
    expect(formatDn(parent)).toBe('OU=Microsoft MVPs,OU=Engineers,OU=IT Professionals,DC=4Logic,DC=local');
    expect(dnKind(parent)).toBe('ou');
    expect(dnKind(parentDn(parseDn('CN=Clint Boessen,CN=Users,DC=4Logic,DC=local')) ?? [])).toBe('container');
    expect(dnKind(parentDn(parseDn('CN=Root,DC=contoso,DC=local')) ?? [])).toBe('domain');
    expect(dnKind(parseDn('2.5.4.11=Eng,DC=x'))).toBe('ou');
    expect(parentDn([])).toBeUndefined();
    expect(dnKind([])).toBeUndefined();
  });

  it('builds AD canonical names from the domain down', () => {
    expect(canonicalName(mvp)).toBe('4Logic.local/IT Professionals/Engineers/Microsoft MVPs/Clint Boessen');
    expect(canonicalName(parseDn('CN=Doe\\, Jane,OU=Engineers,OU=IT Professionals,DC=contoso,DC=local'))).toBe(
      'contoso.local/IT Professionals/Engineers/Doe, Jane',
    );
    expect(canonicalName(parseDn('OU=A/B,DC=contoso,DC=local'))).toBe('contoso.local/A\\/B');
    expect(canonicalName(parseDn('DC=contoso,DC=local'))).toBe('contoso.local');
    expect(canonicalName(parseDn('CN=Jane,O=Contoso,C=US'))).toBe('US/Contoso/Jane');
    // DC below a non-DC RDN is not part of the domain name.
    expect(canonicalName(parseDn('DC=www,OU=Sites,DC=contoso,DC=com'))).toBe('contoso.com/Sites/www');
  });

  it('lists RDN pairs leaf first and names the leaf', () => {
    const dn = parseDn('CN=Jane+UID=jdoe,OU=Eng,DC=x');
    expect(rdnPairs(dn)).toEqual([
      { type: 'CN', value: 'Jane' },
      { type: 'UID', value: 'jdoe' },
      { type: 'OU', value: 'Eng' },
      { type: 'DC', value: 'x' },
    ]);
    expect(leafName(dn)).toBe('Jane+jdoe');
  });
});

describe('equality by normalised form', () => {
  it.each([
    ['CN=Jane  Doe,OU=Eng,DC=contoso,DC=local', 'cn=jane doe,ou=eng,dc=CONTOSO,dc=LOCAL'],
    ['CN=Doe\\, Jane,DC=x', 'CN=Doe\\2C Jane,DC=x'],
    ['2.5.4.3=Jane,0.9.2342.19200300.100.1.25=x', 'CN=Jane,DC=x'],
    ['CN=Jane+UID=jdoe,DC=x', 'UID=jdoe+CN=Jane,DC=x'],
    ['CN=Zo\\C3\\AB,DC=x', 'CN=ZOË,DC=x'],
    ['CN=Zoe\u0308,DC=x', 'CN=Zoë,DC=x'],
  ])('%s equals %s', (a, b) => {
    expect(dnEquals(a, b)).toBe(true);
    expect(normaliseDn(a)).toBe(normaliseDn(b));
  });

  it.each([
    ['CN=Jane,OU=Eng,DC=x', 'CN=Jane,OU=Ops,DC=x'],
    ['CN=Jane,DC=x', 'CN=Jane,DC=x,DC=y'],
    ['CN=Doe\\, Jane,DC=x', 'CN=Doe,CN=Jane,DC=x'],
    ['OU=Jane,DC=x', 'CN=Jane,DC=x'],
  ])('%s differs from %s', (a, b) => {
    expect(dnEquals(a, b)).toBe(false);
  });
});

describe('attribute types named like Object.prototype members', () => {
  it('keeps them as written (the OID table is looked up by own keys only)', () => {
    expect(normaliseDn('constructor=a,toString=b,DC=contoso,DC=com')).toBe(
      normaliseDn('CONSTRUCTOR=a,TOSTRING=b,dc=contoso,dc=com'),
    );
    expect(normaliseDn('constructor=a,DC=contoso,DC=com')).toMatch(/^constructor=a,/);
  });
});
