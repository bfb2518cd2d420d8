import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDigestCommand } from '../../../commands/digest';
import { createMailCommand } from '../../../commands/mail';
import { createApp, type App } from '../../../src/app/create-app';
import { parseConfig } from '../../../src/config/load';
import type { Reply } from '../../../src/core/reply';
import { createRouter, type Router } from '../../../src/core/router';
import { createTargetPolicy } from '../../../src/net/policy';
import { systemResolver } from '../../../src/net/resolver';
import { dnsLabUnavailableReason } from '../../helpers/dns-lab';
import { captureLogger } from '../../helpers/logger';
import { NAME_SETS, SCENARIOS, domainOf, startMailLab, type MailLab } from '../../helpers/mail-lab';
import { postfixUnavailableReason } from '../../helpers/postfix';
import { chatRequest } from '../../helpers/requests';
import { describeNeeding } from '../../helpers/describe-needing';

/**
 * `mail` against the lab: NSD (signed, unsigned and bogus zones) behind a validating Unbound, Postfix MX
 * hosts with STARTTLS on 127.0.25.x:25, and an HTTPS server for MTA-STS policies on 127.0.44.1:443.
 * Every scenario is built twice, under two unrelated sets of names, and must get the same verdicts.
 */
const unavailable = dnsLabUnavailableReason() ?? postfixUnavailableReason();
const describeIfLab = describeNeeding('the mail lab (NSD, Unbound, Postfix)', unavailable);

jest.setTimeout(120_000);

const RANK = { ok: 0, info: 1, warn: 2, fail: 3, error: 4 } as const;
const problems = (reply: Reply): string[] =>
  [...new Set(reply.findings.filter((f) => RANK[f.severity] >= RANK.warn).map((f) => f.id))].sort();

describeIfLab('mail against the DNS + Postfix + HTTPS lab', () => {
  let lab: MailLab;
  let ask: (text: string) => Promise<Reply>;
  let withDigest: Router;
  let app: App | undefined;
  let storeDir: string;

  beforeAll(async () => {
    lab = await startMailLab();
    const config = parseConfig({
      targets: { allow: lab.config.allow, deny: [] },
      tls: { extraCaFiles: lab.config.extraCaFiles },
      dns: { servers: lab.config.dnsServers, timeoutMs: 2000 },
    });
    const net = {
      policy: createTargetPolicy(config.targets),
      resolver: systemResolver,
      timeouts: { connectMs: 3000, stepMs: 5000 },
    };
    const deps = { config, net, log: captureLogger(), now: () => new Date() };
    const router = createRouter({ commands: [createMailCommand(deps)], log: captureLogger() });
    ask = (text) => router.handle(chatRequest(text));
    storeDir = mkdtempSync(join(tmpdir(), 'diagbot-mail-digest-'));
    // `mail` inside a digest: the app as diagbot builds it, with only these two commands.
    app = await createApp(
      parseConfig({
        targets: { allow: lab.config.allow, deny: [] },
        tls: { extraCaFiles: lab.config.extraCaFiles },
        dns: { servers: lab.config.dnsServers, timeoutMs: 2000 },
        timeouts: { connectMs: 3000, stepMs: 5000 },
        roles: { admins: ['U0ADMIN'] },
        store: { path: join(storeDir, 'diagbot.db') },
      }),
      { log: captureLogger(), onlyCommands: (appDeps) => [createMailCommand(appDeps), createDigestCommand(appDeps)] },
    );
    withDigest = app.router;
  }, 300_000);

  afterAll(async () => {
    await app?.close();
    if (storeDir) rmSync(storeDir, { recursive: true, force: true });
    await lab?.stop();
  });

  const cases = Object.entries(NAME_SETS).flatMap(([setName, set]) =>
    SCENARIOS.map((s) => [`${setName}: ${s.label}`, set, s] as const),
  );
  it.each(cases)('%s', async (_title, set, scenario) => {
    const domain = domainOf(set, scenario.label);
    const reply = await ask(`mail ${domain}${(scenario.selectors ?? []).map((s) => ` --selector ${s}`).join('')}`);
    expect({ domain, problems: problems(reply) }).toEqual({ domain, problems: [...scenario.problems].sort() });
    const ids = reply.findings.map((f) => f.id);
    for (const id of scenario.present ?? []) expect(ids).toContain(id);
    if (scenario.problems.length === 0) expect(ids).toContain('mail.ok');
    for (const finding of reply.findings.filter((f) => RANK[f.severity] >= RANK.warn && f.id !== 'policy.denied')) {
      expect(finding.fix?.summary).toBeTruthy();
    }
    expect(reply.data.domain).toBe(domain);
  });

  it('a good domain: both MX hosts with STARTTLS, trusted certificates, matching TLSA, DNSSEC secure', async () => {
    const reply = await ask(`mail ${domainOf(NAME_SETS.alpha, 'good')}`);
    const mx = reply.data.mx as Array<{
      host: string;
      starttls: boolean;
      dnssec: string;
      tlsa: Array<{ matches: boolean }>;
      certificate: { trusted: boolean };
    }>;
    expect(mx).toHaveLength(2);
    for (const host of mx) {
      expect(host).toMatchObject({ starttls: true, dnssec: 'secure', certificate: { trusted: true } });
      expect(host.tlsa.length).toBeGreaterThan(0);
      expect(host.tlsa.every((t) => t.matches)).toBe(true);
    }
    expect(reply.data.mtaSts).toMatchObject({ mode: 'enforce', covered: true, maxAge: 86400 });
    expect(reply.data.spf).toMatchObject({ lookups: 2, voidLookups: 0, all: '-' });
    expect(reply.data.dmarc).toMatchObject({ p: 'reject', pct: 100 });
    expect(reply.data.dkim).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ selector: 'selector1', keyType: 'rsa', keyBits: 2048, revoked: false }),
      ]),
    );
    expect(reply.status).toBe('ok');
  });

  it('a hostile MX at the metadata address is denied by policy, never connected, and the other MX is still checked', async () => {
    const reply = await ask(`mail ${domainOf(NAME_SETS.alpha, 'mx-hostile')}`);
    const denied = reply.findings.find((f) => f.id === 'policy.denied');
    expect(denied?.message).toMatch(/169\.254\.169\.254/);
    const mx = reply.data.mx as Array<{ host: string; starttls: boolean | null }>;
    expect(mx.find((m) => m.host.startsWith('mx-evil'))?.starttls).toBeNull();
    expect(mx.find((m) => m.host.startsWith('mx-a'))?.starttls).toBe(true);
  });

  it('counts SPF lookups through nested includes and names the record to publish for a TLSA mismatch', async () => {
    const spf = await ask(`mail ${domainOf(NAME_SETS.bravo, 'spf-lookups')} --only spf`);
    expect(spf.data.spf).toMatchObject({ lookups: 17, voidLookups: 0 });
    expect(spf.data.mx).toEqual([]);
    const dane = await ask(`mail ${domainOf(NAME_SETS.bravo, 'tlsa-mismatch')} --only mx,tls,dane`);
    const finding = dane.findings.find((f) => f.id === 'mail.dane.mismatch');
    expect(finding?.fix?.steps?.[0]).toMatch(
      /^`_25\._tcp\.b7-mx-stale\.mail\.bravo-corp\.example\. IN TLSA 3 1 1 [0-9a-f]{64}`$/,
    );
  });

  it('reads an answer too large for UDP over TCP', async () => {
    const reply = await ask(`mail ${domainOf(NAME_SETS.alpha, 'spf-large')} --only spf`);
    expect((reply.data.spf as { record: string }).record.length).toBeGreaterThan(1500);
    expect(reply.data.spf).toMatchObject({ lookups: 1, all: '-' });
  });

  it('--only limits the checks; nonsense gets a usage error with an example', async () => {
    const only = await ask(`mail ${domainOf(NAME_SETS.alpha, 'dmarc-none')} --only dmarc`);
    expect(only.findings.map((f) => f.id)).toEqual(['mail.dmarc.none']);
    for (const text of [
      'mail',
      'mail not_a_domain',
      'mail 10.0.0.1',
      'mail contoso.com --only spf,bogus',
      'mail contoso.com --selector "a b"',
      'mail a.com b.com',
    ]) {
      const reply = await ask(text);
      expect({ text, status: reply.status, id: reply.findings[0]?.id }).toEqual({ text, status: 'error', id: 'usage' });
      expect(reply.findings[0]?.fix?.summary).toMatch(/mail /);
    }
  });

  it('a domain that does not exist is a net.dns error, not a crash', async () => {
    for (const only of ['', ' --only spf,dmarc']) {
      const reply = await ask(`mail nothing-here.${NAME_SETS.alpha.signed}${only}`);
      expect(reply.status).toBe('error');
      expect(reply.findings.map((f) => f.id)).toEqual(['net.dns']);
    }
  });

  it('a digest of `mail` reports what changed between runs: an MTA-STS policy that stopped covering an MX', async () => {
    const domain = domainOf(NAME_SETS.bravo, 'good');
    const say = (text: string): Promise<Reply> =>
      withDigest.handle(
        chatRequest(text, { platform: 'slack', door: 'command', userId: 'U0ADMIN', channelId: 'C0MAIL' }),
      );
    const refused = await say('digest add daily 08:00 mail not_a_domain');
    expect(refused.findings[0]?.id).toBe('usage');
    const added = await say(`digest add daily 08:00 mail ${domain}`);
    expect(added.findings[0]?.id).toBe('digest.created');
    const id = (added.data.digest as { id: string }).id;
    const first = await say(`digest run ${id}`);
    expect((first.data.results as Reply[])[0]?.status).toBe('ok');

    const mx = NAME_SETS.bravo.prefix + 'mx-a.' + NAME_SETS.bravo.signed;
    lab.setPolicy(domain, `version: STSv1\r\nmode: enforce\r\nmx: ${mx}\r\nmax_age: 86400\r\n`);
    try {
      const second = await say(`digest run ${id}`);
      expect(second.data.changes).toEqual([
        { command: `mail ${domain}`, new: ['mail.mta-sts.mx-not-covered'], resolved: [] },
      ]);
      expect(second.findings.map((f) => f.id)).toContain('digest.changed');
    } finally {
      lab.setPolicy(
        domain,
        `version: STSv1\r\nmode: enforce\r\nmx: ${mx}\r\nmx: ${mx.replace('mx-a.', 'mx-b.')}\r\nmax_age: 86400\r\n`,
      );
    }
    const third = await say(`digest run ${id}`);
    expect(third.data.changes).toEqual([
      { command: `mail ${domain}`, new: [], resolved: ['mail.mta-sts.mx-not-covered'] },
    ]);
  });
});
