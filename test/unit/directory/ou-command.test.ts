import fc from 'fast-check';
import { createOuCommand, quoteDn } from '../../../commands/ou';
import { parseConfig } from '../../../src/config/load';
import { createRouter } from '../../../src/core/router';
import type { Reply } from '../../../src/core/reply';
import { canonicalName, dnEquals, escapeDnValue, formatDn, parseDn } from '../../../src/dn';
import { captureLogger } from '../../helpers/logger';
import { chatRequest } from '../../helpers/requests';

/** `ou` without a directory: DNs are parsed offline; names say which settings are missing. Runbooks as src/main.ts wires them. */
function router(config = parseConfig({})) {
  return createRouter({ commands: [createOuCommand({ config })], log: captureLogger(), runbooks: config.links });
}

async function ou(text: string, config = parseConfig({})): Promise<Reply> {
  return router(config).handle(chatRequest(`ou ${text}`));
}

const ids = (reply: Reply): string[] => reply.findings.map((f) => f.id);

describe('ou with a DN (parsed offline)', () => {
  it('finds the OU three deep of the founding case, with canonical path and RDNs', async () => {
    const reply = await ou('"CN=Clint Boessen,OU=Microsoft MVPs,OU=Engineers,OU=IT Professionals,DC=4Logic,DC=local"');
    expect(reply.status).toBe('ok');
    expect(ids(reply)).toEqual(['ou.found']);
    expect(reply.data).toMatchObject({
      source: 'parsed',
      parentDn: 'OU=Microsoft MVPs,OU=Engineers,OU=IT Professionals,DC=4Logic,DC=local',
      parentType: 'ou',
      canonicalPath: '4Logic.local/IT Professionals/Engineers/Microsoft MVPs',
    });
    expect((reply.data.rdns as unknown[])[0]).toEqual({ type: 'CN', value: 'Clint Boessen' });
  });

  it('does not cut at the escaped comma of `CN=Boessen\\, Clint`', async () => {
    const reply = await ou('"CN=Boessen\\, Clint,OU=Engineers,DC=contoso,DC=local"');
    expect(reply.data.parentDn).toBe('OU=Engineers,DC=contoso,DC=local');
    expect(reply.title).toContain('Boessen, Clint');
  });

  it('warns about CN=Users (a container, not an OU) with Move-ADObject and redirusr', async () => {
    const reply = await ou('"CN=Clint Boessen,CN=Users,DC=4Logic,DC=local"');
    expect(reply.status).toBe('warn');
    expect(ids(reply)).toEqual(['ou.found', 'ou.default-container']);
    expect(reply.data.parentType).toBe('container');
    const fix = reply.findings[1]?.fix;
    expect(fix?.steps?.join('\n')).toContain(
      "Move-ADObject -Identity 'CN=Clint Boessen,CN=Users,DC=4Logic,DC=local' -TargetPath 'OU=<your OU>,DC=4Logic,DC=local'",
    );
    expect(fix?.steps?.join('\n')).toContain('redirusr');
    expect(fix?.links?.some((l) => l.url.startsWith('https://learn.microsoft.com/'))).toBe(true);
  });

  it('treats any other container the same way, without calling it the default', async () => {
    const reply = await ou('"CN=svc-backup,CN=Service Objects,DC=contoso,DC=local"');
    expect(ids(reply)).toEqual(['ou.found', 'ou.default-container']);
    expect(reply.findings[1]?.fix?.steps?.[1]).toContain('Find what creates accounts');
  });

  it('knows an object directly under the domain root', async () => {
    const reply = await ou('"CN=Root Placed,DC=contoso,DC=local"');
    expect(reply.status).toBe('ok');
    expect(reply.data).toMatchObject({ parentType: 'domain', canonicalPath: 'contoso.local' });
  });

  it('joins a DN typed without quotes that the tokenizer split at its spaces', async () => {
    const reply = await ou('CN=Jane Doe,OU=IT Professionals,DC=contoso,DC=local');
    expect(reply.data.dn).toBe('CN=Jane Doe,OU=IT Professionals,DC=contoso,DC=local');
  });

  it("adds the organisation's runbook link from config.links (through the router)", async () => {
    const config = parseConfig({ links: { 'ou.default-container': 'https://wiki.contoso.com/ad/move-users' } });
    const reply = await ou('"CN=a,CN=Users,DC=contoso,DC=local"', config);
    expect(reply.findings[1]?.fix?.links).toContainEqual({
      title: 'Your runbook',
      url: 'https://wiki.contoso.com/ad/move-users',
    });
  });

  it('gives the parent of any DN, escaped or not (general case)', async () => {
    const printable = (v: string): boolean =>
      [...v].every((ch) => ch.charCodeAt(0) >= 0x20 && !(ch.charCodeAt(0) >= 0x7f && ch.charCodeAt(0) <= 0x9f));
    const value = fc.string({ minLength: 1, maxLength: 12 }).filter((v) => /[\p{L}\p{N}]/u.test(v) && printable(v));
    const kind = fc.constantFrom('OU', 'CN', 'DC');
    await fc.assert(
      fc.asyncProperty(
        value,
        fc.array(fc.tuple(kind, value), { minLength: 1, maxLength: 5 }),
        async (leaf, parents) => {
          const dn = `CN=${escapeDnValue(leaf)},${parents.map(([t, v]) => `${t}=${escapeDnValue(v)}`).join(',')}`;
          const reply = await ou(quoteDn(dn));
          const parent = parseDn(dn).slice(1);
          if (parents[0]?.[0] === 'DC' && parents.length === parents.filter(([t]) => t === 'DC').length) {
            expect(reply.data.parentType).toBe('domain');
          }
          expect(reply.status).not.toBe('error');
          expect(dnEquals(reply.data.parentDn as string, parent)).toBe(true);
          expect(reply.data.parentDn).toBe(formatDn(parent));
          expect(reply.data.canonicalPath).toBe(canonicalName(parent));
          expect(reply.data.parentType).toBe(
            parents[0]?.[0] === 'OU' ? 'ou' : parents[0]?.[0] === 'DC' ? 'domain' : 'container',
          );
        },
      ),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 200) },
    );
  });
});

describe('quoteDn', () => {
  it.each([
    ['CN=a,DC=x', '"CN=a,DC=x"'],
    ['CN=a\\"b,DC=x', `'CN=a\\"b,DC=x'`],
    ['CN=a,OU=b\\\\', `'CN=a,OU=b\\\\'`],
    [`CN=O'Brien \\"x\\\\,DC=x`, '"CN=O\'Brien \\22x\\5C,DC=x"'],
  ])('writes %s as %s, which reads back as the same DN', async (dn, text) => {
    expect(quoteDn(dn)).toBe(text);
    expect((await ou(text)).data.dn).toBe(formatDn(parseDn(dn)));
  });
});

describe('ou bad input: each a clear error Reply with an example', () => {
  it.each([
    ['nothing', '', 'needs a user'],
    ['an unterminated quote', '"CN=unterminated\\"', 'unterminated double quote'],
    ['a DN ending in a backslash', "'CN=unterminated\\'", 'backslash that escapes nothing'],
    ['only commas', ',,,', 'neither a user name nor a DN'],
    ['an unescaped quote in a DN', `'CN=a,OU=b"c,DC=x'`, 'must be escaped'],
    ['a single RDN', '"CN=Jane Doe"', 'has no parent'],
    ['a domain DN', '"DC=contoso,DC=local"', 'names a domain'],
    ['several names', 'jdoe extra words', 'one user at a time'],
    ['10 KB of input', `"${'x'.repeat(10 * 1024)}"`, 'characters long'],
    ['a bell character', '"jd\u0007oe"', 'control character (U+0007'],
    ['an escape sequence in a DN', '"CN=a\u001b[31m,DC=x"', 'control character (U+001B'],
  ])('ou with %s', async (_label, text, says) => {
    const reply = await ou(text);
    expect(reply.status).toBe('error');
    expect(reply.findings).toHaveLength(1);
    expect(reply.findings[0]?.id).toBe('usage');
    expect(reply.findings[0]?.message).toContain(says);
    expect(reply.findings[0]?.fix?.summary).toMatch(/^Try: ou /);
    expect(JSON.stringify(reply)).not.toMatch(/\n\s+at /);
  });

  it('answers a name with no directory configured by naming every missing setting', async () => {
    const reply = await ou('jdoe');
    expect(reply.status).toBe('error');
    expect(reply.findings[0]?.id).toBe('ldap.unavailable');
    for (const name of ['DIAGBOT_LDAP_URL', 'DIAGBOT_LDAP_BASE_DN', 'DIAGBOT_LDAP_BIND_DN', 'DIAGBOT_LDAP_PASSWORD']) {
      expect(reply.findings[0]?.message).toContain(name);
    }
    expect(reply.data.missing).toHaveLength(4);
  });

  it('names only the settings still missing', async () => {
    const config = parseConfig({ ldap: { url: 'ldaps://dc1.contoso.local', baseDn: 'DC=contoso,DC=local' } });
    const reply = await ou('jdoe@contoso.com', config);
    expect(reply.data.missing).toEqual(['DIAGBOT_LDAP_BIND_DN', 'DIAGBOT_LDAP_PASSWORD']);
    expect(reply.findings[0]?.message).not.toContain('DIAGBOT_LDAP_URL');
  });

  it('is an operator command', () => {
    expect(createOuCommand({ config: parseConfig({}) }).minRole).toBe('operator');
  });
});
