// Writes dist/src/tls/root-index.json: the subject and fingerprint of each of Node's bundled roots, so that a
// `cert` parses only the roots its chain names instead of all ~144 (issue 16's cold start; src/tls/root-index.ts).
// The index is keyed by a hash of the roots and of this Node: a diagbot run by another Node parses every root, as
// it does without an index. Run after tsc, before scripts/bundle-cli.js (whose cached `cert` run reads it); part
// of `npm run build` and of the integration tests' build (test/global-build.js).
const { rootCertificates } = require('node:tls');
const { relative, join } = require('node:path');
const { ROOT_INDEX_FILE, writeRootIndex } = require('../dist/src/tls/root-index');

const index = writeRootIndex(rootCertificates);
console.log(
  `${relative(join(__dirname, '..'), ROOT_INDEX_FILE)}: ${index.roots.length} roots of node ${process.version}`,
);
