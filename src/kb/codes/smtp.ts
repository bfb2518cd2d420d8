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

/**
 * Specific codes with a documented meaning beyond RFC 3463 — mostly Exchange Online's NDR table
 * (learn.microsoft.com "Email non-delivery reports and SMTP errors in Exchange Online"), worded so the
 * meaning stays true when another provider uses the same code.
 */
const SPECIFIC: Record<string, string> = {
  '4.4.7': 'the message expired in the queue: the receiving side did not accept it before the retry time ran out',
  '4.4.316':
    'Exchange Online could not connect to the destination (connection refused or timed out), typically an on-premises server behind an outbound connector',
  '4.7.26':
    'the message failed authentication (Gmail: unauthenticated sender without SPF/DKIM; Exchange Online: a message over IPv6 that passed neither SPF nor DKIM)',
  '5.1.1': 'the recipient address does not exist on the receiving system',
  '5.1.8':
    'Exchange Online blocked the sender for sending spam (a restricted, probably compromised account): "Access denied, bad outbound sender"',
  '5.1.10': 'Exchange Online: the recipient was not found by SMTP address lookup (no such address in the tenant)',
  '5.1.90': 'Exchange Online: the sender reached the daily recipient rate limit',
  '5.2.2': 'the mailbox is full, or (Exchange Online) the sender exceeded the submission quota',
  '5.2.121': "Exchange Online: the recipient's per-hour receive limit for this sender was exceeded",
  '5.2.122': "Exchange Online: the recipient's per-hour receive limit was exceeded",
  '5.3.4': 'the message (or a header) exceeds the size limit of the receiving system or connector',
  '5.4.1':
    'Exchange Online: the recipient address was rejected (Access denied) — the domain is accepted but the address is not known (Directory-Based Edge Blocking), or the MX routes elsewhere',
  '5.4.4': 'the destination could not be routed: the domain has no usable MX or A record',
  '5.4.6':
    'a routing loop was detected (forwarding or connector/accepted-domain configuration sends the message back and forth)',
  '5.4.14': 'the hop count was exceeded: probably a mail loop',
  '5.4.300': 'the message expired: delivery was retried until its expiry time without success',
  '5.6.211':
    'Exchange Online: invalid MIME content (a header line or text value too long, or malformed MIME from the sending application)',
  '5.7.1':
    'delivery not authorized: a policy refused the message (relay not allowed, sender not allowed, restricted recipient or a spam block)',
  '5.7.12':
    'the sender was not authenticated by the organization and the recipient accepts only authenticated (internal) senders',
  '5.7.23': "SPF validation failed: the sending IP is not authorized by the sender domain's SPF record",
  '5.7.25': 'reverse DNS validation failed: the sending IP has no PTR record (or it does not match)',
  '5.7.26':
    'the message failed authentication (Gmail: unauthenticated sender without SPF/DKIM/DMARC alignment; Exchange Online: a message over IPv6 that passed neither SPF nor DKIM; RFC 7372: multiple authentication checks failed)',
  '5.7.54':
    'Exchange Online: unable to relay — the recipient domain is not an accepted domain and the connection was not authorized to relay',
  '5.7.57':
    'Exchange Online: the client was not authenticated to send mail (SMTP client submission without AUTH, or AUTH that failed)',
  '5.7.60': 'Exchange Online: the authenticated account has no Send As permission for the From address',
  '5.7.64':
    'Exchange Online: TenantAttribution; Relay Access Denied — the connecting server could not be tied to a tenant through an inbound connector',
  '5.7.124': 'the sender is not in the allowed-senders list of the group (delivery restrictions)',
  '5.7.133': 'the group accepts mail only from authenticated (internal) senders',
  '5.7.134': 'the mailbox accepts mail only from authenticated (internal) senders',
  '5.7.135': 'the public folder accepts mail only from authenticated (internal) senders',
  '5.7.136': 'the mail user accepts mail only from authenticated (internal) senders',
  '5.7.139':
    'Exchange Online: SMTP AUTH refused — basic authentication or SMTP client authentication is disabled (tenant or mailbox), or security defaults block it',
  '5.7.501':
    'Exchange Online: access denied, spam abatement in effect — the sending account or tenant is restricted for outbound spam',
  '5.7.509': 'Exchange Online: the sending domain does not pass DMARC verification and its policy is reject',
  '5.7.510': 'Exchange Online: the recipient domain does not accept mail over IPv6 from unauthenticated senders',
  '5.7.511': 'Exchange Online: the sending IP is banned; request removal through the delist portal',
  '5.7.512':
    'Exchange Online: the message must be RFC 5322 section 3.6.2 compliant (a missing or malformed From header)',
  '5.7.513': "Exchange Online: the recipient's organization blocks the sending IP with its own block list",
  '5.7.515':
    'Exchange Online (consumer domains): the sending domain does not meet the required authentication level (SPF, DKIM and DMARC for high-volume senders)',
  '5.7.520': 'Exchange Online: external (automatic) forwarding is not allowed by the outbound spam policy',
  '5.7.750':
    'Exchange Online: the tenant is blocked from sending from domains it has not registered (unregistered domain)',
};

/** Documented ranges: each maps a detail range in one class.subject to a meaning. */
const SPECIFIC_RANGES: Array<{ family: string; lo: number; hi: number; meaning: string }> = [
  {
    family: '4.7',
    lo: 500,
    hi: 699,
    meaning:
      'Exchange Online / Outlook.com: access denied, please try again later — the sending IP is temporarily throttled (new or suspicious IP reputation)',
  },
  {
    family: '5.7',
    lo: 501,
    hi: 520,
    meaning: 'Exchange Online: access denied by anti-spam (banned sender, spam abatement, DMARC or a block list)',
  },
  {
    family: '5.7',
    lo: 606,
    hi: 649,
    meaning: 'Exchange Online: access denied, banned sending IP — request removal through the delist portal',
  },
  {
    family: '5.7',
    lo: 700,
    hi: 749,
    meaning:
      'Exchange Online: access denied, the tenant has exceeded a threshold — the tenant is blocked from sending (spam, or a new/trial tenant that needs verification)',
  },
];

/** The documented meaning of a specific enhanced code, when there is one. */
export function specificMeaning(cls: string, subject: string, detail: string): string | undefined {
  const exact = SPECIFIC[`${cls}.${subject}.${detail}`];
  if (exact) return exact;
  const family = `${cls}.${subject}`;
  const d = Number(detail);
  return SPECIFIC_RANGES.find((r) => r.family === family && d >= r.lo && d <= r.hi)?.meaning;
}

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
const BASIC_CONTEXT =
  /\b(?:smtp;|smtp error:?|smtp response:?|responded with:?|replied:?|server returned:?|said:)[ '"[(]{0,3}([245][0-5]\d)\b/gi;
const ENHANCED_SHAPE = /[245]\.\d{1,3}\.\d/;
const BASIC_CONTEXT_GATE = /smtp|respond|replied|returned|said:/i;
const MAIL_CONTEXT =
  /\b(?:smtp|ndr|e-?mail|mail|recipient|sender|relay|rcpt|message|delivery|deliver|mailbox|postmaster|mx|queue|connector|spf|dmarc|dkim|resolver|routing|undeliverable)/i;

/** Every regex here, for the static backtracking check in the tests. */
export const SMTP_PATTERNS: readonly RegExp[] = [
  ENHANCED,
  BASIC_BEFORE_ENHANCED,
  BASIC_CONTEXT,
  MAIL_CONTEXT,
  ENHANCED_SHAPE,
  BASIC_CONTEXT_GATE,
];

/** Plain words for an enhanced status code from its class, subject and detail. */
export function describeEnhanced(cls: string, subject: string, detail: string): string {
  const parts = [CLASSES[cls] ?? 'unknown class', SUBJECTS[subject] ?? 'unknown subject'];
  const specific = specificMeaning(cls, subject, detail);
  const known = DETAILS[`${subject}.${detail}`];
  if (known) parts.push(specific ? `${known} — ${specific}` : known);
  else if (specific) parts.push(specific);
  return `${parts.join('; ')}.`;
}

export function findSmtpCodes(text: string): Found[] {
  const out: Found[] = [];
  const basicAt = new Set<number>();
  // The patterns below start with a character class, which a regex engine tries at every position of a 64 KB paste;
  // these gates (a fixed shape, fixed words) skip them for the many texts that hold no SMTP code at all.
  const enhanced = ENHANCED_SHAPE.test(text);
  for (const m of enhanced ? matches(text, BASIC_BEFORE_ENHANCED) : []) {
    const code = m[1] as string;
    const start = m.index + m[0].length - 4;
    basicAt.add(start + 4);
    out.push(basicCode(code, start));
  }
  for (const m of BASIC_CONTEXT_GATE.test(text) ? matches(text, BASIC_CONTEXT) : []) {
    const code = m[1] as string;
    const start = m.index + m[0].length - 3;
    out.push(basicCode(code, start));
  }
  let mailish: boolean | undefined;
  for (const m of enhanced ? matches(text, ENHANCED) : []) {
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
