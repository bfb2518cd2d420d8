import type { Filter } from 'ldapts';

/** The attributes a user can be found by. */
export type LookupAttribute = 'sAMAccountName' | 'userPrincipalName' | 'mail';

/** How a typed name is looked up: which value, against which attributes. */
export interface UserLookup {
  /** What the person typed. */
  input: string;
  /** The value searched for (`jdoe` for `CONTOSO\jdoe`). */
  value: string;
  attributes: LookupAttribute[];
  /** The NetBIOS domain given as `DOMAIN\user`, shown back but not searched. */
  domain?: string;
}

/**
 * Reads what an admin types: `jdoe` is a sAMAccountName, `CONTOSO\jdoe` the same with its domain,
 * anything with `@` a userPrincipalName or a mail address (they often differ).
 */
export function classifyUserName(input: string): UserLookup {
  const text = input.trim();
  const slash = /^([^\\@]+)\\([^\\]+)$/.exec(text);
  if (slash) return { input, value: slash[2] as string, attributes: ['sAMAccountName'], domain: slash[1] };
  if (text.includes('@')) return { input, value: text, attributes: ['userPrincipalName', 'mail'] };
  return { input, value: text, attributes: ['sAMAccountName'] };
}

/** `sAMAccountType` of normal user accounts (SAM_NORMAL_USER_ACCOUNT): indexed, and excludes computers, groups and contacts. */
export const NORMAL_USER_ACCOUNT = '805306368';

/** The filter classes this module needs from ldapts (loaded lazily by the caller). */
export interface FilterClasses {
  AndFilter: typeof import('ldapts').AndFilter;
  OrFilter: typeof import('ldapts').OrFilter;
  EqualityFilter: typeof import('ldapts').EqualityFilter;
}

/**
 * The search filter for a lookup, built from ldapts filter objects: values travel BER-encoded and
 * `toString()` shows them escaped per RFC 4515, so `*)(objectClass=*` is a literal name that matches
 * nothing and a DN value shows as `CN=Doe\5c, Jane`. Never built by string concatenation.
 *
 * @example userFilter(ldapts, classifyUserName('jdoe')).toString()
 * // (&(sAMAccountType=805306368)(sAMAccountName=jdoe))
 */
export function userFilter(classes: FilterClasses, lookup: UserLookup): Filter {
  const { AndFilter, OrFilter, EqualityFilter } = classes;
  const matches = lookup.attributes.map((attribute) => new EqualityFilter({ attribute, value: lookup.value }));
  return new AndFilter({
    filters: [
      new EqualityFilter({ attribute: 'sAMAccountType', value: NORMAL_USER_ACCOUNT }),
      matches.length === 1 ? (matches[0] as Filter) : new OrFilter({ filters: matches }),
    ],
  });
}
