import { randomUUID } from 'node:crypto';
import { parseArgs } from './args';
import type { ChatRequest } from './chat-request';
import type { Command, CommandContext, Logger, Role, RunText } from './command';
import { replyForError } from './error-reply';
import { errorReply, withRunbookLinks, type Reply } from './reply';
import { splitCommandName } from './tokenize';
import { formatTarget } from './target';

/** Hooks the guard rails plug into; the core itself knows nothing of roles, limits or audit. */
export interface RouterHooks {
  /** The role this person has (default: everyone may run everything). */
  roleOf?(request: ChatRequest): Role | Promise<Role>;
  /** Runs after parsing, before the handler: a Reply here refuses the request (rate limit, policy). */
  admit?(request: ChatRequest, command: Command, args: unknown): Promise<Reply | undefined>;
  /** Called once per handled request, whatever the outcome (metrics, audit). */
  completed?(event: CompletedEvent): void | Promise<void>;
}

export interface CompletedEvent {
  request: ChatRequest;
  command: string;
  target?: string;
  reply: Reply;
  durationMs: number;
  correlationId: string;
}

/** Text that is not a command, from a DM or a mention, goes here when `accepts` says it looks like an error. */
export interface Fallback {
  command: string;
  accepts(text: string): boolean;
}

/**
 * Where a request enters and its Reply leaves (the guard's secret scrubbing, src/guard/scrub.ts): `intake`
 * is also offered to the doors as `Router.intake`, so what they derive from the text sees the same text.
 */
export interface RouterBoundary {
  intake(request: ChatRequest): ChatRequest;
  reply(reply: Reply): Reply;
}

export interface RouterOptions {
  commands: readonly Command[];
  log: Logger;
  boundary?: RouterBoundary;
  fallback?: Fallback;
  hooks?: RouterHooks;
  now?: () => Date;
  /** The organisation's runbook URL per finding id (`config.links`), added to every reply's fixes. */
  runbooks?: Readonly<Record<string, string>>;
}

export interface Router {
  handle(request: ChatRequest, signal?: AbortSignal): Promise<Reply>;
  commands(): readonly Command[];
  /**
   * The request as the router will see it (configured secrets scrubbed from its text). A door calls this
   * once, where the request enters, so that everything it derives from the text — a "checking …" message,
   * a log line, the answer — sees the same scrubbed text. Absent: the request is taken as it is.
   */
  intake?(request: ChatRequest): ChatRequest;
}

/** The signal of a request nobody abandons; shared, since it never fires. */
const NEVER_ABORTED = new AbortController().signal;

const ROLE_RANK: Record<Role, number> = { everyone: 0, operator: 1, admin: 2 };

export function roleAllows(have: Role, need: Role): boolean {
  return ROLE_RANK[have] >= ROLE_RANK[need];
}

/** Doors where free text (not a command) may be an error paste worth explaining. */
const FALLBACK_DOORS = new Set(['dm', 'mention', 'shortcut', 'terminal']);

export function createRouter(options: RouterOptions): Router {
  const byName = new Map<string, Command>();
  for (const command of options.commands) {
    if (byName.has(command.name)) throw new Error(`two commands are named ${command.name}`);
    byName.set(command.name, command);
  }
  const now = options.now ?? (() => new Date());
  const hooks = options.hooks ?? {};
  const runbooks = options.runbooks ?? {};
  const boundary = options.boundary;

  async function handle(entered: ChatRequest, signal: AbortSignal = NEVER_ABORTED): Promise<Reply> {
    const request = boundary ? boundary.intake(entered) : entered;
    const reply = await route(request, signal);
    return boundary ? boundary.reply(reply) : reply;
  }
  // A command that runs command text (a digest's checks) comes back in through the front door.
  const runText: RunText = (_text, request, signal) => handle(request, signal);

  async function route(request: ChatRequest, signal: AbortSignal): Promise<Reply> {
    const started = performance.now();
    const correlationId = randomUUID();
    const log = options.log.child({ correlationId, platform: request.platform, user: request.userId });
    let commandName = 'usage';
    let target: string | undefined;
    let reply: Reply;
    try {
      const role = hooks.roleOf ? await hooks.roleOf(request) : 'admin';
      const visible = options.commands.filter((c) => roleAllows(role, c.minRole ?? 'everyone'));
      const resolved = resolve(request, visible);
      if ('reply' in resolved) {
        reply = resolved.reply;
      } else {
        const { command, rest } = resolved;
        commandName = command.name;
        const args = parseArgs(command, rest);
        const named = command.targetOf?.(args);
        target = named ? formatTarget(named) : undefined;
        const need = command.roleFor?.(args) ?? command.minRole ?? 'everyone';
        const refusal = !roleAllows(role, need)
          ? forbidden(command.name, need)
          : await hooks.admit?.(request, command, args);
        if (refusal) {
          reply = refusal;
        } else {
          const ctx: CommandContext = {
            request,
            correlationId,
            log,
            signal,
            now,
            visibleCommands: () => visible,
            runText,
          };
          reply = await command.run(args, ctx);
        }
      }
    } catch (error) {
      reply = replyForError(commandName, error, { correlationId, log });
    }
    // One place for the runbook links, so success, usage and error replies (and the audit) all carry them.
    reply = withRunbookLinks(reply, runbooks);
    const durationMs = performance.now() - started;
    log.debug({ command: commandName, status: reply.status, durationMs }, 'handled');
    try {
      await hooks.completed?.({ request, command: commandName, target, reply, durationMs, correlationId });
    } catch (error) {
      log.error({ err: error }, 'completion hook failed');
    }
    return reply;
  }

  /** `visible`: the commands this person may run; a usage answer lists only those (as `help` does). */
  function resolve(
    request: ChatRequest,
    visible: readonly Command[],
  ): { command: Command; rest: string } | { reply: Reply } {
    const text = request.text.trim();
    if (text === '') return { reply: noCommandReply('The message is empty.', visible) };
    const { name, rest } = splitCommandName(text);
    const command = byName.get(name);
    if (command) return { command, rest };
    const fallback = options.fallback && byName.get(options.fallback.command);
    if (fallback && FALLBACK_DOORS.has(request.door) && options.fallback?.accepts(text)) {
      return { command: fallback, rest: text };
    }
    return {
      reply: noCommandReply(`\`${name.slice(0, 40)}\` is not a command.`, visible),
    };
  }

  function noCommandReply(what: string, visible: readonly Command[]): Reply {
    const names = visible.map((c) => c.name).join(', ');
    return errorReply('usage', {
      id: 'usage',
      severity: 'error',
      message: `${what} Commands: ${names}.`,
      fix: {
        summary: 'Start the message with a command name, e.g. `help` or `cert mail.contoso.com`.',
        steps: visible.map((c) => `${c.examples[0] ?? c.name} — ${c.summary}`),
      },
    });
  }

  return { handle, commands: () => options.commands, ...(boundary ? { intake: boundary.intake } : {}) };
}

function forbidden(command: string, need: Role): Reply {
  return errorReply(command, {
    id: 'auth.forbidden',
    severity: 'error',
    message: `\`${command}\` here needs the ${need} role, which you do not have.`,
    fix: { summary: 'Ask a diagbot admin to add you to `roles` in the configuration.' },
  });
}
