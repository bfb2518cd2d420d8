/**
 * Reads `--since` for `audit`: a span back from now (`30m`, `24h`, `7d`, `2w`) or an ISO date
 * (`2025-01-31`, `2025-01-31T08:00Z`). Returns undefined when the text is neither.
 */
export function parseSince(text: string, now: Date): Date | undefined {
  const input = text.trim().toLowerCase();
  const span = /^(\d{1,5})\s*(s|sec|secs|m|min|mins|h|hr|hrs|d|day|days|w|wk|wks|week|weeks)$/.exec(input);
  if (span) {
    const amount = Number(span[1]);
    const unit = (span[2] as string)[0] as 's' | 'm' | 'h' | 'd' | 'w';
    const ms = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[unit];
    return new Date(now.getTime() - amount * ms);
  }
  if (/^\d{4}-\d{2}-\d{2}([t ][\d:.]+(z|[+-]\d{2}:?\d{2})?)?$/.test(input)) {
    const when = new Date(input.toUpperCase().replace(' ', 'T'));
    return Number.isNaN(when.getTime()) ? undefined : when;
  }
  return undefined;
}
