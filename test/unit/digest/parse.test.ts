import fc from 'fast-check';
import { parseAdd, parseId, splitCommands, splitSubcommand } from '../../../src/digest/parse';
import { diagErrorWith } from '../../helpers/diag-error';

describe('splitSubcommand', () => {
  it.each([
    ['', 'list', ''],
    ['list', 'list', ''],
    ['ADD daily 08:00 help', 'add', ' daily 08:00 help'],
    ['rm d4k2m9p', 'remove', ' d4k2m9p'],
    ['show   d4k2m9p', 'show', '   d4k2m9p'],
  ])('%j', (text, sub, rest) => {
    expect(splitSubcommand(text)).toEqual({ sub, rest });
  });

  it('names an unknown sub-command', () => {
    expect(splitSubcommand('frobnicate x')).toEqual({ unknown: 'frobnicate' });
  });

  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])(
    'names %s as unknown, not a property of every object (found by the router fuzz)',
    (word) => {
      expect(splitSubcommand(`${word} x`)).toEqual({ unknown: word });
    },
  );
});

describe('parseAdd', () => {
  it("reads the issue's example: quoted cron, then checks separated by ;", () => {
    expect(parseAdd(' "0 8 * * 1-5" cert mail.contoso.com; cert smtp.contoso.com:25; relay 203.0.113.9')).toEqual({
      pattern: '0 8 * * 1-5',
      scheduleText: '"0 8 * * 1-5"',
      timezone: undefined,
      commands: ['cert mail.contoso.com', 'cert smtp.contoso.com:25', 'relay 203.0.113.9'],
    });
  });

  it("takes --tz before or after the schedule, and keeps the checks' own flags and quotes", () => {
    const expected = ['cert mail.contoso.com --starttls smtp', 'ou "IT Professionals"', 'explain "a; b"'];
    const tail = 'cert mail.contoso.com --starttls smtp; ou "IT Professionals"; explain "a; b"';
    expect(parseAdd(`daily 08:00 --tz Europe/London ${tail}`)).toMatchObject({
      timezone: 'Europe/London',
      commands: expected,
    });
    expect(parseAdd(`--tz=America/New_York weekly mon 09:00 ${tail}`)).toMatchObject({
      timezone: 'America/New_York',
      pattern: '0 9 * * 1',
      commands: expected,
    });
  });

  it('accepts an unquoted five-field pattern and line breaks between checks', () => {
    expect(parseAdd('0 8 * * 1-5 cert a.contoso.com\ncert b.contoso.com\n\n')).toMatchObject({
      pattern: '0 8 * * 1-5',
      commands: ['cert a.contoso.com', 'cert b.contoso.com'],
    });
  });

  it.each([
    ['', 'schedule.invalid' as const, /needs a schedule/],
    ['daily 08:00', 'digest.usage' as const, /at least one check/],
    ['daily 08:00 ;  ; ', 'digest.usage' as const, /at least one check/],
    ['daily 08:00 --every 5 cert x', 'digest.usage' as const, /no option --every/],
    ['daily 08:00 --tz', 'digest.usage' as const, /needs a time zone/],
    ['--tz UTC daily 08:00 --tz UTC cert x', 'digest.usage' as const, /given twice/],
    ['daily 08:00 cert "x', 'digest.usage' as const, /unterminated double quote/],
  ])('refuses %j', (text, code, message) => {
    let caught: unknown;
    try {
      parseAdd(text);
    } catch (error) {
      caught = error;
    }
    expect(caught).toEqual(diagErrorWith(code));
    expect((caught as Error).message).toMatch(message);
  });
});

describe('splitCommands', () => {
  it('property: joining checks with ; and splitting gives them back (checks without ; or quotes)', () => {
    const check = fc.stringMatching(/^[a-z][a-z0-9 .:-]{0,30}[a-z0-9]$/);
    fc.assert(
      fc.property(fc.array(check, { minLength: 1, maxLength: 8 }), (checks) => {
        expect(splitCommands(checks.join('; '))).toEqual(checks.map((c) => c.trim()));
      }),
    );
  });

  it('property: a ; inside quotes never splits', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z ;]{1,20}$/), (inner) => {
        expect(splitCommands(`explain "${inner}"; help`)).toEqual([`explain "${inner}"`, 'help']);
      }),
    );
  });
});

it('parseId wants exactly one id', () => {
  expect(parseId('show', ' D4K2M9P ')).toBe('d4k2m9p');
  expect(() => parseId('show', '')).toThrow(/needs a digest id/);
  expect(() => parseId('pause', 'a b')).toThrow(/one digest id/);
});
