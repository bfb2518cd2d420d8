import { createEventDeduper } from '../../../adapters/slack/dedupe';
import { checkTimestamp, MAX_SKEW_SECONDS } from '../../../adapters/slack/verify';

describe('checkTimestamp: both sides of the five-minute window', () => {
  const now = Date.UTC(2026, 0, 15, 12, 0, 0);
  const sec = Math.floor(now / 1000);

  it.each([
    [sec, true],
    [sec - MAX_SKEW_SECONDS, true],
    [sec + MAX_SKEW_SECONDS, true],
    [sec - MAX_SKEW_SECONDS - 1, false],
    [sec + MAX_SKEW_SECONDS + 1, false],
    [sec + 86_400, false],
  ])('timestamp %d → ok %s', (ts, ok) => {
    expect(checkTimestamp(String(ts), now).ok).toBe(ok);
  });

  it('says which side failed', () => {
    expect(checkTimestamp(String(sec + 3600), now)).toEqual({ ok: false, reason: expect.stringContaining('future') });
    expect(checkTimestamp(String(sec - 3600), now)).toEqual({ ok: false, reason: expect.stringContaining('old') });
  });

  it('leaves a missing or malformed header to Bolt (which refuses it)', () => {
    expect(checkTimestamp(undefined, now).ok).toBe(true);
    expect(checkTimestamp('soon', now).ok).toBe(true);
    expect(checkTimestamp(['1', '2'], now).ok).toBe(true);
  });
});

describe('event deduper', () => {
  it('answers an event id once within the window, again after it', () => {
    let t = 0;
    const dedupe = createEventDeduper({ ttlMs: 1000, now: () => t });
    expect(dedupe.firstSeen('Ev1')).toBe(true);
    expect(dedupe.firstSeen('Ev1')).toBe(false);
    expect(dedupe.firstSeen('Ev2')).toBe(true);
    t = 1001;
    expect(dedupe.firstSeen('Ev1')).toBe(true);
  });

  it('forgets expired ids and stays within its bound', () => {
    let t = 0;
    const dedupe = createEventDeduper({ ttlMs: 50, maxEntries: 100, now: () => t });
    for (let i = 0; i < 1000; i += 1) {
      t = i;
      dedupe.firstSeen(`Ev${i}`);
      expect(dedupe.size).toBeLessThanOrEqual(100);
    }
    expect(dedupe.size).toBeLessThanOrEqual(51);
    expect(dedupe.firstSeen('Ev999')).toBe(false);
  });
});
