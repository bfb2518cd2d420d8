import { attributeName } from './format';
import type { Dn, ParentType, Rdn } from './types';

/** The DN one level up (the object's OU or container); undefined for the empty DN. */
export function parentDn(dn: Dn): Dn | undefined {
  return dn.length === 0 ? undefined : dn.slice(1);
}

/** The type of the leaf RDN, by name in lower case (`ou`, `cn`, `dc`); undefined for the empty DN. */
export function leafType(dn: Dn): string | undefined {
  const leaf = dn[0];
  return leaf && leaf[0] ? attributeName(leaf[0].type) : undefined;
}

/**
 * What kind of thing a DN names, read from its leaf RDN type as AD names things: organizational units
 * are `OU=`, the domain root is `DC=`, containers (`CN=Users`, `CN=Computers`, custom ones) are `CN=`.
 */
export function dnKind(dn: Dn): ParentType | undefined {
  const type = leafType(dn);
  if (type === undefined) return undefined;
  if (type === 'ou') return 'ou';
  if (type === 'dc') return 'domain';
  return 'container';
}

/** The number of `DC=` RDNs at the root end of the DN (the domain part). */
function domainDepth(dn: Dn): number {
  let depth = 0;
  for (let i = dn.length - 1; i >= 0; i -= 1) {
    const rdn = dn[i] as Rdn;
    if (rdn.length !== 1 || attributeName((rdn[0] as Rdn[number]).type) !== 'dc') break;
    depth += 1;
  }
  return depth;
}

function canonicalPart(rdn: Rdn): string {
  let out = '';
  for (let i = 0; i < rdn.length; i += 1) {
    const value = (rdn[i] as Rdn[number]).value;
    if (i > 0) out += '+';
    // AD escapes `/` inside names in canonical names, so the path still splits on `/`.
    out += value.includes('/') || value.includes('\\') ? value.replace(/\\/g, '\\\\').replace(/\//g, '\\/') : value;
  }
  return out;
}

/**
 * The AD-style canonical name: the DNS domain from the `DC=` RDNs, then each RDN's value from the root
 * down. `CN=Jane Doe,OU=Engineers,OU=IT Professionals,DC=contoso,DC=local` →
 * `contoso.local/IT Professionals/Engineers/Jane Doe`. A DN without `DC=` parts starts at its root RDN.
 */
export function canonicalName(dn: Dn): string {
  const depth = domainDepth(dn);
  let out = '';
  for (let i = dn.length - depth; i < dn.length; i += 1) {
    if (out !== '') out += '.';
    out += ((dn[i] as Rdn)[0] as Rdn[number]).value;
  }
  for (let i = dn.length - depth - 1; i >= 0; i -= 1) {
    if (out !== '' || i < dn.length - depth - 1) out += '/';
    out += canonicalPart(dn[i] as Rdn);
  }
  return out;
}

/** The RDNs as `{type, value}` pairs, leaf first; a multi-valued RDN gives one pair per value. */
export function rdnPairs(dn: Dn): Array<{ type: string; value: string }> {
  const pairs: Array<{ type: string; value: string }> = [];
  for (const rdn of dn) {
    for (const ava of rdn) pairs.push({ type: ava.type, value: ava.value });
  }
  return pairs;
}

/** The display name of the leaf (its RDN value, `+`-joined when multi-valued). */
export function leafName(dn: Dn): string {
  const leaf = dn[0];
  return leaf ? leaf.map((ava) => ava.value).join('+') : '';
}
