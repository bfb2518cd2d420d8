import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/**
 * botbuilder is contained: every import of it (or of its botframework-* packages) lives in adapters/teams,
 * so switching to its successors touches that folder only (docs/teams.md). Read from the sources of the
 * whole repository, tests and benchmarks included. The one exception is the Teams benchmark's baseline, an
 * echo bot on botbuilder alone: it measures the SDK itself, so it must use it.
 */
const BASELINE = 'bench/teams-echo-bot.ts';
const root = join(__dirname, '..', '..', '..');
const SKIP = new Set(['node_modules', 'dist', '.git', 'coverage', 'data']);

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(root, dir))) {
    if (SKIP.has(name)) continue;
    const path = join(dir, name);
    if (statSync(join(root, path)).isDirectory()) out.push(...sources(path));
    else if (/\.(ts|js|mjs|cjs)$/.test(name) && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

const SDK =
  /(?:\bfrom\s+|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)['"]((?:botbuilder|botframework-)[^'"]*)['"]/gm;

function sdkImports(file: string): string[] {
  return [...readFileSync(join(root, file), 'utf8').matchAll(SDK)].map((m) => m[1] as string);
}

const all = sources('.').map((f) => relative('.', f).split(sep).join('/'));

describe('botbuilder stays inside adapters/teams', () => {
  it("finds the sources it checks, and sees the adapter's own imports", () => {
    expect(all).toContain('src/main.ts');
    expect(sdkImports('adapters/teams/index.ts')).toContain('botbuilder');
  });

  it('is imported by no file outside adapters/teams', () => {
    const outside = all
      .filter((f) => !f.startsWith('adapters/teams/') && f !== BASELINE)
      .flatMap((f) => sdkImports(f).map((spec) => `${f} imports ${spec}`));
    expect(outside).toEqual([]);
  });

  it('is not loaded by the renderer, so `diagbot --format teams` stays fast', () => {
    for (const file of ['adapters/teams/render.ts', 'adapters/teams/card.ts', 'adapters/teams/markdown.ts']) {
      expect(readFileSync(join(root, file), 'utf8')).not.toMatch(/['"]botbuilder/);
    }
  });
});
