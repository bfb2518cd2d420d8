/**
 * RFC 5322 §3.3 date-time, with the obsolete forms of §4.3 that real Received: lines still carry: two- and
 * three-digit years, named zones (UT, GMT, EST … PDT), military letters and a missing seconds field. Written
 * here rather than left to `Date.parse`, whose reading of anything but ISO 8601 is implementation-defined
 * (V8 guesses local time for a missing zone, which would turn into a fake delay).
 */

export interface ParsedDate {
  /** Milliseconds since the epoch, UTC. */
  ms: number;
  /** False when the zone was missing, a military letter or `-0000`: the time is read as UTC but may be off. */
  zoneKnown: boolean;
}

const MONTHS: Record<string, number> = {
  jan: 0,
  feb: 1,
  mar: 2,
  apr: 3,
  may: 4,
  jun: 5,
  jul: 6,
  aug: 7,
  sep: 8,
  oct: 9,
  nov: 10,
  dec: 11,
};

/** Obsolete zone names (RFC 5322 §4.3), in minutes east of UTC. */
const NAMED_ZONES: Record<string, number> = {
  ut: 0,
  utc: 0,
  gmt: 0,
  z: 0,
  est: -300,
  edt: -240,
  cst: -360,
  cdt: -300,
  mst: -420,
  mdt: -360,
  pst: -480,
  pdt: -420,
};

// [day ","] day month year hh:mm[:ss[.frac]] [zone] — anchored loosely: the Received: date may trail comments.
const RFC5322 =
  /(?:^|[\s,])(\d{1,2})\s+([a-z]{3})[a-z]*\.?\s+(\d{2,4})\s+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d{1,6})?)?\s*([+-]\d{4}|[+-]\d{2}:\d{2}|[a-z]{1,5}\b)?/i;
// ctime(3): `Sat Dec  5 10:02:03 2026`, as old sendmail and mbox "From " lines write it (no zone).
const CTIME = /\b([a-z]{3})\s+(\d{1,2})\s+(\d{1,2}):(\d{2}):(\d{2})\s+(?:([a-z]{1,5}|[+-]\d{4})\s+)?(\d{4})\b/i;
// 2026-12-04T10:02:03Z / 2026-12-04 10:02:03 +0000, as some gateways and appliances write.
const ISO = /(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,6})?)?\s*(Z|[+-]\d{2}:?\d{2})?/i;

function zoneMinutes(zone: string | undefined): { minutes: number; known: boolean } {
  if (!zone) return { minutes: 0, known: false };
  const numeric = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
  if (numeric) {
    const minutes = Number(numeric[2]) * 60 + Number(numeric[3]);
    if (Number(numeric[2]) > 23 || Number(numeric[3]) > 59) return { minutes: 0, known: false };
    // "-0000" means "the local zone is not known" (RFC 5322 §3.3).
    if (zone === '-0000' || zone === '-00:00') return { minutes: 0, known: false };
    return { minutes: numeric[1] === '-' ? -minutes : minutes, known: true };
  }
  const named = NAMED_ZONES[zone.toLowerCase()];
  if (named !== undefined) return { minutes: named, known: true };
  // Military letters and anything else: RFC 5322 says to read them as -0000.
  return { minutes: 0, known: false };
}

function fullYear(text: string): number {
  const year = Number(text);
  if (text.length === 2) return year < 50 ? 2000 + year : 1900 + year;
  if (text.length === 3) return 1900 + year;
  return year;
}

function build(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  zone: { minutes: number; known: boolean },
): ParsedDate | undefined {
  if (month < 0 || month > 11 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return undefined;
  const ms = Date.UTC(year, month, day, hour, minute, Math.min(second, 59)) - zone.minutes * 60_000;
  if (!Number.isFinite(ms)) return undefined;
  const check = new Date(Date.UTC(year, month, day));
  if (check.getUTCDate() !== day) return undefined; // 31 Feb
  return { ms, zoneKnown: zone.known };
}

/** Reads the first RFC 5322 (or ISO 8601) date in `text`; undefined when there is none that makes sense. */
export function parseMailDate(text: string): ParsedDate | undefined {
  const head = text.length > 200 ? text.slice(0, 200) : text;
  const m = RFC5322.exec(head);
  if (m) {
    const month = MONTHS[(m[2] as string).toLowerCase()];
    if (month !== undefined) {
      return build(
        fullYear(m[3] as string),
        month,
        Number(m[1]),
        Number(m[4]),
        Number(m[5]),
        Number(m[6] ?? 0),
        zoneMinutes(m[7]),
      );
    }
  }
  const ctime = CTIME.exec(head);
  if (ctime) {
    const month = MONTHS[(ctime[1] as string).toLowerCase()];
    if (month !== undefined) {
      return build(
        Number(ctime[7]),
        month,
        Number(ctime[2]),
        Number(ctime[3]),
        Number(ctime[4]),
        Number(ctime[5]),
        zoneMinutes(ctime[6]),
      );
    }
  }
  const iso = ISO.exec(head);
  if (iso) {
    const zone =
      iso[7] === undefined
        ? { minutes: 0, known: false }
        : iso[7].toUpperCase() === 'Z'
          ? { minutes: 0, known: true }
          : zoneMinutes(iso[7]);
    return build(
      Number(iso[1]),
      Number(iso[2]) - 1,
      Number(iso[3]),
      Number(iso[4]),
      Number(iso[5]),
      Number(iso[6] ?? 0),
      zone,
    );
  }
  return undefined;
}
