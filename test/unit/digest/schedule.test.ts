import fc from 'fast-check';
import { compileSchedule, latestSlotIn, localTime, readSchedule } from '../../../src/digest/schedule';
import { diagErrorWith } from '../../helpers/diag-error';

const words = (text: string) => text.split(' ').map((value) => ({ value, quoted: false }));
const NOW = new Date('2026-06-01T00:00:00Z');

describe('readSchedule', () => {
  it.each([
    ['daily 08:00', '0 8 * * *', 2],
    ['daily 7:05', '5 7 * * *', 2],
    ['weekdays 18:30', '30 18 * * 1-5', 2],
    ['weekly mon 09:00', '0 9 * * 1', 3],
    ['weekly Thursday,mon 23:59', '59 23 * * 1,4', 3],
    ['hourly', '0 * * * *', 1],
    ['@daily', '@daily', 1],
    ['0 8 * * 1-5', '0 8 * * 1-5', 5],
    ['15 6 1,15 * *', '15 6 1,15 * *', 5],
    ['0 9 * jan-mar mon-fri', '0 9 * jan-mar mon-fri', 5],
  ])('%s → %s', (text, pattern, used) => {
    const result = readSchedule([...words(text), { value: 'cert', quoted: false }, { value: 'x', quoted: false }]);
    expect(result.pattern).toBe(pattern);
    expect(result.used).toBe(used);
  });

  it('takes a quoted cron pattern as one word', () => {
    expect(readSchedule([{ value: ' 0  8 * * 1-5 ', quoted: true }])).toEqual({
      pattern: '0 8 * * 1-5',
      text: '"0  8 * * 1-5"',
      used: 1,
    });
  });

  it.each([
    ['daily', /needs a time as HH:MM/],
    ['daily 24:00', /not `24:00`/],
    ['daily 8', /HH:MM/],
    ['weekly 09:00', /needs a day/],
    ['weekly funday 09:00', /not `funday`/],
    ['0 8 * *', /five fields.*quote it/],
    ['every morning', /not a schedule/],
  ])('refuses %s', (text, message) => {
    expect(() => readSchedule(words(text))).toThrow(message);
  });
});

describe('compileSchedule', () => {
  it('canonicalises the time zone and notes the OR rule', () => {
    const schedule = compileSchedule('0 8 13 * 5', 'europe/london', { minIntervalMinutes: 5, now: NOW });
    expect(schedule.timezone).toBe('Europe/London');
    expect(schedule.daysJoinedWithOr).toBe(true);
    // OR, as classic cron: the 13th (whatever the weekday) and every Friday.
    const slots: string[] = [];
    let cursor = new Date('2026-02-01T00:00:00Z');
    for (let i = 0; i < 6; i += 1) {
      const next = schedule.next(cursor) as Date;
      slots.push(next.toISOString().slice(0, 10));
      cursor = next;
    }
    expect(slots).toEqual(['2026-02-06', '2026-02-13', '2026-02-20', '2026-02-27', '2026-03-06', '2026-03-13']);
    expect(compileSchedule('0 8 * * 5', 'UTC', { minIntervalMinutes: 5, now: NOW }).daysJoinedWithOr).toBe(false);
  });

  it.each([
    ['0 8 * * *', 'Mars/Olympus', /not a time zone/],
    ['0 8 * *', 'UTC', /five fields/],
    ['0 8 * * * *', 'UTC', /five fields.*has 6/],
    ['61 8 * * *', 'UTC', /not a valid cron pattern/],
    ['0 8 31 2 *', 'UTC', /never fires/],
    ['*/2 * * * *', 'UTC', /every 2 minute/],
    ['0,1 8 * * *', 'UTC', /every 1 minute/],
  ])('refuses %s in %s', (pattern, zone, message) => {
    let caught: unknown;
    try {
      compileSchedule(pattern, zone, { minIntervalMinutes: 5, now: NOW });
    } catch (error) {
      caught = error;
    }
    expect(caught).toEqual(diagErrorWith('schedule.invalid'));
    expect((caught as Error).message).toMatch(message);
  });

  it("property: each next slot is later than the last and, outside a DST gap, at the pattern's local time", () => {
    const zones = [
      'Europe/London',
      'America/New_York',
      'Australia/Lord_Howe',
      'Asia/Kolkata',
      'UTC',
      'America/Sao_Paulo',
    ];
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 59 }),
        fc.integer({ min: 0, max: 23 }),
        fc.constantFrom(...zones),
        fc.integer({ min: 0, max: 3 * 365 }),
        (minute, hour, zone, dayOffset) => {
          const schedule = compileSchedule(`${minute} ${hour} * * *`, zone, { minIntervalMinutes: 0, now: NOW });
          let cursor = new Date(Date.UTC(2025, 0, 1) + dayOffset * 86_400_000);
          const seenDays = new Set<string>();
          for (let i = 0; i < 5; i += 1) {
            const next = schedule.next(cursor) as Date;
            expect(next.getTime()).toBeGreaterThan(cursor.getTime());
            const t = localTime(next, zone);
            const day = `${t.year}-${t.month}-${t.day}`;
            // Once a local day, whatever the clocks did.
            expect(seenDays.has(day)).toBe(false);
            seenDays.add(day);
            if (t.hour !== hour || t.minute !== minute) {
              // Only a slot moved out of a spring-forward gap may differ, and only to a later time that day.
              expect(t.hour * 60 + t.minute).toBeGreaterThan(hour * 60 + minute);
              expect(t.hour * 60 + t.minute - (hour * 60 + minute)).toBeLessThanOrEqual(60);
            }
            cursor = next;
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('latestSlotIn finds only the newest due slot', () => {
    const schedule = compileSchedule('0 8 * * *', 'UTC', { minIntervalMinutes: 5, now: NOW });
    expect(
      latestSlotIn(schedule, new Date('2026-01-01T00:00:00Z'), new Date('2026-01-04T09:00:00Z'))?.toISOString(),
    ).toBe('2026-01-04T08:00:00.000Z');
    expect(latestSlotIn(schedule, new Date('2026-01-04T08:00:00Z'), new Date('2026-01-04T09:00:00Z'))).toBeUndefined();
  });
});
