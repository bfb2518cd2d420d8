import { z } from 'zod';
import type { Command } from '../src/core/command';
import type { CommandTarget } from '../src/core/target';
import { parseTarget } from '../src/net/target';
import { DiagError, usageError } from '../src/core/errors';
import { errorReply, makeReply, type Fact, type Finding, type Reply } from '../src/core/reply';
import { fill, linksNamed } from '../src/core/template';
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
import type { OuTexts } from './ou/texts';

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
  function placement(
    texts: OuTexts,
    input: string,
    dn: Dn,
    source: 'ldap' | 'parsed',
    user?: DirectoryUser,
    server?: string,
  ): Reply {
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
    const t = texts.findings;
    const who = user?.sAMAccountName ? fill(t['ou.found'].who, { name, account: user.sAMAccountName }) : name;
    const values = { name, parent: parentText, path };
    const findings: Finding[] = [
      {
        id: 'ou.found',
        severity: 'ok',
        message: fill(t['ou.found'].message[kind === 'domain' ? 'domainRoot' : 'inside'], {
          ...values,
          who,
          kind: texts.kind[kind],
        }),
      },
    ];
    if (kind === 'container') {
      const top = parent[0]?.[0];
      const isUsers =
        top !== undefined &&
        attributeName(top.type) === 'cn' &&
        top.value.toLowerCase() === 'users' &&
        dnKind(parent.slice(1)) === 'domain';
      const { message, fix } = t['ou.default-container'];
      const domain = formatDn(domainOf(parent));
      findings.push({
        id: 'ou.default-container',
        severity: 'warn',
        message: fill(message, values),
        fix: {
          summary: fix.summary,
          steps: [
            `Move-ADObject -Identity ${psQuote(dnText)} -TargetPath ${psQuote(`OU=<your OU>,${domain}`)}`,
            fill(isUsers ? fix.users : fix.other, { ...values, domain }),
          ],
          links: linksNamed(texts.links, fix.links),
        },
      });
    }
    if (user?.disabled) {
      const { message, fix } = t['ou.disabled'];
      findings.push({
        id: 'ou.disabled',
        severity: 'warn',
        message: fill(message, { userAccountControl: String(user.userAccountControl) }),
        fix: {
          summary: fix.summary,
          steps: [`Enable-ADAccount -Identity ${psQuote(dnText)}`],
          links: linksNamed(texts.links, fix.links),
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
      title: fill(texts.title[kind === 'container' ? 'container' : 'found'], values),
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

  function notFound(texts: OuTexts, result: UserSearchResult): Reply {
    const { lookup } = result;
    const { baseDn } = deps.config.ldap;
    const { message, fix } = texts.findings['ou.not-found'];
    return makeReply({
      command: 'ou',
      title: fill(texts.title.notFound, { value: lookup.value, baseDn: baseDn ?? texts.title.noBaseDn }),
      findings: [
        {
          id: 'ou.not-found',
          severity: 'fail',
          message: fill(message, {
            baseDn: String(baseDn),
            by: lookup.attributes.join(' or '),
            value: lookup.value,
          }),
          fix: {
            summary: fix.summary,
            steps: [
              fix.tryAnother[lookup.attributes.includes('sAMAccountName') ? 'sAMAccountName' : 'other'],
              fill(fix.search, { value: lookup.value.replace(/'/g, "''").slice(0, 80) }),
              fix.referrals,
            ],
            links: linksNamed(texts.links, fix.links),
          },
        },
      ],
      data: { input: lookup.input, source: 'ldap', matches: [], server: result.server.url },
    });
  }

  function ambiguous(texts: OuTexts, result: UserSearchResult): Reply {
    const { lookup, users } = result;
    const dns = users.map((u) => u.dn);
    const count = `${users.length}${result.truncated ? '+' : ''}`;
    const t = texts.findings['ou.ambiguous'];
    return makeReply({
      command: 'ou',
      title: fill(texts.title.ambiguous, { count, value: lookup.value }),
      findings: [
        {
          id: 'ou.ambiguous',
          severity: 'warn',
          message: fill(t.message, {
            count,
            value: lookup.value,
            truncated: result.truncated ? fill(t.truncated, { shown: users.length }) : '',
            users: users
              .map((u) => fill(t.user, { dn: u.dn, matchedBy: u.matchedBy.join(', ') || t.matched }))
              .join('; '),
          }),
          fix: {
            summary: t.fix.summary,
            steps: users.slice(0, 10).map((u) => `ou ${u.sAMAccountName ?? quoteDn(u.dn)}`),
            links: linksNamed(texts.links, t.fix.links),
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
      // The texts load with the first run, so `help` never reads them.
      const texts = await (await import('./ou/texts')).loadOuTexts();
      if (DN_START.test(input)) return placement(texts, input, parseOrExplain(input), 'parsed');
      const name = input.trim();
      if (!/[\p{L}\p{N}]/u.test(name)) {
        throw usageError(
          `\`${input.slice(0, 40)}\` is neither a user name nor a DN: a name has letters or digits, a DN looks like CN=…,OU=…,DC=….`,
          EXAMPLE,
        );
      }
      if (!deps.directory) return notConfigured(deps, texts);
      const result = await deps.directory.findUsers(name);
      if (result.users.length === 0) return notFound(texts, result);
      if (result.users.length > 1) return ambiguous(texts, result);
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
      return placement(texts, name, dn, 'ldap', user, result.server.url);
    },
  };
}

function notConfigured(deps: OuDeps, texts: OuTexts): Reply {
  const missing = missingDirectorySettings(deps.config.ldap);
  const list = missing.map((m) => (m.key.startsWith('(') ? m.env : `${m.key} (${m.env})`)).join(', ');
  const { message, fix } = texts.findings['ldap.unavailable'];
  return errorReply(
    'ou',
    {
      id: 'ldap.unavailable',
      severity: 'error',
      message: missing.length > 0 ? fill(message.missing, { missing: list }) : message.notGiven,
      fix: {
        summary: fix.summary,
        steps: [
          // A key in parentheses is read only from the environment (the bind password).
          ...missing.map((m) => fill(m.key.startsWith('(') ? fix.secret : fix.setting, { env: m.env, key: m.key })),
          ...fix.steps,
        ],
        links: linksNamed(texts.links, fix.links),
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
