import { z } from 'zod';
import type { Command } from '../src/core/command';
import { DiagError, isFindingError, usageError } from '../src/core/errors';
import {
  makeReply,
  severityRank,
  type Action,
  type Fact,
  type Finding,
  type Fix,
  type Reply,
  type Severity,
} from '../src/core/reply';
import { fill, fillFix, type FixText } from '../src/core/template';
import { asciiHostname, canonicalHostname, canonicalIp, isHostname } from '../src/net/address';
import { formatTarget, parseTarget, type Target } from '../src/net/target';
import type { CertChecker, CertCheckResult } from '../src/tls/check';
import { modeFor, type StarttlsChoice } from '../src/tls/mode';
import type { CertIssue, CertRef, TlsMode } from '../src/tls/types';
import type { CertTexts } from './cert/texts';
import type { CommandDeps } from './deps';

const EXAMPLE = 'cert mail.contoso.com';
const certWords = z.object({
  positional: z
    .array(z.string())
    .min(
      1,
      'cert needs a host, e.g. `cert mail.contoso.com`, `cert smtp.contoso.com:25` or `cert https://mail.contoso.com/owa`',
    )
    .max(1, 'cert checks one host at a time, e.g. `cert mail.contoso.com:443`'),
  name: z
    .string()
    .min(1)
    .optional()
    .describe(
      'the name to present (SNI) and verify, e.g. when connecting to an address: `cert 10.0.0.5:443 --name mail.contoso.com`',
    ),
  expr: z
    .string()
    .min(1)
    .optional()
    .describe(
      'the Outlook Anywhere certificate principal name to compare with the subject CN, e.g. msstd:mail.contoso.com',
    ),
  starttls: z
    .enum(['smtp', 'imap', 'pop3', 'none'])
    .optional()
    .describe(
      'protocol to upgrade with STARTTLS before the handshake (default: by port — 25/587/2525 smtp, 143 imap, 110 pop3, others none)',
    ),
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

const SEVERITY: Record<CertIssue['id'], Severity> = {
  'cert.expired': 'fail',
  'cert.not-yet-valid': 'fail',
  'cert.expiring-soon': 'warn',
  'cert.name-mismatch': 'fail',
  'cert.cn-not-in-san': 'warn',
  'cert.short-name': 'warn',
  'cert.untrusted.self-signed': 'fail',
  'cert.untrusted.missing-intermediate': 'fail',
  'cert.untrusted.unknown-root': 'fail',
  'cert.weak-key': 'fail',
  'cert.weak-signature': 'fail',
  'cert.principal-name-mismatch': 'fail',
};

const day = (iso: string): string => iso.slice(0, 10);
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
const list = (names: string[]): string =>
  names.length === 0
    ? 'no names at all'
    : names.slice(0, 12).join(', ') + (names.length > 12 ? ` and ${names.length - 12} more` : '');

/** Reads the words into a target, mode and options; every problem is a `usage` error with an example. */
function parseInput(args: CertWords): CertInput {
  const target = parseTarget(args.positional[0] ?? '', 443, EXAMPLE);
  // A pasted http:// URL names the site; its certificate lives on the HTTPS port.
  if (target.scheme === 'http' && !/^http:\/\/(\[[^\]]*\]|[^/:?#]*):\d/i.test(args.positional[0] ?? ''))
    target.port = 443;
  const name = args.name === undefined ? undefined : canonicalHostname(asciiHostname(args.name.trim()));
  if (name !== undefined && !canonicalIp(name) && !isHostname(name)) {
    throw usageError(
      `--name: \`${args.name}\` is not a host name or IP address`,
      'cert 10.0.0.5:443 --name mail.contoso.com',
    );
  }
  let expr: string | undefined;
  if (args.expr !== undefined) {
    expr = args.expr.trim().replace(/^msstd:/i, '');
    if (!/^(\*\.)?[a-z0-9_-]+(\.[a-z0-9_-]+)*\.?$/i.test(expr)) {
      throw usageError(
        `--expr: \`${args.expr}\` is not a principal name like msstd:mail.contoso.com`,
        'cert mail.contoso.com --expr msstd:mail.contoso.com',
      );
    }
  }
  return { target, mode: modeFor(target.port, args.starttls, target.scheme), name, expr, starttls: args.starttls };
}

const certArgs = certWords.transform(parseInput);

function commandText(input: CertInput, extra: { name?: string; expr?: string } = {}): string {
  const name = extra.name ?? input.name;
  const expr = extra.expr ?? input.expr;
  return [
    `cert ${formatTarget(input.target)}`,
    name ? `--name ${name}` : '',
    expr ? `--expr msstd:${expr}` : '',
    input.starttls ? `--starttls ${input.starttls}` : '',
  ]
    .filter((part) => part !== '')
    .join(' ');
}

/** The finding for one issue: what is wrong in the admin's words, and how to fix it (texts in cert/texts.yaml). */
function describe(
  issue: CertIssue,
  input: CertInput,
  texts: CertTexts,
): { message: string; headline: string; fix: Fix } {
  const again = fill(texts.phrases.again, { command: commandText(input) });
  const cert = (ref: CertRef): string =>
    ref.role === 'leaf'
      ? texts.phrases.leafCertificate
      : fill(texts.phrases.caCertificate, { role: ref.role, subject: ref.subject });
  const leafOrCa = (ref: CertRef): 'leaf' | 'ca' => (ref.role === 'leaf' ? 'leaf' : 'ca');
  // A case gets only the values it may use: a text naming one its case lacks throws (the unit tests render each).
  const finding = (headline: string, message: string, fix: FixText, values: Record<string, string | number>) => ({
    headline: fill(headline, values),
    message: fill(message, values),
    fix: fillFix(fix, texts.links, { again, ...values }),
  });
  const t = texts.findings;
  switch (issue.id) {
    case 'cert.expired': {
      const { headline, message, fix } = t[issue.id];
      const role = leafOrCa(issue.cert);
      const values = {
        cert: cert(issue.cert),
        role: issue.cert.role,
        subject: issue.cert.subject,
        notAfter: day(issue.notAfter),
        daysAgo: plural(issue.daysAgo, 'day'),
      };
      return finding(headline[role], message, fix[role], values);
    }
    case 'cert.not-yet-valid': {
      const { headline, message, fix } = t[issue.id];
      return finding(headline, message, fix, {
        cert: cert(issue.cert),
        notBefore: day(issue.notBefore),
        daysUntil: plural(issue.daysUntil, 'day'),
      });
    }
    case 'cert.expiring-soon': {
      const { headline, message, fix } = t[issue.id];
      const values = {
        cert: cert(issue.cert),
        role: issue.cert.role,
        notAfter: day(issue.notAfter),
        daysRemaining: plural(issue.daysRemaining, 'day'),
        thresholdDays: issue.thresholdDays,
      };
      return finding(headline[leafOrCa(issue.cert)], message, fix, values);
    }
    case 'cert.name-mismatch': {
      const { headline, message, fix } = t[issue.id];
      const values = { name: issue.name, carried: list(issue.carried), target: formatTarget(input.target) };
      const text = issue.nameIsIp ? message.address : issue.usedCommonName ? message.commonName : message.name;
      return finding(headline, text, issue.nameIsIp ? fix.address : fix.name, values);
    }
    case 'cert.cn-not-in-san': {
      const { headline, message, fix } = t[issue.id];
      return finding(headline, message, fix, { commonName: issue.commonName, sanNames: list(issue.sanNames) });
    }
    case 'cert.short-name': {
      const { headline, message, fix } = t[issue.id];
      const fullName = issue.fullNames[0];
      const text = !issue.requestedIsShort
        ? message.carried
        : fullName === undefined
          ? message.requestedNoFullName
          : message.requested;
      const values = {
        name: issue.name,
        ...(fullName !== undefined ? { fullName } : {}),
        shortNames: list(issue.shortNamesCarried),
        target: formatTarget(input.target),
      };
      return finding(headline, text, fullName ? fix.fullName : fix.noFullName, values);
    }
    case 'cert.untrusted.self-signed': {
      const { headline, message, fix } = t[issue.id];
      return finding(headline, message, fix, { subject: issue.subject });
    }
    case 'cert.untrusted.missing-intermediate': {
      const { headline, message, fix } = t[issue.id];
      const aiaUrl = issue.aiaUrls[0];
      const known = aiaUrl ? 'aiaUrl' : 'noAiaUrl';
      return finding(headline, message[known], fix[known], {
        issuer: issue.missingIssuer,
        ...(aiaUrl ? { aiaUrl } : {}),
      });
    }
    case 'cert.untrusted.unknown-root': {
      const { headline, message, fix } = t[issue.id];
      return finding(headline, issue.rootSent ? message.sent : message.notSent, fix, { root: issue.root });
    }
    case 'cert.weak-key': {
      const { headline, message, fix } = t[issue.id];
      const known = issue.keyBits === null ? 'unknown' : 'known';
      return finding(headline[known], message[known], fix, {
        cert: cert(issue.cert),
        keyType: issue.keyType,
        ...(issue.keyBits !== null ? { keyBits: issue.keyBits } : {}),
      });
    }
    case 'cert.weak-signature': {
      const { headline, message, fix } = t[issue.id];
      const values = { cert: cert(issue.cert), algorithm: issue.algorithm, subject: issue.cert.subject };
      return finding(headline, message, fix[leafOrCa(issue.cert)], values);
    }
    case 'cert.principal-name-mismatch': {
      const { headline, message, fix } = t[issue.id];
      const { subjectCN } = issue;
      const values = {
        expected: issue.expected,
        ...(subjectCN !== null ? { subjectCN } : {}),
        ...(subjectCN ? { checkCommand: commandText(input, { expr: subjectCN }) } : {}),
      };
      return finding(headline, subjectCN === null ? message.noCn : message.cn, subjectCN ? fix.cn : fix.noCn, values);
    }
    default: {
      const unreachable: never = issue;
      throw new Error(`unknown issue ${JSON.stringify(unreachable)}`);
    }
  }
}

/** Fix text for the checks that could not run; the engine gives the facts, this adds what to do. */
function errorFix(error: DiagError, input: CertInput, texts: CertTexts): Fix | undefined {
  const fixes = texts.errors;
  const values = { command: commandText(input) };
  if (error.code === 'cert.starttls-unsupported') {
    return fillFix(
      input.mode === 'starttls-smtp' ? fixes[error.code].smtp : fixes[error.code].other,
      texts.links,
      values,
    );
  }
  if (error.code === 'smtp.greeting-failed' || error.code === 'cert.handshake-failed')
    return fillFix(fixes[error.code], texts.links, values);
  return error.fix;
}

function buildReply(
  input: CertInput,
  { probe, analysis }: CertCheckResult,
  digestAvailable: boolean,
  texts: CertTexts,
): Reply {
  const described = analysis.issues.map((issue) => ({
    issue,
    ...describe(issue, input, texts),
    severity: SEVERITY[issue.id],
  }));
  described.sort((a, b) => severityRank(b.severity) - severityRank(a.severity));
  const findings: Finding[] = described.map((d) => ({
    id: d.issue.id,
    severity: d.severity,
    message: d.message,
    fix: d.fix,
  }));
  const leaf = analysis.chain[0];
  const problems = described.filter((d) => severityRank(d.severity) >= severityRank('warn'));
  const ok = texts.findings['cert.ok'];
  const okValues = {
    verifiedName: analysis.verifiedName,
    nameMatch: analysis.nameMatch,
    notAfter: day(leaf?.notAfter ?? ''),
    daysRemaining: plural(analysis.daysRemaining, 'day'),
  };
  if (problems.length === 0) findings.unshift({ id: 'cert.ok', severity: 'ok', message: fill(ok.message, okValues) });
  const where = `${formatTarget(input.target)}${probe.servername && probe.servername !== input.target.host ? ` as ${probe.servername}` : ''}`;
  const headline = problems[0]
    ? `${problems[0].headline}${problems.length > 1 ? ` (+${problems.length - 1} more)` : ''}`
    : fill(ok.headline, okValues);

  const facts: Fact[] = [];
  if (leaf) {
    facts.push({ label: 'Subject', value: leaf.subject || '(empty)' });
    facts.push({ label: 'Names (SAN)', value: list([...leaf.sans.dns, ...leaf.sans.ip]) });
    facts.push({ label: 'Issuer', value: leaf.issuer });
    facts.push({
      label: 'Valid',
      value: `${day(leaf.notBefore)} → ${day(leaf.notAfter)} (${plural(analysis.daysRemaining, 'day')} left)`,
    });
    facts.push({
      label: 'Key / signature',
      value: `${leaf.keyType} ${leaf.keyBits ?? '?'} bits, ${leaf.signatureAlgorithm}`,
    });
  }
  const order =
    analysis.chainOrder === 'out-of-order'
      ? ', sent OUT OF ORDER (most clients reorder; some older ones fail)'
      : analysis.chainOrder === 'unknown'
        ? ''
        : ', in order';
  facts.push({
    label: 'Chain sent',
    value: `${plural(analysis.chain.length, 'certificate')}${order}${analysis.unusedCertificates.length > 0 ? `; not part of the chain: ${list(analysis.unusedCertificates)}` : ''}`,
  });
  facts.push({
    label: 'Path',
    value: `${analysis.path.map((p) => p.subject || '(empty)').join(' → ')} ${analysis.trusted ? '(trusted)' : '(not trusted)'}`,
  });
  facts.push({
    label: 'Connection',
    value: `${probe.protocol}, ${probe.cipher}, ${probe.mode}, SNI ${probe.servername ?? 'none (an address is never sent as SNI)'}, address ${probe.address}`,
  });
  if (input.expr !== undefined)
    facts.push({
      label: 'Outlook Anywhere',
      value: `msstd:${input.expr} vs subject CN ${leaf?.subjectCN ?? '(none)'}`,
    });
  if (leaf) facts.push({ label: 'SHA-256 fingerprint', value: leaf.fingerprint256 });

  const actions: Action[] = [{ label: 'Check again', command: commandText(input) }];
  if (input.expr === undefined && leaf?.subjectCN)
    actions.push({ label: 'Check with --expr', command: commandText(input, { expr: leaf.subjectCN }) });
  const fullName = analysis.issues.find(
    (i): i is Extract<CertIssue, { id: 'cert.short-name' }> => i.id === 'cert.short-name' && i.requestedIsShort,
  )?.fullNames[0];
  if (fullName) actions.push({ label: `Check ${fullName}`, command: commandText(input, { name: fullName }) });
  if (digestAvailable)
    actions.push({ label: 'Add to a daily digest', command: `digest add daily 08:00 ${commandText(input)}` });

  return makeReply({
    command: 'cert',
    title: `${where} — ${headline}`,
    findings,
    facts,
    actions,
    data: {
      host: input.target.host,
      port: input.target.port,
      address: probe.address,
      servername: probe.servername ?? null,
      mode: probe.mode,
      protocol: probe.protocol,
      cipher: probe.cipher,
      trusted: analysis.trusted,
      daysRemaining: analysis.daysRemaining,
      chain: analysis.chain,
      chainOrder: analysis.chainOrder,
      unusedCertificates: analysis.unusedCertificates,
      path: analysis.path,
      verifiedName: analysis.verifiedName,
      nameMatch: analysis.nameMatch,
      expr: input.expr ?? null,
      ...(probe.banner !== undefined ? { banner: probe.banner, capabilities: probe.capabilities } : {}),
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
    checker ??= import('../src/tls/check').then(({ createCertChecker }) =>
      createCertChecker({ net: deps.net, config: deps.config.tls, now: deps.now }),
    );
    return checker;
  };
  return {
    name: 'cert',
    summary: "Check a server's TLS certificate (HTTPS or STARTTLS): trust, name, dates, strength.",
    usage: 'cert <host>[:port] [--name <name>] [--expr msstd:<name>] [--starttls smtp|imap|pop3|none]',
    examples: [
      EXAMPLE,
      'cert https://mail.contoso.com/owa',
      'cert smtp.contoso.com:25',
      'cert mail.contoso.com --expr msstd:mail.contoso.com',
      'cert 10.0.0.5:443 --name mail.contoso.com',
    ],
    details: [
      'The port picks the protocol: 25/587/2525 SMTP STARTTLS, 143 IMAP STARTTLS, 110 POP3 STLS, anything else (443, 465, 993, 995 …) implicit TLS.',
      "The chain is judged by diagbot, the same way OpenSSL does: trust against Node's bundled roots plus tls.extraCaFiles, the name always (even when the chain is untrusted), every date on the path, key and signature strength.",
      'An address is never sent as SNI; give `--name` to present and verify a name while connecting to an address.',
    ],
    args: certArgs,
    targetOf: (input) => input.target,
    async run(input, ctx) {
      // The texts load with the first run, like the engine, so `help` never reads them.
      const texts = await (await import('./cert/texts')).loadCertTexts();
      let result: CertCheckResult;
      try {
        result = await (
          await engine()
        ).check({
          host: input.target.host,
          port: input.target.port,
          mode: input.mode,
          name: input.name,
          expr: input.expr,
          signal: ctx.signal,
        });
      } catch (error) {
        if (!isFindingError(error)) throw error;
        throw new DiagError(error.code, error.message, {
          cause: error.cause,
          data: { host: input.target.host, port: input.target.port, mode: input.mode, ...error.data },
          fix: errorFix(error, input, texts),
        });
      }
      // Offered once digests exist and this person may use them; never inside a digest run itself.
      const digestAvailable =
        ctx.request.platform !== 'digest' && ctx.visibleCommands().some((c) => c.name === 'digest');
      return buildReply(input, result, digestAvailable, texts);
    },
  };
}
