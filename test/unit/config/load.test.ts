import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../src/config/load';
import { diagErrorWith } from '../../helpers/diag-error';

const dir = mkdtempSync(join(tmpdir(), 'diagbot-config-'));
const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('loadConfig', () => {
  it('gives defaults with no file and no environment', () => {
    const config = loadConfig({ env: {} });
    expect(config.tls.expiryWarningDays).toBe(30);
    expect(config.http.port).toBe(3978);
    expect(config.store.path).toBe('./data/diagbot.db');
    expect(config.targets).toEqual({ allow: [], deny: [] });
  });

  it('lets the environment override the file', () => {
    const path = file('override.yaml', 'targets:\n  allow: [10.0.0.0/8]\nhttp:\n  port: 4000\n');
    const config = loadConfig({
      file: path,
      env: { DIAGBOT_TARGETS_ALLOW: '127.0.0.0/8, contoso.local', PORT: '5000' },
    });
    expect(config.targets.allow).toEqual(['127.0.0.0/8', 'contoso.local']);
    expect(config.http.port).toBe(5000);
  });

  it('reads the resolvers of `mail` from DIAGBOT_DNS_SERVERS and refuses a name', () => {
    expect(loadConfig({ env: {} }).dns).toEqual({ servers: [], timeoutMs: 3000 });
    expect(
      loadConfig({ env: { DIAGBOT_DNS_SERVERS: '10.0.0.53, 10.0.0.54:5353,[2001:db8::53]:53,2001:db8::54' } }).dns
        .servers,
    ).toEqual(['10.0.0.53', '10.0.0.54:5353', '[2001:db8::53]:53', '2001:db8::54']);
    expect(() => loadConfig({ env: { DIAGBOT_DNS_SERVERS: 'dns.contoso.com' } })).toThrow(
      /DIAGBOT_DNS_SERVERS|dns\.servers/,
    );
  });

  it('takes the file from DIAGBOT_CONFIG', () => {
    const path = file('env.yaml', 'tls:\n  expiryWarningDays: 45\n');
    expect(loadConfig({ env: { DIAGBOT_CONFIG: path } }).tls.expiryWarningDays).toBe(45);
  });

  it('reads secrets from the environment only', () => {
    expect(loadConfig({ env: { DIAGBOT_LDAP_PASSWORD: 'pw-from-env' } }).ldap.password).toBe('pw-from-env');
    const path = file('secret.yaml', 'slack:\n  botToken: xoxb-in-a-file\n');
    expect(() => loadConfig({ file: path, env: {} })).toThrow(/slack\.botToken is a secret/);
  });

  it.each([
    ['PORT', 'eighty', /PORT: expected a whole number/],
    ['DIAGBOT_LDAP_URL', 'http://dc01', /ldap\.url \(or DIAGBOT_LDAP_URL\): must start with ldap:\/\/ or ldaps:\/\//],
    ['MICROSOFT_APP_TYPE', 'Personal', /teams\.appType \(or MICROSOFT_APP_TYPE\)/],
    ['SLACK_API_URL', 'not a url', /slack\.apiUrl \(or SLACK_API_URL\)/],
  ])('names the variable when %s is wrong', (name, value, message) => {
    expect(() => loadConfig({ env: { [name]: value } })).toThrow(message);
  });

  it.each([
    ['tls:\n  expiryWarningDays: -3\n', /tls\.expiryWarningDays/],
    ['timeouts:\n  connectMs: "soon"\n', /timeouts\.connectMs/],
    ['links:\n  cert.expired: not-a-url\n', /links\.cert\.expired/],
    ['targets: [1, 2]\n', /targets/],
    ['- just\n- a list\n', /mapping at the top level/],
    ['key: [unclosed\n', /not valid YAML/],
  ])('says which key is wrong in %j', (yaml, message) => {
    const path = file(`bad-${Math.random()}.yaml`, yaml);
    expect(() => loadConfig({ file: path, env: {} })).toThrow(diagErrorWith('config.invalid'));
    expect(() => loadConfig({ file: path, env: {} })).toThrow(message);
  });

  it('says when the file cannot be read', () => {
    expect(() => loadConfig({ file: join(dir, 'missing.yaml'), env: {} })).toThrow(
      /Cannot read the configuration file/,
    );
  });

  it('accepts the documented example file', () => {
    expect(() =>
      loadConfig({ file: join(__dirname, '..', '..', '..', 'diagbot.example.yaml'), env: {} }),
    ).not.toThrow();
  });
});
