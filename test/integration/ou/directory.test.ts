import { Client } from 'ldapts';
import { createDirectory, type Directory } from '../../../src/directory/client';
import { createTargetPolicy } from '../../../src/net/policy';
import { dnEquals, parseDn } from '../../../src/dn';
import { captureLogger } from '../../helpers/logger';
import {
  DOMAIN,
  FIXTURE_USERS,
  SERVICE_ACCOUNT,
  USER_PASSWORD,
  fixtureDn,
  fixtureUser,
  startSamba,
} from '../../helpers/samba';
import { describeWithSamba, testNet, testSettings } from './with-samba';
import { diagFailure as failure } from '../../helpers/diag-error';

/** The directory engine against a real Samba AD DC on 127.0.0.5 (LDAP ports are fixed: one address per test file). */
const ADDRESS = '127.0.0.5';

describeWithSamba('directory engine against Samba AD', ADDRESS, (samba) => {
  const opened: Directory[] = [];
  const directory = (...args: Parameters<typeof createDirectory>): Directory => {
    const d = createDirectory(...args);
    opened.push(d);
    return d;
  };
  afterAll(async () => {
    for (const d of opened) await d.close();
  });

  it('finds every fixture user by sAMAccountName over LDAPS, with its DN exactly as created', async () => {
    const d = directory(testSettings(samba()), testNet(ADDRESS));
    for (const fixture of FIXTURE_USERS) {
      const { users } = await d.findUsers(fixture.sam);
      expect(users).toHaveLength(1);
      const [user] = users;
      expect(dnEquals(user?.dn ?? '', fixtureDn(fixture))).toBe(true);
      expect(user?.sAMAccountName).toBe(fixture.sam);
      expect(user?.disabled).toBe(fixture.disabled === true);
      expect(user?.matchedBy).toEqual(['sAMAccountName']);
    }
  });

  it('returns DNs with escaped commas, #, + and non-ASCII letters that parse back to the names', async () => {
    const d = directory(testSettings(samba()), testNet(ADDRESS));
    for (const sam of ['dojane', 'zobrien']) {
      const [user] = (await d.findUsers(sam)).users;
      expect(parseDn(user?.dn ?? '')[0]?.[0]?.value).toBe(fixtureUser(sam).cn);
    }
  });

  it('finds by UPN, by mail only, by DOMAIN\\name and without regard to case', async () => {
    const d = directory(testSettings(samba()), testNet(ADDRESS));
    expect((await d.findUsers(`cboessen@${DOMAIN.dnsDomain}`)).users.map((u) => u.matchedBy)).toEqual([
      ['userPrincipalName'],
    ]);
    expect((await d.findUsers('backup.service@contoso.com')).users.map((u) => u.sAMAccountName)).toEqual([
      'svc-backup',
    ]);
    const byMail = await d.findUsers('patricia.jones@fabrikam.com');
    expect(byMail.users.map((u) => [u.sAMAccountName, u.matchedBy])).toEqual([['pjones', ['mail']]]);
    expect((await d.findUsers('CONTOSO\\mnguyen')).users.map((u) => u.sAMAccountName)).toEqual(['mnguyen']);
    expect((await d.findUsers('JDOE')).users.map((u) => u.sAMAccountName)).toEqual(['jdoe']);
  });

  it('returns every match when two users share the input', async () => {
    const d = directory(testSettings(samba()), testNet(ADDRESS));
    const { users, truncated } = await d.findUsers('a.smith@contoso.com');
    expect(users.map((u) => u.sAMAccountName).sort()).toEqual(['asmith', 'asmith2']);
    expect(truncated).toBe(false);
  });

  it('pages through results and honours the size limit', async () => {
    const paged = directory(testSettings(samba(), { pageSize: 1 }), testNet(ADDRESS));
    expect((await paged.findUsers('a.smith@contoso.com')).users).toHaveLength(2);
    const limited = directory(testSettings(samba(), { sizeLimit: 1 }), testNet(ADDRESS));
    const result = await limited.findUsers('a.smith@contoso.com');
    expect(result.users).toHaveLength(1);
    expect(result.truncated).toBe(true);
  });

  it('matches nothing for filter injection, although the same text unescaped would match every user', async () => {
    const d = directory(testSettings(samba()), testNet(ADDRESS));
    expect((await d.findUsers('*)(objectClass=*')).users).toEqual([]);
    expect((await d.findUsers('*')).users).toEqual([]);
    expect((await d.findUsers('nobody-here')).users).toEqual([]);
    // The control: concatenated into a filter string, the injection would have matched everyone.
    const bare = new Client({ url: samba().ldapUrl, timeout: 5000 });
    try {
      await bare.bind(SERVICE_ACCOUNT.upn, SERVICE_ACCOUNT.password);
      const { searchEntries } = await bare.search(DOMAIN.baseDn, {
        filter: `(&(sAMAccountType=805306368)(sAMAccountName=${'*)(objectClass=*'}))`,
      });
      expect(searchEntries.length).toBeGreaterThanOrEqual(FIXTURE_USERS.length);
    } finally {
      await bare.unbind();
    }
  });

  it('binds with a DN, a UPN or DOMAIN\\name, over LDAPS, StartTLS or plain LDAP', async () => {
    const serviceDn = fixtureDn(fixtureUser(SERVICE_ACCOUNT.sam));
    const variants = [
      testSettings(samba(), { bindDn: serviceDn }),
      testSettings(samba(), { bindDn: `${DOMAIN.netbios}\\${SERVICE_ACCOUNT.sam}` }),
      testSettings(samba(), { url: `ldap://${DOMAIN.host}`, startTls: true }),
      // Plain LDAP simple binds work only because the helper patched `ldap server require strong auth = no` back in.
      testSettings(samba(), { url: samba().ldapUrl, caFiles: [] }),
    ];
    for (const settings of variants) {
      const { users } = await directory(settings, testNet(ADDRESS)).findUsers('jdoe');
      expect(users).toHaveLength(1);
    }
  });

  it.each([
    ['a wrong password', SERVICE_ACCOUNT.upn, 'not-the-password', '52e', 'password is wrong'],
    ['a disabled account', `oldcontractor@${DOMAIN.dnsDomain}`, USER_PASSWORD, '533', 'disabled'],
  ])('says what a failed bind means: %s', async (_label, bindDn, password, subcode, words) => {
    const error = await failure(
      directory(testSettings(samba(), { bindDn, password }), testNet(ADDRESS)).findUsers('jdoe'),
    );
    expect(error.code).toBe('ldap.bind-failed');
    expect(error.data?.subcode).toBe(subcode);
    expect(error.message).toContain(words);
    expect(error.message).toContain(bindDn);
    expect(`${error.message} ${JSON.stringify(error.fix)} ${JSON.stringify(error.data)}`).not.toContain(password);
  });

  it('refuses a certificate it cannot trust or that names another host', async () => {
    const untrusted = await failure(
      directory(testSettings(samba(), { caFiles: [] }), testNet(ADDRESS)).findUsers('jdoe'),
    );
    expect(untrusted.code).toBe('ldap.unavailable');
    expect(untrusted.message).toContain('TLS');
    const byAddress = await failure(
      directory(testSettings(samba(), { url: samba().ldapsUrl }), testNet(ADDRESS)).findUsers('jdoe'),
    );
    expect(byAddress.code).toBe('ldap.unavailable');
    expect(byAddress.fix?.steps?.join(' ')).toContain('host name');
  });

  it('goes through the target policy: loopback is refused unless targets.allow lists it', async () => {
    const net = { ...testNet(ADDRESS), policy: createTargetPolicy({ allow: [], deny: [] }) };
    const error = await failure(directory(testSettings(samba()), net).findUsers('jdoe'));
    expect(error.code).toBe('policy.denied');
  });

  it('reuses one bound connection, and re-establishes it after the server went away (LDAPS and StartTLS)', async () => {
    const log = captureLogger();
    const ldaps = directory(testSettings(samba()), testNet(ADDRESS), log);
    const startTls = directory(
      testSettings(samba(), { url: `ldap://${DOMAIN.host}`, startTls: true }),
      testNet(ADDRESS),
      log,
    );
    const binds = (): number => log.lines.filter((l) => l.msg === 'directory connection bound').length;
    for (const sam of ['jdoe', 'cboessen', 'dojane', 'jdoe']) {
      expect((await ldaps.findUsers(sam)).users).toHaveLength(1);
      expect((await startTls.findUsers(sam)).users).toHaveLength(1);
    }
    expect(binds()).toBe(2);

    await samba().stop();
    for (const d of [ldaps, startTls]) {
      const down = await failure(d.findUsers('jdoe'));
      expect(down.code).toBe('ldap.unavailable');
      expect(JSON.stringify(down)).not.toContain(SERVICE_ACCOUNT.password);
    }

    const again = await startSamba({ address: ADDRESS });
    try {
      expect((await ldaps.findUsers('jdoe')).users).toHaveLength(1);
      expect((await startTls.findUsers('jdoe')).users).toHaveLength(1);
      expect(binds()).toBe(4);
    } finally {
      await ldaps.close();
      await startTls.close();
      await again.stop();
    }
  });
});
