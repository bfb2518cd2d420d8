import { DiagError, isDiagError } from '../core/errors';

/**
 * A distinguished name as RFC 4514 reads it: a list of RDNs, leaf first
 * (`CN=Jane Doe,OU=Engineers,DC=contoso,DC=local` → `[CN=Jane Doe] [OU=Engineers] [DC=contoso] [DC=local]`).
 * Plain data, JSON-serialisable.
 */

/** One `type=value` pair. */
export interface Ava {
  /** The attribute type as written (`CN`, `ou`, `2.5.4.3`), without an `OID.` prefix. */
  type: string;
  /** The value with every escape decoded (`Doe, Jane`, `Zoë`). For a `#`-hex value: the string it encodes when the BER holds one, else `#` and the hex. */
  value: string;
  /** For a value written as `#`-hex (RFC 4514 §2.4): the BER bytes as lower-case hex, kept so the value serialises back exactly. */
  ber?: string;
}

/** A relative distinguished name: usually one AVA, several for a multi-valued RDN (`CN=Jane+UID=jdoe`). */
export type Rdn = Ava[];

/** RDNs leaf first; the empty list is the empty DN (the root DSE). */
export type Dn = Rdn[];

/** What holds an object, read from the RDN type of its parent: `OU=` → `ou`, `DC=` → `domain`, anything else → `container`. */
export type ParentType = 'ou' | 'container' | 'domain';

/** What was wrong with a DN: `position` is the 0-based index in the text where reading stopped. */
export interface DnSyntaxProblem {
  reason: string;
  position: number;
}

/** Bad DN syntax: a DiagError `dn.syntax` with the reason and position in `data`. */
export function dnSyntaxError(reason: string, position: number): DiagError<'dn.syntax'> {
  const problem: DnSyntaxProblem = { reason, position };
  return new DiagError('dn.syntax', `${reason} (at character ${position + 1})`, { data: { ...problem } });
}

/** The reason and position of a `dn.syntax` error; undefined for any other error. */
export function dnSyntaxProblem(error: unknown): DnSyntaxProblem | undefined {
  if (!isDiagError(error, 'dn.syntax')) return undefined;
  const { reason, position } = error.data ?? {};
  return typeof reason === 'string' && typeof position === 'number' ? { reason, position } : undefined;
}
