// Builds dist/ once before the integration project, so every end-to-end test runs the same fresh
// build of bin/diagbot.js (tests must not build concurrently: they would race on dist/ files).
const { execFileSync } = require('node:child_process');
const { join } = require('node:path');

module.exports = async function globalBuild() {
  const root = join(__dirname, '..');
  execFileSync(
    process.execPath,
    [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.build.json')],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
  // The built diagbot reads the compiled knowledge base, as `npm run build` leaves it.
  execFileSync(process.execPath, [join(root, 'scripts', 'compile-kb.js')], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  // And the commands' data files (commands/cert/texts.yaml → dist/commands/cert/texts.json).
  execFileSync(process.execPath, [join(root, 'scripts', 'compile-data.js')], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  // The bundled roots' index (the trust store then parses only the roots a chain names), before the bundle's cached runs.
  execFileSync(process.execPath, [join(root, 'scripts', 'index-roots.js')], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  // bin/diagbot.js runs the bundle with its code cache, as `npm run build` leaves them (scripts/bundle-cli.js).
  execFileSync(process.execPath, [join(root, 'scripts', 'bundle-cli.js')], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
};
