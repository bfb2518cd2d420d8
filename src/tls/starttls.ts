import type { Socket } from 'node:net';
import { DiagError, isDiagError } from '../core/errors';
import { timeoutError } from '../net/deadline';
import { LineSocket } from '../net/line-socket';
import { readSmtpReply } from '../net/smtp-reply';

/** The plain-text conversation before a STARTTLS upgrade: what the server said, and the socket to start TLS on. */
export interface StarttlsResult {
  socket: Socket;
  banner: string;
  capabilities: string[];
}

export interface StarttlsOptions {
  /** `host:port` as shown in messages. */
  where: string;
  stepMs: number;
  /** The name diagbot gives in EHLO. */
  ehloName: string;
}

/** How many untagged lines an IMAP/POP3 capability answer may have before diagbot stops reading. */
const MAX_LINES = 100;

function unsupported(where: string, protocol: string, detail: string, data: Record<string, unknown>): DiagError {
  return new DiagError('cert.starttls-unsupported', `${where} does not offer ${protocol}: ${detail}`, {
    data: { ...data, protocol },
  });
}

/** Negotiates the upgrade for one protocol; resolves with the socket ready for the TLS handshake. */
export async function negotiateStarttls(
  socket: Socket,
  protocol: 'smtp' | 'imap' | 'pop3',
  options: StarttlsOptions,
): Promise<StarttlsResult> {
  const lines = new LineSocket(socket);
  try {
    const result =
      protocol === 'smtp'
        ? await smtp(lines, options)
        : protocol === 'imap'
          ? await imap(lines, options)
          : await pop3(lines, options);
    return { ...result, socket: lines.release() as Socket };
  } catch (error) {
    lines.close();
    throw error;
  }
}

async function smtp(
  lines: LineSocket,
  { where, stepMs, ehloName }: StarttlsOptions,
): Promise<Omit<StarttlsResult, 'socket'>> {
  const banner = await readSmtpReply(lines, `the SMTP banner from ${where}`, stepMs);
  if (banner.code !== 220) {
    throw new DiagError(
      'smtp.greeting-failed',
      `${where} greeted with ${banner.code} instead of 220: ${banner.lines.join(' ').slice(0, 200)}`,
      {
        data: { banner: banner.raw.slice(0, 500) },
      },
    );
  }
  lines.write(`EHLO ${ehloName}`);
  const ehlo = await readSmtpReply(lines, `the reply to EHLO from ${where}`, stepMs);
  const capabilities = ehlo.lines.slice(1);
  const data = { banner: banner.raw.slice(0, 500), capabilities };
  if (ehlo.code !== 250)
    throw unsupported(where, 'STARTTLS', `it answered EHLO with ${ehlo.code} ${ehlo.lines[0] ?? ''}`.trim(), data);
  if (!capabilities.some((c) => /^STARTTLS\b/i.test(c)))
    throw unsupported(where, 'STARTTLS', 'its EHLO reply does not list STARTTLS.', data);
  lines.write('STARTTLS');
  const reply = await readSmtpReply(lines, `the reply to STARTTLS from ${where}`, stepMs);
  if (reply.code !== 220)
    throw unsupported(
      where,
      'STARTTLS',
      `it answered STARTTLS with ${reply.code} ${reply.lines.join(' ')}`.trim(),
      data,
    );
  return { banner: banner.lines[0] ?? '', capabilities };
}

async function imap(lines: LineSocket, { where, stepMs }: StarttlsOptions): Promise<Omit<StarttlsResult, 'socket'>> {
  const banner = await lines.readLine(`the IMAP greeting from ${where}`, stepMs);
  if (!/^\* OK\b/i.test(banner))
    throw unsupported(where, 'STARTTLS', `its greeting is not "* OK": ${banner.slice(0, 200)}`, {
      banner: banner.slice(0, 500),
    });
  let capabilities = /\[CAPABILITY ([^\]]*)\]/i.exec(banner)?.[1]?.split(' ') ?? [];
  if (!capabilities.some((c) => c.toUpperCase() === 'STARTTLS')) {
    lines.write('a1 CAPABILITY');
    const answer = await readTagged(lines, 'a1', `the reply to CAPABILITY from ${where}`, stepMs);
    capabilities = answer.untagged
      .filter((l) => /^\* CAPABILITY /i.test(l))
      .flatMap((l) => l.slice('* CAPABILITY '.length).split(' '));
  }
  const data = { banner: banner.slice(0, 500), capabilities };
  if (!capabilities.some((c) => c.toUpperCase() === 'STARTTLS'))
    throw unsupported(where, 'STARTTLS', 'its CAPABILITY list does not include STARTTLS.', data);
  lines.write('a2 STARTTLS');
  const answer = await readTagged(lines, 'a2', `the reply to STARTTLS from ${where}`, stepMs);
  if (!/^a2 OK\b/i.test(answer.tagged))
    throw unsupported(where, 'STARTTLS', `it answered STARTTLS with "${answer.tagged.slice(0, 200)}".`, data);
  return { banner, capabilities };
}

async function readTagged(
  lines: LineSocket,
  tag: string,
  step: string,
  ms: number,
): Promise<{ tagged: string; untagged: string[] }> {
  const deadline = Date.now() + ms;
  const untagged: string[] = [];
  for (let i = 0; i < MAX_LINES; i += 1) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw timeoutError(step, ms);
    const line = await lines.readLine(step, remaining).catch((error: unknown) => {
      // Report the whole step's deadline, not the few milliseconds that were left of it.
      throw isDiagError(error, 'net.timeout') ? timeoutError(step, ms) : error;
    });
    if (line.toLowerCase().startsWith(`${tag} `)) return { tagged: line, untagged };
    untagged.push(line);
  }
  throw new DiagError(
    'cert.starttls-unsupported',
    `The answer to ${step} ran past ${MAX_LINES} lines without the tagged reply.`,
  );
}

async function pop3(lines: LineSocket, { where, stepMs }: StarttlsOptions): Promise<Omit<StarttlsResult, 'socket'>> {
  const banner = await lines.readLine(`the POP3 greeting from ${where}`, stepMs);
  if (!/^\+OK\b/i.test(banner))
    throw unsupported(where, 'STLS', `its greeting is not "+OK": ${banner.slice(0, 200)}`, {
      banner: banner.slice(0, 500),
    });
  lines.write('CAPA');
  const first = await lines.readLine(`the reply to CAPA from ${where}`, stepMs);
  let capabilities: string[] | undefined;
  if (/^\+OK\b/i.test(first)) {
    capabilities = [];
    for (let i = 0; i < MAX_LINES; i += 1) {
      const line = await lines.readLine(`the reply to CAPA from ${where}`, stepMs);
      if (line === '.') break;
      capabilities.push(line);
    }
  }
  const data = { banner: banner.slice(0, 500), capabilities: capabilities ?? [] };
  // A server without CAPA (RFC 2449) may still know STLS: only a CAPA list without it rules it out.
  if (capabilities && !capabilities.some((c) => /^STLS\b/i.test(c)))
    throw unsupported(where, 'STLS', 'its CAPA list does not include STLS.', data);
  lines.write('STLS');
  const reply = await lines.readLine(`the reply to STLS from ${where}`, stepMs);
  if (!/^\+OK\b/i.test(reply))
    throw unsupported(where, 'STLS', `it answered STLS with "${reply.slice(0, 200)}".`, data);
  return { banner, capabilities: capabilities ?? [] };
}
