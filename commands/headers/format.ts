import type { Hop } from '../../src/headers';

/** Small formatting helpers for the headers answer. */

/** `1 h 52 min`, `3 min 12 s`, `45 s`, `2 d 3 h`. */
export function duration(seconds: number): string {
  const s = Math.round(Math.abs(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) {
    const rest = s % 60;
    return `${Math.floor(s / 60)} min${rest ? ` ${rest} s` : ''}`;
  }
  if (s < 86_400) {
    const minutes = Math.floor((s % 3600) / 60);
    return `${Math.floor(s / 3600)} h${minutes ? ` ${minutes} min` : ''}`;
  }
  const hours = Math.floor((s % 86_400) / 3600);
  return `${Math.floor(s / 86_400)} d${hours ? ` ${hours} h` : ''}`;
}

const GENERIC_LABELS = new Set([
  'mail',
  'mx',
  'mx1',
  'mx2',
  'smtp',
  'relay',
  'mta',
  'gateway',
  'out',
  'in',
  'localhost',
  'www',
]);

/**
 * A host as a person names it in a sentence: Exchange Online Protection's front doors are `EOP`, a
 * server's first label (`EXCH02`) when it is specific, the whole name when the first label is generic.
 */
export function shortHost(host: string | undefined): string {
  if (!host) return '?';
  const lower = host.toLowerCase();
  if (/\.(?:mail\.)?protection\.outlook\.com$|\.eop-[a-z0-9]+\.prod\.protection\.outlook\.com$/.test(lower))
    return 'EOP';
  if (host.includes(':') || /^\d+\.\d+\.\d+\.\d+$/.test(host)) return host;
  const [first] = host.split('.');
  if (!first || GENERIC_LABELS.has(first.toLowerCase()) || !host.includes('.')) return host;
  return first;
}

/** The sending side of a hop: its reverse-DNS name, else its HELO, else its address. */
export function hopFrom(hop: Hop): string | undefined {
  return hop.fromHost ?? hop.fromHelo ?? hop.fromIp;
}

/** `10:02:03` in UTC, with the date when it is not the same day as `reference`. */
export function clock(iso: string | undefined, reference?: string): string {
  if (!iso) return 'no time';
  const time = iso.slice(11, 19);
  return reference && reference.slice(0, 10) === iso.slice(0, 10) ? time : `${iso.slice(0, 10)} ${time}`;
}
