import { classifyMail, classifyRcpt, type RelayOutcome } from '../../../src/smtp/classify';
import type { SmtpReply } from '../../../src/net/smtp-reply';

/** Builds the reply readSmtpReply would return for one raw line. */
function reply(raw: string): SmtpReply {
  const match = /^(\d{3})[ -](.*)$/.exec(raw) as RegExpExecArray;
  const text = match[2] as string;
  return { code: Number(match[1]), enhanced: /^([245]\.\d{1,3}\.\d{1,3})\b/.exec(text)?.[1], lines: [text], raw };
}

describe('classifyRcpt', () => {
  it.each<[string, RelayOutcome]>([
    ['250 2.1.5 Ok', 'accepted'],
    ['251 User not local; will forward', 'accepted'],
    ['252 Cannot VRFY user, but will accept message', 'accepted'],
    ['554 5.7.1 <relay-test@example.org>: Relay access denied', 'denied'],
    ['454 4.7.1 <relay-test@example.org>: Relay access denied', 'denied'],
    ['550 5.7.54 SMTP; Unable to relay recipient in non-accepted domain', 'denied'],
    ['550 5.7.64 TenantAttribution; Relay Access Denied', 'denied'],
    ['550 5.7.1 Unable to relay', 'denied'],
    ["553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)", 'denied'],
    ['550 relay not permitted', 'denied'],
    ['530 5.7.1 Client was not authenticated', 'auth-required'],
    ['550 5.7.57 SMTP; Client was not authenticated to send anonymous mail during MAIL FROM', 'auth-required'],
    ['530 5.7.0 Authentication required', 'auth-required'],
    [
      '550 5.1.1 <relay-test@example.org>: Recipient address rejected: User unknown in relay recipient table',
      'recipient-rejected',
    ],
    ['450 4.1.8 <probe@nowhere.invalid>: Sender address rejected: Domain not found', 'sender-rejected'],
    ['450 4.2.0 <relay-test@example.org>: Recipient address rejected: Greylisted', 'temporary'],
    ['452 4.3.1 Insufficient system storage', 'temporary'],
    ['421 4.7.0 mx.contoso.com closing connection', 'unexpected'],
    ['354 End data with <CR><LF>.<CR><LF>', 'unexpected'],
    ['550 No such user here', 'denied'],
  ])('%s → %s', (raw, outcome) => {
    expect(classifyRcpt(reply(raw))).toBe(outcome);
  });

  it('does not read a relay refusal into an address that merely contains "relay"', () => {
    expect(classifyRcpt(reply('550 5.1.1 <relay@example.org>: Recipient address rejected: User unknown'))).toBe(
      'recipient-rejected',
    );
    expect(classifyRcpt(reply('450 4.2.0 relay-test@example.org greylisted, try later'))).toBe('temporary');
  });
});

describe('classifyMail', () => {
  it.each<[string, RelayOutcome]>([
    ['250 2.1.0 Ok', 'accepted'],
    ['530 5.7.0 Must issue a STARTTLS command first', 'auth-required'],
    ['550 5.7.57 Client not authenticated', 'auth-required'],
    ['553 5.1.8 <probe@nowhere.invalid>: Sender address rejected: Domain not found', 'sender-rejected'],
    ['550 5.7.1 Client does not have permissions to send as this sender', 'sender-rejected'],
    ['451 4.3.0 Temporary lookup failure', 'temporary'],
    ['421 4.3.2 Service shutting down', 'unexpected'],
  ])('%s → %s', (raw, outcome) => {
    expect(classifyMail(reply(raw))).toBe(outcome);
  });
});
