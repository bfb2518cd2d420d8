import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Reply } from '../../../src/core/reply';
import { openSqliteStore } from '../../../src/store/sqlite';
import { runCli, type CliResult } from '../../helpers/cli';

/**
 * Secrets never reach a log line, a Reply or the audit trail. The built diagbot runs with unique test
 * secrets in its environment, `--verbose` and trace logging, through commands that put the secrets in
 * harm's way (typed as a target, pasted into text, an LDAP bind that fails on loopback); every byte of
 * stdout, stderr and the database is searched for them, as typed, lower-cased and JSON-escaped.
 */
const SECRETS = {
  DIAGBOT_LDAP_PASSWORD: 'Pa"ss\\w0rd-LDAP-7c1f',
  SLACK_BOT_TOKEN: 'xoxb-1111-2222-TestTokenAbC9',
  SLACK_SIGNING_SECRET: 'signing-Secret-test-8e2d41',
  SLACK_APP_TOKEN: 'xapp-1-A0TEST-AppTokenXy7',
  MICROSOFT_APP_PASSWORD: 'ms-app-pw~Test.9a7b3c',
};

function forms(secret: string): string[] {
  return [secret, secret.toLowerCase(), JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)];
}

function leaks(text: string): string[] {
  return Object.entries(SECRETS).flatMap(([name, secret]) =>
    forms(secret)
      .filter((f) => text.includes(f))
      .map((f) => `${name} as ${JSON.stringify(f)}`),
  );
}

let dir: string;
let ldapPort: number;
let ldapServer: Server;
let ldapConnections = 0;
const outputs: Array<{ args: string[]; result: CliResult }> = [];

async function run(args: string[], stdin?: string): Promise<CliResult> {
  const result = await runCli(['--verbose', ...args], {
    cwd: dir,
    stdin,
    env: {
      ...SECRETS,
      DIAGBOT_LOG_LEVEL: 'trace',
      DIAGBOT_DB: join(dir, 'diagbot.db'),
      DIAGBOT_LDAP_URL: `ldap://127.0.0.1:${ldapPort}`,
      DIAGBOT_LDAP_BASE_DN: 'DC=contoso,DC=test',
      DIAGBOT_LDAP_BIND_DN: 'svc-diagbot@contoso.test',
      DIAGBOT_TARGETS_ALLOW: '127.0.0.1/32',
      MICROSOFT_APP_ID: '00000000-0000-4000-8000-00000000a11d',
    },
  });
  outputs.push({ args, result });
  return result;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'diagbot-secrets-'));
  // An LDAP "server" on loopback that accepts and hangs up: the bind (with the password) is attempted and fails.
  ldapServer = createServer((socket) => {
    ldapConnections += 1;
    socket.on('error', () => socket.destroy());
    socket.on('data', () => socket.destroy());
  });
  await new Promise<void>((resolve) => ldapServer.listen(0, '127.0.0.1', resolve));
  const address = ldapServer.address();
  ldapPort = typeof address === 'object' && address ? address.port : 0;
  // The database exists, so the terminal records into it (it never creates one itself).
  openSqliteStore(join(dir, 'diagbot.db')).close();
});

afterAll(async () => {
  await new Promise<void>((resolve) => ldapServer.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

describe('secrets stay out of logs, replies and the audit trail', () => {
  it("runs commands that put the secrets in harm's way", async () => {
    await run(['--json', 'help']);
    await run(['--json', `cert ${SECRETS.SLACK_BOT_TOKEN}`]);
    await run(['--json', `cert ${SECRETS.SLACK_SIGNING_SECRET}:8080`]);
    await run(['--json', 'cert 2130706433']);
    await run(['--json', `explain login failed with password ${SECRETS.DIAGBOT_LDAP_PASSWORD}`]);
    await run(['--json', 'ou "CN=Doe\\, Jane,OU=Staff,DC=contoso,DC=test"']);
    await run(['--json', 'ou jdoe']);
    await run(['--json', `${SECRETS.MICROSOFT_APP_PASSWORD}`]);
    await run(
      [],
      `help\ncert ${SECRETS.SLACK_APP_TOKEN}\nrelay 10.1.2.3 via ${SECRETS.SLACK_BOT_TOKEN} --policy-only\nexit\n`,
    );
    const audit = await run(['--json', 'audit --since 1h --limit 100']);
    const reply = JSON.parse(audit.stdout) as Reply;
    expect(reply.command).toBe('audit');
    // Every run above left its row (this audit run's own row is written after it answers).
    expect((reply.data.rows as unknown[]).length).toBeGreaterThanOrEqual(11);
    expect(outputs.every((o) => o.result.code !== null)).toBe(true);
    // The LDAP bind with the password was really tried against the loopback listener.
    expect(ldapConnections).toBeGreaterThan(0);
  });

  it('logged at trace level, so there was something to search', () => {
    const stderr = outputs.map((o) => o.result.stderr).join('\n');
    expect(stderr).toMatch(/"msg":"handled"/);
  });

  it('finds no secret in any stdout or stderr', () => {
    for (const { args, result } of outputs) {
      expect({ args, leaks: leaks(`${result.stdout}\n${result.stderr}`) }).toEqual({ args, leaks: [] });
    }
  });

  it('finds no secret in the database files (the audit trail)', () => {
    const files = readdirSync(dir).filter((name) => name.startsWith('diagbot.db'));
    expect(files).toContain('diagbot.db');
    for (const file of files) {
      const bytes = readFileSync(join(dir, file)).toString('latin1');
      expect({ file, leaks: leaks(bytes) }).toEqual({ file, leaks: [] });
    }
  });

  it('refused a YAML file holding a secret without echoing it', async () => {
    const file = join(dir, 'leaky.yaml');
    writeFileSync(file, `slack:\n  botToken: ${SECRETS.SLACK_BOT_TOKEN}\n`);
    const result = await run(['--config', file, '--json', 'help']);
    expect(result.code).toBe(3);
    expect(leaks(`${result.stdout}\n${result.stderr}`)).toEqual([]);
    expect(existsSync(file)).toBe(true);
  });
});
