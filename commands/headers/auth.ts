import type { Finding, Link, Severity } from '../../src/core/reply';
import type { AuthResult, HeaderAnalysis } from '../../src/headers';

/** One finding per authentication method the headers state: what it says, and what to do when it is not a pass. */

const LINKS = {
  headers: {
    title: 'Anti-spam message headers in Microsoft 365',
    url: 'https://learn.microsoft.com/en-us/defender-office-365/message-headers-eop-mdo',
  },
  spf: {
    title: 'Set up SPF for Microsoft 365',
    url: 'https://learn.microsoft.com/en-us/defender-office-365/email-authentication-spf-configure',
  },
  dkim: {
    title: 'Set up DKIM for Microsoft 365',
    url: 'https://learn.microsoft.com/en-us/defender-office-365/email-authentication-dkim-configure',
  },
  dmarc: {
    title: 'Set up DMARC for Microsoft 365',
    url: 'https://learn.microsoft.com/en-us/defender-office-365/email-authentication-dmarc-configure',
  },
  arc: {
    title: 'Trusted ARC sealers',
    url: 'https://learn.microsoft.com/en-us/defender-office-365/email-authentication-arc-configure',
  },
} satisfies Record<string, Link>;

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
export function compauthReason(code: string | undefined): string {
  if (!code || !/^\d{3}$/.test(code)) return 'no reason code given';
  if (code === '000')
    return "000: explicit failure — the message failed DMARC and the domain's policy is quarantine or reject";
  if (code === '001')
    return "001: implicit failure — the sending domain publishes no or weak authentication (no DMARC, p=none, SPF softfail or neutral) and the message did not pass Microsoft's own checks";
  if (code === '002')
    return '002: your organisation has a policy that forbids this sender/domain pair from sending spoofed mail (Tenant Allow/Block List)';
  if (code === '010')
    return '010: the message failed DMARC with quarantine or reject, and the sending domain is one of your own accepted domains (self-to-self spoofing)';
  if (code === '130') return "130: DMARC failed, but a trusted ARC sealer's result was used to let it pass";
  const first = code[0];
  if (first === '1' || first === '7')
    return `${code}: passed composite authentication (the last two digits are Microsoft-internal)`;
  if (first === '2') return `${code}: soft pass — implicit authentication mostly passed`;
  if (first === '3') return `${code}: not checked for composite authentication`;
  if (first === '4' || first === '9')
    return `${code}: composite authentication was bypassed (an allow entry, a mail flow rule, or mail from your own on-premises servers)`;
  if (first === '6')
    return `${code}: implicit failure, and the sending domain is one of your own accepted domains (self-to-self or intra-org spoofing)`;
  return `${code}: a reason code Microsoft does not document`;
}

function where(result: AuthResult): string {
  return `${result.domain ? ` for ${result.domain}` : ''}${result.detail ? ` (${result.detail})` : ''}`;
}

function said(result: AuthResult): string {
  return result.reason ? `: ${result.reason}` : '';
}

function spfFinding(spf: AuthResult, own: boolean, ip: string | undefined): Finding {
  const severity = severityOf(spf.result);
  const finding: Finding = {
    id: 'headers.auth.spf',
    severity,
    message: `SPF ${spf.result}${where(spf)}${said(spf)} (${spf.source}).`,
  };
  if (severity === 'warn' || severity === 'fail') {
    const domain = spf.domain ?? 'the sending domain';
    finding.fix = {
      summary: own
        ? `Add the server that sent it${ip ? ` (${ip})` : ''} to ${domain}'s SPF record, or send through a host the record already names.`
        : `The sending server${ip ? ` ${ip}` : ''} is not in ${domain}'s SPF record: ask ${domain}'s mail admins to add it.`,
      steps: [
        'If the message was forwarded (a forwarding rule, a mailing list, a third-party gateway), SPF fails by design at the next hop: rely on DKIM, and on ARC (Microsoft 365: add the forwarder as a trusted ARC sealer).',
        'Keep the record under 10 DNS lookups (include:, a, mx, redirect=) — one too many is a permerror for everyone.',
      ],
      links: [LINKS.spf],
    };
  }
  return finding;
}

function dkimFinding(dkim: AuthResult, own: boolean): Finding {
  const severity = dkim.result === 'none' ? 'warn' : severityOf(dkim.result);
  const finding: Finding = {
    id: 'headers.auth.dkim',
    severity,
    message: `DKIM ${dkim.result}${where(dkim)}${said(dkim)} (${dkim.source}).`,
  };
  if (dkim.result === 'unverified') {
    finding.message = `DKIM-signed by ${dkim.domain ?? '?'} (${dkim.detail ?? 'no selector'}), but no receiving server wrote whether the signature verified.`;
  } else if (dkim.result === 'none') {
    finding.fix = {
      summary: own
        ? 'The message was not DKIM-signed: turn on DKIM signing for the domain it is sent from.'
        : 'The message was not DKIM-signed: the sender should sign with their own domain.',
      steps: [
        'Microsoft 365: Defender portal → Email authentication settings → DKIM: publish the selector1/selector2 CNAMEs, then enable signing for the domain.',
      ],
      links: [LINKS.dkim],
    };
  } else if (severity === 'warn' || severity === 'fail') {
    finding.fix = {
      summary:
        'The signature did not verify: the message was changed after it was signed, or the public key in DNS does not match the signing key.',
      steps: [
        'Look for something that rewrites mail after signing: a disclaimer or footer rule, a gateway that rewrites links or subjects, a mailing list.',
        'Sign after those changes (on the last hop that leaves the organisation), or move the change before the signer.',
        `Check the key: the TXT record ${dkim.detail?.startsWith('selector ') ? `${dkim.detail.slice(9)}._domainkey.${dkim.domain ?? '<domain>'}` : '<selector>._domainkey.<domain>'} must hold the public half of the signing key.`,
      ],
      links: [LINKS.dkim],
    };
  }
  return finding;
}

function dmarcFinding(dmarc: AuthResult, own: boolean): Finding {
  const severity = severityOf(dmarc.result);
  const finding: Finding = {
    id: 'headers.auth.dmarc',
    severity,
    message: `DMARC ${dmarc.result}${where(dmarc)}${said(dmarc)} (${dmarc.source}).`,
  };
  if (severity === 'fail' || severity === 'warn') {
    finding.fix = {
      summary: `Neither SPF nor DKIM passed for a domain aligned with the From: domain${dmarc.domain ? ` ${dmarc.domain}` : ''}.`,
      steps: [
        'Sign with DKIM using the From: domain (d= equal to, or a parent of, the From: domain), which survives forwarding.',
        'Or send with an envelope sender (Return-Path) in the From: domain from a host its SPF record allows.',
        own
          ? 'Until every sender of yours passes, the DMARC reports (rua=) show who sends as your domain.'
          : "This is for the sender's admins to fix; tell them what failed.",
      ],
      links: [LINKS.dmarc],
    };
  }
  return finding;
}

function compauthFinding(compauth: AuthResult): Finding {
  const severity = severityOf(compauth.result);
  const reason = compauth.reason && /^\d{3}$/.test(compauth.reason) ? compauth.reason : undefined;
  const finding: Finding = {
    id: 'headers.auth.compauth',
    severity,
    message: `Microsoft composite authentication ${compauth.result}, reason ${compauthReason(reason ?? compauth.reason)}.`,
  };
  if (severity === 'fail') {
    finding.fix = {
      summary:
        "Microsoft 365 treated the sender as spoofed. Fix the sender's SPF/DKIM/DMARC (above); if the sender is legitimate and cannot be fixed quickly, allow the spoofed sender pair — not the whole domain.",
      steps: [
        'Defender portal → Tenant Allow/Block List → Spoofed senders: allow the exact domain + sending infrastructure pair.',
      ],
      links: [LINKS.headers],
    };
  }
  return finding;
}

function arcFinding(arc: AuthResult): Finding {
  const severity = arc.result === 'none' ? 'info' : severityOf(arc.result);
  const finding: Finding = {
    id: 'headers.auth.arc',
    severity,
    message: `ARC ${arc.result}${arc.detail ? ` (${arc.detail})` : ''}${said(arc)} (${arc.source}).`,
  };
  if (severity === 'fail') {
    finding.fix = {
      summary:
        "The ARC chain is broken: a hop changed the message after sealing it, or a seal does not verify. A forwarder's original authentication results cannot be trusted.",
      links: [LINKS.arc],
    };
  }
  return finding;
}

/** The authentication findings, in the order SPF, DKIM, DMARC, compauth, ARC. */
export function authFindings(analysis: HeaderAnalysis, own: boolean): Finding[] {
  const { auth } = analysis;
  const out: Finding[] = [];
  // The address SPF judged, as the verdict's own comment names it ("sender IP is …", "designates … as").
  const ip = /(?:sender IP is|designates|use of|client-ip=)\s*([0-9a-f.:]{7,45})/i.exec(auth.spf?.reason ?? '')?.[1];
  if (auth.spf) out.push(spfFinding(auth.spf, own, ip));
  if (auth.dkim) out.push(dkimFinding(auth.dkim, own));
  if (auth.dmarc) out.push(dmarcFinding(auth.dmarc, own));
  if (auth.compauth) out.push(compauthFinding(auth.compauth));
  if (auth.arc) out.push(arcFinding(auth.arc));
  return out;
}
