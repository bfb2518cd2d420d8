import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Reply } from '../../../src/core/reply';
import { runCli } from '../../helpers/cli';
import { createIntermediate, createLeaf, createRoot, writePems } from '../../helpers/pki';
import { startTlsServer, type RunningServer } from '../../helpers/tls-server';

/** The built CLI end to end: `node bin/diagbot.js --json "cert 127.0.0.1:<port> --name …"` against a real TLS server. */
const REPO = join(__dirname, '..', '..', '..');
const DAY = 86_400_000;

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds dist/ when it is older than the cert sources (the integration globalSetup normally has built it already). */
function ensureFreshBuild(): void {
  const built = join(REPO, 'dist', 'commands', 'cert.js');
  const sources = Math.max(newestMtime(join(REPO, 'src', 'tls')), statSync(join(REPO, 'commands', 'cert.ts')).mtimeMs);
  if (existsSync(built) && statSync(built).mtimeMs >= sources) return;
  try {
    execFileSync(
      process.execPath,
      [join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(REPO, 'tsconfig.build.json')],
      { cwd: REPO, stdio: 'pipe' },
    );
  } catch (error) {
    // tsc still emits when another feature's work in progress has type errors; only a missing output is fatal.
    if (!existsSync(built)) throw error;
  }
}

describe('diagbot --json "cert …" (built CLI)', () => {
  let good: RunningServer;
  let expired: RunningServer;
  let dir = '';
  let env: Record<string, string> = {};

  beforeAll(async () => {
    ensureFreshBuild();
    const root = createRoot('Cert CLI Root CA');
    const inter = createIntermediate(root, 'Cert CLI Issuing CA');
    const leaf = createLeaf(inter, { dns: ['mail.cli.test'] });
    const old = createLeaf(inter, {
      dns: ['mail.cli.test'],
      notBefore: new Date(Date.now() - 100 * DAY),
      notAfter: new Date(Date.now() - 5 * DAY),
    });
    good = await startTlsServer({ key: leaf.keyPem, chain: [leaf.certPem, inter.certPem] });
    expired = await startTlsServer({ key: old.keyPem, chain: [old.certPem, inter.certPem] });
    const written = writePems({ 'root.pem': root.certPem });
    dir = written.dir;
    // The port guard (targets.ports) allows only the usual TLS ports; the test servers' ports are added here.
    const configPath = join(dir, 'diagbot.yaml');
    writeFileSync(configPath, `targets:\n  ports:\n    cert: [${good.port}, ${expired.port}]\n`);
    env = {
      DIAGBOT_TARGETS_ALLOW: '127.0.0.0/8',
      DIAGBOT_TLS_EXTRA_CA: written.paths['root.pem'] as string,
      DIAGBOT_CONFIG: configPath,
      DIAGBOT_DB: join(dir, 'diagbot.db'),
    };
  });

  afterAll(async () => {
    await good?.close();
    await expired?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('prints one Reply JSON for a good certificate and exits 0', async () => {
    const result = await runCli(['--json', `cert 127.0.0.1:${good.port} --name mail.cli.test`], { env });
    const reply = JSON.parse(result.stdout) as Reply;
    expect(reply.findings.map((f) => f.id)).toEqual(['cert.ok']);
    expect(reply.data).toMatchObject({
      host: '127.0.0.1',
      port: good.port,
      servername: 'mail.cli.test',
      trusted: true,
      mode: 'tls',
    });
    expect(result.code).toBe(0);
  });

  it('exits 2 for an expired certificate', async () => {
    const result = await runCli(['--json', `cert 127.0.0.1:${expired.port} --name mail.cli.test`], { env });
    const reply = JSON.parse(result.stdout) as Reply;
    expect(reply.status).toBe('fail');
    expect(reply.findings.map((f) => f.id)).toEqual(['cert.expired']);
    expect(result.code).toBe(2);
  });

  it('exits 3 with a usage Reply for `cert` alone, and policy.denied without the allow entry', async () => {
    const usage = await runCli(['--json', 'cert'], { env });
    expect((JSON.parse(usage.stdout) as Reply).findings[0]?.id).toBe('usage');
    expect(usage.code).toBe(3);
    const denied = await runCli(['--json', `cert 127.0.0.1:${good.port} --name mail.cli.test`], {
      env: { ...env, DIAGBOT_TARGETS_ALLOW: '' },
    });
    expect((JSON.parse(denied.stdout) as Reply).findings[0]?.id).toBe('policy.denied');
    expect(denied.code).toBe(3);
  });
});
