import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../helpers/cli';

/** The built `diagbot` (the real composition root): `headers`, a bare paste (the fallback) and `explain` all answer with the analysis. */

const paste = readFileSync(join(__dirname, '..', '..', 'fixtures', 'headers', 'exchange-hybrid-delay.txt'), 'utf8');

describe('diagbot headers', () => {
  it('prints the whole analysis as JSON and exits with the status (warn = 1)', async () => {
    const result = await runCli(['--json', 'headers', paste]);
    expect(result.stderr).toBe('');
    const reply = JSON.parse(result.stdout) as {
      command: string;
      title: string;
      data: { hops: unknown[]; largestDelay: { seconds: number } };
    };
    expect(reply.command).toBe('headers');
    expect(reply.title).toMatch(/^held 1 h 52 min at EXCH02 → EOP/);
    expect(reply.data.hops).toHaveLength(6);
    expect(reply.data.largestDelay.seconds).toBe(6726);
    expect(result.code).toBe(1);
  });

  it('answers a bare paste and `explain <paste>` with the same analysis', async () => {
    for (const args of [
      ['--json', paste],
      ['--json', 'explain', paste],
    ]) {
      const result = await runCli(args);
      const reply = JSON.parse(result.stdout) as { command: string; title: string };
      expect(reply.command).toBe('headers');
      expect(reply.title).toMatch(/^held 1 h 52 min at EXCH02 → EOP/);
    }
  });

  it('prints the hop table in the terminal, and headers.none (exit 3) for no header block', async () => {
    const text = await runCli(['headers', paste]);
    expect(text.stdout).toMatch(/3\. EXCH02 → EOP\s+11:54:09 · \+1 h 52 min · Microsoft SMTP Server · TLS 1\.2/);
    const none = await runCli(['--json', 'headers', 'just some words']);
    expect(JSON.parse(none.stdout)).toMatchObject({ status: 'error', findings: [{ id: 'headers.none' }] });
    expect(none.code).toBe(3);
  });
});
