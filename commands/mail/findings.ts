import type { Finding, Fix, Severity } from '../../src/core/reply';
import { fill, fillFix, type FixText } from '../../src/core/template';
import type { MailIssue } from '../../src/mail/issues';
import type { MailTexts } from './texts';

export interface Described {
  severity: Severity;
  headline: string;
  message: string;
  fix?: Fix;
  data?: Record<string, unknown>;
}

type Values = Record<string, string | number>;

/**
 * Words for one issue: what is wrong, and the record to publish or the change to make. The words are in
 * mail/texts.yaml; this picks the case and gives the values.
 */
export function describeIssue(issue: MailIssue, domain: string, texts: MailTexts): Described {
  const list = (items: readonly string[]): string => {
    const shown = items.slice(0, 10).join(', ');
    return items.length > 10 ? fill(texts.phrases.listMore, { items: shown, count: items.length - 10 }) : shown;
  };
  const bullets = (items: readonly string[]): string =>
    items
      .slice(0, 8)
      .map((e) => `• ${e}`)
      .join('\n') + (items.length > 8 ? `\n${fill(texts.phrases.bulletMore, { count: items.length - 8 })}` : '');
  const again = fill(texts.phrases.again, { domain });
  // A case gets only the values it may use: a text naming one its case lacks throws (the unit tests render each).
  const words = (
    severity: Severity,
    t: { headline: string; message: string; fix?: FixText },
    values: Values,
    data?: Record<string, unknown>,
  ): Described => {
    const all = { domain, ...values };
    return {
      severity,
      headline: fill(t.headline, all),
      message: fill(t.message, all),
      ...(t.fix ? { fix: fillFix(t.fix, texts.links, { again, ...all }) } : {}),
      ...(data ? { data } : {}),
    };
  };
  const t = texts.findings;
  switch (issue.id) {
    case 'mail.mx.none':
      return words('fail', t[issue.id], { domainDashed: domain.replace(/\./g, '-') });
    case 'mail.mx.null':
      return words('info', t[issue.id], {});
    case 'mail.mx.implicit':
      return words('warn', t[issue.id], { addresses: list(issue.addresses) });
    case 'mail.mx.cname':
      return words('warn', t[issue.id], { host: issue.host, target: issue.target });
    case 'mail.mx.ip-literal':
      return words('fail', t[issue.id], { host: issue.host });
    case 'mail.mx.unresolvable': {
      const { why } = t[issue.id].parts;
      const reason =
        issue.status === 'nxdomain' || issue.status === 'nodata' ? why[issue.status] : (issue.reason ?? issue.status);
      return words('fail', t[issue.id], { host: issue.host, why: reason });
    }
    case 'policy.denied':
      return words('error', t[issue.id], { host: issue.host, reason: issue.reason }, { host: issue.host });
    case 'net.dns':
      return words(
        'error',
        t[issue.id],
        { part: issue.part, partUpper: issue.part.toUpperCase(), name: issue.name, reason: issue.reason },
        { part: issue.part, name: issue.name },
      );
    case 'mail.mx.unreachable':
      return words(
        'fail',
        t[issue.id],
        { host: issue.host, reason: issue.reason },
        { host: issue.host, code: issue.code },
      );
    case 'mail.starttls.missing':
      return words('fail', t[issue.id], { host: issue.host }, { host: issue.host });
    case 'mail.starttls.cert': {
      const soft = issue.certIds.every((id) => id === 'cert.expiring-soon' || id === 'cert.cn-not-in-san');
      const { headline, message, fix } = t[issue.id];
      return words(
        soft ? 'warn' : 'fail',
        { headline, message: message[issue.trusted ? 'trusted' : 'untrusted'], fix },
        {
          host: issue.host,
          checks: list(issue.certIds.map((id) => id.replace(/^cert\./, ''))),
          certIds: list(issue.certIds),
          daysRemaining: issue.daysRemaining,
        },
        { host: issue.host, certIds: issue.certIds, daysRemaining: issue.daysRemaining, trusted: issue.trusted },
      );
    }
    case 'mail.dane.mismatch': {
      const { headline, message, fix } = t[issue.id];
      const unusable = issue.records.filter((r) => r.unusable).map((r) => r.unusable);
      return words(
        'fail',
        {
          headline,
          message: message[unusable.length > 0 ? 'unusable' : 'usable'],
          fix: fix[issue.publish ? 'publish' : 'noPublish'],
        },
        {
          host: issue.host,
          count: issue.records.length,
          unusable: unusable.join('; '),
          publish: issue.publish ?? '',
        },
        { host: issue.host },
      );
    }
    case 'mail.dane.unsigned': {
      const { unsigned, zone } = t[issue.id].parts;
      const values = { domain, host: issue.host };
      return words(
        'warn',
        t[issue.id],
        {
          host: issue.host,
          records: issue.records,
          unsigned: fill(unsigned[issue.unsignedPart], values),
          zone: fill(zone[issue.unsignedPart], values),
        },
        { host: issue.host },
      );
    }
    case 'mail.dane.bogus':
      return words('fail', t[issue.id], { host: issue.host, name: issue.name }, { host: issue.host });
    case 'mail.dane.rollover': {
      const { headline, message, fix } = t[issue.id];
      return words(
        'warn',
        { headline, message, fix: fix[issue.publish ? 'publish' : 'noPublish'] },
        { host: issue.host, daysRemaining: issue.daysRemaining, publish: issue.publish ?? '' },
        { host: issue.host },
      );
    }
    case 'mail.mta-sts.missing':
      return words('info', t[issue.id], {
        id: `${new Date().toISOString().slice(0, 10).replace(/-/g, '')}01`,
      });
    case 'mail.mta-sts.testing':
      return words('warn', t[issue.id], {});
    case 'mail.mta-sts.mx-not-covered': {
      const { parts, ...texts } = t[issue.id];
      const described = words(
        'fail',
        texts,
        { hosts: list(issue.hosts), patterns: list(issue.patterns) || parts.noPatterns },
        { hosts: issue.hosts },
      );
      // One step per host not covered, before the file's steps.
      const hostSteps = issue.hosts.map((host) => fill(parts.hostStep, { host }));
      return withSteps(described, [...hostSteps, ...(described.fix?.steps ?? [])]);
    }
    case 'mail.mta-sts.policy-unreachable':
      return words('fail', t[issue.id], { reason: issue.reason, url: issue.url }, { url: issue.url });
    case 'mail.mta-sts.invalid': {
      const { headline, message, fix } = t[issue.id];
      return words(
        'fail',
        { headline: headline[issue.where], message: message[issue.where], fix: fix[issue.where] },
        { errors: bullets(issue.errors) },
      );
    }
    case 'mail.tls-rpt.missing':
      return words('info', t[issue.id], {});
    case 'mail.tls-rpt.invalid':
      return words('warn', t[issue.id], { errors: bullets(issue.errors) });
    case 'mail.spf.missing':
      return words('fail', t[issue.id], {});
    case 'mail.spf.multiple':
      return words('fail', t[issue.id], { count: issue.records.length, records: bullets(issue.records) });
    case 'mail.spf.syntax':
      return words('fail', t[issue.id], { errors: bullets(issue.errors) });
    case 'mail.spf.too-many-lookups': {
      const heavy = [...issue.includes]
        .sort((a, b) => b.lookups - a.lookups)
        .slice(0, 5)
        .map((i) => `${i.domain} (${i.lookups})`);
      const { headline, message, fix } = t[issue.id];
      return words(
        'fail',
        { headline, message: message[heavy.length > 0 ? 'heavy' : 'noIncludes'], fix },
        { lookups: issue.lookups, heavy: heavy.join(', ') },
      );
    }
    case 'mail.spf.void-lookups':
      return words('fail', t[issue.id], { voidLookups: issue.voidLookups });
    case 'mail.spf.permissive': {
      const { effect } = t[issue.id].parts;
      return words('fail', t[issue.id], { all: issue.all, effect: effect[issue.all === '+' ? 'pass' : 'neutral'] });
    }
    case 'mail.spf.macros':
      return words('info', t[issue.id], { macros: list(issue.macros) });
    case 'mail.dkim.missing': {
      const which = issue.named.length > 0 ? 'named' : 'common';
      const { headline, message, fix } = t[issue.id];
      return words(
        which === 'named' ? 'warn' : 'info',
        { headline: headline[which], message: message[which], fix: fix[which] },
        {
          tried: list(issue.tried),
          names: issue.tried.map((s) => `${s}._domainkey.${domain}`).join(', '),
          selector: issue.tried[0] ?? 'selector1',
        },
        { selectors: issue.tried },
      );
    }
    case 'mail.dkim.weak-key': {
      const { judgement } = t[issue.id].parts;
      return words(
        issue.keyBits < 1024 ? 'fail' : 'warn',
        t[issue.id],
        {
          selector: issue.selector,
          keyBits: issue.keyBits,
          judgement: judgement[issue.keyBits < 1024 ? 'below1024' : 'atLeast1024'],
        },
        { selector: issue.selector },
      );
    }
    case 'mail.dkim.revoked':
      return words('warn', t[issue.id], { selector: issue.selector }, { selector: issue.selector });
    case 'mail.dkim.testing':
      return words('warn', t[issue.id], { selector: issue.selector }, { selector: issue.selector });
    case 'mail.dkim.invalid':
      return words(
        'fail',
        t[issue.id],
        { selector: issue.selector, errors: bullets(issue.errors) },
        { selector: issue.selector },
      );
    case 'mail.dmarc.missing':
      return words('fail', t[issue.id], {});
    case 'mail.dmarc.invalid':
      return words('fail', t[issue.id], { errors: bullets(issue.errors) });
    case 'mail.dmarc.none':
      return words('warn', t[issue.id], {});
    case 'mail.dmarc.external-rua-unauthorized': {
      const { parts, ...texts } = t[issue.id];
      const described = words(
        'warn',
        texts,
        { domains: list(issue.domains), who: parts.who[issue.domains.length === 1 ? 'one' : 'many'] },
        { domains: issue.domains },
      );
      // One step per report domain.
      const steps = issue.domains.map((reportDomain) => fill(parts.domainStep, { domain, reportDomain }));
      return withSteps(described, steps);
    }
    default: {
      const unreachable: never = issue;
      throw new Error(`unknown issue ${JSON.stringify(unreachable)}`);
    }
  }
}

/** `described` with these steps in its fix, kept in the fix's field order (summary, steps, links). */
function withSteps(described: Described, steps: string[]): Described {
  if (!described.fix) return described;
  const { summary, links } = described.fix;
  return { ...described, fix: { summary, steps, ...(links ? { links } : {}) } };
}

const RANK: Record<Severity, number> = { error: 4, fail: 3, warn: 2, info: 1, ok: 0 };

/** The findings, worst first; `mail.ok` first when nothing is at warn or worse. Also the title's headline. */
export function buildFindings(
  issues: readonly MailIssue[],
  domain: string,
  texts: MailTexts,
): { findings: Finding[]; headline: string } {
  const described = issues.map((issue) => ({ issue, ...describeIssue(issue, domain, texts) }));
  described.sort((a, b) => RANK[b.severity] - RANK[a.severity]);
  // A connection failure keeps its shared error code (net.refused, net.timeout …) as the finding id.
  const findings: Finding[] = described.map((d) => ({
    id: d.issue.id === 'mail.mx.unreachable' ? d.issue.code : d.issue.id,
    severity: d.severity,
    message: d.message,
    ...(d.fix ? { fix: d.fix } : {}),
    ...(d.data ? { data: d.data } : {}),
  }));
  const problems = described.filter((d) => RANK[d.severity] >= RANK.warn);
  const ok = texts.findings['mail.ok'];
  if (problems.length === 0) findings.unshift({ id: 'mail.ok', severity: 'ok', message: fill(ok.message, { domain }) });
  const headline = problems[0]
    ? problems.length > 1
      ? fill(texts.phrases.more, { headline: problems[0].headline, count: problems.length - 1 })
      : problems[0].headline
    : ok.headline;
  return { findings, headline };
}
