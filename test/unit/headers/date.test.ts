import { parseMailDate } from '../../../src/headers/date';

const iso = (text: string): string | undefined => {
  const parsed = parseMailDate(text);
  return parsed ? new Date(parsed.ms).toISOString() : undefined;
};

describe('parseMailDate (RFC 5322 §3.3 and the obsolete forms of §4.3)', () => {
  it('reads the usual form with a numeric zone', () => {
    expect(iso('Thu, 3 Dec 2026 10:02:03 +0100')).toBe('2026-12-03T09:02:03.000Z');
    expect(iso('Sat,  5 Dec 2026 11:40:07 +0100 (CET)')).toBe('2026-12-05T10:40:07.000Z');
    expect(parseMailDate('Thu, 3 Dec 2026 10:02:03 +0000')?.zoneKnown).toBe(true);
  });

  it('reads obsolete named zones', () => {
    expect(iso('Sat, 05 Dec 2026 01:22:10 PST')).toBe('2026-12-05T09:22:10.000Z');
    expect(iso('5 Dec 2026 01:22:10 EDT')).toBe('2026-12-05T05:22:10.000Z');
    expect(iso('5 Dec 2026 01:22:10 GMT')).toBe('2026-12-05T01:22:10.000Z');
    expect(iso('5 Dec 2026 01:22:10 UT')).toBe('2026-12-05T01:22:10.000Z');
  });

  it('reads two- and three-digit years, no weekday, no seconds', () => {
    expect(iso('5 Dec 26 01:22 +0000')).toBe('2026-12-05T01:22:00.000Z');
    expect(iso('5 Dec 99 01:22:00 +0000')).toBe('1999-12-05T01:22:00.000Z');
    expect(iso('5 Dec 126 01:22:00 +0000')).toBe('2026-12-05T01:22:00.000Z');
  });

  it('marks a missing zone, -0000 and military letters as unknown and reads them as UTC', () => {
    for (const text of ['5 Dec 2026 01:22:10', '5 Dec 2026 01:22:10 -0000', '5 Dec 2026 01:22:10 Q']) {
      const parsed = parseMailDate(text);
      expect(parsed?.zoneKnown).toBe(false);
      expect(new Date(parsed?.ms ?? 0).toISOString()).toBe('2026-12-05T01:22:10.000Z');
    }
  });

  it('reads ISO 8601 stamps', () => {
    expect(iso('2026-12-05T01:22:10Z')).toBe('2026-12-05T01:22:10.000Z');
    expect(iso('2026-12-05 01:22:10 +02:00')).toBe('2026-12-04T23:22:10.000Z');
  });

  it('reads ctime stamps (old sendmail, mbox) with the zone unknown', () => {
    expect(iso('Sat Dec  5 10:02:03 2026')).toBe('2026-12-05T10:02:03.000Z');
    expect(parseMailDate('Sat Dec  5 10:02:03 2026')?.zoneKnown).toBe(false);
  });

  it('refuses dates that do not exist', () => {
    expect(parseMailDate('31 Feb 2026 10:00:00 +0000')).toBeUndefined();
    expect(parseMailDate('5 Foo 2026 10:00:00 +0000')).toBeUndefined();
    expect(parseMailDate('5 Dec 2026 25:00:00 +0000')).toBeUndefined();
    expect(parseMailDate('yesterday')).toBeUndefined();
    expect(parseMailDate('')).toBeUndefined();
  });
});
