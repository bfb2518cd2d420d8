import { BlockList, isIP } from 'node:net';
import { DiagError } from '../core/errors';
import { canonicalHostname, canonicalIp, embeddedIpv4 } from './address';

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
  ['fec0::', 10, 'ipv6', 'site-local (deprecated)'],
  ['ff00::', 8, 'ipv6', 'multicast'],
];

/**
 * Cloud metadata and credential endpoints: denied even under a broad allow (`0.0.0.0/0`, `169.254.0.0/16`,
 * a suffix that covers the name); only an allow entry naming the exact address opens one.
 * AWS/Azure/GCP/OpenStack IMDS, AWS IMDS over IPv6, ECS task credentials, EKS Pod Identity (v4, v6),
 * Alibaba Cloud, Azure WireServer, Oracle Cloud Classic.
 */
const METADATA_ADDRESSES = new Set([
  '169.254.169.254',
  'fd00:ec2::254',
  '169.254.170.2',
  '169.254.170.23',
  'fd00:ec2::23',
  '100.100.100.200',
  '168.63.129.16',
  '192.0.0.192',
]);
const METADATA_NAMES = new Set([
  'metadata',
  'metadata.google.internal',
  'metadata.goog',
  'metadata.azure.com',
  'metadata.azure.internal',
  'instance-data',
  'instance-data.ec2.internal',
  'metadata.tencentyun.com',
  'metadata.platformequinix.com',
]);

/** True for a cloud metadata address (any spelling, or tunnelled in NAT64 / 6to4) or a metadata host name. */
export function isMetadataTarget(address: string | undefined, hostname?: string): boolean {
  if (hostname !== undefined && METADATA_NAMES.has(canonicalHostname(hostname))) return true;
  if (address === undefined) return false;
  const ip = canonicalIp(address);
  if (!ip) return false;
  const inner = ip.family === 6 ? embeddedIpv4(ip.address) : undefined;
  return METADATA_ADDRESSES.has(ip.address) || (inner !== undefined && METADATA_ADDRESSES.has(inner));
}

interface CompiledRules {
  /** Built on the first check: a command that reaches no network never pays for it (issue 16's cold start). */
  cidrs: () => BlockList;
  exactAddresses: Set<string>;
  suffixes: string[];
  hasCidrs: boolean;
}

function compile(entries: readonly string[], what: string): CompiledRules {
  const subnets: Array<[string, number, 'ipv4' | 'ipv6']> = [];
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
      const bare = addressPart.replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '');
      if (isIP(bare) === 0) {
        // `0177.0.0.1` means 127.0.0.1 to a resolver but 177.0.0.1 to many readers: refuse the ambiguity.
        throw new DiagError('config.invalid', `${what}: write "${raw}" as dotted decimal (${ip.address})`);
      }
      const givenMax = isIP(bare) === 6 ? 128 : 32;
      const max = ip.family === 4 ? 32 : 128;
      let prefix = slash === -1 ? givenMax : Number(entry.slice(slash + 1));
      if (!Number.isInteger(prefix) || prefix < 0 || prefix > givenMax) {
        throw new DiagError('config.invalid', `${what}: "${raw}" has an invalid prefix length (0–${givenMax})`);
      }
      // `::ffff:10.0.0.0/104` is the IPv4 network 10.0.0.0/8 written in IPv6.
      if (givenMax === 128 && max === 32) {
        if (prefix < 96)
          throw new DiagError(
            'config.invalid',
            `${what}: "${raw}" mixes IPv4-mapped and other IPv6 addresses; write the IPv4 network instead`,
          );
        prefix -= 96;
      }
      subnets.push([ip.address, prefix, ip.family === 4 ? 'ipv4' : 'ipv6']);
      if (prefix === max) exactAddresses.add(ip.address);
      hasCidrs = true;
    } else if (/^\.?[a-z0-9_-]+(\.[a-z0-9_-]+)*\.?$/.test(entry)) {
      suffixes.push(entry.replace(/^\./, '').replace(/\.$/, ''));
    } else {
      throw new DiagError('config.invalid', `${what}: "${raw}" is neither a CIDR, an address nor a domain suffix`);
    }
  }
  let cidrs: BlockList | undefined;
  return { cidrs: () => (cidrs ??= blockListOf(subnets)), exactAddresses, suffixes, hasCidrs };
}

function blockListOf(subnets: ReadonlyArray<readonly [string, number, 'ipv4' | 'ipv6']>): BlockList {
  const list = new BlockList();
  for (const [net, prefix, type] of subnets) list.addSubnet(net, prefix, type);
  return list;
}

function matchesSuffix(rules: CompiledRules, hostname: string | undefined): string | undefined {
  if (!hostname) return undefined;
  const name = canonicalHostname(hostname);
  return rules.suffixes.find((suffix) => name === suffix || name.endsWith(`.${suffix}`));
}

function inCidrs(rules: CompiledRules, address: string, family: 4 | 6): boolean {
  return rules.hasCidrs && rules.cidrs().check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * The outbound target policy (contracts/cli-and-config.md): `deny` wins over everything; an explicit
 * `allow` entry overrides the built-in denials (so a lab can reach 127.0.0.0/8); cloud metadata stays
 * denied unless an allow entry names that exact address.
 *
 * Every spelling of an address is checked as its canonical form (see `canonicalIp`), and IPv6 that
 * tunnels to IPv4 (NAT64, 6to4) must pass for the IPv4 address it carries too.
 */
export function createTargetPolicy(rules: TargetRules): TargetPolicy {
  const allow = compile(rules.allow, 'targets.allow');
  const deny = compile(rules.deny, 'targets.deny');
  let builtIn: Array<{ list: BlockList; type: 'ipv4' | 'ipv6'; label: string }> | undefined;
  const builtInLists = (): NonNullable<typeof builtIn> =>
    (builtIn ??= BUILT_IN_DENIED.map(([net, prefix, type, label]) => ({
      list: blockListOf([[net, prefix, type]]),
      type,
      label,
    })));

  function checkAddress(address: string, family: 4 | 6, hostname: string | undefined): PolicyDecision {
    if (inCidrs(deny, address, family)) return { allowed: false, reason: `${address} is in targets.deny` };
    if (isMetadataTarget(address, hostname)) {
      return allow.exactAddresses.has(address)
        ? { allowed: true, reason: `${address} is named in targets.allow` }
        : {
            allowed: false,
            reason: `${hostname && !METADATA_ADDRESSES.has(address) ? `${hostname} is a cloud metadata name` : `${address} is a cloud metadata address`}, which diagbot never reaches unless targets.allow names the address exactly`,
          };
    }
    const allowedSuffix = matchesSuffix(allow, hostname);
    if (allowedSuffix) return { allowed: true, reason: `${hostname} is under ${allowedSuffix} in targets.allow` };
    if (inCidrs(allow, address, family)) return { allowed: true, reason: `${address} is in targets.allow` };
    const type = family === 4 ? 'ipv4' : 'ipv6';
    const builtInHit = builtInLists().find((entry) => entry.type === type && entry.list.check(address, type));
    if (builtInHit) {
      return {
        allowed: false,
        reason: `${address} is a ${builtInHit.label} address, which diagbot does not reach unless targets.allow lists it`,
      };
    }
    return { allowed: true, reason: 'public or private address outside the built-in denials' };
  }

  return {
    check(rawAddress: string, hostname?: string): PolicyDecision {
      const ip = canonicalIp(rawAddress);
      if (!ip) return { allowed: false, reason: `${rawAddress.slice(0, 80)} is not an IP address` };
      const deniedSuffix = matchesSuffix(deny, hostname);
      if (deniedSuffix)
        return { allowed: false, reason: `${hostname} is under ${deniedSuffix}, which targets.deny lists` };
      const decision = checkAddress(ip.address, ip.family, hostname);
      if (!decision.allowed || ip.family === 4) return decision;
      const inner = embeddedIpv4(ip.address);
      if (inner === undefined) return decision;
      const innerDecision = checkAddress(inner, 4, undefined);
      return innerDecision.allowed
        ? decision
        : { allowed: false, reason: `${ip.address} tunnels to ${inner}, and ${innerDecision.reason}` };
    },
  };
}
