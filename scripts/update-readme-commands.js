// Rewrites the command reference in README.md from the registry (run after `npm run build`).
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const root = join(__dirname, '..');
const { createCommands } = require(join(root, 'dist', 'commands', 'index.js'));
const { renderCommandReference, withReference } = require(join(root, 'dist', 'commands', 'reference.js'));
const { parseConfig } = require(join(root, 'dist', 'src', 'config', 'load.js'));
const { createTargetPolicy } = require(join(root, 'dist', 'src', 'net', 'policy.js'));
const { systemResolver } = require(join(root, 'dist', 'src', 'net', 'resolver.js'));
const { silentLogger } = require(join(root, 'dist', 'src', 'log', 'logger.js'));

const config = parseConfig({});
const commands = createCommands({
  config,
  net: { policy: createTargetPolicy(config.targets), resolver: systemResolver, timeouts: config.timeouts },
  log: silentLogger(),
  now: () => new Date(),
});
const path = join(root, 'README.md');
writeFileSync(path, withReference(readFileSync(path, 'utf8'), renderCommandReference(commands)));
console.log(`README.md: ${commands.length} commands`);
