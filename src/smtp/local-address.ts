import { createServer } from 'node:net';
import { networkInterfaces } from 'node:os';
import { canonicalIp } from '../net/address';

/** Decides whether the probe can send from an address itself (source-bind): the port tests replace. */
export interface LocalAddressCheck {
  isLocal(address: string): Promise<boolean>;
}

/** Interfaces rarely change; an answer is reused this long so a digest of many probes does not bind-test each time. */
const CACHE_MS = 30_000;

/**
 * This host's own addresses. An address on an interface counts; so does one inside a loopback
 * interface's prefix when the kernel lets us bind it (Linux routes all of 127.0.0.0/8 locally, so
 * 127.0.0.2 is usable without being listed). The bind test keeps us honest on systems where it is not.
 */
export function createLocalAddressCheck(now: () => number = Date.now): LocalAddressCheck {
  const cache = new Map<string, { local: boolean; at: number }>();
  return {
    async isLocal(address) {
      const ip = canonicalIp(address);
      if (!ip) return false;
      const hit = cache.get(ip.address);
      if (hit && now() - hit.at < CACHE_MS) return hit.local;
      const local = await decide(ip.address, ip.family);
      if (cache.size > 1024) cache.clear();
      cache.set(ip.address, { local, at: now() });
      return local;
    },
  };
}

export const systemLocalAddresses: LocalAddressCheck = createLocalAddressCheck();

async function decide(address: string, family: 4 | 6): Promise<boolean> {
  const interfaces = Object.values(networkInterfaces())
    .flat()
    .filter((i) => i !== undefined);
  if (interfaces.some((i) => canonicalIp(i.address)?.address === address)) return true;
  const inLoopbackPrefix =
    family === 4 &&
    interfaces.some((i) => i.internal && i.family === 'IPv4' && i.cidr !== null && inIpv4Cidr(address, i.cidr));
  return inLoopbackPrefix && (await canBind(address));
}

function inIpv4Cidr(address: string, cidr: string): boolean {
  const [base = '', bits = '32'] = cidr.split('/');
  const toNumber = (text: string): number => text.split('.').reduce((n, part) => n * 256 + Number(part), 0);
  const size = 2 ** (32 - Number(bits));
  return Math.floor(toNumber(address) / size) === Math.floor(toNumber(base) / size);
}

/** Binds a listener to the address on an ephemeral port and closes it at once. */
function canBind(address: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ host: address, port: 0, exclusive: true }, () => server.close(() => resolve(true)));
  });
}
