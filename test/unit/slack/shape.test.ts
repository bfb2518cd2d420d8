import { checkSlackBody } from '../../../adapters/slack/shape';
import { buttonClick } from './fixtures';

/**
 * The shape check runs before Bolt on every signed body: whatever it lets through, Bolt must be able to read without
 * throwing (a throw inside Bolt is a 500). Bolt routes by keys (`actions`, `event`, `command`) before it reads `type`.
 */
const HOOK = 'https://hooks.slack.com/actions/T0CONTOSO/1/abc';

function asPayload(body: unknown): Buffer {
  return Buffer.from(`payload=${encodeURIComponent(JSON.stringify(body))}`);
}
const FORM = 'application/x-www-form-urlencoded';

describe('checkSlackBody', () => {
  it('lets a button click through', () => {
    expect(checkSlackBody(asPayload(buttonClick('explain 550 5.7.1', HOOK)), FORM)).toEqual({ ok: true });
    expect(checkSlackBody(asPayload(buttonClick('help', HOOK, { home: true })), FORM)).toEqual({ ok: true });
  });

  it('refuses a button click without a user object (Bolt reads user.id)', () => {
    const verdict = checkSlackBody(asPayload({ ...buttonClick('help', HOOK), user: null }), FORM);
    expect(verdict.ok).toBe(false);
  });

  it('refuses a body Bolt would route as an action whatever its type (the fuzz counterexample)', () => {
    const verdict = checkSlackBody(asPayload({ ...buttonClick('help', HOOK), type: ' ', user: null }), FORM);
    expect(verdict).toEqual({ ok: false, problem: 'payloads of type   are not used by diagbot' });
    const named = checkSlackBody(asPayload({ type: 'x', name: 'menu', user: { id: 'U1' } }), FORM);
    expect(named.ok).toBe(false);
  });

  it('refuses an event outside an event_callback and a slash command sent as JSON', () => {
    const event = Buffer.from(JSON.stringify({ type: 'app_rate_limited', event: null }));
    expect(checkSlackBody(event, 'application/json')).toEqual({
      ok: false,
      problem: 'an event arrives as an event_callback',
    });
    const command = Buffer.from(JSON.stringify({ type: 'x', command: '/diag', user_id: 'U1' }));
    expect(checkSlackBody(command, 'application/json')).toEqual({
      ok: false,
      problem: 'a slash command arrives as a form',
    });
  });

  it('still lets an unknown plain JSON body through to Bolt (it answers those itself)', () => {
    expect(checkSlackBody(Buffer.from(JSON.stringify({ type: 'app_rate_limited' })), 'application/json')).toEqual({
      ok: true,
    });
  });
});
