'use strict';
// Loads the bundled CLI (dist/cli/diagbot.js, written by scripts/bundle-cli.js) with the V8 code cache the build
// wrote beside it, so that a start compiles almost nothing (issue 16's cold start). Node 20 has no
// module.enableCompileCache: the bundle is compiled here as node compiles a CommonJS module, with cachedData.
// A cache that does not fit this node (another version or flags) is rejected by V8 and the source compiled.
const Module = require('node:module');
const { readFileSync, statSync } = require('node:fs');
const { dirname, join } = require('node:path');
const vm = require('node:vm');

/** Paths from the package root. */
const BUNDLE_FILE = join('dist', 'cli', 'diagbot.js');
const CACHE_FILE = join('dist', 'cli', 'diagbot.js.cache');
const COMPILED_MAIN = join('dist', 'src', 'main.js');
/** Packages (or a package's module) bundled apart, loaded (with their own cache) only when the bundle first requires them. */
const CHUNKS = ['node-forge/lib/asn1'];
const chunkFile = (name) => join('dist', 'cli', `${name.replace(/\//g, '+')}.js`);

/** Scripts compiled by this process, by file: the build writes their caches from them. */
const scripts = new Map();

/** Runs `file` (ASCII JavaScript) as a CommonJS module, compiled with the code cache in `cacheFile` when there is one. */
function runCached(file, cacheFile) {
  // The build writes bundles in ASCII (scripts/bundle-cli.js): latin1 reads them as is, without UTF-8 decoding.
  const source = readFileSync(file, 'latin1');
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch (error) {
    if (!error || error.code !== 'ENOENT') throw error;
  }
  const script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
  scripts.set(file, script);
  const loaded = new Module(file, module);
  loaded.filename = file;
  loaded.paths = Module._nodeModulePaths(dirname(file));
  script
    .runInThisContext()
    .call(loaded.exports, loaded.exports, Module.createRequire(file), loaded, file, dirname(file));
  loaded.loaded = true;
  return { exports: loaded.exports, script, cacheUsed: cachedData !== undefined && !script.cachedDataRejected };
}

/**
 * The bundle's exports and its script (the build writes the cache from it), or undefined when there is no bundle
 * or it is older than the compiled sources (tsc was run alone since the last build): then dist/src is used.
 */
function loadBundle(root = join(__dirname, '..')) {
  const file = join(root, BUNDLE_FILE);
  try {
    if (statSync(file).mtimeMs < statSync(join(root, COMPILED_MAIN)).mtimeMs) return undefined;
  } catch (error) {
    if (error && error.code === 'ENOENT') return undefined;
    throw error;
  }
  return runCached(file, join(root, CACHE_FILE));
}

const chunks = new Map();

/** A package bundled apart (CHUNKS), from its bundle and cache when the build wrote them, from node_modules otherwise. */
function loadChunk(name, root = join(__dirname, '..')) {
  if (chunks.has(name)) return chunks.get(name);
  const file = join(root, chunkFile(name));
  let exports;
  try {
    exports = runCached(file, `${file}.cache`).exports;
  } catch (error) {
    if (!error || error.code !== 'ENOENT' || error.path !== file) throw error;
    exports = require(name);
  }
  chunks.set(name, exports);
  return exports;
}

module.exports = { loadBundle, loadChunk, scripts, BUNDLE_FILE, CACHE_FILE, COMPILED_MAIN, CHUNKS, chunkFile };
