// Run by scripts/bundle-cli.js in a fresh process: loads the bundle, runs the commands whose cold start
// issue 16 measures (help, explain, and cert against a loopback server that hangs up), and writes the
// V8 code cache of everything those runs compiled. The environment (an empty config) is set by the caller.
const { writeFileSync } = require('node:fs');
const { createServer } = require('node:net');
const { join } = require('node:path');
const { loadBundle, CACHE_FILE } = require('../bin/bundle-loader');

async function writeCodeCache() {
  const root = join(__dirname, '..');
  const bundle = loadBundle(root);
  if (!bundle) throw new Error('no current bundle to cache (run scripts/bundle-cli.js after tsc)');
  const server = createServer((socket) => socket.destroy());
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  try {
    for (const text of ['help', 'explain 550 5.7.1 Unable to relay', `cert 127.0.0.1:${port} --name cache.invalid`]) {
      await bundle.exports.main(['--json', text]);
    }
  } finally {
    server.close();
  }
  writeFileSync(join(root, CACHE_FILE), bundle.script.createCachedData());
  process.exitCode = 0;
}

writeCodeCache().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
