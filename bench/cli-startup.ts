import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { median, report } from './stats';

/** Median wall time of `diagbot --json help` against `node -e 0` in the same run: SDKs must not load for the CLI. */
export async function run(): Promise<void> {
  const bin = join(__dirname, '..', '..', 'bin', 'diagbot.js');
  const rounds = 15;
  const time = (args: string[]): number => {
    const start = process.hrtime.bigint();
    execFileSync(process.execPath, args, { stdio: 'ignore' });
    return Number(process.hrtime.bigint() - start) / 1e6;
  };
  const baseline: number[] = [];
  const cli: number[] = [];
  for (let i = 0; i < rounds; i += 1) {
    baseline.push(time(['-e', '0']));
    cli.push(time([bin, '--json', 'help']));
  }
  report('cli-startup', 'node -e 0 (median)', median(baseline), 'ms');
  report('cli-startup', 'diagbot --json help (median)', median(cli), 'ms');
  report('cli-startup', 'ratio (target <= 4x)', median(cli) / median(baseline), 'x');
}
