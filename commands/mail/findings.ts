import type { Finding, Fix, Link, Severity } from '../../src/core/reply';
import type { MailIssue } from '../../src/mail/issues';

const RFC = {
  mx: { title: 'RFC 5321 §5.1: locating the target host', url: 'https://www.rfc-editor.org/rfc/rfc5321#section-5.1' },
  nullMx: { title: 'RFC 7505: a "Null MX" record', url: 'https://www.rfc-editor.org/rfc/rfc7505' },
  dane: { title: 'RFC 7672: SMTP security via opportunistic DANE TLS', url: 'https://www.rfc-editor.org/rfc/rfc7672' },
  daneOps: {
    title: 'RFC 7671 §8.1: TLSA publishing and key rollover',
    url: 'https://www.rfc-editor.org/rfc/rfc7671#section-8.1',
  },
  mtaSts: { title: 'RFC 8461: SMTP MTA Strict Transport Security', url: 'https://www.rfc-editor.org/rfc/rfc8461' },
  exoMtaSts: {
    title: 'Microsoft 365: enhancing mail flow with MTA-STS',
    url: 'https://learn.microsoft.com/en-us/purview/enhancing-mail-flow-with-mta-sts',
  },
  tlsRpt: { title: 'RFC 8460: SMTP TLS Reporting', url: 'https://www.rfc-editor.org/rfc/rfc8460' },
  spf: { title: 'RFC 7208 §4.6.4: DNS lookup limits', url: 'https://www.rfc-editor.org/rfc/rfc7208#section-4.6.4' },
  exoSpf: {
    title: 'Microsoft 365: set up SPF',
    url: 'https://learn.microsoft.com/en-us/defender-office-365/email-authentication-spf-configure',
  },
  dkim: { title: 'RFC 6376 §3.6.1: DKIM key records', url: 'https://www.rfc-editor.org/rfc/rfc6376#section-3.6.1' },
  exoDkim: {
    title: 'Microsoft 365: set up DKIM',
    url: 'https://learn.microsoft.com/en-us/defender-office-365/email-authentication-dkim-configure',
  },
  dmarc: { title: 'RFC 7489 §6.3: DMARC record format', url: 'https://www.rfc-editor.org/rfc/rfc7489#section-6.3' },
  dmarcExternal: {
    title: 'RFC 7489 §7.1: verifying external destinations',
    url: 'https://www.rfc-editor.org/rfc/rfc7489#section-7.1',
  },
  exoDmarc: {
    title: 'Microsoft 365: set up DMARC',
    url: 'https://learn.microsoft.com/en-us/defender-office-365/email-authentication-dmarc-configure',
  },
} satisfies Record<string, Link>;

const list = (items: readonly string[]): string =>
  items.slice(0, 10).join(', ') + (items.length > 10 ? ` and ${items.length - 10} more` : '');
const bullets = (items: readonly string[]): string =>
  items
    .slice(0, 8)
    .map((e) => `• ${e}`)
    .join('\n') + (items.length > 8 ? `\n• … and ${items.length - 8} more` : '');

export interface Described {
  severity: Severity;
  headline: string;
  message: string;
  fix?: Fix;
  data?: Record<string, unknown>;
}

/** Words for one issue: what is wrong, and the record to publish or the change to make. */
export function describeIssue(issue: MailIssue, domain: string): Described {
  const again = `Check again with \`mail ${domain}\` once the change is live (mind the old record's TTL).`;
  switch (issue.id) {
    case 'mail.mx.none':
      return {
        severity: 'fail',
        headline: 'no MX and no address',
        message: `${domain} has no MX record and no A/AAAA record: mail to it cannot be delivered.`,
        fix: {
          summary: 'Publish MX records for the hosts that receive mail for the domain.',
          steps: [
            `\`${domain}. IN MX 10 mail.${domain}.\` (Microsoft 365: \`${domain}. IN MX 0 ${domain.replace(/\./g, '-')}.mail.protection.outlook.com.\`)`,
            `If the domain sends no mail and takes none, publish a null MX instead: \`${domain}. IN MX 0 .\``,
            again,
          ],
          links: [RFC.mx, RFC.nullMx],
        },
      };
    case 'mail.mx.null':
      return {
        severity: 'info',
        headline: 'null MX: takes no mail',
        message: `${domain} publishes a null MX (RFC 7505): it declares that it accepts no mail. Senders fail mail to it at once instead of queueing.`,
        fix: {
          summary: `If ${domain} should receive mail, replace the null MX with real MX records.`,
          links: [RFC.nullMx],
        },
      };
    case 'mail.mx.implicit':
      return {
        severity: 'warn',
        headline: 'no MX (implicit MX)',
        message: `${domain} has no MX record, so senders deliver to its own address (${list(issue.addresses)}) — the implicit MX of RFC 5321 §5.1. That is rarely meant.`,
        fix: {
          summary: 'Publish an MX record naming the host that receives mail, or a null MX if the domain takes no mail.',
          steps: [`\`${domain}. IN MX 10 mail.${domain}.\``, `or \`${domain}. IN MX 0 .\``, again],
          links: [RFC.mx, RFC.nullMx],
        },
      };
    case 'mail.mx.cname':
      return {
        severity: 'warn',
        headline: `MX ${issue.host} is a CNAME`,
        message: `The MX target ${issue.host} is an alias (CNAME) of ${issue.target}. RFC 5321 §5.1 requires MX targets to have address records of their own; some senders refuse, and DANE/MTA-STS names no longer line up.`,
        fix: {
          summary: `Point the MX at the real host name ${issue.target} (or give ${issue.host} A/AAAA records).`,
          steps: [`\`${domain}. IN MX 10 ${issue.target}.\``, again],
          links: [RFC.mx],
        },
      };
    case 'mail.mx.ip-literal':
      return {
        severity: 'fail',
        headline: `MX ${issue.host} is an address`,
        message: `The MX record names an IP address (${issue.host}) instead of a host name; senders look it up as a name and fail.`,
        fix: {
          summary: 'Name a host in the MX and give that host the address.',
          steps: [`\`mail.${domain}. IN A ${issue.host}\` and \`${domain}. IN MX 10 mail.${domain}.\``, again],
          links: [RFC.mx],
        },
      };
    case 'mail.mx.unresolvable':
      return {
        severity: 'fail',
        headline: `MX ${issue.host} does not resolve`,
        message: `The MX host ${issue.host} has no address (${issue.status === 'nxdomain' ? 'the name does not exist' : issue.status === 'nodata' ? 'no A or AAAA record' : (issue.reason ?? issue.status)}); senders skip it, or bounce when it is the only one.`,
        fix: {
          summary: `Publish A/AAAA records for ${issue.host}, or remove it from the MX records.`,
          steps: [again],
          links: [RFC.mx],
        },
      };
    case 'policy.denied':
      return {
        severity: 'error',
        headline: `${issue.host} not checked (target policy)`,
        message: `${issue.reason} The domain's other hosts were checked.`,
        fix: {
          summary:
            'If this host is legitimate, a diagbot admin can add its network to targets.allow; an MX in a metadata or link-local range is a misconfiguration or an attack.',
        },
        data: { host: issue.host },
      };
    case 'net.dns':
      return {
        severity: 'error',
        headline: `${issue.part} not checked (DNS)`,
        message: `The lookup of ${issue.name} failed (${issue.reason}), so ${issue.part.toUpperCase()} was not checked. Receivers that meet the same failure treat it as a temporary error.`,
        fix: {
          summary:
            "Check that the resolvers in dns.servers answer, and (for DNSSEC failures) the zone's signatures; then run the check again.",
        },
        data: { part: issue.part, name: issue.name },
      };
    case 'mail.mx.unreachable':
      return {
        severity: 'fail',
        headline: `MX ${issue.host} unreachable`,
        message: `${issue.host}: ${issue.reason}`,
        fix: { summary: `Check that ${issue.host} listens on port 25 and that diagbot's network may reach it.` },
        data: { host: issue.host, code: issue.code },
      };
    case 'mail.starttls.missing':
      return {
        severity: 'fail',
        headline: `${issue.host} offers no STARTTLS`,
        message: `${issue.host} does not offer STARTTLS on port 25: mail to it travels in clear text, and senders that require TLS (MTA-STS enforce, DANE) will not deliver.`,
        fix: {
          summary: 'Enable STARTTLS with a certificate for the MX name.',
          steps: [
            "Exchange: assign a certificate to SMTP (`Enable-ExchangeCertificate -Services SMTP`) and keep `Tls` in the receive connector's AuthMechanism.",
            'Postfix: smtpd_tls_cert_file, smtpd_tls_key_file and smtpd_tls_security_level = may.',
            again,
          ],
        },
        data: { host: issue.host },
      };
    case 'mail.starttls.cert': {
      const soft = issue.certIds.every((id) => id === 'cert.expiring-soon' || id === 'cert.cn-not-in-san');
      return {
        severity: soft ? 'warn' : 'fail',
        headline: `${issue.host} certificate: ${list(issue.certIds.map((id) => id.replace(/^cert\./, '')))}`,
        message: `The certificate ${issue.host} presents after STARTTLS fails these checks: ${list(issue.certIds)}${issue.trusted ? '' : ' (not trusted)'}; ${issue.daysRemaining} days remaining. MTA-STS senders refuse it; opportunistic senders still deliver, unauthenticated.`,
        fix: {
          summary: `Install a trusted certificate that names ${issue.host} on its SMTP service.`,
          steps: [`Run \`cert ${issue.host}:25\` for the details and the fix of each problem.`, again],
        },
        data: { host: issue.host, certIds: issue.certIds, daysRemaining: issue.daysRemaining, trusted: issue.trusted },
      };
    }
    case 'mail.dane.mismatch':
      return {
        severity: 'fail',
        headline: `TLSA for ${issue.host} does not match`,
        message: `None of the ${issue.records.length} TLSA record(s) at _25._tcp.${issue.host} matches the certificate ${issue.host} presents. DANE senders defer all mail to it.${
          issue.records.some((r) => r.unusable)
            ? ` ${issue.records
                .filter((r) => r.unusable)
                .map((r) => r.unusable)
                .join('; ')}.`
            : ''
        }`,
        fix: {
          summary:
            'Publish the record for the key the server uses now (keep the old one until its TTL has passed), or put back the certificate the records pin.',
          steps: [
            issue.publish
              ? `\`${issue.publish}\``
              : `Publish \`_25._tcp.${issue.host}. IN TLSA 3 1 1 <SHA-256 of the public key>\`.`,
            'Remove the records that no longer match after the TTL has passed.',
            again,
          ],
          links: [RFC.dane, RFC.daneOps],
        },
        data: { host: issue.host },
      };
    case 'mail.dane.unsigned':
      return {
        severity: 'warn',
        headline: `DANE for ${issue.host} unusable (unsigned)`,
        message: `${issue.host} publishes ${issue.records} TLSA record(s), but the ${issue.unsignedPart === 'tlsa' ? 'TLSA answer' : `MX records of ${domain}`} are not DNSSEC-validated (no AD flag from the validating resolver). Senders ignore DANE without DNSSEC.`,
        fix: {
          summary: `Sign the ${issue.unsignedPart === 'tlsa' ? `zone of ${issue.host}` : `zone ${domain}`} with DNSSEC and publish its DS at the parent, or remove the TLSA records.`,
          steps: [
            'Check the resolvers in dns.servers validate DNSSEC (unbound, BIND with dnssec-validation auto).',
            again,
          ],
          links: [RFC.dane],
        },
        data: { host: issue.host },
      };
    case 'mail.dane.bogus':
      return {
        severity: 'fail',
        headline: `DNSSEC bogus for ${issue.host}`,
        message: `The TLSA lookup ${issue.name} fails DNSSEC validation (bogus: bad or expired signatures, or a DS that does not match). DANE senders defer all mail to ${issue.host} until it validates.`,
        fix: {
          summary: "Re-sign the zone (expired RRSIGs) or fix the DS record at the parent to match the zone's key.",
          steps: ['`delv @<resolver> ' + issue.name + ' TLSA` shows why validation fails.', again],
          links: [RFC.dane],
        },
        data: { host: issue.host },
      };
    case 'mail.dane.rollover':
      return {
        severity: 'warn',
        headline: `TLSA rollover for ${issue.host}`,
        message: `The certificate of ${issue.host} expires in ${issue.daysRemaining} days and its TLSA records pin only the current key: when the renewed certificate goes live with a new key, DANE senders will defer mail.`,
        fix: {
          summary:
            "Publish the next key's TLSA record now, beside the current one, and switch certificates after two TTLs.",
          steps: [
            'Reuse the key at renewal (the `3 1 1` record keeps matching), or',
            'publish `_25._tcp.' + issue.host + '. IN TLSA 3 1 1 <SHA-256 of the next public key>` before the switch.',
            issue.publish ? `The current key's record: \`${issue.publish}\`.` : again,
          ],
          links: [RFC.daneOps],
        },
        data: { host: issue.host },
      };
    case 'mail.mta-sts.missing':
      return {
        severity: 'info',
        headline: 'no MTA-STS',
        message: `${domain} publishes no MTA-STS policy (_mta-sts.${domain} TXT): senders fall back to opportunistic TLS, which an attacker on the path can strip.`,
        fix: {
          summary: 'Publish a policy in testing mode first, then enforce.',
          steps: [
            `\`_mta-sts.${domain}. IN TXT "v=STSv1; id=${new Date().toISOString().slice(0, 10).replace(/-/g, '')}01"\``,
            `Serve https://mta-sts.${domain}/.well-known/mta-sts.txt with a trusted certificate:\n\`version: STSv1\` / \`mode: testing\` / \`mx: <each MX host>\` / \`max_age: 86400\``,
          ],
          links: [RFC.mtaSts, RFC.exoMtaSts],
        },
      };
    case 'mail.mta-sts.testing':
      return {
        severity: 'warn',
        headline: 'MTA-STS in testing mode',
        message: `The MTA-STS policy of ${domain} is in testing mode: senders report failures (TLS-RPT) but still deliver without TLS.`,
        fix: {
          summary:
            'Once TLS-RPT reports are clean, change the policy to `mode: enforce` and change the id in the TXT record.',
          links: [RFC.mtaSts],
        },
      };
    case 'mail.mta-sts.mx-not-covered':
      return {
        severity: 'fail',
        headline: `MTA-STS policy does not cover ${list(issue.hosts)}`,
        message: `The MTA-STS policy lists ${list(issue.patterns) || 'no mx'}, which does not cover the MX host(s) ${list(issue.hosts)}. Enforcing senders refuse to deliver there.`,
        fix: {
          summary:
            'Add an mx: line for each MX host (a wildcard covers one label) and change the id in the TXT record.',
          steps: [...issue.hosts.map((h) => `\`mx: ${h}\``), again],
          links: [RFC.mtaSts],
        },
        data: { hosts: issue.hosts },
      };
    case 'mail.mta-sts.policy-unreachable':
      return {
        severity: 'fail',
        headline: 'MTA-STS policy unreachable',
        message: `${domain} announces MTA-STS, but the policy could not be fetched: ${issue.reason} Senders treat the domain as having no valid policy (or keep a cached one).`,
        fix: {
          summary: `Serve ${issue.url} over HTTPS with a trusted certificate for mta-sts.${domain}, status 200, no redirect.`,
          steps: [again],
          links: [RFC.mtaSts],
        },
        data: { url: issue.url },
      };
    case 'mail.mta-sts.invalid':
      return {
        severity: 'fail',
        headline: `MTA-STS ${issue.where === 'txt' ? 'record' : 'policy'} invalid`,
        message: `The MTA-STS ${issue.where === 'txt' ? `TXT record at _mta-sts.${domain}` : 'policy file'} is not valid:\n${bullets(issue.errors)}`,
        fix: {
          summary:
            issue.where === 'txt'
              ? `Publish exactly one \`_mta-sts.${domain}. IN TXT "v=STSv1; id=<1–32 letters/digits>"\`.`
              : 'Write the policy as `version: STSv1`, `mode: enforce|testing|none`, one `mx:` line per MX, `max_age: <seconds ≤ 31557600>`.',
          links: [RFC.mtaSts],
        },
      };
    case 'mail.tls-rpt.missing':
      return {
        severity: 'info',
        headline: 'no TLS-RPT',
        message: `${domain} publishes no TLS-RPT record, so senders cannot tell you when TLS to your MX fails.`,
        fix: {
          summary: 'Publish where reports go.',
          steps: [`\`_smtp._tls.${domain}. IN TXT "v=TLSRPTv1; rua=mailto:tlsrpt@${domain}"\``],
          links: [RFC.tlsRpt],
        },
      };
    case 'mail.tls-rpt.invalid':
      return {
        severity: 'warn',
        headline: 'TLS-RPT record invalid',
        message: `The TLS-RPT record at _smtp._tls.${domain} is not valid:\n${bullets(issue.errors)}`,
        fix: {
          summary: `Publish exactly one \`_smtp._tls.${domain}. IN TXT "v=TLSRPTv1; rua=mailto:tlsrpt@${domain}"\`.`,
          links: [RFC.tlsRpt],
        },
      };
    case 'mail.spf.missing':
      return {
        severity: 'fail',
        headline: 'no SPF record',
        message: `${domain} publishes no SPF record: receivers cannot tell your servers from forgers, and Microsoft 365/Google junk or reject its mail.`,
        fix: {
          summary: 'Publish one SPF record naming every service that sends as the domain.',
          steps: [
            `\`${domain}. IN TXT "v=spf1 mx include:spf.protection.outlook.com -all"\` (Microsoft 365; list your own senders)`,
            `A domain that sends no mail: \`${domain}. IN TXT "v=spf1 -all"\``,
          ],
          links: [RFC.spf, RFC.exoSpf],
        },
      };
    case 'mail.spf.multiple':
      return {
        severity: 'fail',
        headline: `${issue.records.length} SPF records`,
        message: `${domain} publishes ${issue.records.length} SPF records; receivers then return permerror and SPF fails for all mail:\n${bullets(issue.records)}`,
        fix: {
          summary: 'Merge them into one record and delete the others.',
          steps: ['Keep one `v=spf1 … -all` with the mechanisms of all of them (each include once).', again],
          links: [RFC.spf],
        },
      };
    case 'mail.spf.syntax':
      return {
        severity: 'fail',
        headline: 'SPF record invalid',
        message: `The SPF record of ${domain} has errors; receivers return permerror:\n${bullets(issue.errors)}`,
        fix: { summary: 'Correct the terms named above.', links: [RFC.spf] },
      };
    case 'mail.spf.too-many-lookups': {
      const heavy = [...issue.includes]
        .sort((a, b) => b.lookups - a.lookups)
        .slice(0, 5)
        .map((i) => `${i.domain} (${i.lookups})`);
      return {
        severity: 'fail',
        headline: `SPF needs ${issue.lookups} DNS lookups (limit 10)`,
        message: `Evaluating the SPF record of ${domain} takes ${issue.lookups} DNS-querying terms through its includes; beyond 10 receivers return permerror and SPF fails.${heavy.length > 0 ? ` Heaviest includes: ${heavy.join(', ')}.` : ''}`,
        fix: {
          summary: 'Bring it to 10 or fewer.',
          steps: [
            'Remove includes of services you no longer use.',
            'Replace `a`/`mx` of your own hosts with `ip4:`/`ip6:` ranges (no lookup).',
            'Move a sender to a subdomain with its own SPF (e.g. bounces.' + domain + ').',
            again,
          ],
          links: [RFC.spf],
        },
      };
    }
    case 'mail.spf.void-lookups':
      return {
        severity: 'fail',
        headline: `SPF has ${issue.voidLookups} void lookups (limit 2)`,
        message: `${issue.voidLookups} terms of the SPF record of ${domain} name domains that do not exist or have no records; beyond 2 receivers return permerror.`,
        fix: {
          summary: 'Remove includes, a: and mx: terms that point at names that no longer exist.',
          links: [RFC.spf],
        },
      };
    case 'mail.spf.permissive':
      return {
        severity: 'fail',
        headline: `SPF ends in ${issue.all}all`,
        message: `The SPF record of ${domain} ends in \`${issue.all}all\`: ${issue.all === '+' ? 'every server on the internet passes' : 'every other server gets neutral'}, so SPF protects nothing.`,
        fix: {
          summary: 'End the record in `-all` (or `~all` while you find your senders).',
          steps: [`\`${domain}. IN TXT "v=spf1 <your senders> -all"\``],
          links: [RFC.spf],
        },
      };
    case 'mail.spf.macros':
      return {
        severity: 'info',
        headline: 'SPF macros not evaluated',
        message: `The SPF record uses macros (${list(issue.macros)}); they depend on each message, so diagbot counts their lookups but does not follow them.`,
      };
    case 'mail.dkim.missing':
      return issue.named.length > 0
        ? {
            severity: 'warn',
            headline: `no DKIM key at ${list(issue.tried)}`,
            message: `No DKIM key is published at ${issue.tried.map((s) => `${s}._domainkey.${domain}`).join(', ')}; mail signed with that selector fails DKIM.`,
            fix: {
              summary: 'Publish the key of the selector your servers sign with.',
              steps: [
                `\`${issue.tried[0] ?? 'selector1'}._domainkey.${domain}. IN TXT "v=DKIM1; k=rsa; p=<base64 public key>"\` (Microsoft 365 publishes CNAMEs to selector1/selector2-<domain>._domainkey.<tenant>.onmicrosoft.com)`,
              ],
              links: [RFC.dkim, RFC.exoDkim],
            },
            data: { selectors: issue.tried },
          }
        : {
            severity: 'info',
            headline: 'no DKIM key at common selectors',
            message: `No DKIM key at the common selectors tried (${list(issue.tried)}). Selectors can be any name: give yours with \`--selector\` (the s= of a DKIM-Signature header).`,
            fix: {
              summary: `Run \`mail ${domain} --selector <selector>\` with the selector from a signed message's DKIM-Signature header.`,
              links: [RFC.dkim, RFC.exoDkim],
            },
            data: { selectors: issue.tried },
          };
    case 'mail.dkim.weak-key':
      return {
        severity: issue.keyBits < 1024 ? 'fail' : 'warn',
        headline: `DKIM key ${issue.selector} is ${issue.keyBits} bits`,
        message: `The DKIM key at ${issue.selector}._domainkey.${domain} is RSA ${issue.keyBits} bits; ${issue.keyBits < 1024 ? 'receivers treat keys under 1024 bits as no signature (RFC 8301)' : 'RSA 1024 is the minimum and widely deprecated; use 2048'}.`,
        fix: {
          summary: 'Rotate to a 2048-bit key under a new selector, then retire this one.',
          steps: [
            `Microsoft 365: \`Rotate-DkimSigningConfig -KeySize 2048 -Identity ${domain}\`.`,
            `Elsewhere: generate a 2048-bit key, publish \`<new>._domainkey.${domain}. IN TXT "v=DKIM1; k=rsa; p=…"\`, switch signing, then publish \`${issue.selector}._domainkey.${domain}. IN TXT "v=DKIM1; p="\` to revoke the old key.`,
          ],
          links: [RFC.dkim, RFC.exoDkim],
        },
        data: { selector: issue.selector },
      };
    case 'mail.dkim.revoked':
      return {
        severity: 'warn',
        headline: `DKIM key ${issue.selector} revoked`,
        message: `The DKIM key at ${issue.selector}._domainkey.${domain} is revoked (empty p=): mail still signed with it fails DKIM.`,
        fix: {
          summary: 'If a server still signs with this selector, switch it to a current selector.',
          links: [RFC.dkim],
        },
        data: { selector: issue.selector },
      };
    case 'mail.dkim.testing':
      return {
        severity: 'warn',
        headline: `DKIM key ${issue.selector} in testing mode`,
        message: `The DKIM key at ${issue.selector}._domainkey.${domain} has t=y (testing): receivers may treat its signatures as unsigned.`,
        fix: { summary: 'Remove t=y from the record once signing works.', links: [RFC.dkim] },
        data: { selector: issue.selector },
      };
    case 'mail.dkim.invalid':
      return {
        severity: 'fail',
        headline: `DKIM key ${issue.selector} invalid`,
        message: `The DKIM record at ${issue.selector}._domainkey.${domain} is not valid:\n${bullets(issue.errors)}`,
        fix: {
          summary: `Publish \`${issue.selector}._domainkey.${domain}. IN TXT "v=DKIM1; k=rsa; p=<base64 SubjectPublicKeyInfo>"\`.`,
          links: [RFC.dkim],
        },
        data: { selector: issue.selector },
      };
    case 'mail.dmarc.missing':
      return {
        severity: 'fail',
        headline: 'no DMARC record',
        message: `${domain} publishes no DMARC record (_dmarc.${domain}): receivers apply no policy to forged mail, and Google/Yahoo/Microsoft require DMARC of bulk senders.`,
        fix: {
          summary: 'Publish DMARC in monitoring mode, read the reports, then enforce.',
          steps: [
            `\`_dmarc.${domain}. IN TXT "v=DMARC1; p=none; rua=mailto:dmarc@${domain}"\``,
            'Later: `p=quarantine`, then `p=reject`.',
          ],
          links: [RFC.dmarc, RFC.exoDmarc],
        },
      };
    case 'mail.dmarc.invalid':
      return {
        severity: 'fail',
        headline: 'DMARC record invalid',
        message: `The DMARC record of ${domain} is not valid:\n${bullets(issue.errors)}`,
        fix: {
          summary: `Publish exactly one \`_dmarc.${domain}. IN TXT "v=DMARC1; p=quarantine; rua=mailto:dmarc@${domain}"\` (v first, p second).`,
          links: [RFC.dmarc, RFC.exoDmarc],
        },
      };
    case 'mail.dmarc.none':
      return {
        severity: 'warn',
        headline: 'DMARC p=none (monitoring only)',
        message: `The DMARC policy of ${domain} is p=none: forged mail is reported but still delivered.`,
        fix: {
          summary: 'When the aggregate reports show all your senders aligned, move to quarantine, then reject.',
          steps: [`\`_dmarc.${domain}. IN TXT "v=DMARC1; p=quarantine; pct=100; rua=…"\``, 'then `p=reject`.'],
          links: [RFC.dmarc, RFC.exoDmarc],
        },
      };
    case 'mail.dmarc.external-rua-unauthorized':
      return {
        severity: 'warn',
        headline: `DMARC reports to ${list(issue.domains)} not authorised`,
        message: `The DMARC record sends reports to ${list(issue.domains)}, outside ${domain}, but ${issue.domains.length === 1 ? 'that domain does' : 'those domains do'} not publish the authorisation record, so receivers send no reports there.`,
        fix: {
          summary: 'The report receiver publishes the authorisation record (or use an address in your own domain).',
          steps: issue.domains.map((d) => `\`${domain}._report._dmarc.${d}. IN TXT "v=DMARC1"\``),
          links: [RFC.dmarcExternal],
        },
        data: { domains: issue.domains },
      };
    default: {
      const unreachable: never = issue;
      throw new Error(`unknown issue ${JSON.stringify(unreachable)}`);
    }
  }
}

const RANK: Record<Severity, number> = { error: 4, fail: 3, warn: 2, info: 1, ok: 0 };

/** The findings, worst first; `mail.ok` first when nothing is at warn or worse. Also the title's headline. */
export function buildFindings(issues: readonly MailIssue[], domain: string): { findings: Finding[]; headline: string } {
  const described = issues.map((issue) => ({ issue, ...describeIssue(issue, domain) }));
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
  if (problems.length === 0)
    findings.unshift({ id: 'mail.ok', severity: 'ok', message: `No problems found in the mail posture of ${domain}.` });
  const headline = problems[0]
    ? `${problems[0].headline}${problems.length > 1 ? ` (+${problems.length - 1} more)` : ''}`
    : 'mail posture OK';
  return { findings, headline };
}
