import { z } from 'zod';
import type { Command } from './command';
import { isDiagError, usageError } from './errors';
import { tokenize, type Word } from './tokenize';

/** A flag as help shows it: `--starttls <value>` with its description. */
export interface FlagInfo {
  name: string;
  key: string;
  boolean: boolean;
  /** An array field: the flag may be given more than once (`--selector s1 --selector s2`). */
  repeatable: boolean;
  description?: string;
}

const WRAPPERS = new Set(['optional', 'default', 'nullable', 'prefault', 'readonly', 'catch']);

/** Looks through optional/default/… wrappers to the schema that decides what a value is. */
function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (let depth = 0; depth < 10 && WRAPPERS.has(current.def.type); depth += 1) {
    current = (current.def as unknown as { innerType: z.ZodType }).innerType;
  }
  return current;
}

const camel = (kebab: string): string => kebab.replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
const kebab = (camelName: string): string => camelName.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** The object of words a schema reads, looking through a `.transform` (which reads the words into a typed input). */
function wordsSchema(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (let depth = 0; depth < 10 && current.def.type === 'pipe'; depth += 1)
    current = (current.def as unknown as { in: z.ZodType }).in;
  return current;
}

/** The flags a command's schema declares (every field but `positional` and `text`). */
export function flagsOf(command: Command): FlagInfo[] {
  const schema = wordsSchema(command.args as z.ZodType);
  if (!(schema instanceof z.ZodObject)) return [];
  const flags: FlagInfo[] = [];
  for (const [key, field] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
    if (key === 'positional' || key === 'text') continue;
    flags.push({
      name: kebab(key),
      key,
      boolean: unwrap(field).def.type === 'boolean',
      repeatable: unwrap(field).def.type === 'array',
      description: field.description ?? unwrap(field).description,
    });
  }
  return flags;
}

/** Builds the object a command's schema validates from the text after its name. */
export function collectArgs(command: Command, rest: string): Record<string, unknown> {
  if (command.input === 'verbatim') return { text: rest };
  let words: Word[];
  try {
    words = tokenize(rest);
  } catch (error) {
    if (isDiagError(error, 'args.tokenize'))
      throw usageError(`${error.message} in \`${command.name} ${rest.trim()}\``, command.examples[0]);
    throw error;
  }
  const flags = new Map(flagsOf(command).map((flag) => [flag.name, flag]));
  const out: Record<string, unknown> = { positional: [] as string[] };
  const positional = out.positional as string[];
  let flagsEnded = false;

  for (let i = 0; i < words.length; i += 1) {
    const word = words[i] as Word;
    if (flagsEnded || word.quoted || !word.value.startsWith('--') || word.value === '--') {
      if (!flagsEnded && !word.quoted && word.value === '--') flagsEnded = true;
      else positional.push(word.value);
      continue;
    }
    const eq = word.value.indexOf('=');
    const name = (eq === -1 ? word.value.slice(2) : word.value.slice(2, eq)).toLowerCase();
    const flag = flags.get(name) ?? flags.get(kebab(camel(name)));
    if (!flag) {
      const known = [...flags.keys()].map((f) => `--${f}`).join(', ');
      throw usageError(
        `\`${command.name}\` has no option --${name}${known ? ` (it takes ${known})` : ''}`,
        command.examples[0],
      );
    }
    if (flag.key in out && !flag.repeatable) throw usageError(`--${flag.name} is given twice`, command.examples[0]);
    const store = (value: string): void => {
      out[flag.key] = flag.repeatable ? [...((out[flag.key] as string[] | undefined) ?? []), value] : value;
    };
    if (eq !== -1) {
      if (flag.boolean) out[flag.key] = parseBoolean(flag, word.value.slice(eq + 1), command);
      else store(word.value.slice(eq + 1));
    } else if (flag.boolean) {
      out[flag.key] = true;
    } else {
      const next = words[i + 1];
      if (!next || (!next.quoted && next.value.startsWith('--'))) {
        throw usageError(`--${flag.name} needs a value`, command.examples[0]);
      }
      store(next.value);
      i += 1;
    }
  }
  return out;
}

function parseBoolean(flag: FlagInfo, value: string, command: Command): boolean {
  if (/^(true|yes|on|1)$/i.test(value)) return true;
  if (/^(false|no|off|0)$/i.test(value)) return false;
  throw usageError(`--${flag.name} is a switch: use it alone or as --${flag.name}=true|false`, command.examples[0]);
}

/** Validates collected words with the command's schema; the first problem becomes a usage error. */
export function parseArgs<A>(command: Command<A>, rest: string): A {
  const collected = collectArgs(command as Command, rest);
  const result = (command.args as z.ZodType<A>).safeParse(collected);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? describePath(issue.path) : '';
  const message = issue ? `${where}${issue.message}` : 'the arguments are not valid';
  throw usageError(message, command.examples[0]);
}

function describePath(path: PropertyKey[]): string {
  const [head] = path;
  if (head === 'positional' || head === 'text') return '';
  return `--${kebab(String(head))}: `;
}
