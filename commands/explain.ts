import { z } from 'zod';
import type { Command } from '../src/core/command';
import { usageError } from '../src/core/errors';
import {
  makeReply,
  type Fact,
  type Finding,
  type FindingId,
  type Link,
  type Reply,
  type Severity,
} from '../src/core/reply';
import type { DecodedCode, ExplainMatch, ExplainResult, KbEntry } from '../src/kb';
import { loadExplainEngine } from '../src/kb';
import { headersReplyIfHeaderBlock } from './headers';

const EXAMPLE = 'explain 550 5.7.1 Unable to relay';
const explainArgs = z.object({ text: z.string() });
export type ExplainArgs = z.infer<typeof explainArgs>;

const LOOKUP_DOC: Link = {
  title: 'System error codes (Win32)',
  url: 'https://learn.microsoft.com/en-us/windows/win32/debug/system-error-codes',
};
const NDR_DOC: Link = {
  title: 'Email non-delivery reports and SMTP errors in Exchange Online',
  url: 'https://learn.microsoft.com/en-us/exchange/mail-flow-best-practices/non-delivery-reports-in-exchange-online/non-delivery-reports-in-exchange-online',
};

const percent = (confidence: number): string => `${Math.round(confidence * 100)}%`;

/** One line per code: what it is, its name and structure, and what it means. */
export function describeCode(code: DecodedCode): string {
  const shown = code.raw.toLowerCase() === code.value.toLowerCase() ? code.raw : `${code.raw} (${code.value})`;
  const parts = code.parts ?? {};
  const bits: string[] = [];
  switch (code.kind) {
    case 'hresult':
      bits.push(
        `HRESULT ${parts.severity ?? ''}, facility ${parts.facilityName ?? '?'} (${parts.facility ?? '?'}), code ${parts.code ?? '?'}`,
      );
      if (parts.win32 !== undefined)
        bits.push(`the Win32 error inside is ${parts.win32}${parts.win32Name ? ` ${parts.win32Name}` : ''}`);
      break;
    case 'ntstatus':
      bits.push(`NTSTATUS ${parts.severity ?? ''}`);
      break;
    case 'win32':
      bits.push('Win32 error');
      break;
    case 'ldap':
      bits.push(`LDAP result ${code.value}${parts.rfcName ? ` (${parts.rfcName})` : ''}`);
      if (parts.adData !== undefined)
        bits.push(
          `AD sub-code data ${parts.adData} = Win32 ${parts.win32}${parts.win32Name ? ` ${parts.win32Name}` : ''}`,
        );
      break;
    case 'smtp':
      bits.push(parts.basic !== undefined ? 'SMTP reply code' : 'SMTP enhanced status code (RFC 3463)');
      break;
    case 'http':
      bits.push(`HTTP status${parts.substatus !== undefined ? ` with IIS sub-status ${parts.substatus}` : ''}`);
      break;
    case 'tls':
      bits.push(parts.alert !== undefined ? 'TLS alert' : 'X.509 verification result');
      break;
    case 'jet':
      bits.push(
        `ESE (JET) database error${parts.unsigned !== undefined ? `, ${parts.unsigned} as an unsigned store error` : ''}`,
      );
      break;
    case 'aadsts':
      bits.push('Microsoft Entra ID sign-in error');
      break;
    case 'kdc':
      bits.push('Kerberos error (RFC 4120)');
      break;
    case 'sspi':
      bits.push('SSPI security status (Schannel, Kerberos, NTLM)');
      break;
    case 'winhttp':
      bits.push('WinHTTP/WinINet error');
      break;
    case 'schannel':
      bits.push('Schannel event id (System log)');
      break;
    default: {
      const unreachable: never = code.kind;
      throw new Error(`unknown code kind ${String(unreachable)}`);
    }
  }
  const name = code.name && code.name !== code.value ? ` = ${code.name}` : '';
  return `${shown}${name} — ${bits.join('; ')}.${code.meaning ? ` ${code.meaning}` : ''}`;
}

const PLATFORM_LABEL = { windows: 'Windows', linux: 'Linux' } as const;

/**
 * The fix steps that fit the paste: untagged steps always, platform steps for the platform the paste comes
 * from; when the paste does not say, every step, the tagged ones labelled. Version notes follow the steps.
 */
export function stepsFor(entry: KbEntry, platform: ExplainResult['platform']): string[] {
  const steps = entry.fix.steps
    .filter((step) => !step.platform || !platform || step.platform === platform)
    .map((step) => (step.platform && !platform ? `(${PLATFORM_LABEL[step.platform]}) ${step.text}` : step.text));
  return [...steps, ...entry.versionNotes.map((note) => `Version note — ${note}`)];
}

function matchFinding(match: ExplainMatch, primary: boolean, platform: ExplainResult['platform']): Finding {
  const { entry } = match;
  const id: FindingId = `kb.${entry.id}`;
  const causes = entry.causes.map((c, i) => `${i + 1}) ${c}`).join(' ');
  const message = primary
    ? `${entry.explanation} Likely causes, most likely first: ${causes}`
    : `Also possible (${percent(match.confidence)}): ${entry.title}. ${entry.explanation}`;
  const severity: Severity = primary ? entry.severity : 'info';
  return {
    id,
    severity,
    message,
    fix: { summary: entry.fix.summary, steps: stepsFor(entry, platform), links: entry.links },
  };
}

function codeFinding(code: DecodedCode): Finding {
  return { id: `code.${code.kind}`, severity: 'info', message: describeCode(code) };
}

function noMatchFinding(result: ExplainResult): Finding {
  const decoded =
    result.codes.length > 0
      ? ` I decoded ${result.codes.length === 1 ? 'the code' : `${result.codes.length} codes`} below, which may be enough.`
      : '';
  const [first, ...more] = result.related;
  const closest = first
    ? ` Possibly related, not a diagnosis: "${first.entry.title}" (${percent(first.confidence)} sure)${more.length > 0 ? `, or ${more.map((m) => `"${m.entry.title}"`).join(', ')}` : ''} — is that it?`
    : '';
  const smtp = result.codes.some((c) => c.kind === 'smtp');
  return {
    id: 'explain.no-match',
    severity: 'info',
    message: `I don't recognise this as a known error.${decoded}${closest}`,
    fix: {
      summary:
        'Paste the whole error: its first line, the exception type and any codes (0x…, 5.7.1, data 52e, Error 1722).',
      steps: [
        'Copy the full message rather than only a stack trace or the last line.',
        'Say which product and version wrote it (Exchange 2016 CU23, Outlook 365, Windows Server 2019, …).',
        'A bare code works too: `explain 0x800706BA`, `explain 5.7.1`, `explain data 775`.',
      ],
      links: smtp ? [NDR_DOC, LOOKUP_DOC] : [LOOKUP_DOC],
    },
  };
}

/** Builds the Reply from the engine's facts. */
export function explainReply(result: ExplainResult): Reply {
  const [top, ...others] = result.matches;
  const findings: Finding[] = [];
  const facts: Fact[] = [];
  if (top) {
    findings.push(matchFinding(top, true, result.platform));
    for (const other of others.slice(0, 2)) findings.push(matchFinding(other, false, result.platform));
    facts.push({ label: 'Confidence', value: percent(top.confidence) });
    facts.push({ label: 'Products', value: top.entry.products.join(', ') });
    if (top.entry.versions.length > 0) facts.push({ label: 'Versions', value: top.entry.versions.join(', ') });
  } else {
    findings.push(noMatchFinding(result));
  }
  for (const code of result.codes.slice(0, 10)) findings.push(codeFinding(code));
  for (const code of result.codes.slice(0, 5))
    facts.push({ label: code.raw.slice(0, 60), value: code.name ?? code.value });
  const { hosts, ips, dns } = result.entities;
  if (hosts.length > 0) facts.push({ label: 'Hosts', value: hosts.slice(0, 5).join(', ') });
  if (ips.length > 0) facts.push({ label: 'Addresses', value: ips.slice(0, 5).join(', ') });
  if (dns.length > 0) facts.push({ label: 'DN', value: dns[0] as string });
  if (result.truncated)
    facts.push({ label: 'Note', value: 'The text was longer than 64 KB; only its first 64 KB were read.' });

  const title = top
    ? `${top.entry.title} (${percent(top.confidence)} sure)`
    : result.related[0]
      ? `No sure diagnosis; possibly related: ${result.related[0].entry.title}`
      : result.codes.length > 0
        ? `No known error matched; decoded ${result.codes
            .map((c) => c.name ?? c.value)
            .slice(0, 3)
            .join(', ')}`
        : 'No known error matched';

  return makeReply({
    command: 'explain',
    title,
    findings,
    facts,
    actions: result.followUps.map((command) => ({
      label: command.length > 70 ? `${command.slice(0, 67)}...` : command,
      command,
    })),
    data: {
      band: result.band,
      matches: result.matches.map((m) => ({ id: m.entry.id, title: m.entry.title, confidence: m.confidence })),
      related: result.related.map((m) => ({ id: m.entry.id, title: m.entry.title, confidence: m.confidence })),
      ...(result.platform ? { platform: result.platform } : {}),
      ...(result.direction ? { direction: result.direction } : {}),
      ...(result.closest
        ? {
            closest: {
              id: result.closest.entry.id,
              title: result.closest.entry.title,
              confidence: result.closest.confidence,
            },
          }
        : {}),
      codes: result.codes.map(({ kind, raw, value, name, meaning, parts }) => ({
        kind,
        raw,
        value,
        name,
        meaning,
        ...(parts ? { parts } : {}),
      })),
      entities: result.entities,
      followUps: result.followUps,
      ...(top ? { signals: top.signals } : {}),
      truncated: result.truncated,
    },
  });
}

/**
 * `explain <pasted error>`: what the error means, why it happens and how to fix it, from the knowledge
 * base (src/kb) and the code decoders; also the router's fallback for error pastes in DMs and mentions.
 */
export function createExplainCommand(): Command<ExplainArgs> {
  return {
    name: 'explain',
    summary: 'Explain a pasted error: what it means, the likely causes, the fix and what to check next.',
    usage: 'explain <error text, codes, NDR or stack trace — line breaks welcome>',
    examples: [
      EXAMPLE,
      'explain The underlying connection was closed: Could not establish trust relationship for the SSL/TLS secure channel.',
      'explain 0x800706BA',
      'explain LDAP: error code 49 - 80090308: LdapErr: DSID-0C09044E, comment: AcceptSecurityContext error, data 52e, v4563',
    ],
    input: 'verbatim',
    args: explainArgs,
    details: [
      'Everything after `explain` is read as typed, line breaks included; in a DM or a mention you can paste the error without the word explain.',
      'Codes are decoded in any spelling: HRESULTs (0x80070005, 80070005h, -2147024891), Win32 and NTSTATUS codes, LDAP results with AD sub-codes (data 52e), SMTP (550 5.7.1), HTTP and TLS/X.509 verify codes.',
      'Codes also decoded: ESE/JET errors (-1018, StoreEc 0xFFFFFC06), Exchange Online 5.7.x/4.7.x meanings, AADSTS, Kerberos (KDC_ERR_*, Failure Code 0x18), SSPI SEC_E_*, WinHTTP 12xxx and Schannel events.',
      'When nothing matches with confidence, the answer says so and offers weaker candidates as "possibly related", never as the diagnosis.',
      'Fix steps fit the paste: a Postfix or Linux log gets shell commands, a Windows or Exchange error PowerShell.',
    ],
    async run(args) {
      // A pasted header block (here, a DM, a mention or the shortcut) gets the headers analysis instead.
      const headers = await headersReplyIfHeaderBlock(args.text);
      if (headers) return headers;
      if (args.text.trim() === '') {
        throw usageError('Paste the error text after `explain`.', EXAMPLE);
      }
      const { explainText } = await loadExplainEngine();
      return explainReply(explainText(args.text));
    },
  };
}
