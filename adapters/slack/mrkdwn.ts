/**
 * Slack mrkdwn text helpers: escaping, links and truncation that never breaks the markup it produces.
 *
 * Slack reads `<…>` as a link, mention or `<!channel>` broadcast and `&…;` as an entity, so every string that
 * came from a user or a server (a pasted error, a certificate subject, an SMTP banner) is escaped before it is
 * put in a mrkdwn text object. Plain-text objects (header, button labels) need no escaping: Slack shows them as typed.
 */

/** Escapes the three characters Slack gives meaning to in mrkdwn: `&`, `<`, `>`. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const LINKABLE = /^(https?:\/\/|mailto:)/i;

/**
 * `<url|title>` for http(s) and mailto URLs; anything else (javascript:, a bare word) becomes escaped text, so a
 * link in a Reply can never smuggle markup. Characters that would end the link early are percent-encoded.
 */
export function mrkdwnLink(url: string, title: string): string {
  const label = escapeMrkdwn(title).replace(/\s+/g, ' ').trim();
  if (!LINKABLE.test(url) || /\s/.test(url.trim())) {
    return label ? `${label} (${escapeMrkdwn(url)})` : escapeMrkdwn(url);
  }
  const target = url.trim().replace(/&/g, '&amp;').replace(/</g, '%3C').replace(/>/g, '%3E').replace(/\|/g, '%7C');
  return label ? `<${target}|${label}>` : `<${target}>`;
}

/**
 * Cuts text to at most `max` characters, ending with `…`. The cut never splits an entity (`&amp;`), a link we
 * produced (`<url|title>`) or a surrogate pair, so the shortened text is still valid mrkdwn.
 */
export function truncateMrkdwn(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 1) return '…'.slice(0, Math.max(0, max));
  let cut = max - 1;
  const amp = text.lastIndexOf('&', cut - 1);
  if (amp !== -1 && cut - amp < 10 && !text.slice(amp, cut).includes(';')) cut = amp;
  const open = text.lastIndexOf('<', cut - 1);
  if (open !== -1 && text.lastIndexOf('>', cut - 1) < open) cut = open;
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
  return `${text.slice(0, cut)}…`;
}

/** Cuts plain text (no markup) to `max` characters without splitting a surrogate pair. */
export function truncatePlain(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 1) return '…'.slice(0, Math.max(0, max));
  let cut = max - 1;
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
  return `${text.slice(0, cut)}…`;
}
