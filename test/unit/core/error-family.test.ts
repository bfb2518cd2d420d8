import { EXIT, exitCodeOfError } from '../../../adapters/cli/exit-code';
import { replyForError } from '../../../src/core/error-reply';
import { DiagError, httpStatusOf, isDiagError, isFindingError, usageError } from '../../../src/core/errors';
import { captureLogger } from '../../helpers/logger';

describe('DiagError', () => {
  it('carries a code, a message, a cause, a fix and data', () => {
    const cause = new Error('ECONNREFUSED');
    const error = new DiagError('net.refused', 'mail.contoso.com:25 refused the connection.', {
      cause,
      fix: { summary: 'Check the port.' },
      data: { step: 'connect' },
    });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('DiagError');
    expect(error.code).toBe('net.refused');
    expect(error.cause).toBe(cause);
    expect(error.fix).toEqual({ summary: 'Check the port.' });
    expect(error.data).toEqual({ step: 'connect' });
  });

  it('narrows by code, not by class', () => {
    const error: unknown = new DiagError('store.failed', 'locked', { data: { sqliteCode: 'SQLITE_BUSY' } });
    expect(isDiagError(error)).toBe(true);
    expect(isDiagError(error, 'store.failed', 'store.config')).toBe(true);
    expect(isDiagError(error, 'store.unavailable')).toBe(false);
    expect(isDiagError(new Error('plain'))).toBe(false);
    expect(isFindingError(error)).toBe(false);
    expect(isFindingError(usageError('bad'))).toBe(true);
  });

  it('reads an HTTP status out of data only when there is one', () => {
    expect(httpStatusOf(new DiagError('http.body', 'too large', { data: { status: 413 } }))).toBe(413);
    expect(httpStatusOf(new DiagError('send.failed', 'timed out'))).toBeUndefined();
    expect(httpStatusOf(new DiagError('send.failed', 'odd', { data: { status: '500' } }))).toBeUndefined();
  });
});

describe('replyForError: the one error → Reply translation', () => {
  it('makes a finding error an error Reply with its id, message, fix and data', () => {
    const log = captureLogger();
    const reply = replyForError(
      'cert',
      new DiagError('net.timeout', 'The TLS handshake took longer than 5 s.', {
        fix: { summary: 'Check the port.' },
        data: { step: 'tls' },
      }),
      { correlationId: 'c1', log },
    );
    expect(reply).toEqual({
      command: 'cert',
      status: 'error',
      title: 'cert: The TLS handshake took longer than 5 s.',
      findings: [
        {
          id: 'net.timeout',
          severity: 'error',
          message: 'The TLS handshake took longer than 5 s.',
          fix: { summary: 'Check the port.' },
        },
      ],
      facts: [],
      actions: [],
      data: { step: 'tls' },
    });
    expect(log.lines).toEqual([]);
  });

  it.each([
    ['an internal code nobody translated', new DiagError('store.failed', 'The database /x.db is damaged.')],
    ['a plain error', new TypeError('cannot read properties of undefined')],
  ])('answers %s with `internal` and the correlation id, and logs it', (_what, error) => {
    const log = captureLogger();
    const reply = replyForError('digest', error, { correlationId: 'c2', log });
    expect(reply.status).toBe('error');
    expect(reply.findings.map((f) => f.id)).toEqual(['internal']);
    expect(reply.findings[0]?.message).toContain('c2');
    expect(reply.findings[0]?.message).not.toContain(error.message);
    expect(reply.data).toEqual({ correlationId: 'c2' });
    expect(log.lines.map((line) => line.level)).toEqual(['error']);
  });
});

describe('exitCodeOfError: the one code → exit code map', () => {
  it("exits 64 for the program's command line, 78 for an unusable database, 3 for anything else", () => {
    expect(exitCodeOfError(new DiagError('args.program', 'unknown option --x'))).toBe(64);
    expect(exitCodeOfError(new DiagError('store.config', 'Cannot use the PostgreSQL database'))).toBe(78);
    expect(exitCodeOfError(new DiagError('config.invalid', 'timeouts.connectMs: must be positive'))).toBe(EXIT.error);
    expect(exitCodeOfError(new DiagError('store.failed', 'damaged'))).toBe(EXIT.error);
    expect(exitCodeOfError(new Error('boom'))).toBe(3);
  });
});
