import { readFileSync } from 'node:fs';
import { AndFilter, Client, EqualityFilter, OrFilter } from 'ldapts';
import { createOuCommand } from '../commands/ou';
import { parseConfig } from '../src/config/load';
import type { Logger } from '../src/core/command';
import { createRouter } from '../src/core/router';
import { createDirectory } from '../src/directory/client';
import { classifyUserName, userFilter } from '../src/directory/filter';
import { parseDn } from '../src/dn';
import { createTargetPolicy } from '../src/net/policy';
import { tableResolver } from '../src/net/resolver';
import { DOMAIN, SERVICE_ACCOUNT, sambaMissing, startSamba } from '../test/helpers/samba';
import { median, percentile, report } from './stats';

/*
 * `ou`: DN parses per second (target ≥ 500,000/s) against the founding case's cut-at-",OU=" as a baseline,
 * and lookups per second through diagbot (router → command → directory, one reused LDAPS connection)
 * against a bare ldapts search with the same filter and options on its own reused connection (target ≤ 1.2× the time).
 * The directory is a private Samba AD DC on 127.0.0.9; loops are bounded in count.
 */

const TYPICAL_DNS = [
  'CN=Clint Boessen,OU=Microsoft MVPs,OU=Engineers,OU=IT Professionals,DC=4Logic,DC=local',
  'CN=Clint Boessen,CN=Users,DC=4Logic,DC=local',
  'CN=Doe\\, Jane,OU=Engineers,OU=IT Professionals,DC=contoso,DC=local',
  'CN=\\#Zo\\C3\\AB O\\+Brien,OU=Service Desk,DC=contoso,DC=local',
  'CN=Minh Nguyen,OU=Perth,OU=Branches,OU=Australia,OU=APAC,OU=Regions,DC=contoso,DC=com',
];

/** What the founding VBScript did: cut at the first ",ou=" (wrong for escaped commas and containers). */
function naiveParent(dn: string): string {
  const at = dn.toLowerCase().indexOf(',ou=');
  return at === -1 ? dn.slice(dn.toLowerCase().indexOf(',cn=') + 1) : dn.slice(at + 1);
}

function perSecond(work: (dn: string) => unknown, iterations: number): number {
  let sink = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i += 1) {
    const out = work(TYPICAL_DNS[i % TYPICAL_DNS.length] as string);
    if (out) sink += 1;
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (sink === -1) console.log(sink);
  return iterations / seconds;
}

function dnBench(): void {
  const iterations = 200_000;
  perSecond(parseDn, iterations);
  perSecond(naiveParent, iterations);
  const parses: number[] = [];
  const naive: number[] = [];
  for (let round = 0; round < 7; round += 1) {
    parses.push(perSecond(parseDn, iterations));
    naive.push(perSecond(naiveParent, iterations));
  }
  report('ou', 'naive cut at ",OU=" (baseline, median)', median(naive), 'ops/s');
  report('ou', 'parseDn, typical DNs (median; target >= 500000)', median(parses), 'ops/s');
  report('ou', 'parseDn time / naive cut time', median(naive) / median(parses), 'x');
}

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };

async function lookupBench(): Promise<void> {
  const missing = sambaMissing();
  if (missing) {
    console.log(`ou           lookups skipped: ${missing}`);
    return;
  }
  const address = '127.0.0.9';
  const samba = await startSamba({ address });
  const ca = readFileSync(samba.caFile, 'utf8');
  const net = {
    policy: createTargetPolicy({ allow: ['127.0.0.0/8'], deny: [] }),
    resolver: tableResolver({ [DOMAIN.host]: [address] }),
    timeouts: { connectMs: 5000, stepMs: 10_000 },
  };
  const settings = {
    url: `ldaps://${DOMAIN.host}`,
    baseDn: DOMAIN.baseDn,
    bindDn: SERVICE_ACCOUNT.upn,
    password: SERVICE_ACCOUNT.password,
    caFiles: [samba.caFile],
    startTls: false,
    sizeLimit: 50,
    pageSize: 500,
  };
  const directory = createDirectory(settings, net);
  const config = parseConfig({ ldap: { url: settings.url, baseDn: settings.baseDn, bindDn: settings.bindDn } });
  const router = createRouter({ commands: [createOuCommand({ config, directory })], log: silent });
  const bare = new Client({
    url: `ldaps://${address}:636`,
    timeout: 10_000,
    tlsOptions: { ca: [ca], servername: DOMAIN.host },
  });
  try {
    await bare.bind(SERVICE_ACCOUNT.upn, SERVICE_ACCOUNT.password);
    const lookup = classifyUserName('cboessen');
    const viaDiagbot = async (): Promise<void> => {
      const reply = await router.handle({
        platform: 'cli',
        door: 'terminal',
        userId: 'bench',
        channelId: 'bench',
        rawText: 'ou cboessen',
        text: 'ou cboessen',
      });
      if (reply.status !== 'ok') throw new Error(`ou cboessen answered ${reply.status}: ${reply.title}`);
    };
    const viaLdapts = async (): Promise<void> => {
      const { searchEntries } = await bare.search(DOMAIN.baseDn, {
        scope: 'sub',
        filter: userFilter({ AndFilter, OrFilter, EqualityFilter }, lookup),
        sizeLimit: 51,
        attributes: [
          'distinguishedName',
          'userAccountControl',
          'displayName',
          'sAMAccountName',
          'userPrincipalName',
          'mail',
        ],
        derefAliases: 'never',
      });
      if (searchEntries.length !== 1) throw new Error('bare search found no single entry');
    };
    const timed = async (work: () => Promise<void>): Promise<number> => {
      const start = process.hrtime.bigint();
      await work();
      return Number(process.hrtime.bigint() - start) / 1e3;
    };
    for (let i = 0; i < 100; i += 1) {
      await viaDiagbot();
      await viaLdapts();
    }
    const viaEngine = async (): Promise<void> => {
      if ((await directory.findUsers('cboessen')).users.length !== 1)
        throw new Error('the directory found no single entry');
    };
    // Interleaved call by call, so load from anything else on the machine falls on all three alike.
    const ours: number[] = [];
    const engine: number[] = [];
    const theirs: number[] = [];
    for (let i = 0; i < 2000; i += 1) {
      theirs.push(await timed(viaLdapts));
      engine.push(await timed(viaEngine));
      ours.push(await timed(viaDiagbot));
    }
    report('ou', 'Samba provision+populate (this run; 0 = cached)', samba.timings.provisionMs ?? 0, 'ms');
    report('ou', 'Samba copy + start until LDAP answers', samba.timings.copyMs + samba.timings.startMs, 'ms');
    report('ou', 'bare ldapts search, reused LDAPS (baseline)', 1e6 / median(theirs), 'lookups/s');
    report('ou', 'directory engine findUsers, reused LDAPS', 1e6 / median(engine), 'lookups/s');
    report('ou', 'diagbot `ou cboessen`, reused LDAPS', 1e6 / median(ours), 'lookups/s');
    report('ou', 'bare ldapts p95 latency', percentile(theirs, 95), 'us');
    report('ou', 'diagbot p95 latency', percentile(ours, 95), 'us');
    report('ou', 'time ratio engine / bare, median', median(engine) / median(theirs), 'x');
    report('ou', 'time ratio diagbot / bare, median (target <= 1.2x)', median(ours) / median(theirs), 'x');
  } finally {
    await bare.unbind().catch(() => undefined);
    await directory.close();
    await samba.stop();
  }
}

export async function run(): Promise<void> {
  dnBench();
  await lookupBench();
}
