import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** adapters/slack may import src/core, its SDK (@slack/*), Node built-ins and itself — never commands, engines or another adapter. */
describe('adapters/slack boundary', () => {
  const dir = join(__dirname, '..', '..', '..', 'adapters', 'slack');
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));

  it.each(files)('%s imports only what an adapter may', (file) => {
    const source = readFileSync(join(dir, file), 'utf8');
    const specifiers = [...source.matchAll(/(?:from|import\()\s*'([^']+)'/g)].map((m) => m[1] as string);
    for (const spec of specifiers) {
      const allowed =
        spec.startsWith('./') ||
        spec.startsWith('../../src/core/') ||
        spec.startsWith('@slack/') ||
        spec === 'zod' ||
        spec.startsWith('node:');
      expect({ file, spec, allowed }).toEqual({ file, spec, allowed: true });
    }
    expect(source).not.toMatch(/process\.env/);
    expect(source).not.toMatch(/@ts-ignore|@ts-expect-error/);
  });
});
