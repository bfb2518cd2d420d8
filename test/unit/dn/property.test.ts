import fc from 'fast-check';
import { dnEquals, formatDn, parseDn, type Ava, type Dn } from '../../../src/dn';
import { diagErrorWith } from '../../helpers/diag-error';

const numRuns = Number(process.env.FUZZ_RUNS ?? 500);

const alpha = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ');
const typeName = fc
  .tuple(alpha, fc.string({ unit: fc.constantFrom(...'abcXYZ019-'), maxLength: 8 }))
  .map(([head, tail]) => head + tail)
  // `OID.1.2` is the legacy spelling of a numeric type; a bare name `oid` followed by `=` is fine.
  .filter((name) => name.toLowerCase() !== 'oid');
const numericOid = fc.array(fc.nat({ max: 99999 }), { minLength: 2, maxLength: 6 }).map((parts) => parts.join('.'));
const attributeType = fc.oneof({ weight: 4, arbitrary: typeName }, { weight: 1, arbitrary: numericOid });

/** Values full of what DNs get wrong: specials, spaces at the ends, non-ASCII, controls. */
const special = fc.constantFrom(
  ',',
  '+',
  '"',
  '\\',
  '<',
  '>',
  ';',
  '=',
  '#',
  ' ',
  '\t',
  '\u0000',
  'é',
  'Zoë',
  '東',
  '😀',
  '/',
);
const value = fc
  .array(fc.oneof(fc.string({ maxLength: 6 }), special, fc.string({ unit: 'binary', maxLength: 3 })), { maxLength: 6 })
  .map((parts) => parts.join(''));
const ava: fc.Arbitrary<Ava> = fc.record({ type: attributeType, value });
const dn: fc.Arbitrary<Dn> = fc.array(fc.array(ava, { minLength: 1, maxLength: 3 }), { maxLength: 7 });

/** Another legal spelling of the same DN: hex escapes for some characters, spaces around separators, `;`. */
function respell(d: Dn, choices: boolean[]): string {
  let k = 0;
  const pick = (): boolean => choices[k++ % Math.max(1, choices.length)] ?? false;
  const spellValue = (v: string): string => {
    let out = '';
    const chars = [...v];
    chars.forEach((ch, i) => {
      const mustEscape =
        /[\\"+,;<>]/.test(ch) ||
        ch.charCodeAt(0) < 0x20 ||
        ch.charCodeAt(0) === 0x7f ||
        (i === 0 && (ch === ' ' || ch === '#')) ||
        (i === chars.length - 1 && ch === ' ');
      const lone = ch.length === 1 && ch.charCodeAt(0) >= 0xd800 && ch.charCodeAt(0) <= 0xdfff;
      if (!lone && (mustEscape || pick()) && pick()) {
        const hex = [...Buffer.from(ch, 'utf8')].map((b) => `\\${b.toString(16).padStart(2, '0')}`).join('');
        out += pick() ? hex.toUpperCase() : hex;
      } else if (mustEscape) {
        out +=
          ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f
            ? `\\${ch.charCodeAt(0).toString(16).padStart(2, '0')}`
            : `\\${ch}`;
      } else {
        out += ch;
      }
    });
    return out;
  };
  const spellType = (type: string): string => {
    if (/^[0-9]/.test(type)) return pick() ? `OID.${type}` : type;
    return pick() ? type.toLowerCase() : type;
  };
  return d
    .map((rdn) =>
      rdn
        .map((a) => `${pick() ? ' ' : ''}${spellType(a.type)}${pick() ? ' = ' : '='}${spellValue(a.value)}`)
        .join(pick() ? ' + ' : '+'),
    )
    .join(pick() ? '; ' : ',');
}

describe('DN properties (fast-check)', () => {
  it('serialise∘parse keeps every type and value', () => {
    fc.assert(
      fc.property(dn, (d) => {
        expect(parseDn(formatDn(d))).toEqual(d);
      }),
      { numRuns },
    );
  });

  it('parse∘serialise is stable: serialising a parsed DN again changes nothing', () => {
    fc.assert(
      fc.property(dn, fc.array(fc.boolean(), { minLength: 1, maxLength: 16 }), (d, choices) => {
        const text = respell(d, choices);
        const once = formatDn(parseDn(text));
        expect(formatDn(parseDn(once))).toBe(once);
        expect(dnEquals(text, formatDn(d))).toBe(true);
      }),
      { numRuns },
    );
  });

  it('other spellings of a DN parse to the same values', () => {
    fc.assert(
      fc.property(dn, fc.array(fc.boolean(), { minLength: 1, maxLength: 16 }), (d, choices) => {
        const parsed = parseDn(respell(d, choices));
        expect(parsed.map((rdn) => rdn.map((a) => a.value))).toEqual(d.map((rdn) => rdn.map((a) => a.value)));
      }),
      { numRuns },
    );
  });

  it('any text either parses to a stable DN or fails with a dn.syntax DiagError, never anything else', () => {
    const text = fc.oneof(
      fc.string({ maxLength: 60 }),
      fc
        .array(fc.oneof(special, fc.constantFrom('CN=', 'OU=', 'DC=', '=', 'OID.', '#0401', '\\2C', '\\C3', '\\')), {
          maxLength: 20,
        })
        .map((p) => p.join('')),
    );
    fc.assert(
      fc.property(text, (t) => {
        let parsed: Dn;
        try {
          parsed = parseDn(t);
        } catch (error) {
          expect(error).toEqual(diagErrorWith('dn.syntax'));
          return;
        }
        const once = formatDn(parsed);
        expect(formatDn(parseDn(once))).toBe(once);
      }),
      { numRuns: numRuns * 2 },
    );
  });

  it('equality ignores the case of types and values', () => {
    fc.assert(
      fc.property(dn, (d) => {
        const shouted = d.map((rdn) => rdn.map((a) => ({ type: a.type.toUpperCase(), value: a.value.toUpperCase() })));
        // Upper-casing can change length (ß → SS): only compare when lower-casing maps both to the same text.
        const same = d.every((rdn, i) =>
          rdn.every((a, j) => a.value.toLowerCase() === (shouted[i]?.[j]?.value ?? '').toLowerCase()),
        );
        if (same) expect(dnEquals(d, shouted)).toBe(true);
      }),
      { numRuns },
    );
  });
});
