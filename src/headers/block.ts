import libmime from 'libmime';
import { MAX_TEXT } from './limits';
import type { Problem } from './types';

/**
 * Finds the header block in a paste and splits it into fields: RFC 5322 unfolding and the field-name split are
 * libmime's (`decodeHeader`), RFC 2047 encoded words are decoded with libmime's `decodeWords`. Around that, the
 * leniency a chat paste needs: text before the block, a body after it, lost indentation, a block that starts
 * in the middle of a header, and bounds on size.
 */

/** The most any one field keeps (a pasted body folded into one header must not dominate). */
const MAX_FIELD = 16 * 1024;

export interface Field {
  /** Lower-case name. */
  key: string;
  /** The name as written. */
  name: string;
  /** Unfolded, encoded words decoded. */
  value: string;
}

export interface Block {
  fields: Field[];
  problems: Problem[];
}

const FIELD_LINE = /^([A-Za-z][A-Za-z0-9_-]{0,75})[ \t]*:/;
/** `CIP:192.0.2.1;CTRY:NL;…`: a folded verdict value whose indentation was lost, not a field of its own. */
const PAIRS_LINE = /^[A-Za-z0-9]+:[^\s;]*;\s*[A-Za-z0-9]+:/;
/** Names that, after a blank line, mean the header block goes on (a double-spaced paste) rather than a body. */
const TRACE_NAME =
  /^(?:received|authentication-results|arc-[a-z-]+|dkim-signature|received-spf|return-path|delivered-to|x-[a-z0-9-]+)[ \t]*:/i;
/**
 * Removes the `> ` quoting every non-empty line shares (headers forwarded inside a reply), one level at a time,
 * keeping the folding whitespace after it.
 */
function unquote(lines: string[]): string[] {
  let out = lines;
  while (out.some((line) => line.trim() !== '') && out.every((line) => line.trim() === '' || /^[ \t]*>/.test(line)))
    out = out.map((line) => line.replace(/^[ \t]*> ?/, ''));
  return out;
}

/** Removes the indentation every non-empty line shares (a paste from an indented quote or e-mail reply). */
function dedent(lines: string[]): string[] {
  let common: number | undefined;
  for (const line of lines) {
    if (line.trim() === '') continue;
    const indent = /^[ \t]*/.exec(line)?.[0].length ?? 0;
    common = common === undefined ? indent : Math.min(common, indent);
    if (common === 0) return lines;
  }
  return common ? lines.map((line) => line.slice(common)) : lines;
}

function decodeField(raw: string): Field {
  const { key, value } = libmime.decodeHeader(raw.length > MAX_FIELD ? raw.slice(0, MAX_FIELD) : raw);
  let decoded = value;
  if (value.includes('=?')) {
    try {
      decoded = libmime.decodeWords(value);
    } catch {
      decoded = value; // A malformed encoded word stays as written; the rest of the field is still useful.
    }
  }
  const name = FIELD_LINE.exec(raw)?.[1] ?? key;
  // libmime has unfolded it; what is left to tidy is the odd tab or run of spaces, rare enough to test for first.
  return { key, name, value: /\s\s|\t/.test(decoded) ? decoded.replace(/\s+/g, ' ').trim() : decoded.trim() };
}

/** Splits a paste into header fields, in the order written (newest trace header first). */
export function readBlock(input: string): Block {
  const problems: Problem[] = [];
  let text = input;
  if (text.length > MAX_TEXT) {
    problems.push({ kind: 'cut', bytes: Buffer.byteLength(input), limit: MAX_TEXT });
    text = text.slice(0, MAX_TEXT);
  }
  const lines = dedent(unquote(text.split(/\r\n|\r|\n/)));
  let start = 0;
  while (start < lines.length && (lines[start] as string).trim() === '') start += 1;
  // A block that starts with a folded line was cut at the top; skip to the first field.
  if (start < lines.length && /^[ \t]/.test(lines[start] as string)) problems.push({ kind: 'starts-mid-header' });
  const first = start;
  while (start < lines.length && !FIELD_LINE.test(lines[start] as string)) start += 1;
  const skipped = lines.slice(first, start).filter((line) => line.trim() !== '' && !/^[ \t]/.test(line)).length;
  if (skipped > 0) problems.push({ kind: 'leading-text', lines: skipped });

  const raws: string[] = [];
  let current: string[] | undefined;
  for (let i = start; i < lines.length; i += 1) {
    const line = lines[i] as string;
    if (line.trim() === '') {
      let next = i + 1;
      while (next < lines.length && (lines[next] as string).trim() === '') next += 1;
      if (next < lines.length && TRACE_NAME.test(lines[next] as string)) {
        i = next - 1;
        continue;
      }
      const rest = lines.slice(next).filter((l) => l.trim() !== '').length;
      if (rest > 0) problems.push({ kind: 'body', lines: rest });
      break;
    }
    // A field whose first line ends at its colon continues on the next line, indented or not.
    const emptySoFar = current?.length === 1 && /:[ \t]*$/.test(current[0] as string);
    if (FIELD_LINE.test(line) && !PAIRS_LINE.test(line) && !emptySoFar) {
      if (current) raws.push(current.join('\r\n'));
      current = [line];
    } else if (current) {
      // A folded line, or one whose indentation the chat client ate: either way it continues the field.
      current.push(/^[ \t]/.test(line) ? line : ` ${line}`);
    }
  }
  if (current) raws.push(current.join('\r\n'));
  return { fields: raws.map(decodeField), problems };
}
