// Compiles the data files written beside the commands (commands/**/*.yaml, e.g. commands/cert/texts.yaml) into
// JSON beside the compiled code (dist/commands/cert/texts.json): tsc copies no YAML, and a built diagbot then reads
// JSON without loading a YAML parser. Run after tsc; part of `npm run build`. A file whose compiled module of the
// same name exports `dataFileSchema` (commands/cert/texts.ts) is validated with it here, so bad data fails the
// build; the loader (src/core/data-file.ts) validates again when a command first needs it.
const { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } = require('node:fs');
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
  const compiled = out.replace(/\.json$/, '.js');
  const schema = existsSync(compiled) ? require(compiled).dataFileSchema : undefined;
  if (schema) {
    const parsed = schema.safeParse(doc);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      console.error(`${relative(root, file)}: ${issue.path.join('.')}: ${issue.message}`);
      process.exit(1);
    }
  }
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(doc));
  console.log(`${relative(root, out)}: from ${relative(root, file)}${schema ? ', validated' : ''}`);
}
