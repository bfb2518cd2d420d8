/**
 * Is a paste a header block? Kept apart from the parser (and its libmime, which loads charset tables) so the
 * paste paths can ask on every message for the price of two regular expressions.
 */

/** Quoted (`> `) or indented blocks count too: headers forwarded inside a complaint keep the reply's quoting. */
const DETECT_RECEIVED = /^[ \t>]*received[ \t]*:/gim;
const DETECT_AUTH =
  /^[ \t>]*(?:authentication-results|arc-authentication-results|arc-seal|received-spf|dkim-signature|x-forefront-antispam-report|x-microsoft-antispam(?:-mailbox-delivery)?|x-spam-status|x-spamd-result)[ \t]*:/im;

/**
 * Is this paste a header block? Detected, not guessed: two or more `Received:` lines, or an authentication
 * or spam-verdict header at the start of a line. Looks at the first 64 KB only.
 */
export function isHeaderBlock(text: string): boolean {
  const head = text.length > 65_536 ? text.slice(0, 65_536) : text;
  if (DETECT_AUTH.test(head)) return true;
  DETECT_RECEIVED.lastIndex = 0;
  let count = 0;
  while (DETECT_RECEIVED.exec(head) !== null) {
    count += 1;
    if (count >= 2) return true;
  }
  return false;
}
