import { DiagError } from './errors';

/**
 * Splits command text into words (contracts/cli-and-config.md): spaces separate words, double or
 * single quotes group them, a backslash stays exactly as typed — DNs (`CN=Doe\, Jane,…`), Windows
 * paths and pasted errors are full of them — except `\"` inside double quotes, which is a literal quote.
 */
export interface Word {
  value: string;
  /** True when any part of the word was quoted: `"--x"` is then a value, not a flag. */
  quoted: boolean;
}

/** Unbalanced quotes: `args.tokenize` (the argument parser turns it into `usage` with the command's example). */
function tokenizeError(message: string): DiagError<'args.tokenize'> {
  return new DiagError('args.tokenize', message);
}

export function tokenize(text: string): Word[] {
  const words: Word[] = [];
  let current = '';
  let inWord = false;
  let quoted = false;
  let quote: '"' | "'" | null = null;

  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i] as string;
    if (quote) {
      if (ch === '\\' && quote === '"' && text[i + 1] === '"') {
        current += '"';
        i += 1;
      } else if (ch === quote) {
        quote = null;
      } else {
        current += ch;
      }
      continue;
    }
    if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
      quoted = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push({ value: current, quoted });
      current = '';
      inWord = false;
      quoted = false;
    } else {
      current += ch;
      inWord = true;
    }
  }
  if (quote) throw tokenizeError(`unterminated ${quote === '"' ? 'double' : 'single'} quote`);
  if (inWord) words.push({ value: current, quoted });
  return words;
}

/** Splits off the first word (the command name) and returns the rest of the text verbatim. */
export function splitCommandName(text: string): { name: string; rest: string } {
  const match = /^\s*(\S+)\s?([\s\S]*)$/.exec(text);
  if (!match) return { name: '', rest: '' };
  return { name: (match[1] as string).toLowerCase(), rest: match[2] as string };
}
