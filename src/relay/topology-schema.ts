import { isIP } from 'node:net';
import { z } from 'zod';
import { canonicalIp, isHostname } from '../net/address';
import { isMailbox } from '../net/mailbox';
import { isDiagError } from '../core/errors';
import { parseIpRange } from './ip-range';

/**
 * The `relay` section of the configuration: the relay topology (target, load balancer, receive
 * connectors) and the live probe's settings. A wrong range fails at config load with a message that
 * names the connector (or data group) and the value, e.g.
 * `relay.connectors.1.remoteIpRanges.0: connector "Anonymous Relay": "10.0.0.300" is not an IP address …`.
 */

function ipAddress(what: string) {
  return z.string().superRefine((value, ctx) => {
    if (isIP(value.trim()) === 0) ctx.addIssue({ code: 'custom', message: `${what}: "${value}" is not an IP address` });
  });
}

/** Adds one issue per range that does not parse, naming `owner` and the value. */
function checkRanges(ranges: readonly string[], owner: string, path: PropertyKey[], ctx: z.RefinementCtx): void {
  ranges.forEach((text, i) => {
    try {
      parseIpRange(text);
    } catch (error) {
      if (!isDiagError(error, 'relay.ip-range')) throw error;
      ctx.addIssue({ code: 'custom', path: [...path, i], message: `${owner}: ${error.message}` });
    }
  });
}

export const relayTargetSchema = z.object({
  host: z
    .string()
    .min(1)
    .refine((h) => canonicalIp(h) !== undefined || isHostname(h), 'must be a host name or an IP address'),
  port: z.number().int().min(1).max(65535).default(25),
});

export const relayConnectorSchema = z
  .object({
    name: z.string().min(1).describe('the receive connector name, as Get-ReceiveConnector shows it'),
    remoteIpRanges: z.array(z.string()).min(1).describe('RemoteIPRanges: addresses, CIDRs, a-b ranges, IPv4 or IPv6'),
    anonymousRelay: z
      .boolean()
      .default(false)
      .describe('anonymous users may send to any recipient (Ms-Exch-SMTP-Accept-Any-Recipient)'),
  })
  .superRefine((connector, ctx) =>
    checkRanges(connector.remoteIpRanges, `connector "${connector.name}"`, ['remoteIpRanges'], ctx),
  );

export const dataGroupSchema = z
  .object({
    name: z.string().min(1),
    members: z.array(z.string()).default([]),
  })
  .superRefine((group, ctx) => checkRanges(group.members, `data group "${group.name}"`, ['members'], ctx));

export const loadBalancerSchema = z
  .object({
    name: z.string().min(1).default('virtual server').describe('the virtual server, e.g. SMTP_VS'),
    dataGroup: dataGroupSchema.describe('clients allowed to relay; the iRule SNATs them to relaySnat'),
    relaySnat: ipAddress('relaySnat').describe('the SNAT address for data-group members'),
    defaultSnat: z
      .union([z.literal('automap'), z.literal('none'), ipAddress('defaultSnat')])
      .default('automap')
      .describe('SNAT for everyone else: automap (a self IP), none (client address kept) or an address'),
    selfIps: z.array(ipAddress('selfIps')).default([]).describe('the self IPs automap may pick'),
    expectedConnections: z.number().int().min(1).optional().describe('peak concurrent connections per SNAT address'),
  })
  .superRefine((lb, ctx) => {
    if (lb.defaultSnat === 'automap' && lb.selfIps.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['selfIps'],
        message: `load balancer "${lb.name}": defaultSnat is automap, so list the self IPs automap may pick`,
      });
    }
  });

export const relayProbeSchema = z.object({
  sender: z
    .string()
    .refine(
      (s) => s === '' || isMailbox(s),
      'must be a mailbox such as relay-probe@contoso.com (or "" for the null sender)',
    )
    .default('relay-probe@example.com')
    .describe('MAIL FROM of the probe; use an address in your own domain'),
  externalRecipient: z
    .string()
    .refine(isMailbox, 'must be a mailbox such as relay-test@example.org')
    .default('relay-test@example.org')
    .describe('RCPT TO: an address outside every domain the server accepts'),
  localDomains: z
    .array(z.string().refine(isHostname, 'must be a domain name'))
    .default([])
    .describe('accepted domains: a recipient there is local delivery, not relay'),
  allowXclient: z.boolean().default(false).describe('use XCLIENT ADDR=<client> when the server offers it'),
  extraPorts: z
    .array(z.number().int().min(1).max(65535))
    .max(8)
    .default([])
    .describe('more ports to probe on the same host, e.g. 587 or 2525'),
  heloName: z
    .string()
    .refine(isHostname, 'must be a host name')
    .optional()
    .describe('EHLO name; default the address literal of the probe'),
});

export const relayConfigSchema = z
  .object({
    target: relayTargetSchema.optional(),
    loadBalancer: loadBalancerSchema.optional(),
    connectors: z.array(relayConnectorSchema).default([]),
    probe: relayProbeSchema.prefault({}),
  })
  .superRefine((relay, ctx) => {
    const seen = new Set<string>();
    relay.connectors.forEach((connector, i) => {
      const key = connector.name.toLowerCase();
      if (seen.has(key))
        ctx.addIssue({
          code: 'custom',
          path: ['connectors', i, 'name'],
          message: `two connectors are named "${connector.name}"`,
        });
      seen.add(key);
    });
    if (relay.loadBalancer && relay.connectors.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['connectors'],
        message: 'a load balancer is described but no receive connectors: list the connectors behind it',
      });
    }
  });

export type RelayConfig = z.infer<typeof relayConfigSchema>;
export type RelayConnector = z.infer<typeof relayConnectorSchema>;
export type LoadBalancer = z.infer<typeof loadBalancerSchema>;
export type RelayProbeSettings = z.infer<typeof relayProbeSchema>;
/** The part the policy engine evaluates. */
export type RelayTopology = Pick<RelayConfig, 'loadBalancer' | 'connectors'>;
