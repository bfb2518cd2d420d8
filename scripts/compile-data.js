// Compiles the data files written beside the commands (commands/**/*.yaml, e.g. commands/cert/texts.yaml) into
// JSON beside the compiled code (dist/commands/cert/texts.json): tsc copies no YAML, and a built diagbot then reads
// JSON without loading a YAML parser. Run after tsc; part of `npm run build`. The loader (src/core/data-file.ts)
// validates the data when a command first needs it.
const { mkdirSync, readdirSync, readFileSync, writeFileSync } = require('node:fs');
const { dirname, join, relative } = require('node:path');
const { parse } = require('yaml');

const root = join(__dirname, '..');

/** Every `*.yaml` file under `dir`, depth first, in name order. */
function yamlFiles(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return yamlFiles(path);
      return /\.ya?ml$/.test(entry.name) ? [path] : [];
    });
}

for (const file of yamlFiles(join(root, 'commands'))) {
  const out = join(root, 'dist', relative(root, file).replace(/\.ya?ml$/, '.json'));
  let doc;
  try {
    doc = parse(readFileSync(file, 'utf8'));
  } catch (error) {
    console.error(`${relative(root, file)}: not valid YAML: ${error.message}`);
    process.exit(1);
  }
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(doc));
  console.log(`${relative(root, out)}: from ${relative(root, file)}`);
}
