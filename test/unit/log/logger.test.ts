import { captureStream as capture } from '../../helpers/logger';
import { createLogger } from '../../../src/log/logger';

describe('createLogger', () => {
  it('writes JSON lines with the bindings of a child (correlation id)', () => {
    const out = capture();
    const log = createLogger({ level: 'info', destination: out.stream });
    log.child({ correlationId: 'abc-123' }).info({ command: 'cert' }, 'handled');
    const line = JSON.parse(out.text().trim()) as Record<string, unknown>;
    expect(line).toMatchObject({ correlationId: 'abc-123', command: 'cert', msg: 'handled', app: 'diagbot' });
  });

  it('redacts secret fields by name at any depth', () => {
    const out = capture();
    const log = createLogger({ level: 'info', destination: out.stream });
    log.info(
      { password: 'hunter2-pw', config: { slack: { botToken: 'xoxb-abc' } }, headers: { authorization: 'Bearer t0k' } },
      'x',
    );
    const text = out.text();
    expect(text).not.toContain('hunter2-pw');
    expect(text).not.toContain('xoxb-abc');
    expect(text).not.toContain('Bearer t0k');
    expect(text).toContain('[Redacted]');
  });

  it('scrubs literal secret values from messages and error text', () => {
    const out = capture();
    const log = createLogger({ level: 'info', destination: out.stream, secrets: ['S3cretValue!'] });
    log.error({ err: new Error('bind failed for S3cretValue!') }, 'login with S3cretValue! failed');
    expect(out.text()).not.toContain('S3cretValue!');
    expect(out.text()).toContain('bind failed for [Redacted]');
  });

  it('writes nothing at level silent', () => {
    const out = capture();
    createLogger({ level: 'silent', destination: out.stream }).error({}, 'nothing');
    expect(out.text()).toBe('');
  });
});
