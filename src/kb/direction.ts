/**
 * Which side refused an SMTP transaction. A Postfix, Exim or Sendmail log line in which *our* server turns a client
 * away (`NOQUEUE: reject: RCPT from …`) and a line or NDR in which *a remote server* turns us away (`host … said: 550 …`,
 * `Remote Server returned '550 …'`) can carry the very same words (`blocked using zen.spamhaus.org`), yet they are
 * different errors with different fixes: a client on a block list is the client's problem; our own IP on one is ours.
 */
export type SmtpDirection = 'inbound' | 'outbound';

/** A pattern and a fixed word it needs (lower case): the word is looked for first, the pattern only when it is there. */
type Marker = readonly [string, RegExp];

/** Our server refused a client: Postfix `reject: RCPT from`, Exim `rejected RCPT`, Sendmail `ruleset=check_rcpt … reject=`. */
const INBOUND: readonly Marker[] = [
  [
    'reject: ',
    /\b(?:milter-)?reject: (?:RCPT|MAIL|CONNECT|DATA|END-OF-MESSAGE|HELO|EHLO|VRFY|ETRN|BDAT|header|body) from\b/i,
  ],
  ['rejected ', /\brejected (?:RCPT|MAIL|EHLO|HELO|after DATA|connection)\b/i],
  ['ruleset=check_', /\bruleset=check_(?:mail|rcpt|relay)\b/i],
];

/** A remote server refused us: Postfix `host … said:` / `(in reply to … command)`, NDRs, Exim `SMTP error from remote mail server`. */
const OUTBOUND: readonly Marker[] = [
  ['said', /\bhost [\w.-]{1,253}\[[\w.:]{1,64}\] said\b/i],
  ['refused to talk', /\bhost [\w.-]{1,253}\[[\w.:]{1,64}\] refused to talk to me\b/i],
  ['in reply to', /\bin reply to (?:RCPT TO|MAIL FROM|end of DATA|DATA|HELO|EHLO|AUTH|STARTTLS|BDAT) command\b/i],
  ['remote server', /\bremote server (?:returned|replied)\b/i],
  ['smtp error from remote', /\bSMTP error from remote (?:mail server|mailer)\b/i],
  ['the remote server', /\b(?:the )?response (?:from|was) the remote server\b/i],
  ['remote host said', /\bremote host said\b/i],
  ['diagnostic-code', /\bDiagnostic-Code: ?smtp;/i],
];

/** Every regex here, for the static backtracking check in the tests. */
export const DIRECTION_PATTERNS: readonly RegExp[] = [...INBOUND, ...OUTBOUND].map(([, re]) => re);

function marked(markers: readonly Marker[], text: string, lower: string): boolean {
  return markers.some(([word, re]) => lower.includes(word) && re.test(text));
}

/** The side that refused, when the text says one and only one; undefined for other texts and for mixed logs. */
export function smtpDirection(text: string, lower: string = text.toLowerCase()): SmtpDirection | undefined {
  const inbound = marked(INBOUND, text, lower);
  const outbound = marked(OUTBOUND, text, lower);
  if (inbound === outbound) return undefined;
  return inbound ? 'inbound' : 'outbound';
}
