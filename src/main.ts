import { runChat, runOnce, type CliOptions, type PlatformRenderer } from '../adapters/cli';
import { parseProgramArgs, ProgramArgsError, PROGRAM_USAGE, type ProgramArgs } from '../adapters/cli/argv';
import { EXIT } from '../adapters/cli/exit-code';
import { buildApp, type App } from './app';
import { ConfigError, runtimeInfo } from './config/load';
import type { Config } from './config/schema';
import { errorReply } from './core/reply';
import { PolicyConfigError } from './net/policy';
import { serve, slackConfigured } from './serve';

/**
 * The program: reads the command line, builds the app (src/app.ts) and runs the mode asked for: one
 * command, the terminal chat, or `serve` (src/serve.ts), which alone imports the platform SDKs.
 */
export async function main(argv: readonly string[]): Promise<number> {
  let args: ProgramArgs;
  try {
    args = parseProgramArgs(argv);
  } catch (error) {
    if (!(error instanceof ProgramArgsError)) throw error;
    process.stderr.write(`diagbot: ${error.message}\n${PROGRAM_USAGE}\n`);
    return EXIT.badProgramArgs;
  }
  const structured = args.output !== 'text';

  let app: App;
  try {
    app = buildApp({ configFile: args.configFile, verbose: args.verbose, quietCli: args.mode.kind === 'once' || args.mode.kind === 'chat' });
  } catch (error) {
    if (!(error instanceof ConfigError || error instanceof PolicyConfigError)) throw error;
    if (structured) {
      process.stdout.write(`${JSON.stringify(errorReply('config', { id: 'config.invalid', severity: 'error', message: error.message }), null, 2)}\n`);
    } else {
      process.stderr.write(`diagbot: ${error.message}\n`);
    }
    return EXIT.error;
  }

  const { config, router, log } = app;
  const info = runtimeInfo();
  const cli: CliOptions = {
    router,
    io: { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr },
    output: args.output,
    color: Boolean(process.stdout.isTTY) && !info.noColor,
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
        return hasPlatformCredentials(config) ? await serve(app) : await runChat(cli);
      default: {
        const unreachable: never = args.mode;
        throw new Error(`unknown mode ${JSON.stringify(unreachable)}`);
      }
    }
  } catch (error) {
    log.error({ err: error }, 'diagbot stopped on an unexpected error');
    process.stderr.write(`diagbot: ${(error as Error).message}\n`);
    return EXIT.error;
  } finally {
    // An open LDAP connection would keep the process alive after the last reply.
    await app.directory?.close();
    await app.closeStore();
  }
}

/** `diagbot` with no arguments serves when a platform is configured, and opens the terminal chat otherwise. */
function hasPlatformCredentials(config: Config): boolean {
  return slackConfigured(config) || Boolean(config.teams.appId);
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
