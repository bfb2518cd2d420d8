import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Reply } from '../../../src/core/reply';
import { runCli } from '../../helpers/cli';

/** The program as operators and monitoring use it: exit codes, one JSON document, the piped local chat. */
describe('diagbot CLI', () => {
  it('prints help as a Reply with status ok and exits 0', async () => {
    const result = await runCli(['--json', 'help']);
    expect(result.code).toBe(0);
    const reply = JSON.parse(result.stdout) as Reply;
    expect(reply).toMatchObject({ command: 'help', status: 'ok' });
    expect(reply.findings.length).toBeGreaterThan(0);
    expect(result.stderr).toBe('');
  });

  it('exits 3 with a usage reply naming the real commands for an unknown command', async () => {
    const result = await runCli(['frobnicate now']);
    expect(result.code).toBe(3);
    expect(result.stdout).toContain('`frobnicate` is not a command');
    expect(result.stdout).toContain('help');
  });

  it('exits 64 for an unknown program flag', async () => {
    const result = await runCli(['--bogus']);
    expect(result.code).toBe(64);
    expect(result.stderr).toContain('unknown option --bogus');
    expect(result.stdout).toBe('');
  });

  it('exits 64 for a bad --format', async () => {
    expect((await runCli(['--format', 'xml', 'help'])).code).toBe(64);
  });

  it('keeps stdout one JSON document for a usage error', async () => {
    const result = await runCli(['--json', 'help nosuchcommand']);
    expect(result.code).toBe(3);
    const reply = JSON.parse(result.stdout) as Reply;
    expect(reply.status).toBe('error');
    expect(reply.findings[0]?.id).toBe('usage');
  });

  it('joins several shell words into one command text', async () => {
    const result = await runCli(['--json', 'help', 'help']);
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as Reply).title).toContain('help');
  });

  it('answers one command a line from a pipe and stops at exit', async () => {
    const result = await runCli([], { stdin: 'help\nfrobnicate\nexit\nhelp\n' });
    expect(result.code).toBe(3);
    expect(result.stdout.match(/\[OK\] diagbot — what I can check/g)).toHaveLength(1);
    expect(result.stdout).toContain('`frobnicate` is not a command');
    expect(result.stdout).not.toContain('diagbot>');
  });

  it('prints no colour codes on a pipe', async () => {
    const result = await runCli(['help']);
    expect(result.stdout).not.toContain('\u001b[');
  });

  it('stops with the key name on a bad configuration, as JSON under --json', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'diagbot-cli-'));
    const config = join(dir, 'bad.yaml');
    writeFileSync(config, 'timeouts:\n  connectMs: -1\n');
    const text = await runCli(['--config', config, 'help']);
    expect(text.code).toBe(3);
    expect(text.stderr).toContain('timeouts.connectMs');
    const json = await runCli(['--json', '--config', config, 'help']);
    expect(json.code).toBe(3);
    const reply = JSON.parse(json.stdout) as Reply;
    expect(reply.findings[0]?.message).toContain('timeouts.connectMs');
  });

  it('names the environment variable that is wrong', async () => {
    const result = await runCli(['help'], { env: { PORT: 'eighty' } });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('PORT');
  });

  it('opens the local chat on `start` without platform credentials', async () => {
    const result = await runCli(['start'], { stdin: 'help\n' });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('[OK]');
  });
});
