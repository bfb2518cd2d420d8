import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { DiagError } from '../core/errors';
import { configSchema, type Config } from './schema';

// zod's JIT compiles a parser per object schema (`new Function`) on its first parse; a process parses each
// schema a few times, so the compiling cost more than it saved: ~3% of `diagbot --json help` (issue 16).
// Results are the same either way. Set here because the config is what every process parses first.
z.config({ jitless: true });

/*
 * The only place diagbot reads `process.env` (a boundary test holds this). Environment variables
 * override the YAML file; secrets come from the environment only. A setting that cannot work is a
 * DiagError `config.invalid` whose message names the key or variable and what was expected.
 */

type Env = Record<string, string | undefined>;

/** Environment variable → YAML path, with how to read the value. */
const ENV_KEYS: Array<{ env: string; path: string[]; kind: 'string' | 'list' | 'int' | 'off' }> = [
  { env: 'DIAGBOT_TARGETS_ALLOW', path: ['targets', 'allow'], kind: 'list' },
  { env: 'DIAGBOT_TARGETS_DENY', path: ['targets', 'deny'], kind: 'list' },
  { env: 'DIAGBOT_TLS_EXTRA_CA', path: ['tls', 'extraCaFiles'], kind: 'list' },
  { env: 'DIAGBOT_LDAP_URL', path: ['ldap', 'url'], kind: 'string' },
  { env: 'DIAGBOT_LDAP_BASE_DN', path: ['ldap', 'baseDn'], kind: 'string' },
  { env: 'DIAGBOT_LDAP_BIND_DN', path: ['ldap', 'bindDn'], kind: 'string' },
  { env: 'DIAGBOT_LDAP_PASSWORD', path: ['ldap', 'password'], kind: 'string' },
  { env: 'DIAGBOT_DNS_SERVERS', path: ['dns', 'servers'], kind: 'list' },
  { env: 'DIAGBOT_DB', path: ['store', 'path'], kind: 'string' },
  { env: 'DIAGBOT_DATABASE_URL', path: ['store', 'url'], kind: 'string' },
  { env: 'PORT', path: ['http', 'port'], kind: 'int' },
  { env: 'SLACK_BOT_TOKEN', path: ['slack', 'botToken'], kind: 'string' },
  { env: 'SLACK_SIGNING_SECRET', path: ['slack', 'signingSecret'], kind: 'string' },
  { env: 'SLACK_APP_TOKEN', path: ['slack', 'appToken'], kind: 'string' },
  { env: 'SLACK_API_URL', path: ['slack', 'apiUrl'], kind: 'string' },
  { env: 'MICROSOFT_APP_ID', path: ['teams', 'appId'], kind: 'string' },
  { env: 'MICROSOFT_APP_PASSWORD', path: ['teams', 'appPassword'], kind: 'string' },
  { env: 'MICROSOFT_APP_TENANT_ID', path: ['teams', 'tenantId'], kind: 'string' },
  { env: 'MICROSOFT_APP_TYPE', path: ['teams', 'appType'], kind: 'string' },
  { env: 'DIAGBOT_LOG_LEVEL', path: ['log', 'level'], kind: 'string' },
  // https://no-color.org: any non-empty value turns colour off.
  { env: 'NO_COLOR', path: ['terminal', 'color'], kind: 'off' },
];

/** Keys that may only come from the environment: a secret in a YAML file is refused. */
const SECRET_PATHS = ['ldap.password', 'slack.botToken', 'slack.signingSecret', 'slack.appToken', 'teams.appPassword'];

export interface LoadOptions {
  /** `--config FILE`; otherwise DIAGBOT_CONFIG; otherwise ./diagbot.yaml when present. */
  file?: string;
  env?: Env;
}

/** What the test setup reads of the environment (the program itself reads everything through the config). */
export interface RuntimeInfo {
  /** CI=true makes integration tests fail instead of skipping. */
  ci: boolean;
}

export function runtimeInfo(env: Env = process.env): RuntimeInfo {
  return { ci: env.CI === 'true' };
}

export function loadConfig(options: LoadOptions = {}): Config {
  const env = options.env ?? process.env;
  const file = options.file ?? env.DIAGBOT_CONFIG ?? (existsSync('diagbot.yaml') ? 'diagbot.yaml' : undefined);
  const fromFile = file ? readYaml(file) : {};
  for (const secret of SECRET_PATHS) {
    if (getPath(fromFile, secret.split('.')) !== undefined) {
      throw new DiagError(
        'config.invalid',
        `${file}: ${secret} is a secret; set it in the environment (see diagbot.example.yaml), not in the file`,
      );
    }
  }
  // A database URL may sit in the file, but its password may not: that comes from DIAGBOT_DATABASE_URL.
  const fileUrl = getPath(fromFile, ['store', 'url']);
  if (typeof fileUrl === 'string' && databaseUrlPassword(fileUrl) !== undefined) {
    throw new DiagError(
      'config.invalid',
      `${file}: store.url holds a password; set the whole URL in DIAGBOT_DATABASE_URL instead, not in the file`,
    );
  }
  const merged = structuredClone(fromFile) as Record<string, unknown>;
  for (const { env: name, path, kind } of ENV_KEYS) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    setPath(merged, path, convert(name, value, kind));
  }
  return parseConfig(merged, file);
}

/** Validates an already-merged object; errors name the YAML key and the environment variable. */
export function parseConfig(input: unknown, file?: string): Config {
  const result = configSchema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const key = issue.path.join('.');
    const envName = ENV_KEYS.find((k) => k.path.join('.') === issue.path.slice(0, 2).join('.'))?.env;
    return `  ${key || '(root)'}${envName ? ` (or ${envName})` : ''}: ${issue.message}`;
  });
  throw new DiagError('config.invalid', `Invalid configuration${file ? ` in ${file}` : ''}:\n${problems.join('\n')}`);
}

function readYaml(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new DiagError('config.invalid', `Cannot read the configuration file ${file}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = parseYamlText(text);
  } catch (error) {
    throw new DiagError('config.invalid', `${file} is not valid YAML: ${(error as Error).message}`);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed))
    throw new DiagError('config.invalid', `${file} must hold a YAML mapping at the top level`);
  return parsed as Record<string, unknown>;
}

/**
 * A file that holds nothing (blank, or `{}`) is read without the YAML parser, which is loaded only for a
 * file that says something: a one-shot `diagbot --json help` starts that much faster (issue 16).
 */
function parseYamlText(text: string): unknown {
  const bare = text.trim();
  if (bare === '' || bare === '{}') return {};
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { parse } = require('yaml') as typeof import('yaml');
  return parse(text);
}

function convert(name: string, value: string, kind: 'string' | 'list' | 'int' | 'off'): unknown {
  if (kind === 'off') return false;
  if (kind === 'list')
    return value
      .split(',')
      .map((v) => v.trim())
      .filter((v) => v !== '');
  if (kind === 'int') {
    const n = z.coerce.number().int().safeParse(value);
    if (!n.success) throw new DiagError('config.invalid', `${name}: expected a whole number, got "${value}"`);
    return n.data;
  }
  return value;
}

function getPath(obj: Record<string, unknown>, path: string[]): unknown {
  let current: unknown = obj;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function setPath(obj: Record<string, unknown>, path: string[], value: unknown): void {
  let current = obj;
  for (const key of path.slice(0, -1)) {
    const next = current[key];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) current[key] = {};
    current = current[key] as Record<string, unknown>;
  }
  current[path[path.length - 1] as string] = value;
}

/** The password inside a `postgres://user:password@host/db` URL, if any (for the logger's secret list). */
export function databaseUrlPassword(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    const password = decodeURIComponent(new URL(url).password);
    return password === '' ? undefined : password;
  } catch {
    return undefined;
  }
}
