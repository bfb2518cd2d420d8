import type { Command } from '../../src/core/command';
import { usageError } from '../../src/core/errors';
import { formatTarget } from '../../src/net/target';
import type { LocalAddressCheck } from '../../src/smtp/local-address';
import type { CommandDeps } from '../deps';
import { EXAMPLE, readWords, relayArgs, words, type RelayArgs } from './args';
import { relayContext } from './context';
import { liveReply } from './live';
import { noTopology, policyReply } from './policy';

export interface RelayCommandOptions {
  /** Replaces the host's own address check (tests that exercise XCLIENT, where all of 127/8 is local). */
  localAddresses?: LocalAddressCheck;
}

/** `relay`: may this client relay through the server? A live SMTP probe (never DATA) plus the topology's path evaluation. */
export function createRelayCommand(deps: CommandDeps, options: RelayCommandOptions = {}): Command<RelayArgs> {
  const ctx = relayContext(deps.config.relay);
  const { relay, compiled } = ctx;

  return {
    name: 'relay',
    summary: 'Test whether a client IP may relay through an SMTP server, live (never sending DATA) and through the load balancer\'s SNAT and receive connectors.',
    usage: 'relay <client-ip> [via host[:port]] [to address] [--tls] [--policy-only]',
    examples: ['relay 10.1.2.3', EXAMPLE, 'relay 10.1.2.3 via smtp.contoso.com to someone@example.org', 'relay 10.1.2.3 --policy-only', 'relay 10.1.2.3 --tls'],
    details: [
      'The probe sends EHLO, MAIL FROM and RCPT TO an external address, then RSET and QUIT: it never sends DATA, so nothing is ever delivered.',
      'It tests from the client by binding the client address when it is one of this host\'s, by XCLIENT when the server offers it and relay.probe.allowXclient is on, and otherwise from diagbot\'s own address (the reply says so).',
      'Accepted at RCPT is not proof of delivery: some servers accept and drop later.',
      'With a topology in the configuration (relay.loadBalancer, relay.connectors) the path client → data group → SNAT → receive connector is evaluated and compared with the live answer.',
    ],
    minRole: 'operator',
    args: relayArgs,
    targetOf(args) {
      const target = readWords(args.positional);
      if (typeof target === 'string' || args.policyOnly) return undefined;
      const t = target.target ?? relay.target;
      return t ? formatTarget(t) : undefined;
    },
    async run(args) {
      const request = words(args);
      if (args.policyOnly) {
        if (!compiled) throw noTopology();
        return policyReply(ctx, request.client, compiled);
      }
      const target = request.target ?? relay.target;
      if (!target) {
        throw usageError('No server to probe: add `via <server>` or set relay.target in the configuration', EXAMPLE);
      }
      const recipient = request.recipient ?? relay.probe.externalRecipient;
      const ports = [target.port, ...relay.probe.extraPorts.filter((p) => p !== target.port)];
      const { probeRelay } = await import('../../src/smtp/probe');
      const outcomes = await Promise.all(ports.map((port) => probeRelay({
        target: { host: target.host, port },
        client: request.client,
        sender: relay.probe.sender,
        recipient,
        startTls: args.tls === true,
        allowXclient: relay.probe.allowXclient,
        heloName: relay.probe.heloName,
      }, { net: deps.net, localAddresses: options.localAddresses }).then((result) => ({ port, result }), (error: unknown) => ({ port, error }))));
      return liveReply(ctx, request.client, { host: target.host, port: target.port }, recipient, outcomes, args.tls === true);
    },
  };
}
