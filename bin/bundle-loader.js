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

/**
 * The bundle's exports and its script (the build writes the cache from it), or undefined when there is no bundle
 * or it is older than the compiled sources (tsc was run alone since the last build): then dist/src is used.
 */
function loadBundle(root = join(__dirname, '..')) {
  const file = join(root, BUNDLE_FILE);
  let source;
  try {
    if (statSync(file).mtimeMs < statSync(join(root, COMPILED_MAIN)).mtimeMs) return undefined;
    // The build writes the bundle in ASCII (scripts/bundle-cli.js): latin1 reads it as is, without UTF-8 decoding.
    source = readFileSync(file, 'latin1');
  } catch (error) {
    if (error && error.code === 'ENOENT') return undefined;
    throw error;
  }
  let cachedData;
  try {
    cachedData = readFileSync(join(root, CACHE_FILE));
  } catch (error) {
    if (!error || error.code !== 'ENOENT') throw error;
  }
  const script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
  const bundle = new Module(file, module);
  bundle.filename = file;
  bundle.paths = Module._nodeModulePaths(dirname(file));
  script.runInThisContext().call(bundle.exports, bundle.exports, Module.createRequire(file), bundle, file, dirname(file));
  bundle.loaded = true;
  return { exports: bundle.exports, script, cacheUsed: cachedData !== undefined && !script.cachedDataRejected };
}

module.exports = { loadBundle, BUNDLE_FILE, CACHE_FILE, COMPILED_MAIN };
