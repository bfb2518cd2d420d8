import { dnSyntaxError, type Ava, type Dn, type Rdn } from './types';

/*
 * RFC 4514 §3 string → DN. Strict where a mistake would change the meaning (an unescaped `"`, `<`, `>`,
 * a backslash that escapes nothing, bad hex, bad UTF-8), lenient where people paste from older tools
 * (spaces around `,` `+` `=`, `;` as an RDN separator, unescaped trailing spaces, which are dropped).
 * Hand-written over char codes: `ou` and the digest parse many DNs, and a regex per character is slow.
 */

const SPACE = 32;
const QUOTE = 34;
const HASH = 35;
const PLUS = 43;
const COMMA = 44;
const DOT = 46;
const SEMI = 59;
const LANGLE = 60;
const EQUALS = 61;
const RANGLE = 62;
const BACKSLASH = 92;

const utf8 = new TextDecoder('utf-8', { fatal: true });

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isAlpha(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 70) return c - 55;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

/** Characters RFC 4514 lets a backslash escape by themselves (`special` plus ESC). */
function isEscapable(c: number): boolean {
  return (
    c === QUOTE ||
    c === PLUS ||
    c === COMMA ||
    c === SEMI ||
    c === LANGLE ||
    c === RANGLE ||
    c === BACKSLASH ||
    c === SPACE ||
    c === HASH ||
    c === EQUALS
  );
}

function show(c: number): string {
  return c < 32 || c === 127 ? `U+${c.toString(16).toUpperCase().padStart(4, '0')}` : String.fromCharCode(c);
}

/** String types a `#`-hex BER value may hold that are worth showing as text. */
const BER_STRING_TAGS = new Set([0x04, 0x0c, 0x12, 0x13, 0x14, 0x16, 0x1a]);

/** Decodes a BER TLV with a string tag into text; undefined for anything else (the hex is shown instead). */
export function berToString(bytes: Uint8Array): string | undefined {
  if (bytes.length < 2 || !BER_STRING_TAGS.has(bytes[0] as number)) return undefined;
  let length = bytes[1] as number;
  let offset = 2;
  if (length & 0x80) {
    const octets = length & 0x7f;
    if (octets === 0 || octets > 3 || bytes.length < 2 + octets) return undefined;
    length = 0;
    for (let k = 0; k < octets; k += 1) length = length * 256 + (bytes[2 + k] as number);
    offset = 2 + octets;
  }
  if (offset + length !== bytes.length) return undefined;
  try {
    return utf8.decode(bytes.subarray(offset));
  } catch {
    return undefined;
  }
}

class Reader {
  i = 0;
  readonly n: number;

  constructor(readonly s: string) {
    this.n = s.length;
  }

  skipSpaces(): void {
    while (this.i < this.n && this.s.charCodeAt(this.i) === SPACE) this.i += 1;
  }

  fail(reason: string, at = this.i): never {
    throw dnSyntaxError(reason, at);
  }

  type(): string {
    const { s, n } = this;
    const start = this.i;
    const c = start < n ? s.charCodeAt(start) : -1;
    if (isAlpha(c)) {
      let j = start + 1;
      while (j < n) {
        const d = s.charCodeAt(j);
        if (!(isAlpha(d) || isDigit(d) || d === 45)) break;
        j += 1;
      }
      // `OID.2.5.4.3` (RFC 2253 legacy) is the numeric OID.
      if (j - start === 3 && j < n && s.charCodeAt(j) === DOT && /^oid$/i.test(s.slice(start, j))) {
        this.i = j + 1;
        return this.numericOid();
      }
      this.i = j;
      return s.slice(start, j);
    }
    if (isDigit(c)) return this.numericOid();
    if (c === -1) return this.fail('expected an attribute type such as CN, OU or DC, but the text ended');
    return this.fail(`expected an attribute type such as CN, OU or DC, found \`${show(c)}\``);
  }

  numericOid(): string {
    const { s, n } = this;
    const start = this.i;
    let parts = 0;
    let j = start;
    for (;;) {
      const partStart = j;
      while (j < n && isDigit(s.charCodeAt(j))) j += 1;
      if (j === partStart) this.fail('a numeric attribute type (OID) needs digits between its dots', j);
      parts += 1;
      if (j < n && s.charCodeAt(j) === DOT) {
        j += 1;
        continue;
      }
      break;
    }
    if (parts < 2) this.fail('a numeric attribute type (OID) has at least two parts, like 2.5.4.3', start);
    this.i = j;
    return s.slice(start, j);
  }

  value(): Pick<Ava, 'value' | 'ber'> {
    if (this.i < this.n && this.s.charCodeAt(this.i) === HASH) return this.hexValue();
    const { s, n } = this;
    let out = '';
    let keep = 0;
    let j = this.i;
    let run = j;
    while (j < n) {
      const c = s.charCodeAt(j);
      if (c === COMMA || c === SEMI || c === PLUS) break;
      if (c === BACKSLASH) {
        out += s.slice(run, j);
        if (j + 1 >= n)
          this.fail('the DN ends with a backslash that escapes nothing (write `\\\\` for a literal backslash)', j);
        const next = s.charCodeAt(j + 1);
        if (hexValue(next) >= 0 && j + 2 < n && hexValue(s.charCodeAt(j + 2)) >= 0) {
          const bytes: number[] = [];
          const first = j;
          while (
            j + 2 < n &&
            s.charCodeAt(j) === BACKSLASH &&
            hexValue(s.charCodeAt(j + 1)) >= 0 &&
            hexValue(s.charCodeAt(j + 2)) >= 0
          ) {
            bytes.push(hexValue(s.charCodeAt(j + 1)) * 16 + hexValue(s.charCodeAt(j + 2)));
            j += 3;
          }
          try {
            out += utf8.decode(Uint8Array.from(bytes));
          } catch {
            this.fail('the hex escapes are not valid UTF-8 (é is `\\C3\\A9`)', first);
          }
        } else if (isEscapable(next)) {
          out += s[j + 1];
          j += 2;
        } else {
          this.fail(
            `\`\\${show(next)}\` is not a valid escape: a backslash escapes one of , + " \\ < > ; = # or a space, or starts two hex digits (\`\\2C\`)`,
            j,
          );
        }
        keep = out.length;
        run = j;
        continue;
      }
      if (c === QUOTE || c === LANGLE || c === RANGLE) {
        this.fail(`\`${show(c)}\` must be escaped inside a value (\`\\${show(c)}\`)`, j);
      }
      if (c === 0) this.fail('a value may not hold a NUL character (write `\\00`)', j);
      j += 1;
      if (c !== SPACE) keep = out.length + (j - run);
    }
    out += s.slice(run, j);
    this.i = j;
    return { value: keep === out.length ? out : out.slice(0, keep) };
  }

  hexValue(): Pick<Ava, 'value' | 'ber'> {
    const { s, n } = this;
    const start = this.i + 1;
    let j = start;
    while (j < n && hexValue(s.charCodeAt(j)) >= 0) j += 1;
    const hex = s.slice(start, j);
    if (hex.length === 0)
      this.fail('`#` starts a hex value (#04024869) but no hex digits follow; write `\\#` for a literal #', this.i);
    if (hex.length % 2 !== 0) this.fail('a `#` hex value needs an even number of hex digits', start);
    this.i = j;
    this.skipSpaces();
    if (this.i < n) {
      const c = s.charCodeAt(this.i);
      if (c !== COMMA && c !== SEMI && c !== PLUS)
        this.fail(`a \`#\` hex value holds only hex digits, found \`${show(c)}\``);
    }
    const bytes = Uint8Array.from(Buffer.from(hex, 'hex'));
    const ber = hex.toLowerCase();
    return { value: berToString(bytes) ?? `#${ber}`, ber };
  }
}

/**
 * Parses an RFC 4514 DN string: `CN=Doe\, Jane,OU=Engineers,DC=contoso,DC=local`. Escapes (`\,` `\+`
 * `\"` `\\` `\<` `\>` `\;` `\=` `\#` `\ `), hex escapes (`\C3\A9` → é), `#`-hex values, multi-valued
 * RDNs (`+`) and numeric OID types are understood. Throws a DiagError `dn.syntax` ({@link dnSyntaxError}) saying what and where.
 *
 * @example parseDn('CN=Doe\\, Jane,OU=Engineers,DC=contoso,DC=local')[0] // [{ type: 'CN', value: 'Doe, Jane' }]
 */
export function parseDn(text: string): Dn {
  const r = new Reader(text);
  r.skipSpaces();
  const dn: Dn = [];
  if (r.i >= r.n) return dn;
  for (;;) {
    const rdn: Rdn = [];
    for (;;) {
      r.skipSpaces();
      const type = r.type();
      r.skipSpaces();
      if (r.i >= r.n || r.s.charCodeAt(r.i) !== EQUALS) {
        r.fail(
          r.i >= r.n
            ? `\`${type}\` needs \`=\` and a value, but the text ended`
            : `expected \`=\` after \`${type}\`, found \`${show(r.s.charCodeAt(r.i))}\``,
        );
      }
      r.i += 1;
      r.skipSpaces();
      const ava: Ava = { type, ...r.value() };
      rdn.push(ava);
      if (r.i < r.n && r.s.charCodeAt(r.i) === PLUS) {
        r.i += 1;
        continue;
      }
      break;
    }
    dn.push(rdn);
    if (r.i >= r.n) return dn;
    // Only `,` or `;` can stop a value here.
    r.i += 1;
    r.skipSpaces();
    if (r.i >= r.n) r.fail('the DN ends with a separator: something must follow the last comma', r.i - 1);
  }
}
