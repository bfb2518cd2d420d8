import { rmSync } from 'node:fs';
import { domainToASCII } from 'node:url';
import { z } from 'zod';
import { createCertCommand } from '../../../commands/cert';
import { parseConfig } from '../../../src/config/load';
import type { Command } from '../../../src/core/command';
import { makeReply, type Reply } from '../../../src/core/reply';
import { createRouter } from '../../../src/core/router';
import { createTargetPolicy } from '../../../src/net/policy';
import { systemResolver } from '../../../src/net/resolver';
import { captureLogger } from '../../helpers/logger';
import {
  createIntermediate,
  createLeaf,
  createRoot,
  writePems,
  type CertOptions,
  type Issued,
} from '../../helpers/pki';
import { chatRequest } from '../../helpers/requests';
import {
  opensslUnavailableReason,
  opensslVerify,
  startTlsServer,
  type RunningServer,
  type ServedCertificate,
} from '../../helpers/tls-server';
import { describeNeeding } from '../../helpers/describe-needing';

/**
 * Every classic certificate failure served over real TLS on 127.0.0.1, checked by `cert` and, on the
 * same server in the same test, by `openssl s_client -verify_return_error`: both must agree.
 */
const unavailable = opensslUnavailableReason();
const describeIfOpenssl = describeNeeding('openssl', unavailable);

const DAY = 86_400_000;
const NAME = 'mail.cert.test';

interface Scenario {
  title: string;
  /** The server's certificate and chain, built in beforeAll. */
  serve: () => ServedCertificate;
  /** The name to verify (`--name`); an address means: no --name, verify the address. */
  name: string;
  expected: string[];
  extra?: (reply: Reply) => void;
}

const pki = { dir: '', rootPath: '' };
let root: Issued;
let inter: Issued;
const served = (leaf: Issued, chain: Issued[], extra: Partial<ServedCertificate> = {}): ServedCertificate => ({
  key: leaf.keyPem,
  chain: [leaf, ...chain].map((c) => c.certPem),
  ...extra,
});
const leafOf = (options: Omit<CertOptions, 'issuer' | 'ca'>): Issued => createLeaf(inter, options);

const SCENARIOS: Scenario[] = [
  {
    title: 'good',
    serve: () => served(leafOf({ dns: [NAME] }), [inter]),
    name: NAME,
    expected: ['cert.ok'],
    extra: (r) =>
      expect(r.data).toMatchObject({ trusted: true, chainOrder: 'in-order', mode: 'tls', servername: NAME }),
  },
  {
    title: 'expired',
    serve: () =>
      served(
        leafOf({ dns: [NAME], notBefore: new Date(Date.now() - 400 * DAY), notAfter: new Date(Date.now() - 2 * DAY) }),
        [inter],
      ),
    name: NAME,
    expected: ['cert.expired'],
  },
  {
    title: 'not yet valid',
    serve: () =>
      served(
        leafOf({ dns: [NAME], notBefore: new Date(Date.now() + 3 * DAY), notAfter: new Date(Date.now() + 300 * DAY) }),
        [inter],
      ),
    name: NAME,
    expected: ['cert.not-yet-valid'],
  },
  {
    title: 'expiring soon',
    serve: () => served(leafOf({ dns: [NAME], notAfter: new Date(Date.now() + 10 * DAY) }), [inter]),
    name: NAME,
    expected: ['cert.expiring-soon'],
    extra: (r) => expect(r.status).toBe('warn'),
  },
  {
    title: 'self-signed',
    serve: () => served(createLeaf(undefined, { dns: [NAME] }), []),
    name: NAME,
    expected: ['cert.untrusted.self-signed'],
  },
  {
    title: 'wrong host',
    serve: () => served(leafOf({ dns: ['other.cert.test'] }), [inter]),
    name: NAME,
    expected: ['cert.name-mismatch'],
    extra: (r) => expect(r.findings[0]?.message).toMatch(/other\.cert\.test/),
  },
  {
    title: 'wildcard, one level down',
    serve: () => served(leafOf({ dns: ['*.cert.test'] }), [inter]),
    name: NAME,
    expected: ['cert.ok'],
  },
  {
    title: 'wildcard, two levels down',
    serve: () => served(leafOf({ dns: ['*.cert.test'] }), [inter]),
    name: `a.${NAME}`,
    expected: ['cert.name-mismatch'],
  },
  {
    title: 'wildcard, bare domain',
    serve: () => served(leafOf({ dns: ['*.cert.test'] }), [inter]),
    name: 'cert.test',
    expected: ['cert.name-mismatch'],
  },
  {
    title: 'CN not in SAN',
    serve: () => served(leafOf({ subject: { CN: 'legacy.cert.test' }, dns: [NAME] }), [inter]),
    name: NAME,
    expected: ['cert.cn-not-in-san'],
  },
  {
    title: 'CN only, checked by the name in the SAN-less CN',
    serve: () => served(leafOf({ subject: { CN: 'legacy.cert.test' }, dns: [NAME] }), [inter]),
    name: 'legacy.cert.test',
    expected: ['cert.cn-not-in-san', 'cert.name-mismatch'],
  },
  {
    title: 'SAN without CN',
    serve: () => served(leafOf({ subject: {}, dns: [NAME] }), [inter]),
    name: NAME,
    expected: ['cert.ok'],
  },
  {
    title: 'incomplete chain (leaf sent alone)',
    serve: () => served(leafOf({ dns: [NAME], aiaCaIssuers: 'http://pki.cert.test/issuing.crt' }), []),
    name: NAME,
    expected: ['cert.untrusted.missing-intermediate'],
    extra: (r) =>
      expect(r.findings[0]?.message).toMatch(/Issuing CA.*http:\/\/pki\.cert\.test\/issuing\.crt.*Windows/s),
  },
  {
    title: 'RSA-1024',
    serve: () => served(leafOf({ dns: [NAME], key: { type: 'rsa', bits: 1024 } }), [inter]),
    name: NAME,
    expected: ['cert.weak-key'],
  },
  {
    title: 'SHA-1 signed',
    serve: () => served(leafOf({ dns: [NAME], hash: 'sha1' }), [inter]),
    name: NAME,
    expected: ['cert.weak-signature'],
  },
  {
    title: 'ECDSA P-256',
    serve: () => served(leafOf({ dns: [NAME], key: { type: 'ec' } }), [inter]),
    name: NAME,
    expected: ['cert.ok'],
    extra: (r) => expect((r.data.chain as Array<{ keyType: string }>)[0]?.keyType).toBe('ec (prime256v1)'),
  },
  {
    title: 'IP SAN, checked by address',
    serve: () => served(leafOf({ dns: [NAME], ips: ['127.0.0.1'] }), [inter]),
    name: '127.0.0.1',
    expected: ['cert.ok'],
    extra: (r) => expect(r.data).toMatchObject({ servername: null, nameMatch: 'san-ip' }),
  },
  {
    title: 'no IP SAN, checked by address',
    serve: () => served(leafOf({ dns: [NAME] }), [inter]),
    name: '127.0.0.1',
    expected: ['cert.name-mismatch'],
    extra: (r) => expect(r.findings[0]?.message).toMatch(/iPAddress SAN/),
  },
  {
    title: 'single-label name in the certificate',
    serve: () => served(leafOf({ dns: ['mail'] }), [inter]),
    name: 'mail',
    expected: ['cert.short-name'],
  },
  {
    title: 'single-label name asked, FQDN in the certificate',
    serve: () => served(leafOf({ dns: [NAME] }), [inter]),
    name: 'mail',
    expected: ['cert.name-mismatch', 'cert.short-name'],
    extra: (r) =>
      expect(r.actions.map((a) => a.command)).toContain(
        `cert ${String(r.data.host)}:${String(r.data.port)} --name ${NAME}`,
      ),
  },
  {
    title: 'unknown root (sent by the server)',
    serve: () => {
      const otherRoot = createRoot('Unknown Root CA');
      const otherInter = createIntermediate(otherRoot, 'Unknown Issuing CA');
      return served(createLeaf(otherInter, { dns: [NAME] }), [otherInter, otherRoot]);
    },
    name: NAME,
    expected: ['cert.untrusted.unknown-root'],
  },
  {
    title: 'chain sent out of order',
    serve: () => {
      const sub = createIntermediate(inter, 'Cert Sub CA');
      return served(createLeaf(sub, { dns: [NAME] }), [inter, sub]);
    },
    name: NAME,
    expected: ['cert.ok'],
    extra: (r) => {
      expect(r.data.chainOrder).toBe('out-of-order');
      expect(r.facts.find((f) => f.label === 'Chain sent')?.value).toMatch(/OUT OF ORDER/);
    },
  },
  {
    title: 'internationalised name typed in Unicode, ASCII (xn--) in the certificate',
    serve: () => served(leafOf({ dns: ['xn--mnchen-3ya.cert.test'] }), [inter]),
    name: 'münchen.cert.test',
    expected: ['cert.ok'],
    extra: (r) => expect(r.data).toMatchObject({ servername: 'xn--mnchen-3ya.cert.test', nameMatch: 'san-dns' }),
  },
  {
    title: 'TLS 1.2 only (clear-text Certificate message)',
    serve: () => served(leafOf({ dns: [NAME] }), [inter], { maxVersion: 'TLSv1.2' }),
    name: NAME,
    expected: ['cert.ok'],
    extra: (r) => expect(r.data).toMatchObject({ protocol: 'TLSv1.2', chainOrder: 'in-order' }),
  },
  {
    title: 'TLS 1.3 with ChaCha20-Poly1305',
    serve: () => served(leafOf({ dns: [NAME] }), [inter], { ciphersuites: 'TLS_CHACHA20_POLY1305_SHA256' }),
    name: NAME,
    expected: ['cert.ok'],
    extra: (r) =>
      expect(r.data).toMatchObject({
        protocol: 'TLSv1.3',
        cipher: 'TLS_CHACHA20_POLY1305_SHA256',
        chainOrder: 'in-order',
      }),
  },
  {
    title: 'TLS 1.3 with AES-128-GCM',
    serve: () => served(leafOf({ dns: [NAME] }), [inter], { ciphersuites: 'TLS_AES_128_GCM_SHA256' }),
    name: NAME,
    expected: ['cert.ok'],
    extra: (r) => expect(r.data).toMatchObject({ cipher: 'TLS_AES_128_GCM_SHA256', chainOrder: 'in-order' }),
  },
];

describeIfOpenssl('cert against real TLS servers, compared with openssl s_client', () => {
  let ask: (text: string) => Promise<Reply>;

  beforeAll(() => {
    root = createRoot('Cert Test Root CA');
    inter = createIntermediate(root, 'Cert Test Issuing CA', { aiaCaIssuers: 'http://pki.cert.test/root.crt' });
    const written = writePems({ 'root.pem': root.certPem });
    pki.dir = written.dir;
    pki.rootPath = written.paths['root.pem'] as string;
    const config = parseConfig({
      targets: { allow: ['127.0.0.0/8', '::1'], deny: [] },
      tls: { extraCaFiles: [pki.rootPath] },
    });
    const net = {
      policy: createTargetPolicy(config.targets),
      resolver: systemResolver,
      timeouts: { connectMs: 3000, stepMs: 5000 },
    };
    const router = createRouter({
      commands: [createCertCommand({ config, net, log: captureLogger(), now: () => new Date() })],
      log: captureLogger(),
    });
    ask = (text) => router.handle(chatRequest(text));
  });

  afterAll(() => {
    if (pki.dir) rmSync(pki.dir, { recursive: true, force: true });
  });

  it.each(SCENARIOS.map((s) => [s.title, s] as const))('%s', async (_title, scenario) => {
    const server: RunningServer = await startTlsServer(scenario.serve());
    try {
      const byAddress = scenario.name === '127.0.0.1';
      const reply = await ask(`cert ${server.target}${byAddress ? '' : ` --name ${scenario.name}`}`);
      expect(reply.findings.map((f) => f.id).sort()).toEqual([...scenario.expected].sort());
      const failing = reply.findings.filter((f) => f.severity === 'fail' || f.severity === 'warn');
      for (const finding of failing) {
        expect(finding.fix?.steps?.length).toBeGreaterThan(0);
        expect(finding.fix?.links?.some((l) => /^https:\/\//.test(l.url))).toBe(true);
      }
      scenario.extra?.(reply);

      // openssl is given the name the way every client sends it: in its ASCII form.
      const openssl = await opensslVerify({
        port: server.port,
        name: domainToASCII(scenario.name),
        caFile: pki.rootPath,
      });
      const ours = reply.status === 'ok' || reply.status === 'warn';
      expect({ scenario: scenario.title, ours, openssl: openssl.ok, opensslError: openssl.error ?? null }).toEqual({
        scenario: scenario.title,
        ours: openssl.ok,
        openssl: openssl.ok,
        opensslError: openssl.error ?? null,
      });
    } finally {
      await server.close();
    }
  });

  it('compares the Outlook Anywhere principal name with the subject CN and shows the Set-OutlookProvider fix', async () => {
    const server = await startTlsServer(
      served(leafOf({ subject: { CN: NAME }, dns: [NAME, 'owa.cert.test'] }), [inter]),
    );
    try {
      const bad = await ask(`cert ${server.target} --name owa.cert.test --expr msstd:owa.cert.test`);
      expect(bad.findings.map((f) => f.id)).toEqual(['cert.principal-name-mismatch']);
      expect(bad.findings[0]?.fix?.steps?.[0]).toBe(`\`Set-OutlookProvider EXPR -CertPrincipalName msstd:${NAME}\``);
      const good = await ask(`cert ${server.target} --name owa.cert.test --expr msstd:${NAME.toUpperCase()}`);
      expect(good.findings.map((f) => f.id)).toEqual(['cert.ok']);
      expect(good.actions.map((a) => a.label)).not.toContain('Check with --expr');
      expect(good.actions.map((a) => a.label)).not.toContain('Add to a daily digest');
      const plain = await ask(`cert ${server.target} --name owa.cert.test`);
      expect(plain.actions).toContainEqual({
        label: 'Check with --expr',
        command: `cert ${server.target} --name owa.cert.test --expr msstd:${NAME}`,
      });
    } finally {
      await server.close();
    }
  });

  it('checks over IPv6 loopback with an IPv6 SAN, never sending the address as SNI', async () => {
    const server = await startTlsServer(served(leafOf({ dns: [NAME], ips: ['::1'] }), [inter]), { host: '::1' });
    try {
      const reply = await ask(`cert ${server.target}`);
      expect(reply.findings.map((f) => f.id)).toEqual(['cert.ok']);
      expect(reply.data).toMatchObject({ host: '::1', servername: null, nameMatch: 'san-ip' });
    } finally {
      await server.close();
    }
  });

  it("adds the organisation's runbook link to a failing finding when links.<id> is configured (through the router)", async () => {
    const config = parseConfig({
      targets: { allow: ['127.0.0.0/8'] },
      tls: { extraCaFiles: [pki.rootPath] },
      links: { 'cert.expired': 'https://wiki.contoso.test/renew' },
    });
    const net = {
      policy: createTargetPolicy(config.targets),
      resolver: systemResolver,
      timeouts: { connectMs: 3000, stepMs: 5000 },
    };
    // A stand-in `digest` command: only its presence in the registry matters here (the real one needs a store).
    const digest: Command<{ text: string }> = {
      name: 'digest',
      summary: 'stand-in',
      usage: 'digest',
      examples: ['digest list'],
      input: 'verbatim',
      args: z.object({ text: z.string() }),
      run: async () => makeReply({ command: 'digest', title: 'stand-in', findings: [] }),
    };
    const router = createRouter({
      commands: [createCertCommand({ config, net, log: captureLogger(), now: () => new Date() }), digest],
      log: captureLogger(),
      runbooks: config.links,
    });
    const server = await startTlsServer(
      served(
        leafOf({ dns: [NAME], notBefore: new Date(Date.now() - 90 * DAY), notAfter: new Date(Date.now() - DAY) }),
        [inter],
      ),
    );
    try {
      const reply = await router.handle(chatRequest(`cert ${server.target} --name ${NAME}`));
      expect(reply.findings[0]?.fix?.links).toContainEqual({
        title: 'Your runbook',
        url: 'https://wiki.contoso.test/renew',
      });
      expect(reply.title).toMatch(/certificate expired 1 day ago/);
      expect(reply.actions).toContainEqual({
        label: 'Add to a daily digest',
        command: `digest add daily 08:00 cert ${server.target} --name ${NAME}`,
      });
      const fromDigest = await router.handle(
        chatRequest(`cert ${server.target} --name ${NAME}`, { platform: 'digest' }),
      );
      expect(fromDigest.actions.map((a) => a.label)).not.toContain('Add to a daily digest');
    } finally {
      await server.close();
    }
  });
});
