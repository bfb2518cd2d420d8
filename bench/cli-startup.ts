import { spawn } from 'node:child_process';
import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMPILED_FILE } from '../src/kb/compiled';
import { createLeaf, createRoot, writePems } from '../test/helpers/pki';
import { startTlsServer } from '../test/helpers/tls-server';
import { median, report } from './stats';

/**
 * Cold start of the whole process, median of 7 runs each against `node -e 0` in the same run (issue 16's
 * targets: `--json help` ≤ 2×, one `explain` ≤ 2.5×, one `cert` against a loopback TLS server ≤ 2.5×).
 * `explain` is also timed with the compiled knowledge base moved aside (the YAML path), to show what the
 * build-time compile saves. Loopback only.
 */
/** What the bench reads of a Reply (contracts/reply.md). */
interface BenchReply {
  command?: string;
  status?: string;
  findings?: Array<{ id: string }>;
  facts?: unknown[];
}

export async function run(): Promise<void> {
  const dist = join(__dirname, '..');
  const bin = join(dist, '..', 'bin', 'diagbot.js');
  const compiled = join(dist, 'src', 'kb', COMPILED_FILE);
  const rounds = 7;
  const root = createRoot('Startup Bench Root');
  const leaf = createLeaf(root, { dns: ['mail.bench.test'] });
  const server = await startTlsServer({ key: leaf.keyPem, chain: [leaf.certPem] });
  const { dir, paths } = writePems({ 'root.pem': root.certPem });
  // A configuration file of its own, so a ./diagbot.yaml where the bench runs changes nothing: empty for help and
  // explain; for cert it lets `cert` reach the server's port (outside the built-in allow-list, src/guard/ports.ts),
  // so the case times a handshake, not a refusal.
  const configFile = join(dir, 'empty.yaml');
  writeFileSync(configFile, '{}\n');
  const certConfigFile = join(dir, 'cert.yaml');
  writeFileSync(certConfigFile, `targets:\n  ports:\n    cert: [${server.port}]\n`);
  const env = {
    ...process.env,
    DIAGBOT_TARGETS_ALLOW: '127.0.0.0/8',
    DIAGBOT_TLS_EXTRA_CA: paths['root.pem'],
    DIAGBOT_CONFIG: configFile,
  };
  const certEnv = { ...env, DIAGBOT_CONFIG: certConfigFile };
  // The child is timed from spawn to exit; its exit code is the Reply's status (warn 1, fail 2), not a failure here.
  // Asynchronously: the TLS server answers from this process, whose event loop a synchronous spawn would stop.
  // Timed runs discard their output, as before; the check reads it.
  const runChild = (
    args: string[],
    caseEnv: NodeJS.ProcessEnv = env,
    read = false,
  ): Promise<{ ms: number; stdout: string }> =>
    new Promise((resolve, reject) => {
      const start = process.hrtime.bigint();
      const child = spawn(process.execPath, args, {
        stdio: ['ignore', read ? 'pipe' : 'ignore', 'ignore'],
        env: caseEnv,
      });
      let stdout = '';
      child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      child.on('error', reject);
      child.on('close', () => resolve({ ms: Number(process.hrtime.bigint() - start) / 1e6, stdout }));
    });
  const time = async (args: string[], caseEnv?: NodeJS.ProcessEnv): Promise<number> =>
    (await runChild(args, caseEnv)).ms;
  const paste = 'explain 550 5.7.1 Unable to relay';
  const cases: Array<{
    label: string;
    target: number;
    args: string[];
    env?: NodeJS.ProcessEnv;
    answers: (reply: BenchReply) => boolean;
  }> = [
    { label: 'diagbot --json help', target: 2, args: [bin, '--json', 'help'], answers: (r) => r.status === 'ok' },
    // The paste matches a knowledge-base entry (explain's findings carry the entry id).
    {
      label: `diagbot --json "${paste}"`,
      target: 2.5,
      args: [bin, '--json', paste],
      answers: (r) => r.status !== 'error' && Boolean(r.findings?.some((f) => f.id.startsWith('kb.'))),
    },
    // The handshake happened: the reply names the certificate it read.
    {
      label: `diagbot --json "cert ${server.target} --name mail.bench.test"`,
      target: 2.5,
      args: [bin, '--json', `cert ${server.target} --name mail.bench.test`],
      env: certEnv,
      answers: (r) => r.status !== 'error' && JSON.stringify(r.facts ?? []).includes('mail.bench.test'),
    },
  ];
  try {
    // Each case must do what it says (a config error or a refusal would be fast and mean nothing).
    for (const c of cases) {
      const { stdout } = await runChild(c.args, c.env, true);
      const reply = JSON.parse(stdout || 'null') as BenchReply | null;
      const wanted = c.args[2]?.split(' ')[0];
      if (!reply || reply.command !== wanted)
        throw new Error(`${c.label} answered ${JSON.stringify(reply?.command)}, not ${wanted}`);
      if (!c.answers(reply)) throw new Error(`${c.label} did not answer what it measures: ${stdout.slice(0, 400)}`);
    }
    const baseline: number[] = [];
    const times = cases.map(() => [] as number[]);
    for (let i = 0; i < rounds; i += 1) {
      baseline.push(await time(['-e', '0']));
      for (const [n, c] of cases.entries()) (times[n] as number[]).push(await time(c.args, c.env));
    }
    const base = median(baseline);
    report('cli-startup', 'node -e 0 (median of 7)', base, 'ms');
    cases.forEach((c, n) => {
      const ms = median(times[n] as number[]);
      report('cli-startup', `${c.label} (median of 7)`, ms, 'ms');
      report('cli-startup', `  ratio (target <= ${c.target}x)`, ms / base, 'x');
    });
    if (existsSync(compiled)) {
      const aside = `${compiled}.aside`;
      renameSync(compiled, aside);
      try {
        const yamlTimes: number[] = [];
        for (let i = 0; i < rounds; i += 1) yamlTimes.push(await time(cases[1]?.args ?? []));
        const yaml = median(yamlTimes);
        report('cli-startup', 'explain from the YAML (no compiled knowledge base, median of 7)', yaml, 'ms');
        report('cli-startup', '  ratio', yaml / base, 'x');
      } finally {
        renameSync(aside, compiled);
      }
    }
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
