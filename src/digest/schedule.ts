import { Cron, CronPattern } from 'croner';
import { scheduleError } from './schedule-words';

export { readSchedule, scheduleError, SCHEDULE_FORMS, type ScheduleWord } from './schedule-words';

/**
 * Schedules: cron patterns (and a few friendly forms) read in an IANA time zone, with daylight saving
 * handled explicitly. croner does the calendar; this module adds what a digest needs on top:
 * - a slot whose local time falls in a spring-forward gap runs once, at the first valid instant after the
 *   gap (croner alone moves it by the length of the gap, e.g. 02:30 → 03:30 in New York);
 * - a slot in the repeated hour of a fall-back change runs once (croner already yields it once);
 * - day-of-month and day-of-week are joined with OR when both are restricted, as classic cron does.
 */

export interface CompiledSchedule {
  pattern: string;
  timezone: string;
  /** True when both day fields are restricted: the digest runs on days matching either (OR). */
  daysJoinedWithOr: boolean;
  /** The first slot strictly after `after`, or null when the pattern never fires again. */
  next(after: Date): Date | null;
}

const zoneFormats = new Map<string, Intl.DateTimeFormat>();

function zoneFormat(timezone: string): Intl.DateTimeFormat {
  let format = zoneFormats.get(timezone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    zoneFormats.set(timezone, format);
  }
  return format;
}

/** The canonical IANA name (`europe/london` → `Europe/London`); `schedule.invalid` when the zone is unknown. */
const canonicalZones = new Map<string, string>();

export function checkTimezone(timezone: string): string {
  const known = canonicalZones.get(timezone);
  if (known) return known;
  try {
    const canonical = new Intl.DateTimeFormat('en-US', { timeZone: timezone }).resolvedOptions().timeZone;
    // Building a formatter costs ~0.1 ms; 1,000 digests at start share a handful of zones.
    if (canonicalZones.size < 1000) canonicalZones.set(timezone, canonical);
    return canonical;
  } catch {
    throw scheduleError(
      `\`${timezone.slice(0, 40)}\` is not a time zone; use an IANA name such as Europe/London, America/New_York or UTC.`,
    );
  }
}

/** The wall-clock fields of `date` in `timezone`. */
export function localTime(
  date: Date,
  timezone: string,
): { year: number; month: number; day: number; hour: number; minute: number; second: number } {
  const parts: Record<string, number> = {};
  for (const part of zoneFormat(timezone).formatToParts(date)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year ?? 0,
    month: parts.month ?? 0,
    day: parts.day ?? 0,
    hour: parts.hour ?? 0,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
  };
}

/** Minutes east of UTC that `timezone` observes at `date`. */
function offsetMinutes(date: Date, timezone: string): number {
  const t = localTime(date, timezone);
  const wall = Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second);
  return Math.round((wall - Math.floor(date.getTime() / 1000) * 1000) / 60_000);
}

/** The first instant with the later offset, when the offset changed in the six hours before `date`. */
function transitionBefore(date: Date, timezone: string): Date | undefined {
  let lo = date.getTime() - 6 * 3_600_000;
  let hi = date.getTime();
  const after = offsetMinutes(date, timezone);
  if (offsetMinutes(new Date(lo), timezone) >= after) return undefined;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (offsetMinutes(new Date(mid), timezone) === after) hi = mid;
    else lo = mid;
  }
  return new Date(hi);
}

export interface CompileOptions {
  /** Refuse patterns whose slots come closer together than this (and ones that never fire); 0 skips both checks. */
  minIntervalMinutes: number;
  /** Where to start looking for slots when checking the pattern. */
  now: Date;
}

/**
 * Checks a pattern and time zone and returns the slot calculator. Throws `schedule.invalid` for a bad pattern,
 * an unknown zone, a pattern that never fires, or one that fires more often than the minimum interval.
 */
export function compileSchedule(pattern: string, timezone: string, options: CompileOptions): CompiledSchedule {
  const zone = checkTimezone(timezone);
  const fields = pattern.trim().split(/\s+/);
  if (!pattern.startsWith('@') && fields.length !== 5) {
    throw scheduleError(
      `A cron schedule has five fields (minute hour day-of-month month day-of-week); \`${pattern.slice(0, 40)}\` has ${fields.length}.`,
    );
  }
  let cron: Cron;
  let parsed: CronPattern;
  try {
    cron = new Cron(pattern, { timezone: zone, paused: true, legacyMode: true });
    parsed = new CronPattern(pattern, zone);
  } catch (error) {
    throw scheduleError(
      `\`${pattern.slice(0, 40)}\` is not a valid cron pattern: ${(error as Error).message.replace(/^CronPattern: /, '')}.`,
    );
  }
  // Checking the spacing costs 100 slot calculations: done when a digest is added, not on every load.
  const sample = options.minIntervalMinutes > 0 ? cron.nextRuns(100, options.now) : [];
  if (options.minIntervalMinutes > 0 && sample.length === 0)
    throw scheduleError(`\`${pattern}\` never fires (no such date).`);
  for (let i = 1; i < sample.length; i += 1) {
    const gap = ((sample[i] as Date).getTime() - (sample[i - 1] as Date).getTime()) / 60_000;
    if (gap < options.minIntervalMinutes) {
      throw scheduleError(
        `\`${pattern}\` fires every ${gap} minute(s); digests may run at most every ${options.minIntervalMinutes} minutes.`,
      );
    }
  }
  const matchesWallClock = (date: Date): boolean => {
    const t = localTime(date, zone);
    return parsed.hour[t.hour] === 1 && parsed.minute[t.minute] === 1;
  };
  const next = (after: Date): Date | null => {
    let cursor = after;
    for (let guard = 0; guard < 16; guard += 1) {
      const slot = cron.nextRun(cursor);
      if (!slot) return null;
      if (matchesWallClock(slot)) return slot;
      // croner moved a slot that falls in a spring-forward gap by the gap's length: run it at the gap's end.
      const gapEnd = transitionBefore(slot, zone);
      if (!gapEnd) return slot;
      if (gapEnd.getTime() > after.getTime()) return gapEnd;
      cursor = slot;
    }
    return null;
  };
  return { pattern, timezone: zone, daysJoinedWithOr: !parsed.starDOM && !parsed.starDOW, next };
}

/** The latest slot in (`after`, `upTo`], or undefined. Bounded: looks at most `limit` slots ahead. */
export function latestSlotIn(schedule: CompiledSchedule, after: Date, upTo: Date, limit = 20_000): Date | undefined {
  let found: Date | undefined;
  let cursor = after;
  for (let i = 0; i < limit; i += 1) {
    const slot = schedule.next(cursor);
    if (!slot || slot.getTime() > upTo.getTime()) break;
    found = slot;
    cursor = slot;
  }
  return found;
}

/** `2026-03-30 08:00 Europe/London` — a slot as people in that zone read it. */
export function formatLocal(date: Date, timezone: string): string {
  const t = localTime(date, timezone);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${t.year}-${two(t.month)}-${two(t.day)} ${two(t.hour)}:${two(t.minute)} ${timezone}`;
}
