import { BlockList } from 'node:net';
import { canonicalIp } from './address';

/** `targets` from config: CIDRs (or single addresses) and domain suffixes. */
export interface TargetRules {
  allow: readonly string[];
  deny: readonly string[];
}

export interface PolicyDecision {
  allowed: boolean;
  /** Why, in words an admin understands (shown in `policy.denied`). */
  reason: string;
}

export interface TargetPolicy {
  /** Decides for one resolved address; `hostname` is the name that resolved to it, when there was one. */
  check(address: string, hostname?: string): PolicyDecision;
}

/** Addresses no diagnostic reaches unless an allow entry says so. */
const BUILT_IN_DENIED: Array<[string, number, 'ipv4' | 'ipv6', string]> = [
  ['0.0.0.0', 8, 'ipv4', 'unspecified'],
  ['127.0.0.0', 8, 'ipv4', 'loopback'],
  ['169.254.0.0', 16, 'ipv4', 'link-local'],
  ['224.0.0.0', 4, 'ipv4', 'multicast'],
  ['240.0.0.0', 4, 'ipv4', 'reserved'],
  ['::', 128, 'ipv6', 'unspecified'],
  ['::1', 128, 'ipv6', 'loopback'],
  ['fe80::', 10, 'ipv6', 'link-local'],
  ['ff00::', 8, 'ipv6', 'multicast'],
];

/** Cloud metadata endpoints: denied even under a broad allow; only an allow entry naming the exact address opens them. */
const METADATA_ADDRESSES = new Set(['169.254.169.254', 'fd00:ec2::254', '100.100.100.200']);
const METADATA_NAMES = ['metadata.google.internal', 'metadata.goog', 'metadata.azure.com', 'instance-data.ec2.internal'];

interface CompiledRules {
  cidrs: BlockList;
  exactAddresses: Set<string>;
  suffixes: string[];
  hasCidrs: boolean;
}

export class PolicyConfigError extends Error {}

function compile(entries: readonly string[], what: string): CompiledRules {
  const cidrs = new BlockList();
  const exactAddresses = new Set<string>();
  const suffixes: string[] = [];
  let hasCidrs = false;
  for (const raw of entries) {
    const entry = raw.trim().toLowerCase();
    if (entry === '') continue;
    const slash = entry.lastIndexOf('/');
    const addressPart = slash === -1 ? entry : entry.slice(0, slash);
    const ip = canonicalIp(addressPart);
    if (ip) {
      const type = ip.family === 4 ? 'ipv4' : 'ipv6';
      const max = ip.family === 4 ? 32 : 128;
      const prefix = slash === -1 ? max : Number(entry.slice(slash + 1));
      if (!Number.isInteger(prefix) || prefix < 0 || prefix > max) {
        throw new PolicyConfigError(`${what}: "${raw}" has an invalid prefix length (0–${max})`);
      }
      cidrs.addSubnet(ip.address, prefix, type);
      if (prefix === max) exactAddresses.add(ip.address);
      hasCidrs = true;
    } else if (/^\.?[a-z0-9_-]+(\.[a-z0-9_-]+)*\.?$/.test(entry)) {
      suffixes.push(entry.replace(/^\./, '').replace(/\.$/, ''));
    } else {
      throw new PolicyConfigError(`${what}: "${raw}" is neither a CIDR, an address nor a domain suffix`);
    }
  }
  return { cidrs, exactAddresses, suffixes, hasCidrs };
}

function matchesSuffix(rules: CompiledRules, hostname: string | undefined): string | undefined {
  if (!hostname) return undefined;
  const name = hostname.toLowerCase().replace(/\.$/, '');
  return rules.suffixes.find((suffix) => name === suffix || name.endsWith(`.${suffix}`));
}

function inCidrs(rules: CompiledRules, address: string, family: 4 | 6): boolean {
  return rules.hasCidrs && rules.cidrs.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * The outbound target policy (contracts/cli-and-config.md): `deny` wins over everything; an explicit
 * `allow` entry overrides the built-in denials (so a lab can reach 127.0.0.0/8); cloud metadata stays
 * denied unless an allow entry names that exact address.
 */
export function createTargetPolicy(rules: TargetRules): TargetPolicy {
  const allow = compile(rules.allow, 'targets.allow');
  const deny = compile(rules.deny, 'targets.deny');
  const builtIn = BUILT_IN_DENIED.map(([net, prefix, type, label]) => {
    const list = new BlockList();
    list.addSubnet(net, prefix, type);
    return { list, type, label };
  });

  return {
    check(rawAddress: string, hostname?: string): PolicyDecision {
      const ip = canonicalIp(rawAddress);
      if (!ip) return { allowed: false, reason: `${rawAddress} is not an IP address` };
      const { address, family } = ip;
      const deniedSuffix = matchesSuffix(deny, hostname);
      if (deniedSuffix) return { allowed: false, reason: `${hostname} is under ${deniedSuffix}, which targets.deny lists` };
      if (inCidrs(deny, address, family)) return { allowed: false, reason: `${address} is in targets.deny` };

      const isMetadata = METADATA_ADDRESSES.has(address)
        || (hostname !== undefined && METADATA_NAMES.includes(hostname.toLowerCase().replace(/\.$/, '')));
      if (isMetadata) {
        return allow.exactAddresses.has(address)
          ? { allowed: true, reason: `${address} is named in targets.allow` }
          : { allowed: false, reason: `${address} is a cloud metadata address, which diagbot never reaches unless targets.allow names it exactly` };
      }
      const allowedSuffix = matchesSuffix(allow, hostname);
      if (allowedSuffix) return { allowed: true, reason: `${hostname} is under ${allowedSuffix} in targets.allow` };
      if (inCidrs(allow, address, family)) return { allowed: true, reason: `${address} is in targets.allow` };

      const type = family === 4 ? 'ipv4' : 'ipv6';
      const builtInHit = builtIn.find((entry) => entry.type === type && entry.list.check(address, type));
      if (builtInHit) {
        return { allowed: false, reason: `${address} is a ${builtInHit.label} address, which diagbot does not reach unless targets.allow lists it` };
      }
      return { allowed: true, reason: 'public or private address outside the built-in denials' };
    },
  };
}
