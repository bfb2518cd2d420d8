/**
 * Which side refused an SMTP transaction. A Postfix, Exim or Sendmail log line in which *our* server turns a client
 * away (`NOQUEUE: reject: RCPT from …`) and a line or NDR in which *a remote server* turns us away (`host … said: 550 …`,
 * `Remote Server returned '550 …'`) can carry the very same words (`blocked using zen.spamhaus.org`), yet they are
 * different errors with different fixes: a client on a block list is the client's problem; our own IP on one is ours.
 */
export type SmtpDirection = 'inbound' | 'outbound';

/** Our server refused a client: Postfix `reject: RCPT from`, Exim `rejected RCPT`, Sendmail `ruleset=check_rcpt … reject=`. */
const INBOUND: readonly RegExp[] = [
  /\b(?:milter-)?reject: (?:RCPT|MAIL|CONNECT|DATA|END-OF-MESSAGE|HELO|EHLO|VRFY|ETRN|BDAT|header|body) from\b/i,
  /\brejected (?:RCPT|MAIL|EHLO|HELO|after DATA|connection)\b/i,
  /\bruleset=check_(?:mail|rcpt|relay)\b/i,
];

/** A remote server refused us: Postfix `host … said:` / `(in reply to … command)`, NDRs, Exim `SMTP error from remote mail server`. */
const OUTBOUND: readonly RegExp[] = [
  /\bhost [\w.-]{1,253}\[[\w.:]{1,64}\] (?:said|refused to talk to me)\b/i,
  /\bin reply to (?:RCPT TO|MAIL FROM|end of DATA|DATA|HELO|EHLO|AUTH|STARTTLS|BDAT) command\b/i,
  /\bremote server (?:returned|replied)\b/i,
  /\bSMTP error from remote (?:mail server|mailer)\b/i,
  /\b(?:the )?response (?:from|was) the remote server\b/i,
  /\bremote host said\b/i,
  /\bDiagnostic-Code: ?smtp;/i,
];

/** Every regex here, for the static backtracking check in the tests. */
export const DIRECTION_PATTERNS: readonly RegExp[] = [...INBOUND, ...OUTBOUND];

/** The side that refused, when the text says one and only one; undefined for other texts and for mixed logs. */
export function smtpDirection(text: string): SmtpDirection | undefined {
  const inbound = INBOUND.some((re) => re.test(text));
  const outbound = OUTBOUND.some((re) => re.test(text));
  if (inbound === outbound) return undefined;
  return inbound ? 'inbound' : 'outbound';
}
