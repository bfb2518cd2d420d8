// Compiles the knowledge base into dist/src/kb/knowledge-base.json (run after tsc; part of `npm run build`).
// A start of the built diagbot then reads it instead of parsing and validating the YAML (src/kb/load.ts).
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');
const root = join(__dirname, '..');
const kbDir = join(root, 'dist', 'src', 'kb');
const { compileKnowledgeBase } = require(join(kbDir, 'compile.js'));
const { COMPILED_FILE, defaultDataDir } = require(join(kbDir, 'load.js'));

// Written in ASCII (\uXXXX escapes, the same JSON): src/kb/load.ts then reads it without UTF-8 decoding.
const json = compileKnowledgeBase(defaultDataDir()).replace(
  /[\u007f-\uffff]/g,
  (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
);
writeFileSync(join(kbDir, COMPILED_FILE), json);
console.log(`${COMPILED_FILE}: ${JSON.parse(json).entries.length} entries, ${Math.round(json.length / 1024)} KiB`);
