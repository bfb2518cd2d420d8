import { DiagError } from '../../src/core/errors';

/** The `diagbot` program's own command line (contracts/cli-and-config.md). */
export type ProgramMode =
  | { kind: 'once'; text: string }
  | { kind: 'chat' }
  | { kind: 'serve' }
  /** `npm start`: serve when Slack or Teams credentials are configured, the local chat otherwise. */
  | { kind: 'start' };

export interface ProgramArgs {
  mode: ProgramMode;
  output: 'text' | 'json' | 'slack' | 'teams';
  configFile?: string;
  verbose: boolean;
}

/** A wrong command line for the program itself: `args.program`, exit 64 (adapters/cli/exit-code.ts). */
function programArgsError(message: string): DiagError<'args.program'> {
  return new DiagError('args.program', message);
}

export const PROGRAM_USAGE = [
  'usage: diagbot [--json | --format slack|teams] [--config FILE] [--verbose] "<command text>"',
  '       diagbot                 local chat (one command a line from a pipe)',
  '       diagbot serve           start Slack, Teams, the scheduler and /healthz',
].join('\n');

export function parseProgramArgs(argv: readonly string[]): ProgramArgs {
  let output: ProgramArgs['output'] = 'text';
  let configFile: string | undefined;
  let verbose = false;
  const words: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    if (words.length > 0) {
      words.push(arg);
      continue;
    }
    const [name, inline] =
      arg.startsWith('--') && arg.includes('=')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw programArgsError(`${name} needs a value`);
      return v;
    };
    switch (name) {
      case '--json':
        output = 'json';
        break;
      case '--format': {
        const format = value();
        if (format !== 'slack' && format !== 'teams' && format !== 'json' && format !== 'text') {
          throw programArgsError(`--format takes slack or teams, not "${format}"`);
        }
        output = format;
        break;
      }
      case '--config':
        configFile = value();
        break;
      case '--verbose':
        verbose = true;
        break;
      case '--':
        words.push(...argv.slice(i + 1));
        i = argv.length;
        break;
      default:
        if (arg.startsWith('-') && arg !== '-') throw programArgsError(`unknown option ${arg}`);
        words.push(arg);
    }
  }
  const mode = modeOf(words);
  return { mode, output, configFile, verbose };
}

/** Commands that read their text as typed (pastes): their words are joined, never quoted. */
const VERBATIM_COMMANDS = new Set(['explain', 'headers']);

function modeOf(words: string[]): ProgramMode {
  if (words.length === 0) return { kind: 'chat' };
  if (words.length === 1 && words[0] === 'serve') return { kind: 'serve' };
  if (words.length === 1 && words[0] === 'start') return { kind: 'start' };
  if (words.length === 1) return { kind: 'once', text: words[0] as string };
  // Several shell words: keep each word whole by quoting the ones the shell had grouped.
  if (VERBATIM_COMMANDS.has(words[0]?.toLowerCase() ?? '')) return { kind: 'once', text: words.join(' ') };
  return { kind: 'once', text: words.map(quoteIfNeeded).join(' ') };
}

function quoteIfNeeded(word: string): string {
  return /[\s"']/.test(word) || word === '' ? `"${word.replace(/"/g, '\\"')}"` : word;
}
