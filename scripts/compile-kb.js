// Compiles the knowledge base into dist/src/kb/knowledge-base.jsonl (run after tsc; part of `npm run build`).
// A start of the built diagbot then reads it instead of parsing and validating the YAML (src/kb/compiled.ts).
const { renameSync, rmSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const root = join(__dirname, '..');
const kbDir = join(root, 'dist', 'src', 'kb');
const { compileKnowledgeBase } = require(join(kbDir, 'compile.js'));
const { COMPILED_FILE } = require(join(kbDir, 'compiled.js'));
const { defaultDataDir } = require(join(kbDir, 'load.js'));

// ASCII already (compiled.ts escapes the rest). Renamed over the old file, never rewritten in place: a running
// diagbot reads entries from the file it opened as it needs them, and keeps reading that one.
const text = compileKnowledgeBase(defaultDataDir());
const file = join(kbDir, COMPILED_FILE);
writeFileSync(`${file}.tmp`, text, 'latin1');
renameSync(`${file}.tmp`, file);
// The single-JSON file of earlier builds, read by no start now.
rmSync(join(kbDir, 'knowledge-base.json'), { force: true });
const entries = text.split('\n').length - 2;
console.log(`${COMPILED_FILE}: ${entries} entries, ${Math.round(text.length / 1024)} KiB`);
