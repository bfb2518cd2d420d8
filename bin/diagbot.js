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
// Once main is done (the app closed, the answer written), exit at once: when the event loop empties by itself,
// node first frees the V8 heap page by page, ~10 ms of CPU of a one-shot `cert` and ~15 ms of `help` (issue 16).
// stdout and stderr are flushed first (on a pipe they are asynchronous on some platforms, macOS among them).
main(process.argv.slice(2)).then(async (code) => {
  process.exitCode = code;
  await Promise.all(
    [process.stdout, process.stderr].map((stream) => new Promise((flushed) => stream.write('', flushed))),
  );
  process.exit(code);
});
