import { DiagError } from '../core/errors';
import { readSchedule, scheduleError, SCHEDULE_FORMS, type ScheduleWord } from './schedule-words';

/**
 * The `digest` command's own grammar. It takes its text verbatim (not the router's word split) because
 * the checks inside a digest are whole command lines with their own quotes and `--flags`:
 * `digest add "0 8 * * 1-5" --tz Europe/London cert mail.contoso.com --starttls smtp; relay 203.0.113.9`.
 */

export const DIGEST_SUBCOMMANDS = ['add', 'list', 'show', 'run', 'pause', 'resume', 'remove'] as const;
export type DigestSubcommand = (typeof DIGEST_SUBCOMMANDS)[number];

const ALIASES: Record<string, DigestSubcommand> = {
  ls: 'list',
  rm: 'remove',
  delete: 'remove',
  del: 'remove',
  new: 'add',
  create: 'add',
};

/** A usage problem in the digest text: a DiagError `digest.usage` (the command turns it into `usage` with its example). */
function usageProblem(message: string): DiagError {
  return new DiagError('digest.usage', message);
}

interface ScannedWord extends ScheduleWord {
  /** Index just after the word in the text. */
  end: number;
}

/** Reads one word from `pos` with the router's quoting rules (contracts/cli-and-config.md). */
function scanWord(text: string, pos: number): ScannedWord | undefined {
  let i = pos;
  while (i < text.length && /\s/.test(text[i] as string)) i += 1;
  if (i >= text.length) return undefined;
  let value = '';
  let quoted = false;
  let quote: string | null = null;
  for (; i < text.length; i += 1) {
    const ch = text[i] as string;
    if (quote) {
      if (ch === '\\' && quote === '"' && text[i + 1] === '"') {
        value += '"';
        i += 1;
      } else if (ch === quote) {
        quote = null;
      } else {
        value += ch;
      }
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      quoted = true;
    } else if (/\s/.test(ch)) {
      break;
    } else {
      value += ch;
    }
  }
  if (quote) throw usageProblem(`unterminated ${quote === '"' ? 'double' : 'single'} quote`);
  return { value, quoted, end: i };
}

/** The sub-command and the text after it; a bare `digest` lists. */
export function splitSubcommand(text: string): { sub: DigestSubcommand; rest: string } | { unknown: string } {
  const first = scanWord(text, 0);
  if (!first) return { sub: 'list', rest: '' };
  const word = first.value.toLowerCase();
  // Own keys only: `digest __proto__` must not find Object.prototype behind the alias table.
  const alias = Object.hasOwn(ALIASES, word) ? ALIASES[word] : undefined;
  const sub = (DIGEST_SUBCOMMANDS as readonly string[]).includes(word) ? (word as DigestSubcommand) : alias;
  if (!sub) return { unknown: first.value };
  return { sub, rest: text.slice(first.end) };
}

/**
 * Splits a digest's checks on `;` and line breaks outside quotes. Each part keeps its text exactly as typed
 * (quotes included) so the router parses it later as if it had been sent alone.
 */
export function splitCommands(text: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quote: string | null = null;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i] as string;
    if (quote) {
      if (ch === '\\' && quote === '"' && text[i + 1] === '"') {
        current += '\\"';
        i += 1;
        continue;
      }
      if (ch === quote) quote = null;
      current += ch;
    } else if (ch === ';' || ch === '\n') {
      parts.push(current);
      current = '';
    } else {
      if (ch === '"' || ch === "'") quote = ch;
      current += ch;
    }
  }
  if (quote) throw usageProblem(`unterminated ${quote === '"' ? 'double' : 'single'} quote in the checks`);
  parts.push(current);
  return parts.map((part) => part.trim()).filter((part) => part !== '');
}

export interface AddRequest {
  pattern: string;
  scheduleText: string;
  timezone?: string;
  commands: string[];
}

/** `add <schedule> [--tz Zone] <check>; <check>; …` (the `--tz` may also come before the schedule). */
export function parseAdd(rest: string): AddRequest {
  const words: ScannedWord[] = [];
  for (let pos = 0, word = scanWord(rest, 0); word && words.length < 16; word = scanWord(rest, pos)) {
    words.push(word);
    pos = word.end;
  }
  let index = 0;
  let timezone: string | undefined;
  const readFlags = (): void => {
    for (let word = words[index]; word && !word.quoted && word.value.startsWith('--'); word = words[index]) {
      const [name, inline] = word.value.includes('=')
        ? [word.value.slice(0, word.value.indexOf('=')), word.value.slice(word.value.indexOf('=') + 1)]
        : [word.value, undefined];
      if (name.toLowerCase() !== '--tz' && name.toLowerCase() !== '--timezone') {
        throw usageProblem(
          `\`digest add\` has no option ${name.slice(0, 30)} (it takes --tz); the checks come after the schedule`,
        );
      }
      if (timezone !== undefined) throw usageProblem('--tz is given twice');
      const value = inline ?? words[index + 1]?.value;
      if (value === undefined || value === '') throw usageProblem('--tz needs a time zone, e.g. --tz Europe/London');
      timezone = value;
      index += inline === undefined ? 2 : 1;
    }
  };
  readFlags();
  if (index >= words.length) {
    throw scheduleError(
      `\`digest add\` needs a schedule and at least one check. Schedules: ${SCHEDULE_FORMS.join(' · ')}.`,
    );
  }
  const schedule = readSchedule(words.slice(index));
  index += schedule.used;
  readFlags();
  const end = index > 0 ? (words[index - 1] as ScannedWord).end : 0;
  const commands = splitCommands(rest.slice(end));
  if (commands.length === 0) {
    throw usageProblem(
      'a digest needs at least one check after the schedule, e.g. `cert mail.contoso.com; relay 203.0.113.9`',
    );
  }
  return { pattern: schedule.pattern, scheduleText: schedule.text, timezone, commands };
}

/** `show|run|pause|resume|remove <id>`: exactly one id. */
export function parseId(sub: DigestSubcommand, rest: string): string {
  const first = scanWord(rest, 0);
  if (!first || first.value === '') throw usageProblem(`\`digest ${sub}\` needs a digest id (see \`digest list\`)`);
  const extra = scanWord(rest, first.end);
  if (extra) throw usageProblem(`\`digest ${sub}\` takes one digest id, not \`${extra.value.slice(0, 30)}\` as well`);
  return first.value.toLowerCase();
}
