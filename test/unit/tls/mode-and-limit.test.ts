import { createLimiter } from '../../../src/tls/limit';
import { modeFor } from '../../../src/tls/mode';

describe('modeFor', () => {
  it.each([
    [25, undefined, undefined, 'starttls-smtp'],
    [587, undefined, undefined, 'starttls-smtp'],
    [2525, undefined, undefined, 'starttls-smtp'],
    [143, undefined, undefined, 'starttls-imap'],
    [110, undefined, undefined, 'starttls-pop3'],
    [465, undefined, undefined, 'tls'],
    [993, undefined, undefined, 'tls'],
    [995, undefined, undefined, 'tls'],
    [443, undefined, undefined, 'tls'],
    [8443, undefined, undefined, 'tls'],
    [25, 'none', undefined, 'tls'],
    [8025, 'smtp', undefined, 'starttls-smtp'],
    [443, 'imap', undefined, 'starttls-imap'],
    [2025, undefined, 'smtp', 'starttls-smtp'],
    [465, undefined, 'smtps', 'tls'],
  ] as const)('port %s, --starttls %s, scheme %s → %s', (port, starttls, scheme, mode) => {
    expect(modeFor(port, starttls, scheme)).toBe(mode);
  });
});

describe('createLimiter', () => {
  it('never runs more than the limit at once and runs everything in the end', async () => {
    const limiter = createLimiter(3);
    let running = 0;
    let peak = 0;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        limiter
          .run(async () => {
            running += 1;
            peak = Math.max(peak, running);
            await new Promise((resolve) => setImmediate(resolve));
            running -= 1;
            if (i === 7) throw new Error('one fails');
            return i;
          })
          .catch(() => -1),
      ),
    );
    expect(peak).toBe(3);
    expect(results.filter((r) => r === -1)).toHaveLength(1);
    expect(limiter.active).toBe(0);
    expect(limiter.queued).toBe(0);
  });

  it('refuses a limit below one', () => {
    expect(() => createLimiter(0)).toThrow(/concurrency/);
  });
});
