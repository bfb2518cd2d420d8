import { createOuCommand } from '../../../commands/ou';
import { ouTextsSchema } from '../../../commands/ou/texts';
import { parseConfig } from '../../../src/config/load';
import { createRouter } from '../../../src/core/router';
import type { Directory, DirectoryUser, UserSearchResult } from '../../../src/directory';
import { classifyUserName } from '../../../src/directory/filter';
import { captureLogger } from '../../helpers/logger';
import { chatRequest } from '../../helpers/requests';
import { textsFile } from '../../helpers/texts-file';

// What `ou` says lives in commands/ou/texts.yaml. These tests render the directory's answers (found, disabled,
// not found, ambiguous) through a fake directory, and hold the file to the shape the code reads.

const user = (dn: string, over: Partial<DirectoryUser> = {}): DirectoryUser => ({
  dn,
  mail: [],
  disabled: false,
  matchedBy: ['sAMAccountName'],
  ...over,
});
const USERS: Record<string, DirectoryUser[]> = {
  off: [user('CN=Off,CN=Users,DC=contoso,DC=com', { sAMAccountName: 'off', disabled: true, userAccountControl: 514 })],
  nobody: [],
  'who@contoso.com': [],
  two: [
    user('CN=A,OU=X,DC=contoso,DC=com', { sAMAccountName: 'a', matchedBy: ['mail'] }),
    user('CN=B,OU=Y,DC=contoso,DC=com', { matchedBy: [] }),
  ],
};
const directory: Directory = {
  async findUsers(name) {
    return {
      lookup: classifyUserName(name),
      users: USERS[name] ?? [],
      truncated: name === 'two',
      referrals: 0,
      server: { url: 'ldaps://dc1.contoso.com:636' } as UserSearchResult['server'],
    };
  },
  async close() {},
};

async function ou(name: string) {
  const config = parseConfig({ ldap: { url: 'ldaps://dc1.contoso.com', baseDn: 'DC=contoso,DC=com' } });
  const router = createRouter({
    commands: [createOuCommand({ config, directory })],
    log: captureLogger(),
    runbooks: config.links,
  });
  return router.handle(chatRequest(`ou ${name}`));
}

describe('ou texts (commands/ou/texts.yaml)', () => {
  it.each(Object.keys(USERS))('%s renders every text with every placeholder filled', async (name) => {
    const reply = await ou(name);
    expect(reply.findings.length).toBeGreaterThan(0);
    expect(JSON.stringify([reply.title, reply.findings])).not.toMatch(/\{[A-Za-z][A-Za-z0-9]*\}/);
  });

  it('writes the words of a disabled account in CN=Users and of several matches exactly', async () => {
    const off = await ou('off');
    expect(off.title).toBe('Off is in the container contoso.com/Users, not an OU');
    expect(off.findings.map((f) => f.message)).toEqual([
      'Off (off) is in the container `CN=Users,DC=contoso,DC=com` (contoso.com/Users).',
      '`CN=Users,DC=contoso,DC=com` is a container, not an OU: Group Policy cannot be linked to it, so only domain-level GPOs reach Off.',
      'The account is disabled (userAccountControl 514 has ACCOUNTDISABLE).',
    ]);
    expect(off.findings[1]?.fix?.steps?.[1]).toBe(
      'New accounts land in CN=Users,DC=contoso,DC=com by default: run `redirusr "OU=<your OU>,DC=contoso,DC=com"` on a DC to make an OU the default (redircmp does the same for computers).',
    );
    const two = await ou('two');
    expect(two.findings[0]?.message).toBe(
      '2+ user accounts match `two` (only the first 2 are shown): CN=A,OU=X,DC=contoso,DC=com (mail); CN=B,OU=Y,DC=contoso,DC=com (match).',
    );
  });

  describe('the file is held to the shape the code reads', () => {
    const { source, firstIssue } = textsFile<Record<string, Record<string, Record<string, unknown>>>>(
      'ou',
      ouTextsSchema,
    );

    it('as written', () => expect(firstIssue(source())).toBe('valid'));

    it('refuses a missing case and a link that is not defined', () => {
      const missing = source();
      delete missing.kind?.container;
      expect(firstIssue(missing)).toMatch(/^kind\.container: /);
      const link = source();
      (link.findings?.['ou.disabled']?.fix as Record<string, unknown>).links = ['nowhere'];
      expect(firstIssue(link)).toBe('findings.ou.disabled.fix.links.0: no link named nowhere in links');
    });
  });
});
