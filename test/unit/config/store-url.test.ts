import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { databaseUrlPassword, loadConfig } from '../../../src/config/load';
import { diagErrorWith } from '../../helpers/diag-error';

/** `store.url` / DIAGBOT_DATABASE_URL: PostgreSQL for several replicas; its password never sits in the file. */
const dir = mkdtempSync(join(tmpdir(), 'diagbot-config-url-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

it('leaves store.url unset by default (SQLite) and takes it from DIAGBOT_DATABASE_URL', () => {
  expect(loadConfig({ env: {} }).store.url).toBeUndefined();
  const url = 'postgres://diagbot:s3cr%40t@db.contoso.com:5432/diagbot?sslmode=verify-full';
  expect(loadConfig({ env: { DIAGBOT_DATABASE_URL: url } }).store.url).toBe(url);
  expect(databaseUrlPassword(url)).toBe('s3cr@t');
  expect(databaseUrlPassword('postgres://diagbot@db/diagbot')).toBeUndefined();
});

it('accepts a URL without a password in the file, and refuses one with a password there without echoing it', () => {
  expect(
    loadConfig({ file: file('ok.yaml', 'store:\n  url: postgresql://diagbot@db.contoso.com/diagbot\n'), env: {} }).store
      .url,
  ).toBe('postgresql://diagbot@db.contoso.com/diagbot');
  const withPassword = file('bad.yaml', 'store:\n  url: postgres://diagbot:hunter2@db.contoso.com/diagbot\n');
  expect(() => loadConfig({ file: withPassword, env: {} })).toThrow(diagErrorWith('config.invalid'));
  expect(() => loadConfig({ file: withPassword, env: {} })).toThrow(/DIAGBOT_DATABASE_URL/);
  try {
    loadConfig({ file: withPassword, env: {} });
  } catch (error) {
    expect((error as Error).message).not.toContain('hunter2');
  }
});

it('refuses something that is not a postgres:// URL, naming the variable', () => {
  expect(() => loadConfig({ env: { DIAGBOT_DATABASE_URL: 'mysql://db/diagbot' } })).toThrow(
    /store\.url \(or DIAGBOT_DATABASE_URL\).*postgres:\/\//,
  );
});
