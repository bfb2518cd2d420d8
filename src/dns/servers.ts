import { getServers } from 'node:dns';
import { canonicalIp } from '../net/address';
import type { DnsServer } from './types';

/**
 * `dns.servers` entries (`10.0.0.53`, `10.0.0.53:5353`, `[2001:db8::53]:53`, `2001:db8::53`) as host and port;
 * none configured means the system's resolvers (Node reads /etc/resolv.conf). Throws on a malformed entry.
 */
export function parseDnsServers(entries: readonly string[], system: () => string[] = getServers): DnsServer[] {
  const list = entries.length > 0 ? entries : system();
  return list.map((entry) => {
    const text = entry.trim();
    const bracketed = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(text);
    const colons = (text.match(/:/g) ?? []).length;
    const [host, port] = bracketed
      ? [bracketed[1] as string, bracketed[2]]
      : colons === 1
        ? (text.split(':') as [string, string])
        : [text, undefined];
    const ip = canonicalIp(host);
    const portNumber = port === undefined ? 53 : Number(port);
    if (!ip || !Number.isInteger(portNumber) || portNumber < 1 || portNumber > 65535) {
      throw new Error(
        `dns.servers: "${entry}" is not an address or address:port (e.g. 10.0.0.53 or [2001:db8::53]:53)`,
      );
    }
    return { host: ip.address, port: portNumber };
  });
}
