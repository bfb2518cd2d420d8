import { captureStream as capture } from '../../helpers/logger';
import { createLogger, secretScrubber } from '../../../src/log/logger';
import { scrubDeep } from '../../../src/guard/scrub';

describe('secret scrubbing', () => {
  const password = 'Pa"ss\\w0rd-Bind-42';
  const token = 'xoxb-9999-TokenWithCase';

  it('scrubs a secret as typed, lower-cased and JSON-escaped from log lines', () => {
    const out = capture();
    const log = createLogger({ level: 'info', destination: out.stream, secrets: [password, token] });
    log.info({ host: token.toLowerCase(), detail: `bind as x with ${password}` }, `error for ${token}`);
    log.error({ err: new Error(`LDAP said: ${password}`) }, 'bind failed');
    const text = out.text();
    expect(text).not.toContain(JSON.stringify(password).slice(1, -1));
    expect(text).not.toContain(token);
    expect(text.toLowerCase()).not.toContain(token.toLowerCase());
    expect(text.match(/\[Redacted\]/g)?.length).toBeGreaterThanOrEqual(4);
    // The lines are still JSON after scrubbing.
    for (const line of text.trim().split('\n')) expect(() => JSON.parse(line) as unknown).not.toThrow();
  });

  it('replaces a secret that contains another one whole', () => {
    const scrub = secretScrubber(['abcdef', 'abcdefghij']);
    expect(scrub('x abcdefghij y abcdef')).toBe('x [Redacted] y [Redacted]');
  });

  it('leaves short or missing secrets and ordinary text alone', () => {
    const scrub = secretScrubber(['abc', undefined, '']);
    expect(scrub('abc abcdef')).toBe('abc abcdef');
  });

  it('treats regular-expression characters in a secret literally', () => {
    const scrub = secretScrubber(['a.b*c+d?(e)[f]{g}|h^$']);
    expect(scrub('axbxxc a.b*c+d?(e)[f]{g}|h^$')).toBe('axbxxc [Redacted]');
  });

  it('scrubs every string of a reply-shaped value, keeping its shape', () => {
    const value = {
      title: `t ${token}`,
      findings: [{ id: 'x', message: token.toUpperCase() }],
      data: { n: 1, ok: true, list: [token, null] },
    };
    expect(scrubDeep(value, secretScrubber([token]))).toEqual({
      title: 't [Redacted]',
      findings: [{ id: 'x', message: '[Redacted]' }],
      data: { n: 1, ok: true, list: ['[Redacted]', null] },
    });
  });
});
