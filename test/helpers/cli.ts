import { spawn } from 'node:child_process';
import { join } from 'node:path';

/** The built program; DIAGBOT_BIN points a suite at another build (e.g. the main branch's, to see a test fail there). */
export const BIN = process.env.DIAGBOT_BIN ?? join(__dirname, '..', '..', 'bin', 'diagbot.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built `diagbot` (dist/ is built once by test/global-build.js) as a child process with a
 * clean environment plus `env`, optional stdin, and a hard deadline so a hung run fails the test.
 */
export function runCli(
  args: string[],
  options: { env?: Record<string, string>; stdin?: string; cwd?: string; timeoutMs?: number } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd ?? join(__dirname, '..', '..'),
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `diagbot ${args.join(' ')} did not finish within ${options.timeoutMs ?? 30000} ms\n${stdout}\n${stderr}`,
        ),
      );
    }, options.timeoutMs ?? 30000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.stdin ?? '');
  });
}
