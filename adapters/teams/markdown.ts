/**
 * Text for Adaptive Card TextBlocks and FactSets. Teams renders a Markdown subset in both (bold, italics,
 * lists, links) and expands `{{DATE(…)}}` / `{{TIME(…)}}`, so text that came from a user or a server
 * (a pasted error, a certificate subject, an SMTP banner) must not turn into formatting.
 *
 * Escape only what Markdown would read as formatting: some Teams clients show every backslash, so
 * `127\.0.0.1`, `TLS\_AES\_256` or `\-2147024891` would reach the reader with the backslashes in them.
 */

/** ASCII punctuation: the only characters a CommonMark backslash escapes. */
const ASCII_PUNCT = /[!-/:-@[-`{-~]/;

/** Unicode whitespace or punctuation (symbols included, as CommonMark 0.31 counts them) around a delimiter. */
const FLANK = /[\s\p{P}\p{S}]/u;

/** Line starts that open a block: ATX headings, quotes, bullets and ordered items (followed by a blank or the end). */
const BLOCK_START = /^([ \t]*)(#{1,6}(?=[ \t]|$)|>|[-+*](?=[ \t]|$)|\d{1,9}[.)](?=[ \t]|$))/;

/** Lines that underline a heading (`===`, `---`) or draw a rule (`***`, `- - -`, `___`). */
const RULE_LINE = /^([ \t]*)([-=*_])(?:[ \t]*\2)*[ \t]*$/;

/** Per character: must a backslash go before it so it stays literal? */
type EscapeRule = (text: string, index: number) => boolean;

function isIntraword(text: string, index: number): boolean {
  const before = text[index - 1];
  const after = text[index + 1];
  return before !== undefined && after !== undefined && !FLANK.test(before) && !FLANK.test(after);
}

/** Emphasis, code spans and strikethrough need an opener and a closer: one lone delimiter is plain text. */
function paired(text: string, ch: string, counts: (index: number) => boolean): boolean {
  let seen = 0;
  for (let i = text.indexOf(ch); i !== -1; i = text.indexOf(ch, i + 1)) if (counts(i) && ++seen > 1) return true;
  return false;
}

function ruleFor(text: string): Record<string, EscapeRule> {
  const stars = paired(text, '*', () => true);
  const underscores = paired(text, '_', (i) => !isIntraword(text, i));
  const backticks = paired(text, '`', () => true);
  const tildes = paired(text, '~', () => true);
  return {
    // A backslash is literal unless it escapes punctuation or ends a line (a hard break): `CONTOSO\jdoe` stays as typed.
    '\\': (t, i) => ASCII_PUNCT.test(t[i + 1] ?? '') || t[i + 1] === '\n',
    '*': () => stars,
    _: (t, i) => underscores && !isIntraword(t, i),
    '`': () => backticks,
    '~': () => tildes,
    // A link or image needs `](` or `][`; a reference definition `]:`.
    ']': (t, i) => /[([:]/.test(t[i + 1] ?? ''),
    // Only an autolink (`<https://…>`, `<a@b.c>`): Teams' subset has no HTML, so `<path>` shows as typed.
    '<': (t, i) => /^<(?:[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*|[^\s<>@]+@[^\s<>]+)>/.test(t.slice(i, i + 300)),
    // Only an entity (`&amp;`, `&#39;`) is read as something else.
    '&': (t, i) => /^&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});/.test(t.slice(i, i + 40)),
  };
}

function escapeLine(line: string): string {
  const rule = RULE_LINE.exec(line);
  if (rule) return `${rule[1]}\\${line.slice((rule[1] ?? '').length)}`;
  const block = BLOCK_START.exec(line);
  if (!block) return line;
  const indent = block[1] ?? '';
  const marker = block[2] ?? '';
  // An ordered item is escaped at its delimiter (`1\.`), everything else before its first character.
  const at = /^\d/.test(marker) ? indent.length + marker.length - 1 : indent.length;
  return `${line.slice(0, at)}\\${line.slice(at)}`;
}

/**
 * Escapes what Markdown would turn into formatting, and nothing else, with CommonMark's backslash (which
 * Teams honours); `{{` is split with a zero-width space so Teams' date functions never run.
 * @example escapeMarkdown('**bold** on 127.0.0.1') // '\\*\\*bold\\*\\* on 127.0.0.1'
 */
export function escapeMarkdown(text: string): string {
  const rules = ruleFor(text);
  let inline = '';
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i] as string;
    inline += rules[ch]?.(text, i) ? `\\${ch}` : ch;
  }
  return inline.split('\n').map(escapeLine).join('\n').replace(/\{\{/g, '{\u200B{');
}

/** Undoes `escapeMarkdown` (what a reader sees): CommonMark drops a backslash before ASCII punctuation. */
export function unescapeMarkdown(text: string): string {
  return text.replace(/\{\u200B\{/g, '{{').replace(/\\([!-/:-@[-`{-~])/g, '$1');
}

/**
 * Cuts text to at most `max` code points, ending with an ellipsis when it was cut. Counting code points
 * (not UTF-16 units) keeps a surrogate pair whole.
 */
export function clip(text: string, max: number): string {
  const points = Array.from(text);
  if (points.length <= max) return text;
  return `${points.slice(0, Math.max(0, max - 1)).join('')}…`;
}

/** Control characters (other than tab and new line) say nothing on a card and can confuse clients. */
export function stripControl(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '');
}

/**
 * The usual path for one piece of outside text: clean, clip, escape. Line breaks become blank lines
 * because Teams joins single new lines into one paragraph, which would glue a pasted error together.
 */
export function safeText(text: string, max: number): string {
  return escapeMarkdown(clip(stripControl(text), max)).replace(/\n+/g, '\n\n');
}
