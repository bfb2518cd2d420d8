#!/usr/bin/env node
'use strict';
// Thin launcher: the compiled composition root lives in dist/ (built by `npm ci` through `prepare`): the
// bundle with its code cache when the build wrote one (bin/bundle-loader.js), dist/src/main.js otherwise.
const path = require('node:path');
const { loadBundle } = require('./bundle-loader');
let main;
try {
  ({ main } = loadBundle()?.exports ?? require(path.join(__dirname, '..', 'dist', 'src', 'main.js')));
} catch (error) {
  if (error && error.code === 'MODULE_NOT_FOUND' && /dist[\\/]src[\\/]main/.test(String(error.message))) {
    process.stderr.write('diagbot is not built yet: run `npm ci` (or `npm run build`) first.\n');
    process.exit(70);
  }
  throw error;
}
main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
