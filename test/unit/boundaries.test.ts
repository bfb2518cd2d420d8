import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/**
 * The architecture's rooms (shared/ARCHITECTURE.md, "Rooms and what each may touch"), held by reading the
 * sources: a forbidden import fails here, not in review. Import specifiers are read from `import … from`,
 * `import(…)` and `require(…)`. The table below is the document's table; the rooms it leaves out (config,
 * log, metrics, http, guard, audit) are listed with what they use, so a new edge is a decision, not a drift.
 */
const root = join(__dirname, '..', '..');

/** The diagnostic engines: each may use the core and src/net (the floor they share), never another engine. */
const ENGINES = ['tls', 'smtp', 'relay', 'directory', 'dn', 'kb', 'dns', 'mail', 'headers'];

/** The composition root: the command line (src/main.ts) and the app factory (src/app/), which may import anything. */
const ROOT = new Set(['src/main', 'src/app']);

/** Room → the other rooms of ours it may import (itself always). `*` = any room under src/. */
const MAY_IMPORT: Record<string, readonly string[]> = {
  'src/core': [],
  'src/net': ['src/core'],
  ...Object.fromEntries(ENGINES.map((engine) => [`src/${engine}`, ['src/core', 'src/net']])),
  'src/digest': ['src/core', 'src/store'],
  'src/store': ['src/core'],
  commands: ['*'],
  // Rooms the picture leaves out: the edge of configuration, logging, metrics, the HTTP host, the guard rails.
  'src/config': ['src/core', 'src/net', 'src/relay'],
  'src/log': ['src/core'],
  'src/metrics': ['src/core'],
  'src/http': ['src/core'],
  'src/guard': ['src/core', 'src/net', 'src/log'],
  'src/audit': ['src/core', 'src/store'],
};

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(root, dir))) {
    const path = join(dir, name);
    if (statSync(join(root, path)).isDirectory()) out.push(...sources(path));
    else if (/\.ts$/.test(name) && !name.endsWith('.d.ts')) out.push(path.split(sep).join('/'));
  }
  return out;
}

function importsOf(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  const pattern = /(?:\bfrom\s+|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm;
  return [...text.matchAll(pattern)].map((match) => match[1] as string);
}

/** The repo-relative file an import points to (`src/core/reply`, `adapters/slack/render`, …) or the package name. */
function target(file: string, spec: string): string {
  if (!spec.startsWith('.')) return spec;
  return relative(root, join(root, file, '..', spec))
    .split(sep)
    .join('/');
}

/** `src/<room>`, `adapters/<platform>`, `commands`, or the file itself for src/main.ts. */
function roomOf(path: string): string {
  const parts = path.split('/');
  if (parts[0] === 'src') return parts.length > 2 ? `src/${parts[1]}` : path.replace(/\.ts$/, '');
  if (parts[0] === 'adapters') return `adapters/${parts[1]}`;
  return parts[0] as string;
}

const ours = (to: string): boolean => to.startsWith('src/') || to.startsWith('commands') || to.startsWith('adapters/');
const all = [...sources('src'), ...sources('commands'), ...sources('adapters')];
const edges = all.flatMap((file) =>
  importsOf(file).map((spec) => ({ file, to: target(file, spec), from: roomOf(file) })),
);
const violations = (predicate: (edge: { file: string; to: string; from: string }) => string | undefined): string[] =>
  edges.map(predicate).filter((v): v is string => v !== undefined);

describe('architecture boundaries', () => {
  it('finds the sources it checks, and every room of ours is in the table', () => {
    expect(all.length).toBeGreaterThan(10);
    expect(all).toContain('src/core/router.ts');
    const rooms = new Set(all.map(roomOf).filter((room) => room.startsWith('src/') && !ROOT.has(room)));
    expect([...rooms].filter((room) => !(room in MAY_IMPORT))).toEqual([]);
  });

  it('lets each room import only what the table allows', () => {
    expect(
      violations(({ file, to, from }) => {
        if (ROOT.has(from) || from.startsWith('adapters/') || !ours(to)) return undefined;
        const room = roomOf(to);
        const allowed = MAY_IMPORT[from] ?? [];
        if (room === from || (allowed.includes('*') && !to.startsWith('adapters/')) || allowed.includes(room))
          return undefined;
        return `${file} imports ${to}`;
      }),
    ).toEqual([]);
  });

  it('keeps engines apart: none imports another (shared protocol code lives in src/net)', () => {
    expect(
      violations(({ file, to, from }) => {
        const engine = ENGINES.some((e) => from === `src/${e}`);
        const other = ENGINES.some((e) => roomOf(to) === `src/${e}`);
        return engine && other && roomOf(to) !== from ? `${file} imports ${to}` : undefined;
      }),
    ).toEqual([]);
  });

  it('keeps platform SDKs and adapters out of src/ and commands/', () => {
    expect(
      violations(({ file, to, from }) => {
        if (ROOT.has(from) || from.startsWith('adapters/')) return undefined;
        return /^@slack\//.test(to) || /^botbuilder/.test(to) || to.startsWith('adapters/')
          ? `${file} imports ${to}`
          : undefined;
      }),
    ).toEqual([]);
  });

  it('lets an adapter import only the core (the HTTP host port included) and its own SDK', () => {
    expect(
      violations(({ file, to, from }) => {
        if (!from.startsWith('adapters/')) return undefined;
        const platform = from.slice('adapters/'.length);
        if (to.startsWith(`${from}/`) || to.startsWith('src/core/')) return undefined;
        if (ours(to)) return `${file} imports ${to}`;
        if (/^@slack\//.test(to) && platform !== 'slack') return `${file} imports ${to}`;
        if (/^botbuilder/.test(to) && platform !== 'teams') return `${file} imports ${to}`;
        return undefined;
      }),
    ).toEqual([]);
  });

  it('reads process.env only in the config module', () => {
    const readers = all.filter((file) => /process\.env\b/.test(readFileSync(join(root, file), 'utf8')));
    expect(readers).toEqual(['src/config/load.ts']);
  });
});
