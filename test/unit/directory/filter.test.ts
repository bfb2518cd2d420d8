import { AndFilter, EqualityFilter, FilterParser, OrFilter } from 'ldapts';
import { classifyUserName, userFilter } from '../../../src/directory/filter';

const classes = { AndFilter, OrFilter, EqualityFilter };

describe('classifyUserName', () => {
  it.each([
    ['jdoe', 'jdoe', ['sAMAccountName'], undefined],
    ['  jdoe  ', 'jdoe', ['sAMAccountName'], undefined],
    ['CONTOSO\\jdoe', 'jdoe', ['sAMAccountName'], 'CONTOSO'],
    ['jdoe@contoso.com', 'jdoe@contoso.com', ['userPrincipalName', 'mail'], undefined],
    ['*)(objectClass=*', '*)(objectClass=*', ['sAMAccountName'], undefined],
    ['a\\b\\c', 'a\\b\\c', ['sAMAccountName'], undefined],
  ])('reads %j as %j by %j', (input, value, attributes, domain) => {
    expect(classifyUserName(input)).toEqual({ input, value, attributes, ...(domain ? { domain } : {}) });
  });
});

describe('userFilter', () => {
  it('limits the search to normal user accounts and the attributes the name can be', () => {
    expect(userFilter(classes, classifyUserName('jdoe')).toString()).toBe(
      '(&(sAMAccountType=805306368)(sAMAccountName=jdoe))',
    );
    expect(userFilter(classes, classifyUserName('jdoe@contoso.com')).toString()).toBe(
      '(&(sAMAccountType=805306368)(|(userPrincipalName=jdoe@contoso.com)(mail=jdoe@contoso.com)))',
    );
  });

  it.each([
    ['*)(objectClass=*', '\\2a\\29\\28objectClass=\\2a'],
    ['*', '\\2a'],
    ['a)(|(sAMAccountName=*', 'a\\29\\28|\\28sAMAccountName=\\2a'],
    ['two\\back\\slashes', 'two\\5cback\\5cslashes'],
    ['nul\u0000byte', 'nul\\00byte'],
  ])('escapes filter syntax in %j (RFC 4515) so it stays one literal value', (name, escaped) => {
    const filter = userFilter(classes, classifyUserName(name));
    expect(filter.toString()).toBe(`(&(sAMAccountType=805306368)(sAMAccountName=${escaped}))`);
    // Read back by a filter parser, the string is still exactly two equality tests: nothing was injected.
    const parsed = FilterParser.parseString(filter.toString());
    expect(parsed).toBeInstanceOf(AndFilter);
    const [, match] = (parsed as AndFilter).filters;
    expect(match).toBeInstanceOf(EqualityFilter);
    expect((match as EqualityFilter).value).toBe(name);
  });

  it('escapes a DN a second time inside a filter: the DN escape \\, becomes \\5c,', () => {
    const filter = new EqualityFilter({
      attribute: 'distinguishedName',
      value: 'CN=Doe\\, Jane,OU=Engineers,DC=contoso,DC=local',
    });
    expect(filter.toString()).toBe('(distinguishedName=CN=Doe\\5c, Jane,OU=Engineers,DC=contoso,DC=local)');
  });
});
