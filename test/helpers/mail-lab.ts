import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { Socket } from 'node:net';
import { createSecureContext } from 'node:tls';
import { startDnsLab, type DnsLab, type ZoneRecord, type ZoneSpec } from './dns-lab';
import { createLeaf, createRoot, generateKey, writePems, type Issued } from './pki';
import { ensureLoopbackAddresses, freePort, startPostfix, type PostfixInstance } from './postfix';

/**
 * The mail lab: domains described once (`SCENARIOS`), built for any set of names (`NameSet`) into
 * zones, certificates, Postfix MX hosts on 127.0.25.x:25 and an HTTPS server for MTA-STS policies on
 * 127.0.44.1:443 — so a second set of names must get the same verdicts as the first.
 *
 * Each domain gets a sound posture by default (two-lookup SPF, DMARC reject, TLS-RPT, MTA-STS enforce
 * covering its MX, a 2048-bit DKIM key at selector1, matching TLSA in a signed zone); a scenario
 * changes one thing and names the finding ids (warn or worse) it must produce — no others.
 */

/** Which MX server a host name points at (each is one Postfix instance, or an address nothing serves). */
export type ServerKind = 'good' | 'good2' | 'expired' | 'wrong-name' | 'plain' | 'expiring' | 'metadata';
const SERVER_ADDRESS: Record<ServerKind, string> = {
  good: '127.0.25.1',
  good2: '127.0.25.2',
  expired: '127.0.25.3',
  'wrong-name': '127.0.25.4',
  plain: '127.0.25.5',
  expiring: '127.0.25.6',
  metadata: '169.254.169.254',
};
export const MTA_STS_ADDRESS = '127.0.44.1';

export interface HostSpec {
  /** Label of the host name (the set may prefix it). */
  label: string;
  server: ServerKind;
  zone?: 'signed' | 'unsigned' | 'bogus';
  tlsa?: 'match' | 'mismatch' | 'none';
  /** Published as a CNAME to this host label instead of its own A record. */
  cnameTo?: string;
}

export interface Scenario {
  label: string;
  /** MX hosts by label; `null` = null MX; `[]` = no MX (with `implicit`, the domain's own A record). */
  mx?: HostSpec[] | null;
  implicit?: ServerKind;
  spf?: string[];
  dmarc?: string[];
  tlsRpt?: string[];
  mtaSts?: { txt?: string | null; policy?: string | 404; badCertificate?: boolean; mx?: string[] };
  dkim?: Record<string, string>;
  /** Extra records; `{d}` is the domain, `{s}` the signed zone, `{u}` the unsigned zone, `{b}` the bogus zone. */
  extra?: ZoneRecord[];
  /** The finding ids (severity warn or worse) the check must produce, and no others. */
  problems: string[];
  /** Finding ids (any severity) that must also be present. */
  present?: string[];
  /** Selectors to pass with --selector. */
  selectors?: string[];
}

const GOOD_HOSTS: HostSpec[] = [
  { label: 'mx-a', server: 'good' },
  { label: 'mx-b', server: 'good2' },
];

/** The domains of the lab; labels are relative to the name set. */
export const SCENARIOS: Scenario[] = [
  { label: 'good', problems: [] },
  {
    label: 'spf-lookups',
    spf: ['v=spf1 include:i1.{d} include:i2.{d} include:i3.{d} include:i4.{d} mx -all'],
    extra: [1, 2, 3, 4].map((i): ZoneRecord => [
      `i${i}.{d}`,
      'TXT',
      'v=spf1 a:mta-sts.{d} mx:{d} exists:mta-sts.{d} -all',
    ]),
    problems: ['mail.spf.too-many-lookups'],
  },
  // Larger than the 1232-byte EDNS payload: the resolver truncates the UDP answer and the client asks again over TCP.
  {
    label: 'spf-large',
    spf: [
      `v=spf1 ${Array.from({ length: 90 }, (_v, i) => `ip4:198.51.${Math.floor(i / 2)}.${(i % 2) * 128}/25`).join(' ')} mx -all`,
    ],
    problems: [],
  },
  { label: 'spf-plus-all', spf: ['v=spf1 mx +all'], problems: ['mail.spf.permissive'] },
  { label: 'spf-two', spf: ['v=spf1 mx -all', 'v=spf1 ip4:192.0.2.1 -all'], problems: ['mail.spf.multiple'] },
  { label: 'spf-void', spf: ['v=spf1 a:gone1.{d} a:gone2.{d} mx:gone3.{d} -all'], problems: ['mail.spf.void-lookups'] },
  { label: 'dmarc-none', dmarc: ['v=DMARC1; p=none; rua=mailto:dmarc@{d}'], problems: ['mail.dmarc.none'] },
  { label: 'dmarc-missing', dmarc: [], problems: ['mail.dmarc.missing'] },
  { label: 'dmarc-invalid', dmarc: ['v=DMARC1; p=block; pct=150'], problems: ['mail.dmarc.invalid'] },
  {
    label: 'dmarc-external',
    dmarc: ['v=DMARC1; p=reject; rua=mailto:agg@reports.{u}'],
    problems: ['mail.dmarc.external-rua-unauthorized'],
  },
  {
    label: 'dmarc-external-ok',
    dmarc: ['v=DMARC1; p=reject; rua=mailto:agg@reports.{u}'],
    extra: [['{d}._report._dmarc.reports.{u}', 'TXT', 'v=DMARC1']],
    problems: [],
  },
  // _dmarc is an alias into the bogus zone: the resolver answers SERVFAIL, which is "not checked", never "missing".
  {
    label: 'dmarc-unanswered',
    dmarc: [],
    extra: [
      ['_dmarc.{d}', 'CNAME', 'dmarc-{d}.{b}.'],
      ['dmarc-{d}.{b}', 'TXT', 'v=DMARC1; p=reject'],
    ],
    problems: ['net.dns'],
  },
  { label: 'dkim-weak', dkim: { selector1: 'rsa1024' }, problems: ['mail.dkim.weak-key'] },
  { label: 'dkim-revoked', dkim: { selector1: 'v=DKIM1; k=rsa; p=' }, problems: ['mail.dkim.revoked'] },
  { label: 'dkim-named', dkim: { s2026: 'rsa2048' }, selectors: ['s2026', 'gone'], problems: ['mail.dkim.missing'] },
  { label: 'sts-testing', mtaSts: { policy: 'testing' }, problems: ['mail.mta-sts.testing'] },
  { label: 'sts-uncovered', mtaSts: { mx: ['mx-a'] }, problems: ['mail.mta-sts.mx-not-covered'] },
  { label: 'sts-bad-cert', mtaSts: { badCertificate: true }, problems: ['mail.mta-sts.policy-unreachable'] },
  { label: 'sts-no-policy', mtaSts: { policy: 404 }, problems: ['mail.mta-sts.policy-unreachable'] },
  { label: 'sts-none', mtaSts: { txt: null }, problems: [], present: ['mail.mta-sts.missing'] },
  { label: 'rpt-bad', tlsRpt: ['v=TLSRPTv1; rua=ftp://reports.{d}'], problems: ['mail.tls-rpt.invalid'] },
  {
    label: 'tlsa-mismatch',
    mx: [{ label: 'mx-stale', server: 'good', tlsa: 'mismatch' }],
    problems: ['mail.dane.mismatch'],
  },
  {
    label: 'tlsa-unsigned',
    mx: [{ label: 'mx-plain-zone', server: 'good', zone: 'unsigned' }],
    problems: ['mail.dane.unsigned'],
  },
  {
    label: 'tlsa-bogus',
    mx: [{ label: 'mx-bogus-zone', server: 'good', zone: 'bogus' }],
    problems: ['mail.dane.bogus'],
  },
  {
    label: 'tlsa-rollover',
    mx: [{ label: 'mx-renewing', server: 'expiring' }],
    problems: ['mail.starttls.cert', 'mail.dane.rollover'],
  },
  { label: 'mx-expired', mx: [{ label: 'mx-old', server: 'expired' }], problems: ['mail.starttls.cert'] },
  { label: 'mx-wrong-name', mx: [{ label: 'mx-misnamed', server: 'wrong-name' }], problems: ['mail.starttls.cert'] },
  { label: 'mx-no-starttls', mx: [{ label: 'mx-clear', server: 'plain' }], problems: ['mail.starttls.missing'] },
  { label: 'mx-null', mx: null, spf: ['v=spf1 -all'], mtaSts: { txt: null }, problems: [], present: ['mail.mx.null'] },
  {
    label: 'mx-cname',
    mx: [{ label: 'mx-alias', server: 'good', cnameTo: 'mx-a' }],
    mtaSts: { mx: ['mx-alias'] },
    problems: ['mail.mx.cname'],
  },
  { label: 'mx-none', mx: [], spf: ['v=spf1 -all'], mtaSts: { txt: null }, problems: ['mail.mx.none'] },
  { label: 'mx-implicit', mx: [], implicit: 'good', spf: ['v=spf1 a -all'], problems: ['mail.mx.implicit'] },
  {
    label: 'mx-hostile',
    mx: [
      { label: 'mx-evil', server: 'metadata', tlsa: 'none' },
      { label: 'mx-a', server: 'good' },
    ],
    problems: ['policy.denied'],
  },
];

/** The names one run of the lab uses: the zones and a prefix for every label. */
export interface NameSet {
  signed: string;
  unsigned: string;
  bogus: string;
  prefix: string;
}

export const NAME_SETS: Record<'alpha' | 'bravo', NameSet> = {
  alpha: { signed: 'alpha.lab', unsigned: 'alpha-plain.lab', bogus: 'alpha-bogus.lab', prefix: '' },
  bravo: {
    signed: 'mail.bravo-corp.example',
    unsigned: 'bravo-insecure.example',
    bogus: 'broken.bravo-corp-dnssec.example',
    prefix: 'b7-',
  },
};

export function domainOf(set: NameSet, label: string): string {
  return `${set.prefix}${label}.${set.signed}`;
}

function hostName(set: NameSet, host: HostSpec): string {
  const zone = host.zone === 'unsigned' ? set.unsigned : host.zone === 'bogus' ? set.bogus : set.signed;
  return `${set.prefix}${host.label}.${zone}`;
}

export interface MailLab {
  dns: DnsLab;
  caFile: string;
  /** The config slice a test or benchmark gives diagbot. */
  config: { dnsServers: string[]; allow: string[]; extraCaFiles: string[] };
  domains: Map<string, { set: NameSet; scenario: Scenario; domain: string }>;
  /** Replaces the MTA-STS policy served for a domain (a change between two digest runs). */
  setPolicy(domain: string, policy: string | 404): void;
  stop(): Promise<void>;
}

const dkimKey = (bits: number): string =>
  generateKeyPairSync('rsa', { modulusLength: bits })
    .publicKey.export({ type: 'spki', format: 'der' })
    .toString('base64');

/** Builds and starts the lab for the name sets and scenarios given (by default both sets, every scenario). */
export async function startMailLab(
  sets: readonly NameSet[] = Object.values(NAME_SETS),
  scenarios: readonly Scenario[] = SCENARIOS,
): Promise<MailLab> {
  const root = createRoot('Diagbot Mail Lab Root');
  const { paths } = writePems({ 'root.pem': root.certPem });
  const rsa2048 = dkimKey(2048);
  const rsa1024 = dkimKey(1024);

  // Which names each server must carry, and each host's records (TLSA needs the certificate first).
  const serverNames = new Map<ServerKind, Set<string>>();
  const hosts: Array<{ set: NameSet; spec: HostSpec; name: string; domain: string }> = [];
  const stsNames: Array<{ name: string; policy: string | 404; bad: boolean }> = [];
  for (const set of sets) {
    for (const scenario of scenarios) {
      const domain = domainOf(set, scenario.label);
      const mx = scenario.mx === undefined ? GOOD_HOSTS : (scenario.mx ?? []);
      for (const spec of mx) {
        const name = hostName(set, spec);
        hosts.push({ set, spec, name, domain });
        const target = spec.cnameTo ? hostName(set, { ...spec, label: spec.cnameTo }) : name;
        if (!serverNames.has(spec.server)) serverNames.set(spec.server, new Set());
        serverNames.get(spec.server)?.add(target).add(name);
      }
      if (scenario.implicit) {
        if (!serverNames.has(scenario.implicit)) serverNames.set(scenario.implicit, new Set());
        serverNames.get(scenario.implicit)?.add(domain);
      }
    }
  }

  const now = Date.now();
  const certs = new Map<ServerKind, Issued>();
  for (const [kind, names] of serverNames) {
    if (kind === 'metadata') continue;
    const dns = kind === 'wrong-name' ? ['somewhere-else.invalid'] : [...names];
    const dates =
      kind === 'expired'
        ? { notBefore: new Date(now - 400 * 86_400_000), notAfter: new Date(now - 5 * 86_400_000) }
        : kind === 'expiring'
          ? { notBefore: new Date(now - 80 * 86_400_000), notAfter: new Date(now + 10 * 86_400_000) }
          : { validDays: 90 };
    certs.set(kind, createLeaf(root, { dns, key: generateKey({ type: 'ec' }, true), ...dates }));
  }
  const spkiSha256 = (cert: Issued): string =>
    createHash('sha256')
      .update(cert.x509.publicKey.export({ type: 'spki', format: 'der' }))
      .digest('hex');

  const zones = new Map<string, ZoneSpec>();
  for (const set of sets) {
    zones.set(set.signed, { origin: set.signed, records: [], dnssec: 'valid' });
    zones.set(set.unsigned, { origin: set.unsigned, records: [], dnssec: 'none' });
    zones.set(set.bogus, { origin: set.bogus, records: [], dnssec: 'bogus' });
  }
  const zoneOf = (name: string): ZoneSpec =>
    [...zones.values()]
      .filter((z) => name === z.origin || name.endsWith(`.${z.origin}`))
      .sort((a, b) => b.origin.length - a.origin.length)[0] as ZoneSpec;
  const add = (owner: string, type: string, rdata: string): void => {
    zoneOf(owner).records.push([owner, type, rdata]);
  };
  const seenHosts = new Set<string>();
  for (const { set, spec, name } of hosts) {
    if (seenHosts.has(name)) continue;
    seenHosts.add(name);
    if (spec.cnameTo) {
      add(name, 'CNAME', `${hostName(set, { ...spec, label: spec.cnameTo })}.`);
      continue;
    }
    add(name, 'A', SERVER_ADDRESS[spec.server]);
    const cert = certs.get(spec.server);
    const tlsa = spec.tlsa ?? 'match';
    if (cert && tlsa !== 'none')
      add(`_25._tcp.${name}`, 'TLSA', `3 1 1 ${tlsa === 'match' ? spkiSha256(cert) : randomBytes(32).toString('hex')}`);
  }

  for (const set of sets) {
    add(`reports.${set.unsigned}`, 'A', '192.0.2.25');
    for (const scenario of scenarios) {
      const d = domainOf(set, scenario.label);
      const fill = (text: string): string =>
        text
          .replace(/\{d\}/g, d)
          .replace(/\{s\}/g, set.signed)
          .replace(/\{u\}/g, set.unsigned)
          .replace(/\{b\}/g, set.bogus);
      const mx = scenario.mx === undefined ? GOOD_HOSTS : scenario.mx;
      if (mx === null) add(d, 'MX', '0 .');
      else mx.forEach((spec, i) => add(d, 'MX', `${(i + 1) * 10} ${hostName(set, spec)}.`));
      if (scenario.implicit) add(d, 'A', SERVER_ADDRESS[scenario.implicit]);
      for (const spf of scenario.spf ?? ['v=spf1 mx include:spf.{d} -all']) add(d, 'TXT', fill(spf));
      if (scenario.spf === undefined) add(`spf.${d}`, 'TXT', 'v=spf1 ip4:192.0.2.0/24 -all');
      for (const dmarc of scenario.dmarc ?? ['v=DMARC1; p=reject; rua=mailto:dmarc@{d}'])
        add(`_dmarc.${d}`, 'TXT', fill(dmarc));
      for (const rpt of scenario.tlsRpt ?? ['v=TLSRPTv1; rua=mailto:tlsrpt@{d}'])
        add(`_smtp._tls.${d}`, 'TXT', fill(rpt));
      for (const [selector, value] of Object.entries(scenario.dkim ?? { selector1: 'rsa2048' })) {
        const record =
          value === 'rsa2048'
            ? `v=DKIM1; k=rsa; p=${rsa2048}`
            : value === 'rsa1024'
              ? `v=DKIM1; k=rsa; p=${rsa1024}`
              : value;
        add(`${selector}._domainkey.${d}`, 'TXT', record);
      }
      const sts = scenario.mtaSts ?? {};
      if (sts.txt !== null) {
        add(`_mta-sts.${d}`, 'TXT', sts.txt ?? 'v=STSv1; id=20261201T000000');
        add(`mta-sts.${d}`, 'A', MTA_STS_ADDRESS);
        const patterns = sts.mx
          ? sts.mx.map((label) => hostName(set, { label, server: 'good' }))
          : mx === null
            ? []
            : mx.length === 0
              ? [d]
              : mx.map((spec) => hostName(set, spec));
        const policy =
          sts.policy === 404
            ? 404
            : [
                'version: STSv1',
                `mode: ${sts.policy ?? 'enforce'}`,
                ...patterns.map((p) => `mx: ${p}`),
                'max_age: 86400',
                '',
              ].join('\r\n');
        stsNames.push({ name: `mta-sts.${d}`, policy, bad: sts.badCertificate === true });
      }
      for (const [owner, type, rdata] of scenario.extra ?? []) add(fill(owner), type, fill(rdata));
    }
  }

  const dnsLab = await startDnsLab([...zones.values()]);
  const postfixes: PostfixInstance[] = [];
  let https:
    { server: Server; sockets: Set<Socket>; byName: Map<string, { policy: string | 404; bad: boolean }> } | undefined;
  const stop = async (): Promise<void> => {
    await Promise.all(postfixes.map((p) => p.stop()));
    if (https) {
      for (const socket of https.sockets) socket.destroy();
      await new Promise((r) => https?.server.close(r));
    }
    await dnsLab.stop();
  };
  try {
    const kinds = [...certs.keys()];
    await ensureLoopbackAddresses([...kinds.map((k) => SERVER_ADDRESS[k]), MTA_STS_ADDRESS]);
    let spare = 22990;
    for (const kind of kinds) {
      const cert = certs.get(kind) as Issued;
      // The other listener of the helper's pair is a plain port nothing here uses.
      const other = await freePort(spare, 22999);
      spare = other + 1;
      const ports = kind === 'plain' ? { port: 25, tlsPort: other } : { port: other, tlsPort: 25 };
      postfixes.push(
        await startPostfix({
          ...ports,
          host: SERVER_ADDRESS[kind],
          certificate: { certPem: cert.certPem + root.certPem, keyPem: cert.keyPem },
        }),
      );
    }
    https = await startPolicyServer(root, stsNames);
  } catch (error) {
    await stop();
    throw error;
  }

  const domains = new Map<string, { set: NameSet; scenario: Scenario; domain: string }>();
  for (const set of sets)
    for (const scenario of scenarios)
      domains.set(domainOf(set, scenario.label), { set, scenario, domain: domainOf(set, scenario.label) });
  return {
    dns: dnsLab,
    caFile: paths['root.pem'] as string,
    config: {
      dnsServers: [dnsLab.resolver],
      allow: ['127.0.25.0/24', '127.0.44.0/24'],
      extraCaFiles: [paths['root.pem'] as string],
    },
    domains,
    setPolicy(domain, policy) {
      const entry = https?.byName.get(`mta-sts.${domain}`);
      if (!entry) throw new Error(`no MTA-STS policy is served for ${domain}`);
      entry.policy = policy;
    },
    stop,
  };
}

/** One HTTPS server for every mta-sts.<domain>: the certificate by SNI (a wrong one where asked), the policy by Host. */
async function startPolicyServer(
  root: Issued,
  names: Array<{ name: string; policy: string | 404; bad: boolean }>,
): Promise<{ server: Server; sockets: Set<Socket>; byName: Map<string, { policy: string | 404; bad: boolean }> }> {
  const good = createLeaf(root, {
    dns: names.filter((n) => !n.bad).map((n) => n.name),
    key: generateKey({ type: 'ec' }, true),
  });
  const wrong = createLeaf(root, { dns: ['not-mta-sts.invalid'], key: generateKey({ type: 'ec' }, true) });
  const contexts = {
    good: createSecureContext({ key: good.keyPem, cert: good.certPem + root.certPem }),
    wrong: createSecureContext({ key: wrong.keyPem, cert: wrong.certPem + root.certPem }),
  };
  const byName = new Map(names.map((n) => [n.name, n]));
  const server = createServer(
    {
      key: good.keyPem,
      cert: good.certPem,
      SNICallback: (servername, callback) =>
        callback(null, byName.get(servername)?.bad ? contexts.wrong : contexts.good),
    },
    (req, res) => {
      const entry = byName.get((req.headers.host ?? '').toLowerCase());
      if (!entry || entry.policy === 404 || req.url !== '/.well-known/mta-sts.txt') {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain' }).end(entry.policy);
    },
  );
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: MTA_STS_ADDRESS, port: 443 }, () => resolve());
  });
  return { server, sockets, byName };
}
