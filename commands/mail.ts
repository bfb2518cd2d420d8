import { z } from 'zod';
import type { Command } from '../src/core/command';
import { DiagError, usageError } from '../src/core/errors';
import { makeReply, type Action, type Fact, type Reply } from '../src/core/reply';
import { createPortPolicy } from '../src/guard/ports';
import { asciiHostname, canonicalHostname, canonicalIp, isHostname } from '../src/net/address';
import { MAIL_SECTIONS, type MailSection } from '../src/mail/issues';
import type { MailPosture } from '../src/mail/check';
import type { CommandDeps } from './deps';
import { buildFindings } from './mail/findings';
import type { MailTexts } from './mail/texts';
import type { MailEngine } from './mail/wiring';

const EXAMPLE = 'mail contoso.com';
const mailArgs = z.object({
  positional: z
    .array(z.string())
    .min(1, 'mail needs a domain, e.g. `mail contoso.com` or `mail contoso.com --selector selector1`')
    .max(1, 'mail checks one domain at a time, e.g. `mail contoso.com`'),
  selector: z
    .array(z.string().min(1))
    .optional()
    .describe(
      'a DKIM selector to check (repeatable); without it common selectors are tried (selector1, selector2, google, default, …)',
    ),
  only: z
    .string()
    .min(1)
    .optional()
    .describe(`check only these parts, comma-separated: ${MAIL_SECTIONS.join(',')}`),
});
export type MailArgs = z.infer<typeof mailArgs>;
/** What `mail` runs on: the words read once, at the edge. */
export interface MailInput {
  domain: string;
  selectors: string[];
  only: Set<MailSection>;
  onlyText?: string;
}

/** Reads the words into a domain, selectors and sections; every problem is a `usage` error with an example. */
function parseInput(args: MailArgs): MailInput {
  const raw = (args.positional[0] ?? '').trim();
  // A pasted address (jane@contoso.com) or mailto: names its domain.
  const text = raw.replace(/^mailto:/i, '').replace(/^.*@/, '');
  const domain = canonicalHostname(asciiHostname(text));
  if (canonicalIp(domain) || !isHostname(domain) || !domain.includes('.')) {
    throw usageError(`\`${raw.slice(0, 80)}\` is not a mail domain (a name such as contoso.com)`, EXAMPLE);
  }
  const selectors: string[] = [];
  for (const selector of args.selector ?? []) {
    const name = selector.trim().toLowerCase();
    if (!/^[a-z0-9_-]{1,63}(\.[a-z0-9_-]{1,63})*$/.test(name))
      throw usageError(
        `--selector: \`${selector.slice(0, 60)}\` is not a DKIM selector (the s= of a DKIM-Signature, e.g. selector1)`,
        'mail contoso.com --selector selector1',
      );
    selectors.push(name);
  }
  let only = new Set<MailSection>(MAIL_SECTIONS);
  if (args.only !== undefined) {
    const parts = args.only
      .split(',')
      .map((p) => p.trim().toLowerCase())
      .filter((p) => p !== '');
    const unknown = parts.filter((p) => !(MAIL_SECTIONS as readonly string[]).includes(p));
    if (parts.length === 0 || unknown.length > 0) {
      throw usageError(
        `--only: ${unknown.length > 0 ? `\`${unknown.join(',').slice(0, 60)}\` is not a part` : 'name at least one part'}; the parts are ${MAIL_SECTIONS.join(', ')}`,
        'mail contoso.com --only spf,dmarc',
      );
    }
    only = new Set(parts as MailSection[]);
  }
  return { domain, selectors, only, onlyText: args.only === undefined ? undefined : [...only].join(',') };
}

/** Read at the edge, so `digest add … mail <nonsense>` is refused when it is added, not at 08:00. */
const mailInput = mailArgs.transform(parseInput);

function commandText(input: MailInput): string {
  return [
    `mail ${input.domain}`,
    ...input.selectors.map((s) => `--selector ${s}`),
    input.onlyText ? `--only ${input.onlyText}` : '',
  ]
    .filter((p) => p !== '')
    .join(' ');
}

function facts(posture: MailPosture): Fact[] {
  const out: Fact[] = [];
  if (posture.mx.length > 0) {
    out.push({
      label: 'MX',
      value: posture.mx
        .map(
          (m) =>
            `${m.preference} ${m.host}${m.provider ? ` (${m.provider})` : ''}${m.starttls === true ? `, STARTTLS ${m.protocol ?? ''}` : m.starttls === false ? ', no STARTTLS' : ''}${m.tlsa.length > 0 ? `, TLSA ${m.tlsa.filter((t) => t.matches).length}/${m.tlsa.length} match` : ''}`,
        )
        .join('; '),
    });
    out.push({ label: 'DNSSEC (MX)', value: posture.mxDnssec });
  }
  if (posture.mtaSts)
    out.push({
      label: 'MTA-STS',
      value: `${posture.mtaSts.mode ?? '?'}, id ${posture.mtaSts.id ?? '?'}, max_age ${posture.mtaSts.maxAge ?? '?'}, mx ${posture.mtaSts.mx.join(' ') || '(none)'}`,
    });
  if (posture.tlsRpt) out.push({ label: 'TLS-RPT', value: posture.tlsRpt.rua.join(', ') || '(no rua)' });
  if (posture.spf?.record)
    out.push({
      label: 'SPF',
      value: `${posture.spf.record} (${posture.spf.lookups} lookups, ${posture.spf.voidLookups} void)`,
    });
  if (posture.dkim)
    out.push({
      label: 'DKIM',
      value:
        posture.dkim.keys.length > 0
          ? posture.dkim.keys
              .map(
                (k) =>
                  `${k.selector}: ${k.revoked ? 'revoked' : `${k.keyType} ${k.keyBits ?? '?'}`}${k.testing ? ' t=y' : ''}`,
              )
              .join('; ')
          : `none at ${posture.dkim.tried.join(', ')}`,
    });
  if (posture.dmarc) out.push({ label: 'DMARC', value: posture.dmarc.record });
  return out;
}

function buildReply(input: MailInput, posture: MailPosture, digestAvailable: boolean, texts: MailTexts): Reply {
  const { findings, headline } = buildFindings(posture.issues, input.domain, texts);
  const actions: Action[] = [{ label: 'Check again', command: commandText(input) }];
  for (const host of posture.mx.slice(0, 3))
    if (host.starttls === true) actions.push({ label: `Certificate of ${host.host}`, command: `cert ${host.host}:25` });
  if (digestAvailable)
    actions.push({ label: 'Add to a daily digest', command: `digest add daily 08:00 ${commandText(input)}` });
  const dkim = posture.dkim?.keys.map(({ errors: _errors, ...key }) => key) ?? null;
  return makeReply({
    command: 'mail',
    title: `${input.domain} — ${headline}`,
    findings,
    facts: facts(posture),
    actions,
    data: {
      domain: input.domain,
      checked: [...input.only],
      mx: posture.mx,
      mxDnssec: posture.mxDnssec,
      mtaSts: posture.mtaSts,
      tlsRpt: posture.tlsRpt,
      spf: posture.spf,
      dkim,
      dkimSelectorsTried: posture.dkim?.tried ?? null,
      dmarc: posture.dmarc,
    },
  });
}

/**
 * `mail <domain> [--selector <s>]… [--only mx,tls,dane,mta-sts,tls-rpt,spf,dkim,dmarc]`: a domain's mail
 * transport and authentication posture — MX, STARTTLS and certificates, DANE, MTA-STS, TLS-RPT, SPF,
 * DKIM, DMARC — with the record to publish for each problem.
 */
export function createMailCommand(deps: CommandDeps & { mailEngine?: MailEngine }): Command<MailInput> {
  const ports = createPortPolicy(deps.config.targets.ports);
  let engine: MailEngine | undefined = deps.mailEngine;
  return {
    name: 'mail',
    summary: 'Check a mail domain: MX, STARTTLS, DANE, MTA-STS, TLS-RPT, SPF, DKIM and DMARC in one answer.',
    usage: `mail <domain> [--selector <dkim selector>]… [--only ${MAIL_SECTIONS.join(',')}]`,
    examples: [
      EXAMPLE,
      'mail contoso.com --selector selector1 --selector selector2',
      'mail contoso.com --only spf,dmarc',
      'mail fabrikam.com --only mx,tls,dane',
    ],
    details: [
      "DNS goes to the resolvers in dns.servers (default the system's); DANE verdicts need one that validates DNSSEC.",
      'Every MX is checked with STARTTLS on port 25 (certificate as `cert` judges it) and against its TLSA records; mta-sts.<domain> is fetched over HTTPS with full validation and no redirects.',
      'MX and MTA-STS hosts pass the target policy like any `cert` target: a denied host is reported and the others are still checked.',
    ],
    args: mailInput,
    targetOf: (input) => ({ host: input.domain }),
    async run(input, ctx) {
      // The texts load with the first run, like the engine, so `help` never reads them.
      const texts = await (await import('./mail/texts')).loadMailTexts();
      for (const port of [25, 443]) {
        if (!ports.check('mail', port).allowed)
          throw new DiagError('policy.denied', `Port ${port} is not in the mail command's port list (targets.ports).`);
      }
      // The engines (DNS, TLS, HTTPS for MTA-STS) load on first use, as cert's do, so `help` never loads them.
      engine ??= (await import('./mail/wiring')).createMailEngine(deps);
      const posture = await engine.check(
        { domain: input.domain, selectors: input.selectors, only: input.only },
        ctx.signal,
      );
      const digestAvailable =
        ctx.request.platform !== 'digest' && ctx.visibleCommands().some((c) => c.name === 'digest');
      return buildReply(input, posture, digestAvailable, texts);
    },
  };
}
