import { readFile } from 'node:fs/promises';
import { connect as netConnect, type Socket } from 'node:net';
import type { ConnectionOptions, TLSSocket } from 'node:tls';
import type { Client } from 'ldapts';
import type { Logger } from '../core/command';
import { DiagError, isDiagError } from '../core/errors';
import { resolveChecked, type NetContext } from '../net/connect';
import { withDeadline } from '../net/deadline';
import { parseTarget } from '../net/target';
import { bindError, isConnectionFailure, unavailableError, type Endpoint } from './errors';
import { classifyUserName, userFilter, type FilterClasses, type LookupAttribute, type UserLookup } from './filter';
import type { DirectorySettings } from './settings';

/** One user entry as the directory holds it (facts only; the command reads the DN). */
export interface DirectoryUser {
  dn: string;
  displayName?: string;
  sAMAccountName?: string;
  userPrincipalName?: string;
  mail: string[];
  userAccountControl?: number;
  /** userAccountControl has ACCOUNTDISABLE (0x2). */
  disabled: boolean;
  /** Which attributes equal what was typed (case-insensitively). */
  matchedBy: LookupAttribute[];
}

export interface UserSearchResult {
  lookup: UserLookup;
  users: DirectoryUser[];
  /** The size limit cut the answer short: there may be more matches. */
  truncated: boolean;
  /** Continuation references the server returned (not chased). */
  referrals: number;
  server: Endpoint;
}

/** The directory port: found users by name over one reused, re-established-on-failure connection. */
export interface Directory {
  findUsers(name: string): Promise<UserSearchResult>;
  /** Unbinds and closes the connection; later calls reconnect. */
  close(): Promise<void>;
}

interface Session {
  client: Client;
  endpoint: Endpoint;
  /** The sockets ldapts opened, kept so closing always closes them (ldapts watches only the first for `close`). */
  transport: { raw?: Socket; secure?: TLSSocket };
  /** ldapts's filter classes, at hand once the module has loaded. */
  filters: FilterClasses;
}

/** Unbinds (bounded: a hung peer must not hold us up), then destroys the raw socket. */
/**
 * Bound and its sockets still open. After StartTLS, ldapts never notices the TLS socket closing (it watches
 * the plain one), so `isBound` alone would keep a dead session whose next request waits for a timeout.
 */
function usable(session: Session): boolean {
  return session.client.isBound && !session.transport.raw?.destroyed && !session.transport.secure?.destroyed;
}

async function closeSession(session: Session): Promise<void> {
  if (usable(session))
    await withDeadline('the LDAP unbind', 1000, () => session.client.unbind()).catch(() => undefined);
  // Destroying the sockets settles anything ldapts still waits for (its own timers included), even on a dead peer.
  session.transport.secure?.destroy();
  session.transport.raw?.destroy();
}

/**
 * What one entry with the attributes asked for may take on the wire, generously (an AD user with these six
 * attributes is 1-2 KB). A search may receive `sizeLimit + 1` of them; a server that sends more (ignoring the
 * size limit, or flooding) is cut off there: ldapts keeps every entry in memory until the search is done.
 */
const MAX_ENTRY_BYTES = 16 * 1024;
const RESPONSE_OVERHEAD_BYTES = 64 * 1024;

const ATTRIBUTES = [
  'distinguishedName',
  'userAccountControl',
  'displayName',
  'sAMAccountName',
  'userPrincipalName',
  'mail',
];
const ACCOUNTDISABLE = 0x2;

function first(value: unknown): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (typeof v === 'string') return v;
  return Buffer.isBuffer(v) ? v.toString('utf8') : undefined;
}

function all(value: unknown): string[] {
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list.map((v) => (Buffer.isBuffer(v) ? v.toString('utf8') : String(v)));
}

function toUser(entry: Record<string, unknown> & { dn: string }, lookup: UserLookup): DirectoryUser {
  const uacText = first(entry.userAccountControl);
  const uac = uacText !== undefined && /^-?\d+$/.test(uacText) ? Number(uacText) : undefined;
  const user: DirectoryUser = {
    dn: first(entry.distinguishedName) ?? entry.dn,
    displayName: first(entry.displayName),
    sAMAccountName: first(entry.sAMAccountName),
    userPrincipalName: first(entry.userPrincipalName),
    mail: all(entry.mail),
    userAccountControl: uac,
    disabled: uac !== undefined && (uac & ACCOUNTDISABLE) !== 0,
    matchedBy: [],
  };
  const wanted = lookup.value.toLowerCase();
  const has = (values: Array<string | undefined>): boolean => values.some((v) => v?.toLowerCase() === wanted);
  if (lookup.attributes.includes('sAMAccountName') && has([user.sAMAccountName])) user.matchedBy.push('sAMAccountName');
  if (lookup.attributes.includes('userPrincipalName') && has([user.userPrincipalName]))
    user.matchedBy.push('userPrincipalName');
  if (lookup.attributes.includes('mail') && has(user.mail)) user.matchedBy.push('mail');
  return user;
}

/**
 * The LDAP directory over ldapts 8: resolves the DC once per connection through the target policy,
 * connects to the checked address (the host name stays the TLS servername), binds with the service
 * account, and keeps that connection for later requests. A broken connection is dropped and the next
 * request (or one retry of a search that found the connection dead) opens a new one. Every step has a
 * deadline. ldapts is imported only when the first connection opens.
 */
export function createDirectory(settings: DirectorySettings, net: NetContext, log?: Logger): Directory {
  const secure = /^ldaps:/i.test(settings.url);
  let current: Session | undefined;
  let pending: Promise<Session> | undefined;
  let trusted: Promise<string[] | undefined> | undefined;
  let ldaptsModule: Promise<typeof import('ldapts')> | undefined;
  const loadLdapts = (): Promise<typeof import('ldapts')> => (ldaptsModule ??= import('ldapts'));

  const loadCas = (): Promise<string[] | undefined> => {
    trusted ??= (async () => {
      if (settings.caFiles.length === 0) return undefined;
      const pems = await Promise.all(
        settings.caFiles.map(async (file) => {
          try {
            return await readFile(file, 'utf8');
          } catch (error) {
            throw new DiagError(
              'ldap.unavailable',
              `Cannot read the CA file ${file} named in ldap.caFiles: ${(error as Error).message}.`,
              {
                fix: { summary: 'Fix the path in ldap.caFiles (a PEM file of the CA that issued the DC certificate).' },
              },
            );
          }
        }),
      );
      // `ca` replaces Node's bundled roots: keep them, and add the enterprise CA beside them.
      const { rootCertificates } = await import('node:tls');
      return [...rootCertificates, ...pems];
    })().catch((error: unknown) => {
      trusted = undefined;
      throw error;
    });
    return trusted;
  };

  async function connect(): Promise<Session> {
    const target = ldapTarget(settings.url, secure);
    const { address } = await resolveChecked(target.host, net);
    const endpoint: Endpoint = { url: `${secure ? 'ldaps' : 'ldap'}://${target.host}:${target.port}`, address };
    const [ldapts, tls] = await Promise.all([loadLdapts(), import('node:tls')]);
    const tlsOptions: ConnectionOptions = {
      ca: await loadCas(),
      minVersion: 'TLSv1.2',
      // Connect to the checked address but verify the certificate against the configured name.
      ...(target.isIp ? { host: address } : { servername: target.host }),
    };
    const hostInUrl = address.includes(':') ? `[${address}]` : address;
    const transport: Session['transport'] = {};
    // ldapts calls this with (port, host) for ldap:// URLs; the cast only narrows net.connect's overloads to that one.
    const createConnection = ((port: number, host: string): Socket => {
      transport.raw = netConnect(port, host);
      return transport.raw;
    }) as unknown as typeof netConnect;
    // Called as (port, host, options) for ldaps:// and as (options) for StartTLS.
    const createSecureConnection = ((...args: [number, string, ConnectionOptions] | [ConnectionOptions]): TLSSocket => {
      transport.secure = args.length === 1 ? tls.connect(args[0]) : tls.connect(args[0], args[1], args[2]);
      return transport.secure;
    }) as unknown as typeof tls.connect;
    const client = new ldapts.Client({
      url: `${secure ? 'ldaps' : 'ldap'}://${hostInUrl}:${target.port}`,
      timeout: net.timeouts.stepMs,
      connectTimeout: net.timeouts.connectMs,
      tlsOptions: secure ? tlsOptions : undefined,
      createConnection,
      createSecureConnection,
    });
    const { AndFilter, OrFilter, EqualityFilter } = ldapts;
    const session: Session = { client, endpoint, transport, filters: { AndFilter, OrFilter, EqualityFilter } };
    let step = `the connection to ${endpoint.url}`;
    // ldapts's own per-operation timeout (stepMs) usually fires before the outer deadline: a timeout is
    // reported with the time actually waited, not the outer budget.
    let began = performance.now();
    try {
      if (settings.startTls && !secure) {
        step = `StartTLS with ${endpoint.url}`;
        await withDeadline(step, net.timeouts.connectMs + net.timeouts.stepMs, () =>
          client.startTLS({ ...tlsOptions }),
        );
      }
      step = `the LDAP bind to ${endpoint.url} as ${settings.bindDn}`;
      began = performance.now();
      await withDeadline(step, net.timeouts.connectMs + net.timeouts.stepMs, () =>
        client.bind(settings.bindDn, settings.password),
      );
    } catch (error) {
      drop(session);
      const resultCode = (error as { code?: unknown }).code;
      if (typeof resultCode === 'number' && step.startsWith('the LDAP bind'))
        throw bindError(error, settings.bindDn, endpoint);
      throw unavailableError(error, step, endpoint, Math.round(performance.now() - began));
    }
    log?.debug({ ldap: endpoint.url, address }, 'directory connection bound');
    return session;
  }

  function drop(session: Session): void {
    if (current === session) current = undefined;
    void closeSession(session);
  }

  async function open(): Promise<{ session: Session; reused: boolean }> {
    if (current && usable(current)) return { session: current, reused: true };
    if (current) drop(current);
    pending ??= connect()
      .then((session) => {
        current = session;
        return session;
      })
      .finally(() => {
        pending = undefined;
      });
    return { session: await pending, reused: false };
  }

  async function search(session: Session, lookup: UserLookup): Promise<UserSearchResult> {
    const step = `the LDAP search for ${lookup.attributes.join(' or ')} = ${lookup.value.slice(0, 80)}`;
    const budget = (settings.sizeLimit + 1) * MAX_ENTRY_BYTES + RESPONSE_OVERHEAD_BYTES;
    const socket = session.transport.secure ?? session.transport.raw;
    const flood = { received: 0, cut: false };
    const count = (chunk: Buffer): void => {
      flood.received += chunk.length;
      if (flood.received <= budget || flood.cut) return;
      flood.cut = true;
      socket?.destroy();
    };
    socket?.on('data', count);
    try {
      const { entries, referrals } = await withDeadline(step, net.timeouts.stepMs, async () => {
        // One more than the limit tells "exactly the limit" from "more".
        const options = {
          scope: 'sub' as const,
          filter: userFilter(session.filters, lookup),
          attributes: ATTRIBUTES,
          sizeLimit: settings.sizeLimit + 1,
          timeLimit: Math.max(1, Math.ceil(net.timeouts.stepMs / 1000)),
          derefAliases: 'never' as const,
        };
        // Paging costs a round trip more (servers hand back a cookie even for one page): page only when the
        // answer may be longer than a page, which is when paging is needed (AD caps unpaged answers at MaxPageSize).
        if (options.sizeLimit <= settings.pageSize) {
          const result = await session.client.search(settings.baseDn, options);
          return { entries: result.searchEntries, referrals: result.searchReferences.length };
        }
        const found: Array<Record<string, unknown> & { dn: string }> = [];
        let refs = 0;
        const pages = session.client.searchPaginated(settings.baseDn, {
          ...options,
          paged: { pageSize: settings.pageSize },
        });
        // Not every server applies sizeLimit to a paged search (Samba does not): stop reading pages here too.
        for await (const page of pages) {
          found.push(...page.searchEntries);
          refs += page.searchReferences.length;
          if (found.length > settings.sizeLimit) break;
        }
        return { entries: found, referrals: refs };
      });
      const users = entries.slice(0, settings.sizeLimit).map((entry) => toUser(entry, lookup));
      return { lookup, users, truncated: entries.length > settings.sizeLimit, referrals, server: session.endpoint };
    } catch (error) {
      if (flood.cut) {
        drop(session);
        throw new DiagError(
          'ldap.unavailable',
          `The directory at ${session.endpoint.url} sent more than ${settings.sizeLimit} entries' worth of data (over ${Math.round(budget / 1024)} KiB) for one search, beyond ldap.sizeLimit; diagbot stopped reading.`,
          {
            cause: error,
            fix: {
              summary:
                'Check that ldap.url points at a domain controller, and that it honours the size limit of a search.',
            },
            data: { step, sizeLimit: settings.sizeLimit },
          },
        );
      }
      if (isConnectionFailure(error)) {
        drop(session);
        throw unavailableError(error, step, session.endpoint, net.timeouts.stepMs);
      }
      throw searchError(error, settings.baseDn, session.endpoint);
    } finally {
      socket?.off('data', count);
    }
  }

  return {
    async findUsers(name) {
      const lookup = classifyUserName(name);
      const { session, reused } = await open();
      try {
        return await search(session, lookup);
      } catch (error) {
        // A reused connection may have died while idle (DC restart, idle timeout): try once on a new one.
        const retry = reused && isDiagError(error, 'ldap.unavailable');
        if (!retry) throw error;
        log?.debug({ ldap: session.endpoint.url }, 'directory connection lost; reconnecting');
        return search((await open()).session, lookup);
      }
    },
    async close() {
      const session = current;
      current = undefined;
      if (session) await closeSession(session);
    },
  };
}

function ldapTarget(url: string, secure: boolean): ReturnType<typeof parseTarget> {
  try {
    return parseTarget(url, secure ? 636 : 389, 'ldaps://dc1.contoso.local');
  } catch (error) {
    throw new DiagError(
      'ldap.unavailable',
      `ldap.url \`${url.slice(0, 200)}\` is not a usable LDAP URL: ${(error as Error).message}`,
      {
        cause: error,
        fix: { summary: 'Set ldap.url (DIAGBOT_LDAP_URL) to ldaps://<dc host>[:636] or ldap://<dc host>[:389].' },
      },
    );
  }
}

function searchError(error: unknown, baseDn: string, endpoint: Endpoint): DiagError {
  const { code, message } = error as { code?: unknown; message?: string };
  const noBase = code === 32;
  return new DiagError(
    'ldap.unavailable',
    noBase
      ? `The search base ${baseDn} does not exist on ${endpoint.url}.`
      : `The directory at ${endpoint.url} refused the search (LDAP result ${String(code)}: ${(message ?? '').split('\n')[0]}).`,
    {
      cause: error,
      fix: {
        summary: noBase
          ? "Set ldap.baseDn to the domain's DN, e.g. DC=contoso,DC=com (Get-ADDomain shows it as DistinguishedName)."
          : 'Check that the service account may read users under ldap.baseDn.',
        links: [
          {
            title: 'Get-ADDomain',
            url: 'https://learn.microsoft.com/en-us/powershell/module/activedirectory/get-addomain',
          },
        ],
      },
      data: { resultCode: typeof code === 'number' ? code : undefined },
    },
  );
}
