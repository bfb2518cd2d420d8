import { z } from 'zod';
import type { Command } from '../src/core/command';
import type { CommandTarget } from '../src/core/target';
import { parseTarget } from '../src/net/target';
import { DiagError, usageError } from '../src/core/errors';
import { errorReply, makeReply, type Fact, type Finding, type Link, type Reply } from '../src/core/reply';
import type { Directory, DirectoryUser, UserSearchResult } from '../src/directory';
import { missingDirectorySettings } from '../src/directory/settings';
import {
  attributeName,
  canonicalName,
  dnKind,
  dnSyntaxProblem,
  formatDn,
  formatRdn,
  leafName,
  parentDn,
  parseDn,
  rdnPairs,
  type Dn,
  type ParentType,
} from '../src/dn';
import type { CommandDeps } from './deps';

/*
 * `ou <user>`: which OU or container holds a user. A DN is parsed offline (RFC 4514, so `CN=Doe\, Jane`
 * is one RDN); a name is looked up in the directory. The founding case cut the DN at the first `,OU=`
 * and special-cased `CN=Users` by name; here the parent is the DN minus its leaf RDN, whatever it is.
 */

const MAX_INPUT = 2048;
const EXAMPLE = 'ou jdoe';

const ouArgs = z.object({
  positional: z.array(z.string()),
});
type OuArgs = z.infer<typeof ouArgs>;

const LINKS = {
  moveAdObject: {
    title: 'Move-ADObject',
    url: 'https://learn.microsoft.com/en-us/powershell/module/activedirectory/move-adobject',
  },
  redirect: {
    title: 'Redirect the users and computers containers (redirusr / redircmp)',
    url: 'https://learn.microsoft.com/en-us/troubleshoot/windows-server/active-directory/redirect-users-computers-containers',
  },
  getAdUser: {
    title: 'Get-ADUser',
    url: 'https://learn.microsoft.com/en-us/powershell/module/activedirectory/get-aduser',
  },
  enableAccount: {
    title: 'Enable-ADAccount',
    url: 'https://learn.microsoft.com/en-us/powershell/module/activedirectory/enable-adaccount',
  },
  uac: {
    title: 'userAccountControl flags',
    url: 'https://learn.microsoft.com/en-us/troubleshoot/windows-server/active-directory/useraccountcontrol-manipulate-account-properties',
  },
} satisfies Record<string, Link>;

const KIND_WORDS: Record<ParentType, string> = {
  ou: 'organizational unit',
  container: 'container',
  domain: 'domain root',
};

/** The directory server `ou` connects to, from `ldap.url` (validated at start); undefined without one. */
function ldapTarget(url: string | undefined): CommandTarget | undefined {
  if (!url) return undefined;
  try {
    return parseTarget(url, url.toLowerCase().startsWith('ldaps:') ? 636 : 389, 'ldaps://dc01.contoso.local');
  } catch {
    return undefined;
  }
}

const DN_START = /^\s*(?:[A-Za-z][A-Za-z0-9-]*|(?:oid\.)?\d+(?:\.\d+)+)\s*=/i;

/** The first control character in the text, as `U+0007 at character 5`. */
function controlCharacter(text: string): string | undefined {
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f))
      return `U+${c.toString(16).toUpperCase().padStart(4, '0')} at character ${i + 1}`;
  }
  return undefined;
}

/** One user reference from the words: a DN typed without quotes may have been split at its spaces. */
function inputOf(words: readonly string[]): string {
  if (words.length === 0) {
    throw usageError(
      '`ou` needs a user: a sAMAccountName (jdoe), a UPN or mail address (jdoe@contoso.com) or a DN in quotes.',
      EXAMPLE,
    );
  }
  const text = words.length > 1 && DN_START.test(words[0] as string) ? words.join(' ') : (words[0] as string);
  if (words.length > 1 && !DN_START.test(words[0] as string)) {
    throw usageError(
      `\`ou\` looks up one user at a time; got ${words.length} words. Put a DN or a name with spaces in quotes.`,
      'ou "CN=Doe\\, Jane,OU=Engineers,DC=contoso,DC=local"',
    );
  }
  if (text.length > MAX_INPUT)
    throw usageError(
      `The input is ${text.length} characters long; \`ou\` takes a name or DN of at most ${MAX_INPUT}.`,
      EXAMPLE,
    );
  const control = controlCharacter(text);
  if (control)
    throw usageError(`The input holds a control character (${control}); type the name or DN as plain text.`, EXAMPLE);
  // Not trimmed: a DN may end in an escaped space (`OU=x\ `).
  return text;
}

/**
 * A DN as command text the tokenizer gives back unchanged: inside double quotes `\"` means a quote, so a DN
 * holding `"` or ending in `\\` goes in single quotes, or, holding both kinds of quote, gets hex escapes.
 */
export function quoteDn(dn: string): string {
  if (!dn.includes('"') && !dn.endsWith('\\')) return `"${dn}"`;
  if (!dn.includes("'")) return `'${dn}'`;
  return `"${dn.replace(/\\(["\\])/g, (_m, c: string) => (c === '"' ? '\\22' : '\\5C'))}"`;
}

function parseOrExplain(text: string): Dn {
  try {
    return parseDn(text);
  } catch (error) {
    const problem = dnSyntaxProblem(error);
    if (!problem) throw error;
    const { position, reason } = problem;
    const from = Math.max(0, position - 15);
    const near = `${from > 0 ? '…' : ''}${text.slice(from, position + 15)}${position + 15 < text.length ? '…' : ''}`;
    throw usageError(
      `\`${text.slice(0, 120)}\` is not a valid DN: ${reason} (character ${position + 1}, near \`${near}\`).`,
      'ou "CN=Doe\\, Jane,OU=Engineers,DC=contoso,DC=local"',
    );
  }
}

export interface OuDeps extends Pick<CommandDeps, 'config'> {
  directory?: Directory;
}

/** Builds the `ou` command around a directory (absent when none is configured: DNs still work). */
export function createOuCommand(deps: OuDeps): Command<OuArgs> {
  const directoryTarget = ldapTarget(deps.config.ldap.url);
  function placement(input: string, dn: Dn, source: 'ldap' | 'parsed', user?: DirectoryUser, server?: string): Reply {
    if (dn.length < 2) {
      throw usageError(
        `\`${input.slice(0, 120)}\` has no parent: give the full DN down to the domain.`,
        'ou "CN=Jane Doe,OU=Engineers,DC=contoso,DC=local"',
      );
    }
    if (dnKind(dn) === 'domain')
      throw usageError(
        `\`${input.slice(0, 120)}\` names a domain, not an account inside one.`,
        'ou "CN=Jane Doe,OU=Engineers,DC=contoso,DC=local"',
      );
    const parent = parentDn(dn) as Dn;
    const kind = dnKind(parent) as ParentType;
    const parentText = formatDn(parent);
    const dnText = `${formatRdn(dn[0] as Dn[number])},${parentText}`;
    const path = canonicalName(parent);
    const name = user?.displayName ?? leafName(dn);
    const who = user?.sAMAccountName ? `${name} (${user.sAMAccountName})` : name;
    const findings: Finding[] = [
      {
        id: 'ou.found',
        severity: 'ok',
        message:
          kind === 'domain'
            ? `${who} sits directly under the domain root \`${parentText}\` (${path}): only domain-linked Group Policy applies.`
            : `${who} is in the ${KIND_WORDS[kind]} \`${parentText}\` (${path}).`,
      },
    ];
    if (kind === 'container') {
      const top = parent[0]?.[0];
      const isUsers =
        top !== undefined &&
        attributeName(top.type) === 'cn' &&
        top.value.toLowerCase() === 'users' &&
        dnKind(parent.slice(1)) === 'domain';
      findings.push({
        id: 'ou.default-container',
        severity: 'warn',
        message: `\`${parentText}\` is a container, not an OU: Group Policy cannot be linked to it, so only domain-level GPOs reach ${name}.`,
        fix: {
          summary: 'Move the account into an OU that carries the right Group Policy.',
          steps: [
            `Move-ADObject -Identity ${psQuote(dnText)} -TargetPath ${psQuote(`OU=<your OU>,${formatDn(domainOf(parent))}`)}`,
            isUsers
              ? `New accounts land in ${parentText} by default: run \`redirusr "OU=<your OU>,${formatDn(domainOf(parent))}"\` on a DC to make an OU the default (redircmp does the same for computers).`
              : `Find what creates accounts in ${parentText} (a script or provisioning tool) and point it at an OU; \`redirusr\` changes only the default for new users.`,
          ],
          links: [LINKS.moveAdObject, LINKS.redirect],
        },
      });
    }
    if (user?.disabled) {
      findings.push({
        id: 'ou.disabled',
        severity: 'warn',
        message: `The account is disabled (userAccountControl ${user.userAccountControl} has ACCOUNTDISABLE).`,
        fix: {
          summary: 'Enable it if it should sign in; leave it if it was disabled on purpose (a leaver).',
          steps: [`Enable-ADAccount -Identity ${psQuote(dnText)}`],
          links: [LINKS.enableAccount, LINKS.uac],
        },
      });
    }
    const facts: Fact[] = [
      { label: 'DN', value: dnText },
      { label: kind === 'ou' ? 'OU' : kind === 'domain' ? 'Domain root' : 'Container', value: parentText },
      { label: 'Canonical path', value: path },
    ];
    if (user?.displayName) facts.push({ label: 'Display name', value: user.displayName });
    if (user?.sAMAccountName) facts.push({ label: 'sAMAccountName', value: user.sAMAccountName });
    if (user?.userPrincipalName) facts.push({ label: 'UPN', value: user.userPrincipalName });
    if (user) facts.push({ label: 'Account', value: user.disabled ? 'disabled' : 'enabled' });
    facts.push({
      label: 'Source',
      value: source === 'parsed' ? 'parsed from the DN (no directory lookup)' : `directory ${server ?? ''}`.trim(),
    });
    return makeReply({
      command: 'ou',
      title: kind === 'container' ? `${name} is in the container ${path}, not an OU` : `${name} is in ${path}`,
      findings,
      facts,
      actions:
        source === 'ldap'
          ? [{ label: 'Check again', command: `ou ${/[\s"']/.test(input) ? quoteDn(input) : input}` }]
          : [],
      data: {
        input,
        source,
        dn: dnText,
        parentDn: parentText,
        parentType: kind,
        canonicalPath: path,
        canonicalName: canonicalName(dn),
        rdns: rdnPairs(dn),
        ...(user
          ? {
              displayName: user.displayName,
              sAMAccountName: user.sAMAccountName,
              userPrincipalName: user.userPrincipalName,
              userAccountControl: user.userAccountControl,
              disabled: user.disabled,
              matchedBy: user.matchedBy,
            }
          : {}),
        ...(server ? { server } : {}),
      },
    });
  }

  function notFound(result: UserSearchResult): Reply {
    const { lookup } = result;
    const by = lookup.attributes.join(' or ');
    return makeReply({
      command: 'ou',
      title: `No user ${lookup.value} in ${deps.config.ldap.baseDn ?? 'the directory'}`,
      findings: [
        {
          id: 'ou.not-found',
          severity: 'fail',
          message: `No user account under \`${deps.config.ldap.baseDn}\` has ${by} \`${lookup.value}\`.`,
          fix: {
            summary: 'Check the spelling, or look the user up another way.',
            steps: [
              lookup.attributes.includes('sAMAccountName')
                ? 'Try the UPN or mail address (ou jdoe@contoso.com), or the DN in quotes.'
                : 'Try the sAMAccountName (ou jdoe), or the DN in quotes.',
              `Search more widely: Get-ADUser -Filter "anr -eq '${lookup.value.replace(/'/g, "''").slice(0, 80)}'"`,
              'A user in another domain of the forest is not under ldap.baseDn; diagbot does not follow referrals.',
            ],
            links: [LINKS.getAdUser],
          },
        },
      ],
      data: { input: lookup.input, source: 'ldap', matches: [], server: result.server.url },
    });
  }

  function ambiguous(result: UserSearchResult): Reply {
    const { lookup, users } = result;
    const dns = users.map((u) => u.dn);
    const count = `${users.length}${result.truncated ? '+' : ''}`;
    return makeReply({
      command: 'ou',
      title: `${count} users match ${lookup.value}`,
      findings: [
        {
          id: 'ou.ambiguous',
          severity: 'warn',
          message: `${count} user accounts match \`${lookup.value}\`${result.truncated ? ` (only the first ${users.length} are shown)` : ''}: ${users.map((u) => `${u.dn} (${u.matchedBy.join(', ') || 'match'})`).join('; ')}.`,
          fix: {
            summary:
              'Name the one you mean by its sAMAccountName or DN. Two accounts sharing a mail address also breaks mail delivery and sign-in by mail.',
            steps: users.slice(0, 10).map((u) => `ou ${u.sAMAccountName ?? quoteDn(u.dn)}`),
            links: [LINKS.getAdUser],
          },
        },
      ],
      facts: users.slice(0, 10).map((u) => ({ label: u.sAMAccountName ?? 'DN', value: u.dn })),
      actions: users.slice(0, 5).map((u) => ({
        label: (u.displayName ?? u.sAMAccountName ?? u.dn).slice(0, 70),
        command: `ou ${quoteDn(u.dn)}`,
      })),
      data: {
        input: lookup.input,
        source: 'ldap',
        matches: dns,
        truncated: result.truncated,
        server: result.server.url,
      },
    });
  }

  return {
    name: 'ou',
    summary: 'Show which OU or container holds a user, from the directory or from a DN.',
    usage: 'ou <sAMAccountName | UPN | mail | "DN">',
    examples: [EXAMPLE, 'ou jdoe@contoso.com', 'ou "CN=Doe\\, Jane,OU=Engineers,DC=contoso,DC=local"'],
    details: [
      'A DN is parsed offline (RFC 4514: `\\,` escapes a comma inside a name); a name is looked up over LDAP by sAMAccountName, or by UPN and mail when it holds an @.',
      'Warns when the parent is a container such as CN=Users (Group Policy cannot be linked there) and when the account is disabled.',
    ],
    minRole: 'operator',
    args: ouArgs,
    // A name is looked up in the directory: that is where this command connects (a DN is parsed offline).
    targetOf(args) {
      const [first] = args.positional;
      return first !== undefined && !DN_START.test(first) ? directoryTarget : undefined;
    },
    async run(args) {
      const input = inputOf(args.positional);
      if (DN_START.test(input)) return placement(input, parseOrExplain(input), 'parsed');
      const name = input.trim();
      if (!/[\p{L}\p{N}]/u.test(name)) {
        throw usageError(
          `\`${input.slice(0, 40)}\` is neither a user name nor a DN: a name has letters or digits, a DN looks like CN=…,OU=…,DC=….`,
          EXAMPLE,
        );
      }
      if (!deps.directory) return notConfigured(deps);
      const result = await deps.directory.findUsers(name);
      if (result.users.length === 0) return notFound(result);
      if (result.users.length > 1) return ambiguous(result);
      const user = result.users[0] as DirectoryUser;
      let dn: Dn;
      try {
        dn = parseDn(user.dn);
      } catch (error) {
        throw new DiagError(
          'ldap.unavailable',
          `The directory returned a DN diagbot cannot read: ${(error as Error).message}.`,
          { cause: error },
        );
      }
      return placement(name, dn, 'ldap', user, result.server.url);
    },
  };
}

function notConfigured(deps: OuDeps): Reply {
  const missing = missingDirectorySettings(deps.config.ldap);
  const list = missing.map((m) => (m.key.startsWith('(') ? m.env : `${m.key} (${m.env})`)).join(', ');
  return errorReply(
    'ou',
    {
      id: 'ldap.unavailable',
      severity: 'error',
      message:
        missing.length > 0
          ? `No directory is configured, so \`ou\` can only read DNs. Missing: ${list}.`
          : 'No directory connection was given to `ou` (the settings are complete: restart diagbot).',
      fix: {
        summary: 'Set the directory settings, or give the DN in quotes to have it parsed without a directory.',
        steps: [
          ...missing.map(
            (m) =>
              `Set ${m.env}${m.key.startsWith('(') ? ' in the environment (never in the YAML file)' : ` or ${m.key} in diagbot.yaml`}.`,
          ),
          'Example: DIAGBOT_LDAP_URL=ldaps://dc1.contoso.com DIAGBOT_LDAP_BASE_DN=DC=contoso,DC=com DIAGBOT_LDAP_BIND_DN=svc-diagbot@contoso.com',
          'Meanwhile: ou "CN=Doe\\, Jane,OU=Engineers,DC=contoso,DC=com" works offline.',
        ],
        links: [
          {
            title: 'Enable LDAP over SSL on the domain controllers',
            url: 'https://learn.microsoft.com/en-us/troubleshoot/windows-server/active-directory/enable-ldap-over-ssl-3rd-certification-authority',
          },
        ],
      },
    },
    { missing: missing.map((m) => m.env) },
  );
}

/** The DC= RDNs at the root end: where `OU=<your OU>` goes in the suggested target path. */
function domainOf(dn: Dn): Dn {
  let i = dn.length;
  while (i > 0 && dnKind(dn.slice(i - 1)) === 'domain') i -= 1;
  return dn.slice(i);
}

function psQuote(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}
