import { rmSync } from 'node:fs';
import { createCertCommand } from '../../../commands/cert';
import { parseConfig } from '../../../src/config/load';
import type { Reply } from '../../../src/core/reply';
import { createRouter } from '../../../src/core/router';
import { createTargetPolicy } from '../../../src/net/policy';
import { systemResolver } from '../../../src/net/resolver';
import { captureLogger } from '../../helpers/logger';
import { createIntermediate, createLeaf, createRoot, writePems, type Issued } from '../../helpers/pki';
import { freePort, postfixUnavailableReason, startPostfix, type PostfixInstance } from '../../helpers/postfix';
import { chatRequest } from '../../helpers/requests';
import {
  closedPort,
  opensslUnavailableReason,
  opensslVerify,
  startPlainHttpServer,
  startSilentServer,
  startStarttlsServer,
  startTlsServer,
  type ServedCertificate,
  type StarttlsProtocol,
} from '../../helpers/tls-server';

/** STARTTLS over real servers (SMTP, IMAP, POP3; Postfix when it can run) and every way a check cannot run. */
const CI = process.env.CI === 'true';
const noOpenssl = opensslUnavailableReason();
if (noOpenssl && CI) throw new Error(`cert STARTTLS tests need openssl in CI: ${noOpenssl}`);

const NAME = 'mail.cert.test';
let root: Issued;
let good: ServedCertificate;
let dir = '';
let rootPath = '';

function routerWith(
  allowLoopback: boolean,
  timeouts = { connectMs: 2000, stepMs: 3000 },
): (text: string) => Promise<Reply> {
  const config = parseConfig({
    targets: { allow: allowLoopback ? ['127.0.0.0/8', '::1'] : [], deny: [] },
    tls: { extraCaFiles: [rootPath] },
  });
  const net = { policy: createTargetPolicy(config.targets), resolver: systemResolver, timeouts };
  const router = createRouter({
    commands: [createCertCommand({ config, net, log: captureLogger(), now: () => new Date() })],
    log: captureLogger(),
  });
  return (text) => router.handle(chatRequest(text));
}

beforeAll(() => {
  root = createRoot('Cert STARTTLS Root CA');
  const inter = createIntermediate(root, 'Cert STARTTLS Issuing CA');
  const leaf = createLeaf(inter, { dns: [NAME] });
  good = { key: leaf.keyPem, chain: [leaf.certPem, inter.certPem] };
  ({
    dir,
    paths: { 'root.pem': rootPath = '' },
  } = writePems({ 'root.pem': root.certPem }));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('STARTTLS', () => {
  it.each(['smtp', 'imap', 'pop3'] as const)(
    '%s: upgrades, reads the chain, and agrees with openssl -starttls',
    async (protocol: StarttlsProtocol) => {
      const server = await startStarttlsServer({ protocol, cert: good });
      try {
        const reply = await routerWith(true)(`cert ${server.target} --name ${NAME} --starttls ${protocol}`);
        expect(reply.findings.map((f) => f.id)).toEqual(['cert.ok']);
        expect(reply.data).toMatchObject({
          mode: `starttls-${protocol}`,
          trusted: true,
          chainOrder: 'in-order',
          servername: NAME,
        });
        expect(String(reply.data.banner)).toMatch(/diagbot-test/);
        if (!noOpenssl)
          expect(
            (await opensslVerify({ port: server.port, name: NAME, caFile: rootPath, starttls: protocol })).ok,
          ).toBe(true);
        const wrong = await routerWith(true)(`cert ${server.target} --name other.cert.test --starttls ${protocol}`);
        expect(wrong.findings.map((f) => f.id)).toEqual(['cert.name-mismatch']);
        if (!noOpenssl)
          expect(
            (await opensslVerify({ port: server.port, name: 'other.cert.test', caFile: rootPath, starttls: protocol }))
              .ok,
          ).toBe(false);
      } finally {
        await server.close();
      }
    },
  );

  it.each(['smtp', 'imap', 'pop3'] as const)(
    '%s: STARTTLS not offered is cert.starttls-unsupported with a fix',
    async (protocol: StarttlsProtocol) => {
      const server = await startStarttlsServer({ protocol });
      try {
        const reply = await routerWith(true)(`cert ${server.target} --starttls ${protocol}`);
        expect(reply.status).toBe('error');
        expect(reply.findings[0]).toMatchObject({ id: 'cert.starttls-unsupported' });
        expect(reply.findings[0]?.message).toMatch(protocol === 'pop3' ? /STLS/ : /STARTTLS/);
        expect(reply.findings[0]?.fix?.links?.length).toBeGreaterThan(0);
      } finally {
        await server.close();
      }
    },
  );

  it('SMTP: STARTTLS offered but refused (454) is cert.starttls-unsupported quoting the reply', async () => {
    const server = await startStarttlsServer({ protocol: 'smtp', cert: good, refuse: true });
    try {
      const reply = await routerWith(true)(`cert ${server.target} --starttls smtp`);
      expect(reply.findings[0]).toMatchObject({ id: 'cert.starttls-unsupported' });
      expect(reply.findings[0]?.message).toMatch(/454/);
    } finally {
      await server.close();
    }
  });

  describe('against a real Postfix (when it can run here)', () => {
    const why = postfixUnavailableReason();
    if (why && CI) throw new Error(`Postfix is required in CI: ${why}`);
    const maybe = why ? it.skip : it;
    if (why) console.warn(`skipping the Postfix STARTTLS test: ${why}`);
    let postfix: PostfixInstance | undefined;

    beforeAll(async () => {
      if (why) return;
      const port = await freePort(21900, 21949);
      postfix = await startPostfix({ port, tlsPort: await freePort(21950, 21999, [port]) });
    }, 120_000);

    afterAll(async () => {
      await postfix?.stop();
    });

    maybe("finds Postfix's self-signed certificate over SMTP STARTTLS, like openssl does", async () => {
      const instance = postfix as PostfixInstance;
      const reply = await routerWith(true)(
        `cert ${instance.host}:${instance.tlsPort} --name mx.diagbot.test --starttls smtp`,
      );
      // The helper's certificate lives two days, so it is also rightly reported as expiring soon.
      const ids = reply.findings.map((f) => f.id);
      expect(ids[0]).toBe('cert.untrusted.self-signed');
      expect(ids.filter((id) => id !== 'cert.untrusted.self-signed' && id !== 'cert.expiring-soon')).toEqual([]);
      expect(reply.data).toMatchObject({ mode: 'starttls-smtp', trusted: false });
      if (!noOpenssl) {
        const openssl = await opensslVerify({
          port: instance.tlsPort,
          name: 'mx.diagbot.test',
          caFile: rootPath,
          starttls: 'smtp',
        });
        expect(openssl.ok).toBe(false);
        expect(openssl.error).toMatch(/^18:/);
      }
      const plain = await routerWith(true)(`cert ${instance.host}:${instance.port} --starttls smtp`);
      expect(plain.findings[0]?.id).toBe('cert.starttls-unsupported');
    });
  });
});

describe('checks that cannot run: each a clear error Reply', () => {
  it('loopback without an allow entry is policy.denied, and nothing connects', async () => {
    const server = await startTlsServer(good);
    try {
      const reply = await routerWith(false)(`cert ${server.target} --name ${NAME}`);
      expect(reply.status).toBe('error');
      expect(reply.findings[0]?.id).toBe('policy.denied');
      expect(server.accepted()).toBe(0);
      // The same server is reachable once loopback is allowed: the denial above was the policy's doing.
      expect((await routerWith(true)(`cert ${server.target} --name ${NAME}`)).findings[0]?.id).toBe('cert.ok');
      expect(server.accepted()).toBe(1);
    } finally {
      await server.close();
    }
  });

  it('a refused port is net.refused', async () => {
    const port = await closedPort();
    const reply = await routerWith(true)(`cert 127.0.0.1:${port}`);
    expect(reply.findings[0]).toMatchObject({ id: 'net.refused' });
  });

  it('a server that accepts TCP and never speaks times out, naming the step (TLS and SMTP)', async () => {
    const server = await startSilentServer();
    try {
      const ask = routerWith(true, { connectMs: 2000, stepMs: 300 });
      const tls = await ask(`cert ${server.target}`);
      expect(tls.findings[0]).toMatchObject({ id: 'net.timeout' });
      expect(tls.findings[0]?.message).toMatch(/TLS handshake with 127\.0\.0\.1/);
      expect(tls.data.step).toMatch(/TLS handshake/);
      const smtp = await ask(`cert ${server.target} --starttls smtp`);
      expect(smtp.findings[0]?.message).toMatch(/SMTP banner/);
      const imap = await ask(`cert ${server.target} --starttls imap`);
      expect(imap.findings[0]?.message).toMatch(/IMAP greeting/);
    } finally {
      await server.close();
    }
  });

  it('plain HTTP on the TLS port is cert.handshake-failed with a readable reason', async () => {
    const server = await startPlainHttpServer();
    try {
      const reply = await routerWith(true)(`cert ${server.target}`);
      expect(reply.findings[0]).toMatchObject({ id: 'cert.handshake-failed' });
      expect(reply.findings[0]?.message).toMatch(/plain HTTP \("HTTP\/1\.1 400 Bad Request"\)/);
      expect(reply.findings[0]?.fix?.summary).toMatch(/speaks TLS/);
    } finally {
      await server.close();
    }
  });

  it('a plain-text SMTP greeting on an implicit-TLS check suggests --starttls smtp', async () => {
    const server = await startStarttlsServer({ protocol: 'smtp', cert: good });
    try {
      const reply = await routerWith(true)(`cert ${server.target} --starttls none`);
      expect(reply.findings[0]?.id).toBe('cert.handshake-failed');
      expect(reply.findings[0]?.message).toMatch(/--starttls smtp/);
    } finally {
      await server.close();
    }
  });
});
