import type { Router } from '../../src/core/router';
import type { Reply } from '../../src/core/reply';
import { exitCodeOf } from './exit-code';
import { normaliseCliText } from './normalise';
import { renderText } from './render-text';

/** Renders a Reply as a platform would (Slack blocks, Teams card); given by the composition root. */
export type PlatformRenderer = (reply: Reply) => unknown;

export interface CliIo {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream;
}

export interface CliOptions {
  router: Router;
  io: CliIo;
  output: 'text' | 'json' | 'slack' | 'teams';
  color: boolean;
  /** Loaded only when `--format slack|teams` asks for them. */
  loadRenderer?: (format: 'slack' | 'teams') => Promise<PlatformRenderer>;
}

/** Formats one Reply for stdout in the chosen output. */
async function format(reply: Reply, options: CliOptions): Promise<string> {
  switch (options.output) {
    case 'text':
      return renderText(reply, { color: options.color });
    case 'json':
      return JSON.stringify(reply, null, 2);
    case 'slack':
    case 'teams': {
      if (!options.loadRenderer) return JSON.stringify({ error: `no ${options.output} renderer is available` });
      const render = await options.loadRenderer(options.output);
      return JSON.stringify(render(reply), null, 2);
    }
    default: {
      const unreachable: never = options.output;
      throw new Error(`unknown output ${String(unreachable)}`);
    }
  }
}

/** `diagbot "<command text>"`: runs one command, prints it, returns the exit code for its status. */
export async function runOnce(text: string, options: CliOptions): Promise<number> {
  const reply = await options.router.handle(normaliseCliText(text));
  options.io.stdout.write(`${await format(reply, options)}\n`);
  return exitCodeOf(reply.status);
}

/**
 * The local chat: on a TTY a prompt with history, `help` and `exit`; on a pipe one command a line,
 * answered in order. Returns the exit code of the last reply (0 when none ran).
 */
export async function runChat(options: CliOptions): Promise<number> {
  const { stdin, stdout } = options.io;
  const interactive = Boolean(stdin.isTTY && stdout.isTTY);
  // readline loads with the chat, so a one-shot command (`diagbot --json help`) never loads it.
  const { createInterface } = await import('node:readline');
  const rl = createInterface({
    input: stdin,
    output: interactive ? stdout : undefined,
    terminal: interactive,
    historySize: 200,
  });
  const prompt = (): void => {
    if (interactive) rl.prompt();
  };
  if (interactive) {
    rl.setPrompt('diagbot> ');
    stdout.write('diagbot local chat — type `help` for the commands, `exit` to leave.\n');
  }
  let last = 0;
  prompt();
  for await (const line of rl) {
    const text = line.trim();
    if (text === 'exit' || text === 'quit') break;
    if (text === '') {
      prompt();
      continue;
    }
    const reply = await options.router.handle(normaliseCliText(text));
    stdout.write(`${await format(reply, options)}\n`);
    last = exitCodeOf(reply.status);
    prompt();
  }
  rl.close();
  return last;
}
