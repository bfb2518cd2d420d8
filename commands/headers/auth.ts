import type { Finding, Severity } from '../../src/core/reply';
import { fill, linksNamed } from '../../src/core/template';
import type { AuthResult, HeaderAnalysis } from '../../src/headers';
import type { HeadersTexts } from './texts';

/**
 * One finding per authentication method the headers state: what it says, and what to do when it is not a pass.
 * The words are in headers/texts.yaml; this picks the case and gives the values.
 */

type AuthTexts = HeadersTexts['auth'];

function severityOf(result: string): Severity {
  switch (result) {
    case 'pass':
    case 'bestguesspass':
      return 'ok';
    case 'none':
    case 'neutral':
    case 'unverified':
    case 'softpass':
      return 'info';
    case 'softfail':
    case 'temperror':
    case 'policy':
      return 'warn';
    default:
      return 'fail';
  }
}

/** Microsoft's compauth reason codes, as "Anti-spam message headers in Microsoft 365" lists them. */
export function compauthReason(code: string | undefined, reasons: AuthTexts['compauth']['reasons']): string {
  if (!code || !/^\d{3}$/.test(code)) return reasons.none;
  if (code === '000' || code === '001' || code === '002' || code === '010' || code === '130') return reasons[code];
  const first = code[0];
  const which =
    first === '1' || first === '7'
      ? 'passed'
      : first === '2'
        ? 'softPass'
        : first === '3'
          ? 'notChecked'
          : first === '4' || first === '9'
            ? 'bypassed'
            : first === '6'
              ? 'selfSpoof'
              : 'undocumented';
  return fill(reasons[which], { code });
}

/** The values every verdict's message may use: {result}, {source}, {where}, {said}. */
function verdictValues(
  result: AuthResult,
  texts: HeadersTexts,
): { result: string; source: string; where: string; said: string } {
  const { phrases } = texts;
  return {
    result: result.result,
    source: result.source,
    where: `${result.domain ? ` ${fill(phrases.forDomain, { domain: result.domain })}` : ''}${detailOf(result, texts)}`,
    said: result.reason ? fill(phrases.said, { reason: result.reason }) : '',
  };
}

function detailOf(result: AuthResult, texts: HeadersTexts): string {
  return result.detail ? ` ${fill(texts.phrases.detail, { detail: result.detail })}` : '';
}

function spfFinding(spf: AuthResult, own: boolean, ip: string | undefined, texts: HeadersTexts): Finding {
  const t = texts.auth.spf;
  const severity = severityOf(spf.result);
  const finding: Finding = {
    id: 'headers.auth.spf',
    severity,
    message: fill(t.message, verdictValues(spf, texts)),
  };
  if (severity === 'warn' || severity === 'fail') {
    const domain = spf.domain ?? t.fix.noDomain;
    // A record that cannot be evaluated (permerror, temperror) is the domain's problem whoever sent the message.
    const sender = own ? (ip ? 'ownIp' : 'own') : ip ? 'otherIp' : 'other';
    const which = spf.result === 'permerror' || spf.result === 'temperror' ? spf.result : sender;
    finding.fix = {
      summary: fill(t.fix.summary[which], { domain, ip: ip ?? '' }),
      steps: [...t.fix.steps],
      links: linksNamed(texts.links, t.fix.links),
    };
  }
  return finding;
}

function dkimFinding(dkim: AuthResult, own: boolean, texts: HeadersTexts): Finding {
  const t = texts.auth.dkim;
  const severity = dkim.result === 'none' ? 'warn' : severityOf(dkim.result);
  const finding: Finding = {
    id: 'headers.auth.dkim',
    severity,
    message: fill(t.message, verdictValues(dkim, texts)),
  };
  if (dkim.result === 'unverified') {
    finding.message = fill(t.unverified, { domain: dkim.domain ?? '?', detail: dkim.detail ?? t.noSelector });
  } else if (dkim.result === 'none') {
    finding.fix = {
      summary: t.unsigned.summary[own ? 'own' : 'other'],
      steps: [...t.unsigned.steps],
      links: linksNamed(texts.links, t.unsigned.links),
    };
  } else if (severity === 'warn' || severity === 'fail') {
    const keyRecord = dkim.detail?.startsWith('selector ')
      ? `${dkim.detail.slice(9)}._domainkey.${dkim.domain ?? '<domain>'}`
      : '<selector>._domainkey.<domain>';
    finding.fix = {
      summary: t.failed.summary,
      steps: t.failed.steps.map((step) => fill(step, { keyRecord })),
      links: linksNamed(texts.links, t.failed.links),
    };
  }
  return finding;
}

function dmarcFinding(dmarc: AuthResult, own: boolean, texts: HeadersTexts): Finding {
  const t = texts.auth.dmarc;
  const severity = severityOf(dmarc.result);
  const finding: Finding = {
    id: 'headers.auth.dmarc',
    severity,
    message: fill(t.message, verdictValues(dmarc, texts)),
  };
  if (severity === 'fail' || severity === 'warn') {
    const lastStep = t.fix.lastStep[own ? 'own' : 'other'];
    finding.fix = {
      summary: dmarc.domain ? fill(t.fix.summary.domain, { domain: dmarc.domain }) : fill(t.fix.summary.noDomain, {}),
      steps: t.fix.steps.map((step) => fill(step, { lastStep })),
      links: linksNamed(texts.links, t.fix.links),
    };
  }
  return finding;
}

function compauthFinding(compauth: AuthResult, texts: HeadersTexts): Finding {
  const t = texts.auth.compauth;
  const severity = severityOf(compauth.result);
  const reason = compauth.reason && /^\d{3}$/.test(compauth.reason) ? compauth.reason : undefined;
  const finding: Finding = {
    id: 'headers.auth.compauth',
    severity,
    message: fill(t.message, {
      result: compauth.result,
      reason: compauthReason(reason ?? compauth.reason, t.reasons),
    }),
  };
  if (severity === 'fail') {
    finding.fix = { summary: t.fix.summary, steps: [...t.fix.steps], links: linksNamed(texts.links, t.fix.links) };
  }
  return finding;
}

function arcFinding(arc: AuthResult, texts: HeadersTexts): Finding {
  const t = texts.auth.arc;
  const severity = arc.result === 'none' ? 'info' : severityOf(arc.result);
  const { result, source, said } = verdictValues(arc, texts);
  const finding: Finding = {
    id: 'headers.auth.arc',
    severity,
    message: fill(t.message, { result, source, said, detail: detailOf(arc, texts) }),
  };
  if (severity === 'fail') {
    finding.fix = { summary: t.fix.summary, links: linksNamed(texts.links, t.fix.links) };
  }
  return finding;
}

/** The authentication findings, in the order SPF, DKIM, DMARC, compauth, ARC. */
export function authFindings(analysis: HeaderAnalysis, own: boolean, texts: HeadersTexts): Finding[] {
  const { auth } = analysis;
  const out: Finding[] = [];
  // The address SPF judged, as the verdict's own comment names it ("sender IP is …", "designates … as").
  const ip = /(?:sender IP is|designates|use of|client-ip=)\s*([0-9a-f.:]{7,45})/i.exec(auth.spf?.reason ?? '')?.[1];
  if (auth.spf) out.push(spfFinding(auth.spf, own, ip, texts));
  if (auth.dkim) out.push(dkimFinding(auth.dkim, own, texts));
  if (auth.dmarc) out.push(dmarcFinding(auth.dmarc, own, texts));
  if (auth.compauth) out.push(compauthFinding(auth.compauth, texts));
  if (auth.arc) out.push(arcFinding(auth.arc, texts));
  return out;
}
