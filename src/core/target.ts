/**
 * The outbound host (and port) a command's arguments name, parsed once by the command's schema: the guard
 * checks its port and address and takes a slot for it, and the audit trail records it.
 */
export interface CommandTarget {
  /** A host name or an IP address (no brackets). */
  host: string;
  port?: number;
}

/** `host:port`, `[v6]:port`, or the host alone when there is no port: the one written form of a target. */
export function formatTarget(target: CommandTarget): string {
  const host = target.host.includes(':') ? `[${target.host}]` : target.host;
  return target.port === undefined ? target.host : `${host}:${target.port}`;
}
