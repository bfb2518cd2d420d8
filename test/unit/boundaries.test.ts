import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/**
 * The architecture's rooms (shared/ARCHITECTURE.md), held by reading the sources: a forbidden import fails here,
 * not in review. Import specifiers are read from `import … from`, `import(…)` and `require(…)`.
 */
const root = join(__dirname, '..', '..');

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(root, dir))) {
    const path = join(dir, name);
    if (statSync(join(root, path)).isDirectory()) out.push(...sources(path));
    else if (/\.ts$/.test(name) && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

function importsOf(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  const specs: string[] = [];
  const pattern = /(?:\bfrom\s+|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm;
  for (const match of text.matchAll(pattern)) specs.push(match[1] as string);
  return specs;
}

/** The repo-relative folder an import points to (`src/core`, `adapters/slack`, …) or the package name. */
function target(file: string, spec: string): string {
  if (!spec.startsWith('.')) return spec;
  return relative(root, join(root, file, '..', spec)).split(sep).join('/');
}

const all = [...sources('src'), ...sources('commands'), ...sources('adapters')];
const violations = (predicate: (file: string, to: string) => string | undefined): string[] =>
  all.flatMap((file) => importsOf(file).map((spec) => predicate(file.split(sep).join('/'), target(file, spec))).filter((v): v is string => v !== undefined));

describe('architecture boundaries', () => {
  it('finds the sources it checks', () => {
    expect(all.length).toBeGreaterThan(10);
    expect(all).toContain(join('src', 'core', 'router.ts'));
  });

  it('keeps platform SDKs and adapters out of src/ and commands/', () => {
    expect(violations((file, to) => {
      if (!file.startsWith('src/') && !file.startsWith('commands/')) return undefined;
      if (file === 'src/main.ts') return undefined;
      if (/^@slack\//.test(to) || /^botbuilder/.test(to) || to.startsWith('adapters/')) return `${file} imports ${to}`;
      return undefined;
    })).toEqual([]);
  });

  it('keeps src/core free of everything of ours but itself', () => {
    expect(violations((file, to) => {
      if (!file.startsWith('src/core/')) return undefined;
      const ours = to.startsWith('src/') || to.startsWith('commands') || to.startsWith('adapters');
      return ours && !to.startsWith('src/core') ? `${file} imports ${to}` : undefined;
    })).toEqual([]);
  });

  it('keeps engines away from commands and adapters', () => {
    expect(violations((file, to) => {
      if (!file.startsWith('src/') || file.startsWith('src/core/') || file === 'src/main.ts') return undefined;
      return to.startsWith('commands') || to.startsWith('adapters') ? `${file} imports ${to}` : undefined;
    })).toEqual([]);
  });

  it('lets an adapter import only the core, the HTTP server port and its own SDK', () => {
    expect(violations((file, to) => {
      const match = /^adapters\/([^/]+)\//.exec(file);
      if (!match) return undefined;
      const own = `adapters/${match[1]}`;
      if (to.startsWith(own) || to.startsWith('src/core') || to.startsWith('src/http')) return undefined;
      if (to.startsWith('adapters/') || to.startsWith('commands') || to.startsWith('src/')) return `${file} imports ${to}`;
      if (/^@slack\//.test(to) && match[1] !== 'slack') return `${file} imports ${to}`;
      if (/^botbuilder/.test(to) && match[1] !== 'teams') return `${file} imports ${to}`;
      return undefined;
    })).toEqual([]);
  });

  it('reads process.env only in the config module', () => {
    const readers = all.filter((file) => /process\.env\b/.test(readFileSync(join(root, file), 'utf8')));
    expect(readers.map((f) => f.split(sep).join('/'))).toEqual(['src/config/load.ts']);
  });
});
