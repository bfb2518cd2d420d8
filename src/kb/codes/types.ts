import type { CodeFindingKind } from '../../core/finding-ids';

/**
 * The kinds of code the decoders recognise; each becomes a `code.<kind>` finding (contracts/reply.md). One list,
 * in src/core/finding-ids.ts: a decoder that returns a kind not listed there does not compile.
 */
export type CodeKind = CodeFindingKind;

/**
 * One code found in a pasted text. `value` is canonical (HRESULT and NTSTATUS as `0x` + 8 upper-case hex
 * digits, Win32, LDAP and HTTP in decimal, SMTP as typed in RFC 3463 form, TLS as `verify:<n>` or
 * `alert:<n>`); `keys` are what knowledge-base entries name in their `codes` signatures.
 */
export interface DecodedCode {
  kind: CodeKind;
  /** The code exactly as it appeared in the text. */
  raw: string;
  value: string;
  /** Symbolic name, e.g. `E_ACCESSDENIED`, `LDAP_INVALID_CREDENTIALS`, `X509_V_ERR_CERT_HAS_EXPIRED`. */
  name?: string;
  /** Plain words; the knowledge base may replace it with a better one. */
  meaning?: string;
  /** Structure of the code: severity, facility, the Win32 code inside an HRESULT, AD sub-code, … */
  parts?: Record<string, string | number>;
  /** Signature keys, e.g. `hresult:0x80070005` and `win32:5` for the same HRESULT. */
  keys: string[];
  /** Offset in the text, for ordering and to stop two decoders claiming the same characters. */
  index: number;
}

/** A candidate found by one decoder before overlaps are resolved. */
export type Found = DecodedCode & { end: number };
