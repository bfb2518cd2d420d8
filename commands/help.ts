import { z } from 'zod';
import { flagsOf } from '../src/core/args';
import type { Command, CommandContext } from '../src/core/command';
import { usageError } from '../src/core/errors';
import { makeReply, type Finding, type Reply } from '../src/core/reply';

const helpArgs = z.object({
  positional: z.array(z.string()).max(1, 'help takes at most one command name, e.g. `help cert`'),
});

/** `help`: generated from the registry itself, so help and the parser cannot drift apart. */
export function createHelpCommand(): Command<z.infer<typeof helpArgs>> {
  return {
    name: 'help',
    summary: "List the commands, or show one command's full usage.",
    usage: 'help [command]',
    examples: ['help', 'help cert'],
    args: helpArgs,
    async run(args, ctx) {
      const commands = ctx.visibleCommands();
      const [wanted] = args.positional;
      if (wanted !== undefined) {
        const command = commands.find((c) => c.name === wanted.toLowerCase());
        if (!command) {
          throw usageError(
            `There is no command \`${wanted.slice(0, 40)}\` (commands: ${commands.map((c) => c.name).join(', ')}).`,
            'help cert',
          );
        }
        return commandHelp(command);
      }
      return overview(commands, ctx);
    },
  };
}

function overview(commands: readonly Command[], _ctx: CommandContext): Reply {
  const findings: Finding[] = commands.map((command) => ({
    id: 'help.command',
    severity: 'info',
    message: `${command.name} — ${command.summary} Example: \`${command.examples[0] ?? command.name}\``,
  }));
  return makeReply({
    command: 'help',
    title: 'diagbot — what I can check',
    findings,
    actions: commands
      .filter((c) => c.name !== 'help')
      .map((c) => ({ label: `help ${c.name}`, command: `help ${c.name}` })),
    data: { commands: commands.map(describe) },
  });
}

export function commandHelp(command: Command): Reply {
  const flags = flagsOf(command);
  const findings: Finding[] = [
    { id: 'help.usage', severity: 'info', message: `Usage: ${command.usage}` },
    ...flags.map((flag): Finding => ({
      id: 'help.option',
      severity: 'info',
      message: `--${flag.name}${flag.boolean ? '' : ' <value>'}${flag.description ? ` — ${flag.description}` : ''}`,
    })),
    ...(command.details ?? []).map((line): Finding => ({ id: 'help.note', severity: 'info', message: line })),
  ];
  return makeReply({
    command: 'help',
    title: `${command.name} — ${command.summary}`,
    findings,
    facts: command.examples.map((example, i) => ({ label: i === 0 ? 'Example' : 'Also', value: example })),
    actions: command.examples.slice(0, 3).map((example) => ({ label: example.slice(0, 70), command: example })),
    data: { commands: [describe(command)] },
  });
}

function describe(command: Command): Record<string, unknown> {
  return {
    name: command.name,
    summary: command.summary,
    usage: command.usage,
    examples: command.examples,
    options: flagsOf(command).map((f) => ({ name: `--${f.name}`, takesValue: !f.boolean, description: f.description })),
    minRole: command.minRole ?? 'everyone',
  };
}
