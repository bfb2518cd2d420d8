// Run by scripts/bundle-cli.js in a fresh process: loads the bundle, runs the commands whose cold start
// issue 16 measures (help, explain, and cert against a loopback TLS server), and writes the V8 code cache
// of everything those runs compiled. The environment (an empty config file, a store path) is set by the caller.
const { writeFileSync } = require('node:fs');
const { createServer } = require('node:net');
const { createServer: createTlsServer } = require('node:tls');
const { join } = require('node:path');
const { loadBundle, scripts } = require('../bin/bundle-loader');

/**
 * A loopback TLS server with a throw-away certificate made by the test PKI helper (compiled into dist/ with the
 * benchmarks that use it), so that the cached `cert` run reads a certificate; without the helper, a server that
 * hangs up (the cache then lacks the certificate-reading code, which compiles at run time instead).
 */
async function startServer() {
  let pki;
  try {
    pki = require('../dist/test/helpers/pki');
  } catch (error) {
    if (!error || error.code !== 'MODULE_NOT_FOUND') throw error;
  }
  let server;
  if (pki) {
    const root = pki.createRoot('diagbot code cache');
    const leaf = pki.createLeaf(root, { dns: ['cache.invalid'] });
    server = createTlsServer({ key: leaf.keyPem, cert: leaf.certPem });
  } else {
    server = createServer((socket) => socket.destroy());
  }
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

async function writeCodeCache() {
  const root = join(__dirname, '..');
  const bundle = loadBundle(root);
  if (!bundle) throw new Error('no current bundle to cache (run scripts/bundle-cli.js after tsc)');
  const server = await startServer();
  const { port } = server.address();
  try {
    await bundle.exports.main(['--json', 'help']);
    await bundle.exports.main(['--json', 'explain 550 5.7.1 Unable to relay']);
    // A configuration that says something (the YAML parser runs) and lets `cert` reach the server's port.
    writeFileSync(process.env.DIAGBOT_CONFIG, `targets:\n  ports:\n    cert: [${port}]\n`);
    await bundle.exports.main(['--json', `cert 127.0.0.1:${port} --name cache.invalid`]);
  } finally {
    server.close();
  }
  // The bundle's cache, and the cache of each package bundled apart that the runs loaded (node-forge's ASN.1 module).
  for (const [file, script] of scripts) writeFileSync(`${file}.cache`, script.createCachedData());
  process.exitCode = 0;
}

writeCodeCache().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
