import { runChat, runOnce, type CliOptions, type PlatformRenderer } from '../adapters/cli';
import { parseProgramArgs, PROGRAM_USAGE, type ProgramArgs } from '../adapters/cli/argv';
import { EXIT, exitCodeOfError } from '../adapters/cli/exit-code';
import { createApp, type App } from './app/create-app';
import { loadConfig } from './config/load';
import type { Config } from './config/schema';
import { findingErrorReply } from './core/error-reply';
import { isDiagError } from './core/errors';

/**
 * The command line: reads the arguments and the config, builds the app (src/app/create-app.ts) and runs the
 * mode asked for: one command, the terminal chat, or `serve`, which alone imports the platform SDKs.
 */
export async function main(argv: readonly string[]): Promise<number> {
  let args: ProgramArgs;
  try {
    args = parseProgramArgs(argv);
  } catch (error) {
    if (!isDiagError(error, 'args.program')) throw error;
    process.stderr.write(`diagbot: ${error.message}\n${PROGRAM_USAGE}\n`);
    return exitCodeOfError(error);
  }
  const structured = args.output !== 'text';

  let app: App;
  try {
    const config = loadConfig({ file: args.configFile });
    const serving = args.mode.kind === 'serve' || (args.mode.kind === 'start' && hasPlatformCredentials(config));
    app = await createApp(config, {
      serving,
      quiet: args.mode.kind === 'once' || args.mode.kind === 'chat',
      verbose: args.verbose,
    });
  } catch (error) {
    if (!isDiagError(error, 'config.invalid')) throw error;
    if (structured) {
      process.stdout.write(`${JSON.stringify(findingErrorReply('config', error), null, 2)}\n`);
    } else {
      process.stderr.write(`diagbot: ${error.message}\n`);
    }
    return exitCodeOfError(error);
  }

  const cli: CliOptions = {
    router: app.router,
    io: { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr },
    output: args.output,
    color: Boolean(process.stdout.isTTY) && app.config.terminal.color,
    loadRenderer,
  };
  try {
    switch (args.mode.kind) {
      case 'once':
        return await runOnce(args.mode.text, cli);
      case 'chat':
        return await runChat(cli);
      case 'serve':
        return await serve(app);
      case 'start':
        return app.overrides.serving ? await serve(app) : await runChat(cli);
      default: {
        const unreachable: never = args.mode;
        throw new Error(`unknown mode ${JSON.stringify(unreachable)}`);
      }
    }
  } catch (error) {
    app.log.error({ err: error }, 'diagbot stopped on an unexpected error');
    process.stderr.write(`diagbot: ${(error as Error).message}\n`);
    return EXIT.error;
  } finally {
    await app.close();
  }
}

/** `diagbot` with no arguments serves when a platform is configured, and opens the terminal chat otherwise. */
function hasPlatformCredentials(config: Config): boolean {
  return (
    Boolean(config.slack.botToken && (config.slack.signingSecret || config.slack.appToken)) ||
    Boolean(config.teams.appId)
  );
}

/** `--format slack|teams`: the platform renderers load only when asked for. */
async function loadRenderer(format: 'slack' | 'teams'): Promise<PlatformRenderer> {
  switch (format) {
    case 'slack':
      return (await import('../adapters/slack/render')).renderForCli;
    case 'teams':
      return (await import('../adapters/teams/render')).renderCard;
    default:
      throw new Error(`the ${format} renderer is not built yet`);
  }
}

/** `diagbot serve`: everything up until SIGINT or SIGTERM, then stopped in reverse order. */
async function serve(app: App): Promise<number> {
  let serving;
  try {
    serving = await app.serve();
  } catch (error) {
    // A PostgreSQL URL that does not work is a configuration problem: one line, EX_CONFIG, and no retry loop.
    if (!isDiagError(error, 'store.config')) throw error;
    process.stderr.write(`diagbot: ${error.message}\n`);
    return exitCodeOfError(error);
  }
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await serving.stop();
  return EXIT.ok;
}
