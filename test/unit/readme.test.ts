import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCommands } from '../../commands';
import { renderCommandReference, REFERENCE_END, REFERENCE_START } from '../../commands/reference';
import { parseConfig } from '../../src/config/load';
import { createTargetPolicy } from '../../src/net/policy';
import { tableResolver } from '../../src/net/resolver';
import { captureLogger } from '../helpers/logger';

/** The README's command reference is generated from the registry; this fails when they drift apart. */
describe('README', () => {
  const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
  const config = parseConfig({});
  const commands = createCommands({
    config,
    net: { policy: createTargetPolicy(config.targets), resolver: tableResolver({}), timeouts: config.timeouts },
    log: captureLogger(),
    now: () => new Date(),
  });

  it('holds the command reference of every registered command (run `npm run docs:commands`)', () => {
    const start = readme.indexOf(REFERENCE_START);
    const end = readme.indexOf(REFERENCE_END);
    expect(start).toBeGreaterThan(-1);
    expect(readme.slice(start + REFERENCE_START.length, end).trim()).toBe(renderCommandReference(commands).trim());
  });

  it('names the two quick-start commands', () => {
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toContain('npm ci && npm test');
  });
});
