import { createCertCommand } from '../../../commands/cert';
import { certTextsSchema, loadCertTexts } from '../../../commands/cert/texts';
import { parseConfig } from '../../../src/config/load';
import type { Reply } from '../../../src/core/reply';
import { createRouter } from '../../../src/core/router';
import { createTargetPolicy } from '../../../src/net/policy';
import { tableResolver } from '../../../src/net/resolver';
import type { CertCheckResult, CertChecker } from '../../../src/tls/check';
import { createLimiter } from '../../../src/tls/limit';
import type { CertDetails, CertIssue, CertRef } from '../../../src/tls/types';
import { captureLogger } from '../../helpers/logger';
import { chatRequest } from '../../helpers/requests';
import { textsFile } from '../../helpers/texts-file';

// The words of `cert` live in commands/cert/texts.yaml. These tests render every case of every finding through
// the command (with a checker that returns the issues given) and hold the file to the shape the code reads.

const leafRef: CertRef = { subject: 'CN=mail.contoso.test', role: 'leaf', depth: 0 };
const caRef: CertRef = { subject: 'CN=Contoso Issuing CA', role: 'intermediate', depth: 1 };
const leaf: CertDetails = {
  subject: 'CN=mail.contoso.test',
  issuer: 'CN=Contoso Issuing CA',
  subjectCN: 'mail.contoso.test',
  sans: { dns: ['mail.contoso.test'], ip: [] },
  notBefore: '2026-01-01T00:00:00.000Z',
  notAfter: '2027-01-01T00:00:00.000Z',
  serialNumber: '01',
  fingerprint256: 'AA:BB',
  keyType: 'RSA',
  keyBits: 2048,
  signatureAlgorithm: 'sha256WithRSAEncryption',
  selfSigned: false,
};

function result(issues: CertIssue[]): CertCheckResult {
  return {
    probe: {
      host: 'mail.contoso.test',
      port: 443,
      address: '192.0.2.10',
      servername: 'mail.contoso.test',
      mode: 'tls',
      protocol: 'TLSv1.3',
      cipher: 'TLS_AES_256_GCM_SHA384',
      chain: [],
      chainSource: 'wire',
    },
    analysis: {
      chain: [leaf],
      path: [{ subject: leaf.subject, fingerprint256: leaf.fingerprint256, source: 'server', sentIndex: 0 }],
      trusted: true,
      chainOrder: 'in-order',
      unusedCertificates: [],
      daysRemaining: 120,
      nameMatch: 'san-dns',
      verifiedName: 'mail.contoso.test',
      issues,
    },
  };
}

async function ask(text: string, issues: CertIssue[]): Promise<Reply> {
  const config = parseConfig({});
  const certChecker: CertChecker = { check: async () => result(issues), limiter: createLimiter(1) };
  const net = {
    policy: createTargetPolicy(config.targets),
    resolver: tableResolver({ 'mail.contoso.test': ['192.0.2.10'] }),
    timeouts: config.timeouts,
  };
  const command = createCertCommand({ config, net, log: captureLogger(), now: () => new Date(), certChecker });
  return createRouter({ commands: [command], log: captureLogger() }).handle(chatRequest(text));
}

/** One issue for every case a text has (leaf/CA, with and without the optional value, …). */
const everyCase: CertIssue[] = [
  ...[leafRef, caRef].flatMap((cert): CertIssue[] => [
    { id: 'cert.expired', cert, notAfter: '2026-01-02T00:00:00Z', daysAgo: 3 },
    { id: 'cert.not-yet-valid', cert, notBefore: '2027-01-02T00:00:00Z', daysUntil: 1 },
    { id: 'cert.expiring-soon', cert, notAfter: '2026-02-02T00:00:00Z', daysRemaining: 9, thresholdDays: 30 },
    { id: 'cert.weak-key', cert, keyType: 'RSA', keyBits: 1024 },
    { id: 'cert.weak-key', cert, keyType: 'EC', keyBits: null },
    { id: 'cert.weak-signature', cert, algorithm: 'sha1WithRSAEncryption' },
  ]),
  { id: 'cert.name-mismatch', name: '10.0.0.5', nameIsIp: true, carried: ['mail.contoso.test'], usedCommonName: false },
  {
    id: 'cert.name-mismatch',
    name: 'owa.contoso.test',
    nameIsIp: false,
    carried: ['mail.contoso.test'],
    usedCommonName: false,
  },
  {
    id: 'cert.name-mismatch',
    name: 'owa.contoso.test',
    nameIsIp: false,
    carried: ['mail.contoso.test'],
    usedCommonName: true,
  },
  { id: 'cert.cn-not-in-san', commonName: 'mail.contoso.test', sanNames: ['owa.contoso.test'] },
  {
    id: 'cert.short-name',
    name: 'exch01',
    requestedIsShort: true,
    shortNamesCarried: [],
    fullNames: ['exch01.contoso.test'],
  },
  { id: 'cert.short-name', name: 'exch01', requestedIsShort: true, shortNamesCarried: [], fullNames: [] },
  {
    id: 'cert.short-name',
    name: 'mail.contoso.test',
    requestedIsShort: false,
    shortNamesCarried: ['exch01'],
    fullNames: [],
  },
  { id: 'cert.untrusted.self-signed', subject: 'CN=exch01' },
  {
    id: 'cert.untrusted.missing-intermediate',
    missingIssuer: 'CN=Contoso Issuing CA',
    aiaUrls: ['http://pki.contoso.test/issuing.crt'],
    lastSent: leafRef,
  },
  { id: 'cert.untrusted.missing-intermediate', missingIssuer: 'CN=Contoso Issuing CA', aiaUrls: [], lastSent: leafRef },
  { id: 'cert.untrusted.unknown-root', root: 'CN=Contoso Root', rootSent: true },
  { id: 'cert.untrusted.unknown-root', root: 'CN=Contoso Root', rootSent: false },
  { id: 'cert.principal-name-mismatch', expected: 'owa.contoso.test', subjectCN: 'mail.contoso.test' },
  { id: 'cert.principal-name-mismatch', expected: 'owa.contoso.test', subjectCN: null },
];

describe('cert texts (commands/cert/texts.yaml)', () => {
  it('load and validate', async () => {
    const texts = await loadCertTexts();
    expect(Object.keys(texts.findings)).toContain('cert.untrusted.missing-intermediate');
    expect(texts.links.certutil?.url).toMatch(/^https:\/\//);
  });

  it.each(everyCase.map((issue) => [issue.id, issue] as const))(
    '%s renders every text with every placeholder filled',
    async (id, issue) => {
      const reply = await ask('cert mail.contoso.test', [issue]);
      const finding = reply.findings.find((f) => f.id === id);
      expect(finding).toBeDefined();
      const words = JSON.stringify([reply.title, finding]);
      expect(words).not.toMatch(/\{[A-Za-z][A-Za-z0-9]*\}/);
      expect(finding?.fix?.summary).toBeTruthy();
      expect(finding?.fix?.links?.length).toBeGreaterThan(0);
    },
  );

  it('writes the words of a finding and its fix exactly', async () => {
    const reply = await ask('cert mail.contoso.test', [
      everyCase.find((i) => i.id === 'cert.untrusted.missing-intermediate') as CertIssue,
    ]);
    expect(reply.title).toBe('mail.contoso.test:443 — intermediate certificate not sent');
    expect(reply.findings[0]).toEqual({
      id: 'cert.untrusted.missing-intermediate',
      severity: 'fail',
      message:
        'The server sent its certificate without the intermediate that issued it (CN=Contoso Issuing CA, available at http://pki.contoso.test/issuing.crt). ' +
        'Windows often fetches a missing intermediate itself, so Outlook on Windows may work while phones over ActiveSync, Java, Node and Python clients fail. ' +
        'If CN=Contoso Issuing CA is itself your root CA, add it to tls.extraCaFiles instead.',
      fix: {
        summary: 'Install the intermediate on the server so that it is sent with the certificate.',
        steps: [
          'Download the intermediate from http://pki.contoso.test/issuing.crt.',
          "Windows/Exchange/IIS: import it into the computer's Intermediate Certification Authorities store (`certutil -addstore CA intermediate.cer`), then restart IIS / the Transport service so the chain is rebuilt.",
          'A load balancer or reverse proxy that terminates TLS: add the intermediate to its certificate chain (bundle).',
          'Run `cert mail.contoso.test:443` again to confirm.',
        ],
        links: [
          {
            title: 'certutil (Windows commands)',
            url: 'https://learn.microsoft.com/en-us/windows-server/administration/windows-commands/certutil',
          },
          {
            title: 'RFC 5280 §4.2.2.1: Authority Information Access',
            url: 'https://www.rfc-editor.org/rfc/rfc5280#section-4.2.2.1',
          },
        ],
      },
    });
  });

  it('says OK from the file too', async () => {
    const reply = await ask('cert mail.contoso.test', []);
    expect(reply.title).toBe('mail.contoso.test:443 — certificate OK, 120 days left');
    expect(reply.findings[0]?.message).toBe(
      'Trusted, matches mail.contoso.test (san-dns), valid until 2027-01-01 (120 days).',
    );
  });

  describe('the file is held to the shape the code reads', () => {
    const { source, edited, firstIssue } = textsFile('cert', certTextsSchema);

    it('as written', () => expect(firstIssue(source())).toBe('valid'));

    it('refuses a missing case, an unknown field, a link that is not defined, a finding id without texts', () => {
      expect(firstIssue(edited(['findings', 'cert.expired', 'fix', 'ca']))).toMatch(
        /^findings\.cert\.expired\.fix\.ca: /,
      );
      expect(firstIssue(edited(['findings', 'cert.weak-key', 'fix', 'note'], 'typo of a field'))).toMatch(
        /^findings\.cert\.weak-key\.fix: .*note/,
      );
      expect(firstIssue(edited(['findings', 'cert.weak-key', 'fix', 'links'], ['nist', 'nowhere']))).toBe(
        'findings.cert.weak-key.fix.links.1: no link named nowhere in links',
      );
      const missing = edited(['findings', 'cert.short-name']);
      expect(firstIssue(missing)).toMatch(/^findings\.cert\.short-name: /);
    });
  });
});
