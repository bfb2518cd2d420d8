import { DiagError, isDiagError, isFindingError } from '../core/errors';
import { canonicalIp } from '../net/address';
import { connectTcp, type NetContext } from '../net/connect';
import { formatTarget } from '../net/target';
import { classifyMail, classifyRcpt, type RelayOutcome } from './classify';
import { addressLiteral, offersXclientAddr, parseEhlo, type EhloInfo } from './ehlo';
import { systemLocalAddresses, type LocalAddressCheck } from './local-address';
import { isMailbox } from '../net/mailbox';
import type { SmtpReply } from '../net/smtp-reply';
import { SmtpSession, type TlsInfo, type TranscriptEntry } from './session';

export type ProbeMethod = 'direct' | 'source-bind' | 'xclient';

export interface RelayProbeRequest {
  target: { host: string; port: number };
  /** The client IP the question is about. */
  client: string;
  /** MAIL FROM; '' is the null sender. */
  sender: string;
  /** RCPT TO: an external address. */
  recipient: string;
  /** STARTTLS before MAIL FROM. */
  startTls: boolean;
  /** Use XCLIENT ADDR=<client> when the server offers it and the client is not one of our addresses. */
  allowXclient: boolean;
  /** EHLO name; default the address literal of our end of the connection. */
  heloName?: string;
}

export interface RelayProbeDeps {
  net: NetContext;
  localAddresses?: LocalAddressCheck;
}

/** A reply as the Reply contract shows it: code, enhanced code, text, and the exact lines. */
export interface ReplySummary {
  code: number;
  enhanced: string | null;
  text: string;
  raw: string;
}

export interface RelayProbeResult {
  target: { host: string; port: number };
  /** The address connected to (after the one DNS lookup). */
  address: string;
  method: ProbeMethod;
  client: string;
  recipient: string;
  /** The address the server judged: the client for source-bind and XCLIENT, our own address for direct. */
  testedAddress: string;
  localAddress: string;
  banner: string;
  ehlo: string[];
  tls: TlsInfo | null;
  /** Whether the server offered XCLIENT ADDR, and why it was not used when it was wanted. */
  xclient: { offered: boolean; problem: 'not-offered' | 'refused' | null; reply: ReplySummary | null };
  mailReply: ReplySummary;
  /** Absent when MAIL FROM was refused and RCPT never sent. */
  rcptReply: ReplySummary | null;
  outcome: RelayOutcome;
  /** True only for a 2xx to RCPT: accepted at RCPT, not proof of delivery. */
  accepted: boolean;
  transcript: TranscriptEntry[];
}

export function summarise(reply: SmtpReply): ReplySummary {
  return { code: reply.code, enhanced: reply.enhanced ?? null, text: reply.lines.join('\n'), raw: reply.raw };
}

/**
 * Asks the server whether it would relay for the client: banner → EHLO → (STARTTLS → EHLO) →
 * (XCLIENT ADDR → EHLO) → MAIL FROM → RCPT TO → RSET → QUIT. DATA is never sent. Failures that stop
 * the probe are DiagErrors whose `data` carries the transcript so far.
 */
export async function probeRelay(request: RelayProbeRequest, deps: RelayProbeDeps): Promise<RelayProbeResult> {
  if (!canonicalIp(request.client)) throw new DiagError('usage', `${request.client} is not an IP address.`);
  if (!isMailbox(request.recipient) || (request.sender !== '' && !isMailbox(request.sender))) {
    throw new DiagError(
      'usage',
      'The probe sender and recipient must be plain mailboxes such as relay-test@example.org.',
    );
  }
  const local = deps.localAddresses ?? systemLocalAddresses;
  const sourceBind = await local.isLocal(request.client);
  const { socket, address } = await connectTcp(request.target, deps.net, {
    localAddress: sourceBind ? request.client : undefined,
    step: `the TCP connection to ${formatTarget(request.target)}${sourceBind ? ` from ${request.client}` : ''}`,
  });
  // Node reports IPv4 in plain dotted form already; only IPv6 (or a mapped IPv4) needs canonicalising.
  const rawLocal = socket.localAddress ?? '';
  const localAddress = rawLocal.includes(':') ? (canonicalIp(rawLocal)?.address ?? rawLocal) : rawLocal;
  const session = new SmtpSession(socket, deps.net.timeouts.stepMs);
  const partial: Record<string, unknown> = {
    transcript: session.transcript,
    method: sourceBind ? 'source-bind' : 'direct',
    localAddress,
  };
  try {
    return await converse(session, request, { address, localAddress, sourceBind }, partial);
  } catch (error) {
    if (isFindingError(error)) {
      throw new DiagError(error.code, error.message, {
        cause: error,
        fix: error.fix,
        data: { ...error.data, ...partial },
      });
    }
    throw error;
  } finally {
    session.close();
  }
}

async function converse(
  session: SmtpSession,
  request: RelayProbeRequest,
  conn: { address: string; localAddress: string; sourceBind: boolean },
  partial: Record<string, unknown>,
): Promise<RelayProbeResult> {
  const where = formatTarget(request.target);
  const banner = await readBanner(session, where);
  partial.banner = banner.raw;
  const helo = request.heloName ?? addressLiteral(conn.localAddress);
  let ehlo = await hello(session, helo, where);

  let tls: TlsInfo | null = null;
  if (request.startTls) {
    if (!ehlo.capabilities.has('STARTTLS')) {
      throw new DiagError(
        'smtp.unexpected-reply',
        `${where} does not offer STARTTLS (its EHLO lists: ${ehlo.lines.join(', ') || 'nothing'}).`,
        {
          fix: {
            summary:
              'Probe without --tls, or enable STARTTLS on the receive connector (Set-ReceiveConnector -AuthMechanism Tls).',
          },
        },
      );
    }
    expect(await session.command('STARTTLS'), 220, 'STARTTLS', where);
    tls = await session.startTls(canonicalIp(request.target.host) ? undefined : request.target.host);
    ehlo = await hello(session, helo, where);
  }

  let method: ProbeMethod = conn.sourceBind ? 'source-bind' : 'direct';
  const xclient: RelayProbeResult['xclient'] = { offered: offersXclientAddr(ehlo), problem: null, reply: null };
  if (!conn.sourceBind && request.allowXclient) {
    if (!xclient.offered) {
      xclient.problem = 'not-offered';
    } else {
      const ip = canonicalIp(request.client) as { address: string; family: 4 | 6 };
      const reply = await session.command(`XCLIENT ADDR=${ip.family === 6 ? `IPV6:${ip.address}` : ip.address}`);
      xclient.reply = summarise(reply);
      if (reply.code === 220) {
        method = 'xclient';
        ehlo = await hello(session, helo, where);
      } else {
        xclient.problem = 'refused';
      }
    }
  }
  partial.method = method;

  const mail = await session.command(`MAIL FROM:<${request.sender}>`, 'the reply to MAIL FROM');
  const mailOutcome = classifyMail(mail);
  let rcpt: SmtpReply | null = null;
  let outcome: RelayOutcome = mailOutcome;
  if (mailOutcome === 'accepted') {
    rcpt = await session.command(`RCPT TO:<${request.recipient}>`, 'the reply to RCPT TO');
    outcome = classifyRcpt(rcpt);
  }
  await farewell(session, mail.code !== 421 && rcpt?.code !== 421);

  return {
    target: request.target,
    address: conn.address,
    method,
    client: request.client,
    recipient: request.recipient,
    testedAddress: method === 'direct' ? conn.localAddress : request.client,
    localAddress: conn.localAddress,
    banner: banner.raw,
    ehlo: ehlo.lines,
    tls,
    xclient,
    mailReply: summarise(mail),
    rcptReply: rcpt ? summarise(rcpt) : null,
    outcome,
    accepted: outcome === 'accepted',
    transcript: session.transcript,
  };
}

async function readBanner(session: SmtpSession, where: string): Promise<SmtpReply> {
  let banner: SmtpReply;
  try {
    banner = await session.greeting();
  } catch (error) {
    if (isDiagError(error, 'smtp.unexpected-reply', 'net.closed')) {
      throw new DiagError('smtp.greeting-failed', `${where} did not greet like an SMTP server: ${error.message}`, {
        cause: error,
        fix: greetingFix(where),
        data: error.data,
      });
    }
    throw error;
  }
  if (banner.code !== 220) {
    throw new DiagError('smtp.greeting-failed', `${where} refused the session at the greeting: ${banner.raw}`, {
      fix: greetingFix(where),
      data: { reply: summarise(banner) },
    });
  }
  return banner;
}

function greetingFix(where: string) {
  return {
    summary: `Check that ${where} is the SMTP service (port 25 or the relay connector's port) and that it accepts connections from diagbot.`,
    steps: [
      '421 at connect: the server is shutting down, overloaded, or refuses this client (connection filtering, MaxInboundConnectionPerSource).',
      'Anything that is not a 220 line: another service listens on this port (a TLS-only port such as 465 needs implicit TLS, not SMTP).',
    ],
    links: [{ title: 'RFC 5321 §3.1 session initiation', url: 'https://www.rfc-editor.org/rfc/rfc5321#section-3.1' }],
  };
}

/** EHLO, falling back to HELO for a server that does not know EHLO (500/502). */
async function hello(session: SmtpSession, name: string, where: string): Promise<EhloInfo> {
  const ehlo = await session.command(`EHLO ${name}`, 'the reply to EHLO');
  if (ehlo.code === 250) return parseEhlo(ehlo);
  if (ehlo.code === 500 || ehlo.code === 502) {
    const helo = await session.command(`HELO ${name}`, 'the reply to HELO');
    expect(helo, 250, 'HELO', where);
    return { greeting: helo.lines[0] ?? '', lines: [], capabilities: new Map() };
  }
  expect(ehlo, 250, 'EHLO', where);
  return parseEhlo(ehlo);
}

function expect(reply: SmtpReply, code: number, command: string, where: string): void {
  if (reply.code === code) return;
  throw new DiagError(
    'smtp.unexpected-reply',
    `${where} answered ${command} with ${reply.raw.split('\n').join(' / ')} (expected ${code}).`,
    {
      data: { reply: summarise(reply) },
      fix: {
        summary:
          reply.code === 421
            ? 'The server is closing the session (overload or a block on this client); try again later or check its logs.'
            : `Check the server's logs for why it refused ${command}.`,
        links: [{ title: 'RFC 5321 §4.2 SMTP replies', url: 'https://www.rfc-editor.org/rfc/rfc5321#section-4.2' }],
      },
    },
  );
}

/** RSET and QUIT: the decision is already made, so a failure here is recorded in the transcript and does not fail the probe. */
async function farewell(session: SmtpSession, open: boolean): Promise<void> {
  if (!open) return;
  for (const command of ['RSET', 'QUIT']) {
    try {
      await session.command(command);
    } catch (error) {
      if (!isFindingError(error)) throw error;
      // The transcript already holds the error for this step; stop saying goodbye to a server that left.
      return;
    }
  }
}
