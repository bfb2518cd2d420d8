import type { z } from 'zod';
import type { ChatRequest } from './chat-request';
import type { Reply } from './reply';
import type { CommandTarget } from './target';

/** Who may run a command; `roles` in config maps platform user ids onto these. */
export type Role = 'everyone' | 'operator' | 'admin';

/** The logging port: pino's logger satisfies it, tests pass a capturing one. */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

/**
 * Runs one line of command text as `request` through the same router, guard rails included, and answers its
 * Reply. The port a digest runs its checks through: a command that runs other commands is handed this, never
 * the router it is part of. `request.text` holds the line; `text` names it for logs.
 */
export type RunText = (text: string, request: ChatRequest, signal: AbortSignal) => Promise<Reply>;

/** What a handler gets besides its arguments. Collaborators (engines, store) are given to the command's factory. */
export interface CommandContext {
  request: ChatRequest;
  correlationId: string;
  log: Logger;
  /** Aborted when the request as a whole is abandoned (shutdown, a door gave up). */
  signal: AbortSignal;
  now: () => Date;
  /** The commands this person may run (for help). */
  visibleCommands: () => readonly Command[];
  /** The router this command runs in, as a port: `digest` runs its checks through it. */
  runText: RunText;
}

/**
 * A command is data (methods, not function properties, so a `Command<CertArgs>` fits a `Command[]`): a name, a one-line summary, a zod schema over its words, and a handler.
 *
 * With `input: 'words'` (the default) the text after the name is split into words; the schema receives
 * `{ positional: string[], <flag>: string | true, … }` where `--starttls smtp`, `--starttls=smtp` and,
 * for boolean fields, a bare `--policy-only` fill the camel-cased field. With `input: 'verbatim'` the
 * schema receives `{ text }`: everything after the name exactly as typed, line breaks included.
 *
 * @example
 * const ping: Command<{ positional: string[] }> = {
 *   name: 'ping', summary: 'Answer pong.', usage: 'ping', examples: ['ping'],
 *   args: z.object({ positional: z.array(z.string()).max(0) }),
 *   run: async () => makeReply({ command: 'ping', title: 'pong', findings: [] }),
 * };
 */
export interface Command<A = unknown> {
  name: string;
  summary: string;
  /** The grammar, e.g. `cert <host>[:port] [--starttls smtp|imap|pop3|none]`. */
  usage: string;
  examples: string[];
  input?: 'words' | 'verbatim';
  args: z.ZodType<A>;
  /** Longer notes for `help <command>`. */
  details?: string[];
  /** The least role that may run it; default `everyone`. Sub-commands may refine it with `roleFor`. */
  minRole?: Role;
  /** The least role for these particular arguments (e.g. `digest add` needs admin, `digest list` does not). */
  roleFor?(args: A): Role;
  /** The outbound target the arguments name (already parsed by the schema), for the guard and the audit trail. */
  targetOf?(args: A): CommandTarget | undefined;
  run(args: A, ctx: CommandContext): Promise<Reply>;
}
