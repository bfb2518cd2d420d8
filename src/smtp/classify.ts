import type { SmtpReply } from '../net/smtp-reply';

/**
 * What a reply to RCPT TO (or MAIL FROM) means for a relay test.
 * - `accepted`: 2xx — accepted at RCPT, which is not proof of delivery;
 * - `denied`: a relay refusal, permanent or temporary (Postfix's `454 4.7.1 Relay access denied` is a denial, not "try again");
 * - `auth-required`: the server wants SMTP AUTH first (530, 5.7.57, "authentication required");
 * - `sender-rejected` / `recipient-rejected`: refused for the address itself, which hides the relay decision;
 * - `temporary`: another 4xx (greylisting, resources);
 * - `unexpected`: 421 (the server is closing) or a code that has no place here.
 */
export type RelayOutcome =
  'accepted' | 'denied' | 'auth-required' | 'sender-rejected' | 'recipient-rejected' | 'temporary' | 'unexpected';

const RECIPIENT_CODES = new Set(['1.1', '1.2', '1.3', '1.6', '1.10']);
const SENDER_CODES = new Set(['1.7', '1.8']);

/** The reply text with echoed addresses removed: a recipient such as relay-test@… must not read as a relay refusal. */
function textOf(reply: SmtpReply): string {
  return reply.lines.join(' ').replace(/<[^<>]*>|\S*@\S*/g, ' ');
}

/** The enhanced code without its class: `5.7.1` → `7.1`. */
function detail(reply: SmtpReply): string | undefined {
  return reply.enhanced?.slice(2);
}

function wantsAuth(reply: SmtpReply): boolean {
  return (
    reply.code === 530 ||
    detail(reply) === '7.57' ||
    (/\bauthenticat|\bauth(entication)? required/i.test(textOf(reply)) && !/\brelay/i.test(textOf(reply)))
  );
}

/** Classifies the reply to `RCPT TO` of an external recipient. */
export function classifyRcpt(reply: SmtpReply): RelayOutcome {
  const klass = Math.floor(reply.code / 100);
  if (klass === 2) return 'accepted';
  if (reply.code === 421) return 'unexpected';
  if (reply.code === 530 || detail(reply) === '7.57') return 'auth-required';
  // An enhanced code about the address itself outranks the text ("User unknown in relay recipient table" is 5.1.1).
  const d = detail(reply);
  if (d !== undefined && SENDER_CODES.has(d)) return 'sender-rejected';
  if (d !== undefined && RECIPIENT_CODES.has(d)) return 'recipient-rejected';
  if (/\brelay/i.test(textOf(reply)) && (klass === 4 || klass === 5)) return 'denied';
  if (wantsAuth(reply)) return 'auth-required';
  if (d !== undefined && d.startsWith('7.')) return 'denied';
  if (klass === 4) return 'temporary';
  if (klass === 5) return 'denied';
  return 'unexpected';
}

/** Classifies the reply to `MAIL FROM`: anything but 2xx stops the probe before RCPT. */
export function classifyMail(reply: SmtpReply): RelayOutcome {
  const klass = Math.floor(reply.code / 100);
  if (klass === 2) return 'accepted';
  if (reply.code === 421) return 'unexpected';
  if (wantsAuth(reply)) return 'auth-required';
  if (klass === 4) return 'temporary';
  if (klass === 5) return 'sender-rejected';
  return 'unexpected';
}
