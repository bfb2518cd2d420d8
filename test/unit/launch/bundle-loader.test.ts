import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Script } from 'node:vm';

/**
 * bin/bundle-loader.js: bin/diagbot.js runs the bundle (with its code cache) only while it is current, and
 * dist/src/main.js otherwise. Plain JS in bin/, loaded as the launcher loads it.
 */
const { loadBundle, loadChunk, chunkFile, BUNDLE_FILE, CACHE_FILE, COMPILED_MAIN } =
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('../../../bin/bundle-loader') as {
    loadBundle: (root: string) => { exports: Record<string, unknown>; script: Script; cacheUsed: boolean } | undefined;
    loadChunk: (name: string, root: string) => unknown;
    chunkFile: (name: string) => string;
    BUNDLE_FILE: string;
    CACHE_FILE: string;
    COMPILED_MAIN: string;
  };

let root: string;
const write = (path: string, text: string | Buffer): void => {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
};
const age = (path: string, secondsAgo: number): void => {
  const at = new Date(Date.now() - secondsAgo * 1000);
  utimesSync(join(root, path), at, at);
};
const BUNDLE = "exports.where = __dirname; exports.answer = require('node:path').basename(__filename);\n";

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'diagbot-bundle-'));
  write(COMPILED_MAIN, 'exports.main = () => 0;\n');
  age(COMPILED_MAIN, 60);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

it('runs the bundle as a CommonJS module of its own directory', () => {
  write(BUNDLE_FILE, BUNDLE);
  const loaded = loadBundle(root);
  expect(loaded?.exports).toEqual({ where: dirname(join(root, BUNDLE_FILE)), answer: 'diagbot.js' });
  expect(loaded?.cacheUsed).toBe(false);
});

it('uses a code cache written from the same bundle, and compiles the source when the cache does not fit', () => {
  write(BUNDLE_FILE, BUNDLE);
  const first = loadBundle(root);
  write(CACHE_FILE, first?.script.createCachedData() ?? Buffer.alloc(0));
  expect(loadBundle(root)?.cacheUsed).toBe(true);
  // (A new source: V8 would answer the same source from its in-process compilation cache, not read the file.)
  write(BUNDLE_FILE, `${BUNDLE}// rebuilt\n`);
  write(CACHE_FILE, Buffer.from('not a code cache'));
  const rejected = loadBundle(root);
  expect(rejected?.cacheUsed).toBe(false);
  expect(rejected?.exports.answer).toBe('diagbot.js');
});

it('is not used when there is none, or when tsc ran since it was built (dist/src/main.js is newer)', () => {
  expect(loadBundle(root)).toBeUndefined();
  write(BUNDLE_FILE, BUNDLE);
  age(BUNDLE_FILE, 120);
  expect(loadBundle(root)).toBeUndefined();
});

it('keeps the errors of a broken bundle (they are not taken for a missing one)', () => {
  write(BUNDLE_FILE, 'throw new Error("broken bundle");\n');
  expect(() => loadBundle(root)).toThrow('broken bundle');
});

it('loads a package bundled apart from its bundle, once, and from node_modules when the build wrote none', () => {
  const other = mkdtempSync(join(tmpdir(), 'diagbot-chunk-'));
  try {
    // (Each package is loaded once per process: the bundled one is asked for under a name of its own.)
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    expect(loadChunk('node-forge', other)).toBe(require('node-forge'));
    write(chunkFile('fake-forge'), 'module.exports = { bundled: __filename };\n');
    const chunk = loadChunk('fake-forge', root);
    expect(chunk).toEqual({ bundled: join(root, chunkFile('fake-forge')) });
    expect(loadChunk('fake-forge', root)).toBe(chunk);
  } finally {
    rmSync(other, { recursive: true, force: true });
  }
});
