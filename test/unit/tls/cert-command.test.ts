import { createCertCommand } from '../../../commands/cert';
import { parseConfig } from '../../../src/config/load';
import { commandHelp } from '../../../commands/help';
import { createRouter } from '../../../src/core/router';
import type { Reply } from '../../../src/core/reply';
import { parseArgs } from '../../../src/core/args';
import { formatTarget } from '../../../src/core/target';
import { createTargetPolicy } from '../../../src/net/policy';
import { tableResolver } from '../../../src/net/resolver';
import { captureLogger } from '../../helpers/logger';
import { chatRequest } from '../../helpers/requests';

// No servers here: every case below is decided before a connection is opened (parsing, DNS from a
// table, the target policy). The real handshakes are in test/integration/cert.
function setup(links: Record<string, string> = {}) {
  const config = parseConfig({ links });
  const net = {
    policy: createTargetPolicy(config.targets),
    resolver: tableResolver({ 'mail.contoso.test': ['192.0.2.10'] }),
    timeouts: { connectMs: 200, stepMs: 200 },
  };
  const command = createCertCommand({ config, net, log: captureLogger(), now: () => new Date() });
  const router = createRouter({ commands: [command], log: captureLogger(), runbooks: config.links });
  return { command, ask: (text: string): Promise<Reply> => router.handle(chatRequest(text)) };
}

describe('cert: bad input is a clear usage error with an example', () => {
  it.each([
    ['cert', /needs a host/],
    ['cert :443', /port but no host/],
    ['cert host:99999', /out of range/],
    ['cert http://', /no host after http:\/\//],
    ['cert 999.1.1.1', /not a valid IPv4 address/],
    ['cert a.contoso.test b.contoso.test', /one host at a time/],
    ['cert mail.contoso.test --starttls ftp', /--starttls/],
    ['cert mail.contoso.test --expr "msstd:not a name"', /--expr/],
    ['cert 10.0.0.5 --name "bad name!"', /--name/],
    ['cert mail.contoso.test --bogus', /no option --bogus/],
  ])('%s', async (text, why) => {
    const reply = await setup().ask(text);
    expect(reply.status).toBe('error');
    expect(reply.command).toBe('cert');
    expect(reply.findings[0]?.id).toBe('usage');
    expect(reply.findings[0]?.message).toMatch(why);
    expect(reply.findings[0]?.fix?.summary).toMatch(/^Try: cert /);
    expect(JSON.stringify(reply)).not.toMatch(/at .*\.ts:\d+/);
  });
});

describe('cert: checks that stop before the handshake', () => {
  it('refuses loopback under the default policy (policy.denied), with the runbook link when configured', async () => {
    const reply = await setup({ 'policy.denied': 'https://wiki.contoso.test/runbooks/diagbot-targets' }).ask(
      'cert 127.0.0.1:443',
    );
    expect(reply.status).toBe('error');
    expect(reply.findings[0]).toMatchObject({ id: 'policy.denied', severity: 'error' });
    expect(reply.findings[0]?.fix?.links).toContainEqual({
      title: 'Your runbook',
      url: 'https://wiki.contoso.test/runbooks/diagbot-targets',
    });
    expect(reply.data).toMatchObject({ host: '127.0.0.1', port: 443, mode: 'tls' });
  });

  it('says when a name does not resolve (net.dns)', async () => {
    const reply = await setup().ask('cert nowhere.contoso.test');
    expect(reply.findings[0]).toMatchObject({ id: 'net.dns' });
    expect(reply.findings[0]?.message).toMatch(/nowhere\.contoso\.test/);
  });
});

describe('cert: configuration problems', () => {
  it('an unreadable tls.extraCaFiles entry is config.invalid naming the file, before any connection', async () => {
    const config = parseConfig({ tls: { extraCaFiles: ['/nonexistent/diagbot-root.pem'] } });
    const net = {
      policy: createTargetPolicy(config.targets),
      resolver: tableResolver({}),
      timeouts: { connectMs: 200, stepMs: 200 },
    };
    const router = createRouter({
      commands: [createCertCommand({ config, net, log: captureLogger(), now: () => new Date() })],
      log: captureLogger(),
    });
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const reply = await router.handle(chatRequest('cert mail.contoso.test'));
      expect(reply.findings[0]).toMatchObject({ id: 'config.invalid' });
      expect(reply.findings[0]?.message).toMatch(/\/nonexistent\/diagbot-root\.pem/);
    }
  });
});

describe('cert: the command as data', () => {
  it('returns host:port as its target, for URLs and by default', () => {
    const { command } = setup();
    // The schema reads the words once; targetOf hands on the target it parsed.
    const target = (positional: string[]): string | undefined => {
      const named = command.targetOf?.(parseArgs(command, positional.join(' ')));
      return named ? formatTarget(named) : undefined;
    };
    expect(target(['mail.contoso.test'])).toBe('mail.contoso.test:443');
    expect(target(['https://Mail.Contoso.test/owa'])).toBe('mail.contoso.test:443');
    expect(target(['http://mail.contoso.test/owa'])).toBe('mail.contoso.test:443');
    expect(target(['http://mail.contoso.test:8080/owa'])).toBe('mail.contoso.test:8080');
    expect(target(['smtp://smtp.contoso.test'])).toBe('smtp.contoso.test:25');
    expect(target(['[2001:db8::1]:993'])).toBe('[2001:db8::1]:993');
    expect(() => target([':443'])).toThrow(/has a port but no host/);
  });

  it('documents every flag in help', () => {
    const help = commandHelp(setup().command);
    const options = help.findings.filter((f) => f.id === 'help.option').map((f) => f.message);
    expect(options).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^--name <value> — /),
        expect.stringMatching(/^--expr <value> — /),
        expect.stringMatching(/^--starttls <value> — /),
      ]),
    );
  });
});
