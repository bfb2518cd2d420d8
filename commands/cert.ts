import { z } from 'zod';
import type { Command } from '../src/core/command';
import { DiagError, isFindingError, usageError } from '../src/core/errors';
import { makeReply, severityRank, type Action, type Fact, type Finding, type Fix, type Link, type Reply, type Severity } from '../src/core/reply';
import { asciiHostname, canonicalHostname, canonicalIp, isHostname } from '../src/net/address';
import { formatTarget, parseTarget, type Target } from '../src/net/target';
import type { CertChecker, CertCheckResult } from '../src/tls/check';
import { modeFor, type StarttlsChoice } from '../src/tls/mode';
import type { CertIssue, CertRef, TlsMode } from '../src/tls/types';
import type { CommandDeps } from './deps';

const EXAMPLE = 'cert mail.contoso.com';
const certWords = z.object({
  positional: z.array(z.string())
    .min(1, 'cert needs a host, e.g. `cert mail.contoso.com`, `cert smtp.contoso.com:25` or `cert https://mail.contoso.com/owa`')
    .max(1, 'cert checks one host at a time, e.g. `cert mail.contoso.com:443`'),
  name: z.string().min(1).optional().describe('the name to present (SNI) and verify, e.g. when connecting to an address: `cert 10.0.0.5:443 --name mail.contoso.com`'),
  expr: z.string().min(1).optional().describe('the Outlook Anywhere certificate principal name to compare with the subject CN, e.g. msstd:mail.contoso.com'),
  starttls: z.enum(['smtp', 'imap', 'pop3', 'none']).optional().describe('protocol to upgrade with STARTTLS before the handshake (default: by port — 25/587/2525 smtp, 143 imap, 110 pop3, others none)'),
});
type CertWords = z.infer<typeof certWords>;

/** What `cert` runs on: the words read once, at the edge, into a target, a mode and options. */
export interface CertInput {
  target: Target;
  mode: TlsMode;
  name?: string;
  expr?: string;
  starttls?: StarttlsChoice;
}

const DOCS = {
  certificates: { title: 'Digital certificates and encryption in Exchange Server', url: 'https://learn.microsoft.com/en-us/exchange/architecture/client-access/certificates' },
  renew: { title: 'Renew an Exchange Server certificate', url: 'https://learn.microsoft.com/en-us/exchange/architecture/client-access/renew-certificates' },
  newCert: { title: 'New-ExchangeCertificate', url: 'https://learn.microsoft.com/en-us/powershell/module/exchange/new-exchangecertificate' },
  enableCert: { title: 'Enable-ExchangeCertificate', url: 'https://learn.microsoft.com/en-us/powershell/module/exchange/enable-exchangecertificate' },
  certutil: { title: 'certutil (Windows commands)', url: 'https://learn.microsoft.com/en-us/windows-server/administration/windows-commands/certutil' },
  outlookProvider: { title: 'Set-OutlookProvider', url: 'https://learn.microsoft.com/en-us/powershell/module/exchange/set-outlookprovider' },
  receiveConnectors: { title: 'Receive connectors in Exchange Server', url: 'https://learn.microsoft.com/en-us/exchange/mail-flow/connectors/receive-connectors' },
  popImap: { title: 'POP3 and IMAP4 in Exchange Server', url: 'https://learn.microsoft.com/en-us/exchange/clients/pop3-and-imap4/pop3-and-imap4' },
  postfixTls: { title: 'Postfix TLS support', url: 'https://www.postfix.org/TLS_README.html' },
  rfc6125: { title: 'RFC 6125 §6.4: matching the DNS domain name portion', url: 'https://www.rfc-editor.org/rfc/rfc6125#section-6.4' },
  rfc5280Aia: { title: 'RFC 5280 §4.2.2.1: Authority Information Access', url: 'https://www.rfc-editor.org/rfc/rfc5280#section-4.2.2.1' },
  rfc9155: { title: 'RFC 9155: deprecating MD5 and SHA-1 signatures in TLS 1.2', url: 'https://www.rfc-editor.org/rfc/rfc9155' },
  nist: { title: 'NIST SP 800-131A Rev. 2: key lengths', url: 'https://csrc.nist.gov/pubs/sp/800/131/a/r2/final' },
} satisfies Record<string, Link>;

const SEVERITY: Record<CertIssue['id'], Severity> = {
  'cert.expired': 'fail', 'cert.not-yet-valid': 'fail', 'cert.expiring-soon': 'warn', 'cert.name-mismatch': 'fail',
  'cert.cn-not-in-san': 'warn', 'cert.short-name': 'warn', 'cert.untrusted.self-signed': 'fail',
  'cert.untrusted.missing-intermediate': 'fail', 'cert.untrusted.unknown-root': 'fail', 'cert.weak-key': 'fail',
  'cert.weak-signature': 'fail', 'cert.principal-name-mismatch': 'fail',
};

const day = (iso: string): string => iso.slice(0, 10);
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
const which = (ref: CertRef): string => (ref.role === 'leaf' ? 'The server certificate' : `The ${ref.role} certificate ${ref.subject}`);
const list = (names: string[]): string => (names.length === 0 ? 'no names at all' : names.slice(0, 12).join(', ') + (names.length > 12 ? ` and ${names.length - 12} more` : ''));

/** Reads the words into a target, mode and options; every problem is a `usage` error with an example. */
function parseInput(args: CertWords): CertInput {
  const target = parseTarget(args.positional[0] ?? '', 443, EXAMPLE);
  // A pasted http:// URL names the site; its certificate lives on the HTTPS port.
  if (target.scheme === 'http' && !/^http:\/\/(\[[^\]]*\]|[^/:?#]*):\d/i.test(args.positional[0] ?? '')) target.port = 443;
  const name = args.name === undefined ? undefined : canonicalHostname(asciiHostname(args.name.trim()));
  if (name !== undefined && !canonicalIp(name) && !isHostname(name)) {
    throw usageError(`--name: \`${args.name}\` is not a host name or IP address`, 'cert 10.0.0.5:443 --name mail.contoso.com');
  }
  let expr: string | undefined;
  if (args.expr !== undefined) {
    expr = args.expr.trim().replace(/^msstd:/i, '');
    if (!/^(\*\.)?[a-z0-9_-]+(\.[a-z0-9_-]+)*\.?$/i.test(expr)) {
      throw usageError(`--expr: \`${args.expr}\` is not a principal name like msstd:mail.contoso.com`, 'cert mail.contoso.com --expr msstd:mail.contoso.com');
    }
  }
  return { target, mode: modeFor(target.port, args.starttls, target.scheme), name, expr, starttls: args.starttls };
}

const certArgs = certWords.transform(parseInput);

function commandText(input: CertInput, extra: { name?: string; expr?: string } = {}): string {
  const name = extra.name ?? input.name;
  const expr = extra.expr ?? input.expr;
  return [`cert ${formatTarget(input.target)}`, name ? `--name ${name}` : '', expr ? `--expr msstd:${expr}` : '', input.starttls ? `--starttls ${input.starttls}` : '']
    .filter((part) => part !== '').join(' ');
}

/** The finding for one issue: what is wrong in the admin's words, and how to fix it. */
function describe(issue: CertIssue, input: CertInput): { message: string; headline: string; fix: Fix } {
  const again = `Run \`${commandText(input)}\` again to confirm.`;
  switch (issue.id) {
    case 'cert.expired':
      return {
        headline: issue.cert.role === 'leaf' ? `certificate expired ${plural(issue.daysAgo, 'day')} ago` : `${issue.cert.role} certificate expired`,
        message: `${which(issue.cert)} expired on ${day(issue.notAfter)} (${plural(issue.daysAgo, 'day')} ago). Clients refuse it ("could not establish trust relationship").`,
        fix: issue.cert.role === 'leaf'
          ? { summary: 'Renew the certificate and assign the new one to the services.', steps: ['Renew it with your CA (Exchange: `New-ExchangeCertificate -GenerateRequest` with the same names, or renew in the EAC).', 'Install it (`Import-ExchangeCertificate`) and assign it: `Enable-ExchangeCertificate -Thumbprint <new> -Services IIS,SMTP` (add IMAP,POP if used).', 'Remove the expired certificate once nothing uses it.', again], links: [DOCS.renew, DOCS.enableCert] }
          : { summary: `Replace the expired CA certificate ${issue.cert.subject} on the server.`, steps: ['Download the CA\'s current certificate from the CA and import it (`certutil -addstore CA <file>` for an intermediate, `Root` for a root).', 'If the CA itself expired, reissue the server certificate from a current CA.', again], links: [DOCS.certutil, DOCS.renew] },
      };
    case 'cert.not-yet-valid':
      return {
        headline: `certificate not valid until ${day(issue.notBefore)}`,
        message: `${which(issue.cert)} is not valid until ${day(issue.notBefore)} (in ${plural(issue.daysUntil, 'day')}).`,
        fix: { summary: 'Check the clocks, or install a certificate that is already valid.', steps: ['Check the date, time and time zone on the server and on the clients (`w32tm /query /status`).', 'If the certificate was issued with a future start date, keep the previous one bound until then.', again], links: [DOCS.certificates] },
      };
    case 'cert.expiring-soon':
      return {
        headline: `${issue.cert.role === 'leaf' ? 'certificate' : `${issue.cert.role} certificate`} expires in ${plural(issue.daysRemaining, 'day')}`,
        message: `${which(issue.cert)} expires on ${day(issue.notAfter)} (in ${plural(issue.daysRemaining, 'day')}; warning threshold ${issue.thresholdDays} days).`,
        fix: { summary: `Renew before ${day(issue.notAfter)}.`, steps: ['Request the renewal with the same names (`New-ExchangeCertificate -GenerateRequest`, or your CA\'s portal).', 'Install and assign it to the same services (`Enable-ExchangeCertificate -Services IIS,SMTP,…`) on every server behind this name.', again], links: [DOCS.renew, DOCS.enableCert] },
      };
    case 'cert.name-mismatch':
      return {
        headline: `certificate does not match ${issue.name}`,
        message: issue.nameIsIp
          ? `The certificate has no IP-address SAN for ${issue.name}; an address matches only an iPAddress SAN, never a DNS name. It carries: ${list(issue.carried)}.`
          : `The certificate does not cover ${issue.name}. It carries ${issue.usedCommonName ? 'no DNS SAN, only the subject CN ' : ''}${list(issue.carried)}. A wildcard covers exactly one label: *.contoso.com covers mail.contoso.com, not contoso.com or a.b.contoso.com.`,
        fix: { summary: `Use a certificate whose SAN lists ${issue.name}, or have clients use a name the certificate carries.`, steps: [`Request a certificate that includes ${issue.name} (\`New-ExchangeCertificate -GenerateRequest -DomainName ${issue.nameIsIp ? 'mail.contoso.com' : issue.name},…\`) and assign it.`, 'Or point the URLs clients use (Set-OwaVirtualDirectory, Set-ActiveSyncVirtualDirectory -ExternalUrl, Autodiscover) at a name the certificate carries.', 'When testing, give the URL with the certificate\'s name: `Test-ActiveSyncConnectivity -URL https://<name>/Microsoft-Server-ActiveSync`; without it Exchange tests the server\'s own name.', issue.nameIsIp ? `To check by address, give the name too: \`cert ${formatTarget(input.target)} --name <name>\`.` : again], links: [DOCS.certificates, DOCS.rfc6125] },
      };
    case 'cert.cn-not-in-san':
      return {
        headline: 'subject CN missing from the SAN list',
        message: `The subject CN ${issue.commonName} is not repeated in the SAN list (${list(issue.sanNames)}). Clients that follow RFC 6125 ignore the CN when SANs exist, so they will not accept ${issue.commonName}.`,
        fix: { summary: 'Reissue the certificate with the subject CN also listed as a SAN.', steps: ['Include the CN name in -DomainName when you create the request (most CAs copy it automatically).', again], links: [DOCS.certificates, DOCS.rfc6125] },
      };
    case 'cert.short-name':
      return {
        headline: 'single-label name',
        message: issue.requestedIsShort
          ? `${issue.name} is a single-label name: clients treat it as a different name from ${issue.fullNames[0] ?? `${issue.name}.<your domain>`}, so a certificate for one does not cover the other.`
          : `The certificate carries single-label names (${list(issue.shortNamesCarried)}). Public CAs no longer issue them, and clients outside the domain use the full name.`,
        fix: { summary: 'Use fully qualified names everywhere: in URLs, profiles and the certificate.', steps: [issue.fullNames[0] ? `Check the full name: \`cert ${formatTarget(input.target)} --name ${issue.fullNames[0]}\`.` : 'Configure clients and Exchange URLs with the FQDN (e.g. mail.contoso.com), not the short name.', 'Leave single-label names out of new certificate requests.'], links: [DOCS.certificates] },
      };
    case 'cert.untrusted.self-signed':
      return {
        headline: 'self-signed certificate',
        message: `The server sent a self-signed certificate (${issue.subject}). No client trusts it unless it is imported on each device: phones over ActiveSync, browsers and other servers refuse it.`,
        fix: { summary: 'Replace it with a certificate from your enterprise CA or a public CA.', steps: ['Create a request (`New-ExchangeCertificate -GenerateRequest -DomainName …`), have the CA issue it, then `Import-ExchangeCertificate` and `Enable-ExchangeCertificate -Services IIS,SMTP`.', 'Exchange\'s own self-signed certificate is meant for server-to-server use only; do not bind it to client-facing services.', 'For a lab only: trust it deliberately (Trusted Root Certification Authorities on clients; tls.extraCaFiles for diagbot).'], links: [DOCS.newCert, DOCS.certificates] },
      };
    case 'cert.untrusted.missing-intermediate':
      return {
        headline: 'intermediate certificate not sent',
        message: `The server sent its certificate without the intermediate that issued it (${issue.missingIssuer}${issue.aiaUrls[0] ? `, available at ${issue.aiaUrls[0]}` : ''}). Windows often fetches a missing intermediate itself, so Outlook on Windows may work while phones over ActiveSync, Java, Node and Python clients fail. If ${issue.missingIssuer} is itself your root CA, add it to tls.extraCaFiles instead.`,
        fix: { summary: 'Install the intermediate on the server so that it is sent with the certificate.', steps: [`Download the intermediate ${issue.aiaUrls[0] ? `from ${issue.aiaUrls[0]}` : 'from your CA'}.`, 'Windows/Exchange/IIS: import it into the computer\'s Intermediate Certification Authorities store (`certutil -addstore CA intermediate.cer`), then restart IIS / the Transport service so the chain is rebuilt.', 'A load balancer or reverse proxy that terminates TLS: add the intermediate to its certificate chain (bundle).', again], links: [DOCS.certutil, DOCS.rfc5280Aia] },
      };
    case 'cert.untrusted.unknown-root':
      return {
        headline: 'chain ends at an untrusted root',
        message: issue.rootSent
          ? `The chain ends at ${issue.root}, a root certificate that is not trusted here (Node's bundled roots plus tls.extraCaFiles).`
          : `The chain ends at ${issue.root}, which the server did not send and which is not trusted here — usually your organisation's root CA (if it is another intermediate, the server must send it too).`,
        fix: { summary: `Trust ${issue.root} where the clients need it, or use a certificate from a publicly trusted CA.`, steps: ['Import the root into Trusted Root Certification Authorities (`certutil -addstore Root root.cer`; domain clients get it by Group Policy). Phones, Macs and Java clients need it imported too.', 'For diagbot: add the root\'s PEM file to tls.extraCaFiles (DIAGBOT_TLS_EXTRA_CA).', again], links: [DOCS.certutil, DOCS.certificates] },
      };
    case 'cert.weak-key':
      return {
        headline: `weak key (${issue.keyType} ${issue.keyBits ?? '?'} bits)`,
        message: `${which(issue.cert)} has a ${issue.keyType} key of ${issue.keyBits ?? 'unknown'} bits; current clients require RSA of at least 2048 bits or ECDSA P-256 or better.`,
        fix: { summary: 'Reissue the certificate with a stronger key.', steps: ['Create a new request with `New-ExchangeCertificate -GenerateRequest -KeySize 2048` (or 4096), then install and assign the new certificate.', again], links: [DOCS.newCert, DOCS.nist] },
      };
    case 'cert.weak-signature':
      return {
        headline: `weak signature (${issue.algorithm})`,
        message: `${which(issue.cert)} is signed with ${issue.algorithm}; browsers and current TLS libraries reject MD5 and SHA-1 certificate signatures.`,
        fix: { summary: issue.cert.role === 'leaf' ? 'Have the CA reissue the certificate with SHA-256.' : `Install the CA's SHA-256 version of ${issue.cert.subject} and reissue from it.`, steps: ['A Windows CA: set its hash algorithm to SHA256 (`certutil -setreg ca\\csp\\CNGHashAlgorithm SHA256`), restart it, and reissue.', again], links: [DOCS.rfc9155, DOCS.nist] },
      };
    case 'cert.principal-name-mismatch':
      return {
        headline: 'Outlook Anywhere principal name does not match',
        message: `The Outlook Anywhere principal name msstd:${issue.expected} does not match the subject CN (${issue.subjectCN ?? 'the certificate has none'}). Older Outlook clients on Windows compare the subject CN, not the SAN, and fail to connect.`,
        fix: issue.subjectCN
          ? { summary: 'Set the principal name to the certificate\'s subject CN.', steps: [`\`Set-OutlookProvider EXPR -CertPrincipalName msstd:${issue.subjectCN}\``, 'Clients pick it up from Autodiscover; restart Outlook (or recreate the profile) to test.', `Check: \`${commandText(input, { expr: issue.subjectCN })}\`.`], links: [DOCS.outlookProvider] }
          : { summary: 'Reissue the certificate with the Outlook Anywhere name as subject CN.', steps: [`Request it with \`-SubjectName "CN=${issue.expected}"\`, then \`Set-OutlookProvider EXPR -CertPrincipalName msstd:${issue.expected}\`.`], links: [DOCS.outlookProvider, DOCS.newCert] },
      };
    default: {
      const unreachable: never = issue;
      throw new Error(`unknown issue ${JSON.stringify(unreachable)}`);
    }
  }
}

/** Fix text for the checks that could not run; the engine gives the facts, this adds what to do. */
function errorFix(error: DiagError, input: CertInput): Fix | undefined {
  const smtp = input.mode === 'starttls-smtp';
  if (error.code === 'cert.starttls-unsupported') {
    return {
      summary: smtp ? 'Enable STARTTLS on the SMTP service (it needs a certificate), or check the port.' : 'Enable STARTTLS/STLS on the service (it needs a certificate), or check the port.',
      steps: smtp
        ? ['Exchange: assign a certificate to SMTP (`Enable-ExchangeCertificate -Services SMTP`) and keep `Tls` in the receive connector\'s AuthMechanism.', 'Postfix: set smtpd_tls_cert_file, smtpd_tls_key_file and smtpd_tls_security_level = may.', 'If this port uses implicit TLS (465), check with `--starttls none`.']
        : ['Exchange: set the certificate with `Set-ImapSettings`/`Set-PopSettings -X509CertificateName <name>`, assign it (`Enable-ExchangeCertificate -Services IMAP,POP`) and restart the services.', 'If this port uses implicit TLS (993, 995), check with `--starttls none`.'],
      links: smtp ? [DOCS.receiveConnectors, DOCS.postfixTls] : [DOCS.popImap],
    };
  }
  if (error.code === 'smtp.greeting-failed') {
    return {
      summary: 'The SMTP server refused the session before STARTTLS could be asked for.',
      steps: ['Check that the receive connector (Exchange) or smtpd (Postfix) accepts connections from diagbot\'s address and is not overloaded.', `Run \`${commandText(input)}\` again.`],
      links: [DOCS.receiveConnectors, DOCS.postfixTls],
    };
  }
  if (error.code === 'cert.handshake-failed') {
    return {
      summary: 'Check that this port speaks TLS and has a certificate bound to it.',
      steps: ['Plain HTTP on this port: the HTTPS binding is elsewhere (443) or missing — in IIS check the site\'s https binding and its certificate.', 'A mail port that expects STARTTLS first: use `--starttls smtp|imap|pop3`.', 'No common version or cipher: the server may offer only SSL 3.0 or retired ciphers; update its TLS configuration.'],
      links: [DOCS.certificates, DOCS.enableCert],
    };
  }
  return error.fix;
}


function buildReply(input: CertInput, { probe, analysis }: CertCheckResult, digestAvailable: boolean): Reply {
  const described = analysis.issues.map((issue) => ({ issue, ...describe(issue, input), severity: SEVERITY[issue.id] }));
  described.sort((a, b) => severityRank(b.severity) - severityRank(a.severity));
  const findings: Finding[] = described.map((d) => ({ id: d.issue.id, severity: d.severity, message: d.message, fix: d.fix }));
  const leaf = analysis.chain[0];
  const problems = described.filter((d) => severityRank(d.severity) >= severityRank('warn'));
  if (problems.length === 0) {
    findings.unshift({ id: 'cert.ok', severity: 'ok', message: `Trusted, matches ${analysis.verifiedName} (${analysis.nameMatch}), valid until ${day(leaf?.notAfter ?? '')} (${plural(analysis.daysRemaining, 'day')}).` });
  }
  const where = `${formatTarget(input.target)}${probe.servername && probe.servername !== input.target.host ? ` as ${probe.servername}` : ''}`;
  const headline = problems[0] ? `${problems[0].headline}${problems.length > 1 ? ` (+${problems.length - 1} more)` : ''}` : `certificate OK, ${plural(analysis.daysRemaining, 'day')} left`;

  const facts: Fact[] = [];
  if (leaf) {
    facts.push({ label: 'Subject', value: leaf.subject || '(empty)' });
    facts.push({ label: 'Names (SAN)', value: list([...leaf.sans.dns, ...leaf.sans.ip]) });
    facts.push({ label: 'Issuer', value: leaf.issuer });
    facts.push({ label: 'Valid', value: `${day(leaf.notBefore)} → ${day(leaf.notAfter)} (${plural(analysis.daysRemaining, 'day')} left)` });
    facts.push({ label: 'Key / signature', value: `${leaf.keyType} ${leaf.keyBits ?? '?'} bits, ${leaf.signatureAlgorithm}` });
  }
  const order = analysis.chainOrder === 'out-of-order' ? ', sent OUT OF ORDER (most clients reorder; some older ones fail)' : analysis.chainOrder === 'unknown' ? '' : ', in order';
  facts.push({ label: 'Chain sent', value: `${plural(analysis.chain.length, 'certificate')}${order}${analysis.unusedCertificates.length > 0 ? `; not part of the chain: ${list(analysis.unusedCertificates)}` : ''}` });
  facts.push({ label: 'Path', value: `${analysis.path.map((p) => p.subject || '(empty)').join(' → ')} ${analysis.trusted ? '(trusted)' : '(not trusted)'}` });
  facts.push({ label: 'Connection', value: `${probe.protocol}, ${probe.cipher}, ${probe.mode}, SNI ${probe.servername ?? 'none (an address is never sent as SNI)'}, address ${probe.address}` });
  if (input.expr !== undefined) facts.push({ label: 'Outlook Anywhere', value: `msstd:${input.expr} vs subject CN ${leaf?.subjectCN ?? '(none)'}` });
  if (leaf) facts.push({ label: 'SHA-256 fingerprint', value: leaf.fingerprint256 });

  const actions: Action[] = [{ label: 'Check again', command: commandText(input) }];
  if (input.expr === undefined && leaf?.subjectCN) actions.push({ label: 'Check with --expr', command: commandText(input, { expr: leaf.subjectCN }) });
  const fullName = analysis.issues.find((i): i is Extract<CertIssue, { id: 'cert.short-name' }> => i.id === 'cert.short-name' && i.requestedIsShort)?.fullNames[0];
  if (fullName) actions.push({ label: `Check ${fullName}`, command: commandText(input, { name: fullName }) });
  if (digestAvailable) actions.push({ label: 'Add to a daily digest', command: `digest add daily 08:00 ${commandText(input)}` });

  return makeReply({
    command: 'cert',
    title: `${where} — ${headline}`,
    findings,
    facts,
    actions,
    data: {
      host: input.target.host, port: input.target.port, address: probe.address, servername: probe.servername ?? null, mode: probe.mode,
      protocol: probe.protocol, cipher: probe.cipher, trusted: analysis.trusted, daysRemaining: analysis.daysRemaining, chain: analysis.chain,
      chainOrder: analysis.chainOrder, unusedCertificates: analysis.unusedCertificates, path: analysis.path, verifiedName: analysis.verifiedName,
      nameMatch: analysis.nameMatch, expr: input.expr ?? null, ...(probe.banner !== undefined ? { banner: probe.banner, capabilities: probe.capabilities } : {}),
    },
  });
}

/**
 * `cert <host>[:port] [--name NAME] [--expr msstd:NAME] [--starttls smtp|imap|pop3|none]`: checks the
 * certificate a server presents over HTTPS or STARTTLS — trust, names, dates, strength, the Outlook
 * Anywhere principal name — and says how to fix what is wrong.
 */
export function createCertCommand(deps: CommandDeps & { certChecker?: CertChecker }): Command<CertInput> {
  let checker: Promise<CertChecker> | undefined = deps.certChecker ? Promise.resolve(deps.certChecker) : undefined;
  // The engine (and node-forge behind it) loads on first use so `diagbot --json help` stays fast.
  const engine = (): Promise<CertChecker> => {
    checker ??= import('../src/tls/check').then(({ createCertChecker }) => createCertChecker({ net: deps.net, config: deps.config.tls, now: deps.now }));
    return checker;
  };
  return {
    name: 'cert',
    summary: 'Check a server\'s TLS certificate (HTTPS or STARTTLS): trust, name, dates, strength.',
    usage: 'cert <host>[:port] [--name <name>] [--expr msstd:<name>] [--starttls smtp|imap|pop3|none]',
    examples: [EXAMPLE, 'cert https://mail.contoso.com/owa', 'cert smtp.contoso.com:25', 'cert mail.contoso.com --expr msstd:mail.contoso.com', 'cert 10.0.0.5:443 --name mail.contoso.com'],
    details: [
      'The port picks the protocol: 25/587/2525 SMTP STARTTLS, 143 IMAP STARTTLS, 110 POP3 STLS, anything else (443, 465, 993, 995 …) implicit TLS.',
      'The chain is judged by diagbot, the same way OpenSSL does: trust against Node\'s bundled roots plus tls.extraCaFiles, the name always (even when the chain is untrusted), every date on the path, key and signature strength.',
      'An address is never sent as SNI; give `--name` to present and verify a name while connecting to an address.',
    ],
    args: certArgs,
    targetOf: (input) => input.target,
    async run(input, ctx) {
      let result: CertCheckResult;
      try {
        result = await (await engine()).check({ host: input.target.host, port: input.target.port, mode: input.mode, name: input.name, expr: input.expr, signal: ctx.signal });
      } catch (error) {
        if (!isFindingError(error)) throw error;
        throw new DiagError(error.code, error.message, { cause: error.cause, data: { host: input.target.host, port: input.target.port, mode: input.mode, ...error.data }, fix: errorFix(error, input) });
      }
      // Offered once digests exist and this person may use them; never inside a digest run itself.
      const digestAvailable = ctx.request.platform !== 'digest' && ctx.visibleCommands().some((c) => c.name === 'digest');
      return buildReply(input, result, digestAvailable);
    },
  };
}
