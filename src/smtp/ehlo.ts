import type { SmtpReply } from '../net/smtp-reply';

/** The server's EHLO answer: its name and the extensions it offers. */
export interface EhloInfo {
  /** The first line: the server's name and greeting text. */
  greeting: string;
  /** Capability lines as sent (`PIPELINING`, `SIZE 10240000`, `XCLIENT NAME ADDR …`). */
  lines: string[];
  /** Extension keyword (upper case) → its parameters. */
  capabilities: Map<string, string[]>;
}

/** Parses a 250 reply to EHLO; a HELO reply gives no capabilities. */
export function parseEhlo(reply: SmtpReply): EhloInfo {
  const [greeting = '', ...rest] = reply.lines;
  const capabilities = new Map<string, string[]>();
  for (const line of rest) {
    const [keyword, ...params] = line.trim().split(/\s+/);
    if (keyword) capabilities.set(keyword.toUpperCase(), params);
  }
  return { greeting, lines: rest, capabilities };
}

/** True when the server offers XCLIENT with the ADDR attribute (Postfix lists the attributes it accepts). */
export function offersXclientAddr(ehlo: EhloInfo): boolean {
  const params = ehlo.capabilities.get('XCLIENT');
  return params !== undefined && params.some((p) => p.toUpperCase() === 'ADDR');
}

/** The EHLO argument for an address when no name is configured: `[10.0.0.5]`, `[IPv6:2001:db8::5]` (RFC 5321 4.1.3). */
export function addressLiteral(address: string): string {
  return address.includes(':') ? `[IPv6:${address}]` : `[${address}]`;
}
