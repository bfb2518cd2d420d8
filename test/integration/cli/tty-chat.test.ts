import { spawn } from 'node:child_process';
import { BIN } from '../../helpers/cli';

/**
 * The interactive chat on a real pseudo-terminal: `script` (util-linux) gives the program a TTY, so the
 * prompt, colour and NO_COLOR are exercised as a person at a terminal would see them.
 */
function chatOnTty(lines: string[], env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', `${process.execPath} ${BIN}`, '/dev/null'], {
      env: { PATH: process.env.PATH ?? '', TERM: 'xterm', ...env },
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`chat did not end:\n${out}`));
    }, 20000);
    child.on('error', reject);
    child.on('close', () => {
      clearTimeout(timer);
      resolve(out);
    });
    // Type each line only after the prompt for it has appeared.
    let sent = 0;
    const typeNext = (): void => {
      const prompts = out.split('diagbot> ').length - 1;
      if (sent < lines.length && prompts > sent) {
        child.stdin.write(`${lines[sent]}\n`);
        sent += 1;
      }
      if (sent < lines.length) setTimeout(typeNext, 50);
      else child.stdin.end();
    };
    typeNext();
  });
}

describe('local chat on a TTY', () => {
  it('shows a prompt, answers in colour and ends on exit', async () => {
    const out = await chatOnTty(['help', 'exit']);
    expect(out).toContain('diagbot local chat');
    expect(out).toContain('diagbot> ');
    expect(out).toContain('\u001b[32m[OK]');
    expect(out).toContain('what I can check');
  });

  it('honours NO_COLOR', async () => {
    const out = await chatOnTty(['help', 'exit'], { NO_COLOR: '1' });
    expect(out).toContain('[OK]');
    expect(out).not.toContain('\u001b[32m');
  });
});
