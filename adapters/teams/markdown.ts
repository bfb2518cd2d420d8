/**
 * Text for Adaptive Card TextBlocks and FactSets. Teams renders a Markdown subset in both (bold, italics,
 * lists, links) and expands `{{DATE(…)}}` / `{{TIME(…)}}`, so text that came from a user or a server
 * (a pasted error, a certificate subject, an SMTP banner) must be escaped to show exactly as it was.
 */

/** Characters that change meaning anywhere in a line: emphasis, links, code, entities, HTML. */
const INLINE = /[\\`*_[\]~<>&]/g;

/** Line starts that open a block: headings, quotes, list items (`-`, `+`, `1.`, `1)`), setext rules. */
const LINE_START = /^([ \t]*)(#|>|-|\+|=|(\d{1,9})([.)]))/gm;

/**
 * Escapes Markdown so the text renders literally: ASCII punctuation gets a backslash (CommonMark's escape,
 * which Teams honours), and `{{` is split with a zero-width space so Teams' date functions never run.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(INLINE, (ch) => `\\${ch}`)
    .replace(LINE_START, (_whole, indent: string, marker: string, digits: string | undefined, delimiter: string | undefined) =>
      digits !== undefined && delimiter !== undefined ? `${indent}${digits}\\${delimiter}` : `${indent}\\${marker}`)
    .replace(/\{\{/g, '{\u200B{');
}

/** Undoes `escapeMarkdown` (what a reader sees); tests use it to check nothing was lost. */
export function unescapeMarkdown(text: string): string {
  return text.replace(/\{\u200B\{/g, '{{').replace(/\\([\\`*_[\]~<>&#\-+=.)])/g, '$1');
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
