import { canonicalHostname, canonicalIp } from '../net/address';

/**
 * The ports each probing command may reach. A chat user who could name any port would turn the bot
 * into a port scanner of the data centre; each command gets the ports its protocol lives on.
 * `targets.ports` in config adds extras per command (e.g. `cert: [8443]`).
 */
export const DEFAULT_COMMAND_PORTS: Readonly<Record<string, readonly number[]>> = {
  // HTTPS, SMTP, submission, SMTPS, IMAPS, POP3S, IMAP, POP3, LDAPS, global catalog over TLS
  cert: [443, 25, 587, 465, 993, 995, 143, 110, 636, 3269],
  // SMTP, submission, the common alternative submission port
  relay: [25, 587, 2525],
  // mail: STARTTLS to each MX, HTTPS to mta-sts.<domain> (fixed by the protocols, never chosen by the user)
  mail: [25, 443],
};

export interface PortDecision {
  allowed: boolean;
  /** The ports this command may use (for the refusal message); undefined when it has no list. */
  ports?: readonly number[];
}

/** One key per target host however it was written (`MAIL.contoso.com.`, `0x7f.1`), for limits and audit. */
export function targetHostKey(host: string): string {
  return canonicalIp(host)?.address ?? canonicalHostname(host);
}

/**
 * The port allow-list per command: the built-in defaults plus configured extras. A command with
 * neither has no port list and any port passes (it either names no target or connects where config says).
 */
export function createPortPolicy(extras: Readonly<Record<string, readonly number[]>> = {}): {
  check(command: string, port: number | undefined): PortDecision;
  portsOf(command: string): readonly number[] | undefined;
} {
  const table = new Map<string, readonly number[]>();
  for (const [command, ports] of Object.entries(DEFAULT_COMMAND_PORTS)) table.set(command, ports);
  for (const [command, ports] of Object.entries(extras)) {
    table.set(command, [...new Set([...(table.get(command) ?? []), ...ports])]);
  }
  return {
    portsOf: (command) => table.get(command),
    check(command, port) {
      const ports = table.get(command);
      if (!ports || port === undefined) return { allowed: true, ports };
      return { allowed: ports.includes(port), ports };
    },
  };
}
