import fc from 'fast-check';
import { bigIntToIp, parseIpRange, rangeSize, type IpRange } from '../../../src/relay/ip-range';
import { RangeIndex, type IndexedRange } from '../../../src/relay/range-index';

/** The definition, written as a scan: the smallest range holding the address, the earlier one on a tie. */
function bruteForce(
  entries: ReadonlyArray<IndexedRange<number>>,
  family: 4 | 6,
  value: bigint,
): IndexedRange<number> | undefined {
  let best: IndexedRange<number> | undefined;
  for (const entry of entries) {
    const { range } = entry;
    if (range.family !== family || value < range.start || value > range.end) continue;
    if (
      !best ||
      rangeSize(range) < rangeSize(best.range) ||
      (rangeSize(range) === rangeSize(best.range) && entry.order < best.order)
    )
      best = entry;
  }
  return best;
}

/** Ranges in a small IPv4 window so that overlaps, nesting, gaps and shared edges are frequent. */
const smallRange = fc
  .tuple(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 40 }))
  .map(([start, length]): IpRange => {
    const base = 0x0a000000n + BigInt(start);
    return {
      family: 4,
      start: base,
      end: base + BigInt(length),
      text: `${bigIntToIp(base, 4)}-${bigIntToIp(base + BigInt(length), 4)}`,
    };
  });

describe('RangeIndex', () => {
  it('answers exactly like a scan for any set of overlapping ranges', () => {
    fc.assert(
      fc.property(
        fc.array(smallRange, { maxLength: 40 }),
        fc.array(fc.integer({ min: -5, max: 350 }), { minLength: 1, maxLength: 30 }),
        (ranges, probes) => {
          const entries = ranges.map((range, i) => ({ range, owner: i, order: i }));
          const index = new RangeIndex(entries);
          for (const probe of probes) {
            const value = 0x0a000000n + BigInt(probe);
            const expected = bruteForce(entries, 4, value);
            const got = index.lookup(4, value);
            if (expected === undefined) {
              if (got !== undefined) return false;
            } else if (
              got === undefined ||
              rangeSize(got.range) !== rangeSize(expected.range) ||
              got.owner !== expected.owner
            ) {
              return false;
            }
          }
          return true;
        },
      ),
      { numRuns: 300 },
    );
  });

  it('prefers a single address over a range and a narrower range over a wider one', () => {
    const entries = ['0.0.0.0-255.255.255.255', '10.0.0.0/8', '10.0.0.0/24', '10.0.0.5'].map((text, i) => ({
      range: parseIpRange(text),
      owner: text,
      order: i,
    }));
    const index = new RangeIndex(entries);
    const at = (ip: string): string | undefined => {
      const r = parseIpRange(ip);
      return index.lookup(r.family, r.start)?.owner;
    };
    expect(at('10.0.0.5')).toBe('10.0.0.5');
    expect(at('10.0.0.6')).toBe('10.0.0.0/24');
    expect(at('10.9.0.1')).toBe('10.0.0.0/8');
    expect(at('8.8.8.8')).toBe('0.0.0.0-255.255.255.255');
    expect(at('255.255.255.255')).toBe('0.0.0.0-255.255.255.255');
    expect(at('2001:db8::1')).toBeUndefined();
  });

  it('keeps IPv6 apart from IPv4 and handles the top of the address space', () => {
    const entries = [
      '::/0',
      '2001:db8::/32',
      'ffff:ffff:ffff:ffff:ffff:ffff:ffff:fff0-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
    ].map((text, i) => ({ range: parseIpRange(text), owner: text, order: i }));
    const index = new RangeIndex(entries);
    expect(index.lookup(6, parseIpRange('2001:db8::9').start)?.owner).toBe('2001:db8::/32');
    expect(index.lookup(6, parseIpRange('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff').start)?.owner).toMatch(/^ffff/);
    expect(index.lookup(6, parseIpRange('2001:db9::1').start)?.owner).toBe('::/0');
    expect(index.lookup(4, parseIpRange('10.0.0.1').start)).toBeUndefined();
  });

  it('reports other owners of an identical range', () => {
    const index = new RangeIndex([
      { range: parseIpRange('10.0.0.0/24'), owner: 'A', order: 0 },
      { range: parseIpRange('10.0.0.0-10.0.0.255'), owner: 'B', order: 1 },
    ]);
    expect(index.lookup(4, parseIpRange('10.0.0.9').start)).toMatchObject({ owner: 'A', tiedWith: ['B'] });
  });
});
