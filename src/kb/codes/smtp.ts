import { matches } from './limit';
import type { Found } from './types';

/**
 * SMTP basic (RFC 5321) and enhanced (RFC 3463) status codes. An enhanced code (`5.7.1`) counts
 * only where it cannot be a version number: after a basic code (`550 5.7.1`, `550-5.7.1`), after `#`
 * as in NDRs (`#5.1.10`), in a text that talks about mail, or in a short question about the code.
 */

const CLASSES: Record<string, string> = {
  '2': 'success',
  '4': 'persistent transient failure (the sender retries)',
  '5': 'permanent failure (no retry; the sender gets an NDR)',
};

const SUBJECTS: Record<string, string> = {
  '0': 'other or undefined status',
  '1': 'addressing status',
  '2': 'mailbox status',
  '3': 'mail system status',
  '4': 'network and routing status',
  '5': 'mail delivery protocol status',
  '6': 'message content or media status',
  '7': 'security or policy status',
};

/** RFC 3463 / RFC 7372 detail meanings (subject.detail). */
const DETAILS: Record<string, string> = {
  '1.0': 'other address status',
  '1.1': 'bad destination mailbox address',
  '1.2': 'bad destination system address',
  '1.3': 'bad destination mailbox address syntax',
  '1.4': 'destination mailbox address ambiguous',
  '1.6': 'destination mailbox has moved, no forwarding address',
  '1.7': "bad sender's mailbox address syntax",
  '1.8': "bad sender's system address",
  '2.0': 'other or undefined mailbox status',
  '2.1': 'mailbox disabled, not accepting messages',
  '2.2': 'mailbox full',
  '2.3': 'message length exceeds administrative limit',
  '2.4': 'mailing list expansion problem',
  '3.0': 'other or undefined mail system status',
  '3.1': 'mail system full',
  '3.2': 'system not accepting network messages',
  '3.3': 'system not capable of selected features',
  '3.4': 'message too big for system',
  '3.5': 'system incorrectly configured',
  '4.0': 'other or undefined network or routing status',
  '4.1': 'no answer from host',
  '4.2': 'bad connection',
  '4.3': 'directory server failure',
  '4.4': 'unable to route',
  '4.5': 'mail system congestion',
  '4.6': 'routing loop detected',
  '4.7': 'delivery time expired',
  '5.0': 'other or undefined protocol status',
  '5.1': 'invalid command',
  '5.2': 'syntax error',
  '5.3': 'too many recipients',
  '5.4': 'invalid command arguments',
  '5.5': 'wrong protocol version',
  '6.0': 'other or undefined media error',
  '6.1': 'media not supported',
  '6.3': 'conversion required but not supported',
  '6.5': 'conversion failed',
  '7.0': 'other or undefined security status',
  '7.1': 'delivery not authorized, message refused',
  '7.2': 'mailing list expansion prohibited',
  '7.4': 'security features not supported',
  '7.7': 'message integrity failure',
  '7.8': 'authentication credentials invalid',
  '7.9': 'authentication mechanism is too weak',
  '7.10': 'encryption needed',
  '7.11': 'encryption required for requested authentication mechanism',
  '7.13': 'user account disabled',
  '7.14': 'trust relationship required',
  '7.15': 'priority level is too low',
  '7.16': 'message is too big for the specified priority',
  '7.20': 'no passing DKIM signature found',
  '7.23': 'SPF validation failed',
  '7.24': 'SPF validation error',
  '7.25': 'reverse DNS validation failed',
  '7.26': 'multiple authentication checks failed',
  '7.27': 'sender address has a null MX',
};

const BASIC: Record<string, string> = {
  '211': 'system status',
  '214': 'help message',
  '220': 'service ready',
  '221': 'service closing the channel',
  '235': 'authentication succeeded',
  '250': 'requested action completed',
  '251': 'user not local; will forward',
  '334': 'server challenge (AUTH in progress)',
  '354': 'start mail input',
  '421': 'service not available, closing the channel',
  '450': 'mailbox unavailable (busy or temporarily blocked)',
  '451': 'local error in processing; try again later',
  '452': 'insufficient system storage',
  '454': 'temporary authentication or TLS failure',
  '500': 'syntax error, command unrecognised',
  '501': 'syntax error in parameters or arguments',
  '502': 'command not implemented',
  '503': 'bad sequence of commands',
  '504': 'command parameter not implemented',
  '530': 'authentication required',
  '534': 'authentication mechanism is too weak',
  '535': 'authentication credentials invalid',
  '538': 'encryption required for the authentication mechanism',
  '550': 'mailbox unavailable or policy rejection',
  '551': 'user not local',
  '552': 'exceeded storage allocation',
  '553': 'mailbox name not allowed',
  '554': 'transaction failed',
  '556': 'domain does not accept mail',
};

// A leading `(?:^|[^…])` stands in for a lookbehind, which the static regex checker cannot read.
const ENHANCED = /(?:^|[^\w.@/:])(([245])\.(\d{1,3})\.(\d{1,3}))(?!\w|\.\d)/g;
const BASIC_BEFORE_ENHANCED = /(?:^|[^\w.])([245][0-5]\d)[ -](?=[245]\.\d{1,3}\.\d)/g;
const BASIC_CONTEXT = /\b(?:smtp;|smtp error:?|smtp response:?|responded with:?|replied:?|server returned:?|said:)[ '"[(]{0,3}([245][0-5]\d)\b/gi;
const MAIL_CONTEXT = /\b(?:smtp|ndr|e-?mail|mail|recipient|sender|relay|rcpt|message|delivery|deliver|mailbox|postmaster|mx|queue|connector|spf|dmarc|dkim|resolver|routing|undeliverable)/i;

/** Every regex here, for the static backtracking check in the tests. */
export const SMTP_PATTERNS: readonly RegExp[] = [ENHANCED, BASIC_BEFORE_ENHANCED, BASIC_CONTEXT, MAIL_CONTEXT];

/** Plain words for an enhanced status code from its class, subject and detail. */
export function describeEnhanced(cls: string, subject: string, detail: string): string {
  const parts = [CLASSES[cls] ?? 'unknown class', SUBJECTS[subject] ?? 'unknown subject'];
  const known = DETAILS[`${subject}.${detail}`];
  if (known) parts.push(known);
  return `${parts.join('; ')}.`;
}

export function findSmtpCodes(text: string): Found[] {
  const out: Found[] = [];
  const basicAt = new Set<number>();
  for (const m of matches(text, BASIC_BEFORE_ENHANCED)) {
    const code = m[1] as string;
    const start = m.index + m[0].length - 4;
    basicAt.add(start + 4);
    out.push(basicCode(code, start));
  }
  for (const m of matches(text, BASIC_CONTEXT)) {
    const code = m[1] as string;
    const start = m.index + m[0].length - 3;
    out.push(basicCode(code, start));
  }
  let mailish: boolean | undefined;
  for (const m of matches(text, ENHANCED)) {
    const [, whole, cls, subject, detail] = m as unknown as [string, string, string, string, string];
    if (Number(subject) > 7) continue;
    const index = m.index + m[0].length - whole.length;
    const afterBasic = basicAt.has(index);
    const afterHash = text[index - 1] === '#';
    if (!afterBasic && !afterHash) {
      // A short question (`explain 5.7.64`, `what is 4.4.7?`) is about the code itself.
      mailish ??= text.trim().length <= 60 || MAIL_CONTEXT.test(text);
      if (!mailish) continue;
    }
    out.push({
      kind: 'smtp',
      raw: whole,
      value: whole,
      name: `${cls}.${subject}.${detail}`,
      meaning: describeEnhanced(cls, subject, detail),
      parts: { class: Number(cls), subject: Number(subject), detail: Number(detail) },
      keys: [`smtp:${whole}`, `smtp:${cls}.${subject}`],
      index,
      end: index + whole.length,
    });
  }
  return out;
}

function basicCode(code: string, index: number): Found {
  return {
    kind: 'smtp',
    raw: code,
    value: code,
    meaning: BASIC[code] ? `${BASIC[code]}.` : `${CLASSES[code[0] as string] ?? 'reply'}.`,
    parts: { basic: Number(code) },
    keys: [`smtp:${code}`],
    index,
    end: index + 3,
  };
}
