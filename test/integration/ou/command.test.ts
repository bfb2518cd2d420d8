import { createOuCommand } from '../../../commands/ou';
import { parseConfig } from '../../../src/config/load';
import type { Reply } from '../../../src/core/reply';
import { createRouter, type Router } from '../../../src/core/router';
import { createDirectory, type Directory } from '../../../src/directory/client';
import { canonicalName, dnEquals, parseDn } from '../../../src/dn';
import { runCli } from '../../helpers/cli';
import { captureLogger } from '../../helpers/logger';
import { chatRequest } from '../../helpers/requests';
import { DOMAIN, FIXTURE_USERS, SERVICE_ACCOUNT, fixtureDn, fixtureUser } from '../../helpers/samba';
import { describeWithSamba, testNet, testSettings } from './with-samba';

/** `ou` end to end against a real Samba AD DC on 127.0.0.6: router → command → directory → LDAP. */
const ADDRESS = '127.0.0.6';

describeWithSamba('ou against Samba AD', ADDRESS, (samba) => {
  const config = parseConfig({
    ldap: { url: `ldaps://${DOMAIN.host}`, baseDn: DOMAIN.baseDn, bindDn: SERVICE_ACCOUNT.upn },
  });
  const directories: Directory[] = [];
  const routerWith = (overrides = {}): Router => {
    const directory = createDirectory(testSettings(samba(), overrides), testNet(ADDRESS));
    directories.push(directory);
    return createRouter({ commands: [createOuCommand({ config, directory })], log: captureLogger() });
  };
  let router: Router;
  const ou = (text: string): Promise<Reply> => router.handle(chatRequest(`ou ${text}`));
  const ids = (reply: Reply): string[] => reply.findings.map((f) => f.id);

  beforeAll(() => {
    router = routerWith();
  });
  afterAll(async () => {
    for (const d of directories) await d.close();
  });

  it('finds the user in the OU three deep', async () => {
    const reply = await ou('cboessen');
    expect(reply.status).toBe('ok');
    expect(ids(reply)).toEqual(['ou.found']);
    expect(reply.data).toMatchObject({
      source: 'ldap',
      parentType: 'ou',
      parentDn: 'OU=Microsoft MVPs,OU=Engineers,OU=IT Professionals,DC=contoso,DC=local',
      canonicalPath: 'contoso.local/IT Professionals/Engineers/Microsoft MVPs',
      sAMAccountName: 'cboessen',
      disabled: false,
    });
  });

  it('warns about the user in CN=Users', async () => {
    const reply = await ou('jdoe');
    expect(reply.status).toBe('warn');
    expect(ids(reply)).toEqual(['ou.found', 'ou.default-container']);
    expect(reply.data).toMatchObject({ parentType: 'container', parentDn: `CN=Users,${DOMAIN.baseDn}` });
    expect(reply.findings[1]?.fix?.steps?.join('\n')).toMatch(/Move-ADObject[\s\S]*redirusr/);
  });

  it('keeps the comma, #, + and ë of names inside one RDN', async () => {
    const jane = await ou('dojane');
    expect(jane.data.parentDn).toBe('OU=Engineers,OU=IT Professionals,DC=contoso,DC=local');
    expect((jane.data.rdns as Array<{ value: string }>)[0]?.value).toBe('Doe, Jane');
    const zoe = await ou('zobrien');
    expect(zoe.data.dn).toBe(`CN=\\#Zoë O\\+Brien,OU=Service Desk,${DOMAIN.baseDn}`);
    expect(zoe.data.canonicalName).toBe('contoso.local/Service Desk/#Zoë O+Brien');
  });

  it('flags a disabled account', async () => {
    const reply = await ou('oldcontractor');
    expect(ids(reply)).toEqual(['ou.found', 'ou.disabled']);
    expect(reply.data.disabled).toBe(true);
  });

  it('lists both users that share a mail address, with an action that resolves each', async () => {
    const reply = await ou('a.smith@contoso.com');
    expect(reply.status).toBe('warn');
    expect(ids(reply)).toEqual(['ou.ambiguous']);
    const matches = reply.data.matches as string[];
    expect(matches.map((dn) => parseDn(dn)[0]?.[0]?.value).sort()).toEqual(['Alex Smith', 'Alice Smith']);
    for (const action of reply.actions) {
      const followed = await router.handle(chatRequest(action.command));
      expect(ids(followed)).toEqual(['ou.found']);
      expect(matches.some((dn) => dnEquals(dn, followed.data.dn as string))).toBe(true);
    }
  });

  it('handles the cases unlike the founding ones: a custom container, a deep OU, mail only, the domain root', async () => {
    const custom = await ou('svc-backup');
    expect(ids(custom)).toEqual(['ou.found', 'ou.default-container']);
    expect(custom.findings[1]?.fix?.steps?.[1]).toContain('Find what creates accounts');
    expect((await ou('mnguyen')).data.canonicalPath).toBe('contoso.local/Regions/APAC/Australia/Branches/Perth');
    const byMail = await ou('patricia.jones@fabrikam.com');
    expect(byMail.data).toMatchObject({ sAMAccountName: 'pjones', matchedBy: ['mail'] });
    expect((await ou('rplaced')).data).toMatchObject({ parentType: 'domain', canonicalPath: DOMAIN.dnsDomain });
  });

  it('agrees with itself: the DN from the directory, parsed offline, gives the same parent (every user)', async () => {
    for (const user of FIXTURE_USERS) {
      const looked = await ou(user.sam);
      expect(dnEquals(looked.data.dn as string, fixtureDn(user))).toBe(true);
      const parsed = await ou(`"${(looked.data.dn as string).replace(/"/g, '\\22')}"`);
      expect(parsed.data).toMatchObject({
        source: 'parsed',
        parentDn: looked.data.parentDn,
        parentType: looked.data.parentType,
      });
      expect(parsed.data.canonicalPath).toBe(canonicalName(parseDn(looked.data.parentDn as string)));
    }
  });

  it('finds nobody for injection or unknown names', async () => {
    for (const name of ['"*)(objectClass=*"', 'nobody-at-all', 'CONTOSO\\\\nobody']) {
      const reply = await ou(name);
      expect(reply.status).toBe('fail');
      expect(ids(reply)).toEqual(['ou.not-found']);
      expect(reply.data.matches).toEqual([]);
    }
  });

  it('answers a refused bind with ldap.bind-failed and never shows the password', async () => {
    const reply = await routerWith({ password: 'Wr0ng-Passw0rd!' }).handle(chatRequest('ou jdoe'));
    expect(reply.status).toBe('error');
    expect(reply.findings[0]?.id).toBe('ldap.bind-failed');
    expect(reply.findings[0]?.message).toContain('data 52e');
    expect(JSON.stringify(reply)).not.toContain('Wr0ng-Passw0rd!');
    const disabled = await routerWith({
      bindDn: `oldcontractor@${DOMAIN.dnsDomain}`,
      password: 'Passw0rd!User1',
    }).handle(chatRequest('ou jdoe'));
    expect(disabled.findings[0]?.message).toContain('disabled (AD data 533)');
  });

  it('works from the command line with the directory in the environment, and exits when done', async () => {
    const env = {
      DIAGBOT_LDAP_URL: samba().ldapUrl,
      DIAGBOT_LDAP_BASE_DN: DOMAIN.baseDn,
      DIAGBOT_LDAP_BIND_DN: `${DOMAIN.netbios}\\${SERVICE_ACCOUNT.sam}`,
      DIAGBOT_LDAP_PASSWORD: SERVICE_ACCOUNT.password,
      DIAGBOT_TARGETS_ALLOW: '127.0.0.0/8',
    };
    const jdoe = fixtureUser('jdoe');
    const result = await runCli(['--json', `ou ${jdoe.sam}`], { env });
    expect(result.stderr).toBe('');
    const reply = JSON.parse(result.stdout) as Reply;
    expect(result.code).toBe(1);
    expect(reply.data.dn).toBe(fixtureDn(jdoe));
    expect(result.stdout).not.toContain(SERVICE_ACCOUNT.password);
  });
});
