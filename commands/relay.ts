import { isIP } from 'node:net';
import { z } from 'zod';
import type { Command } from '../src/core/command';
import { isFindingError, usageError } from '../src/core/errors';
import { canonicalIp } from '../src/net/address';
import { parseTarget, type Target } from '../src/net/target';
import type { LocalAddressCheck } from '../src/smtp/local-address';
import { isMailbox } from '../src/net/mailbox';
import type { CommandDeps } from './deps';
import { relayContext } from './relay/context';
import { liveReply } from './relay/live';
import { noTopology, policyReply } from './relay/policy';

/*
 * The relay command: its arguments and its handler. The reply is built in commands/relay/ (the live answer,
 * the policy answer and the topology context they share).
 */

const EXAMPLE = 'relay 10.1.2.3 via smtp.contoso.com:25';

interface RelayWords {
  client: string;
  target?: Target;
  recipient?: string;
}

/** What `relay` runs on: the words read once, at the edge. */
export interface RelayInput extends RelayWords {
  policyOnly: boolean;
  tls: boolean;
}

const relayArgs = z
  .object({
    positional: z.array(z.string()),
    policyOnly: z.boolean().optional().describe('evaluate the configured topology only; contact no server'),
    tls: z.boolean().optional().describe('send STARTTLS before MAIL FROM'),
  })
  .transform((args): RelayInput => {
    const parsed = readWords(args.positional);
    if (typeof parsed === 'string') throw usageError(parsed, EXAMPLE);
    if (args.policyOnly && (parsed.target || parsed.recipient || args.tls)) {
      throw usageError(
        '--policy-only contacts no server, so it takes no `via`, `to` or --tls (try `relay 10.1.2.3 --policy-only`)',
        EXAMPLE,
      );
    }
    return { ...parsed, policyOnly: args.policyOnly === true, tls: args.tls === true };
  });

/** `<client-ip> [via host[:port]] [to address]`, keywords in either order; a string is the usage problem. */
function readWords(words: readonly string[]): RelayWords | string {
  const [client, ...rest] = words;
  if (client === undefined) return `relay needs the client IP to test, e.g. \`${EXAMPLE}\``;
  // Plain notation only: `10.1` or `0x0a.1` would silently mean 10.0.0.1 to the resolver, not what anyone types on purpose.
  const plain = client.replace(/^\[(.*)\]$/, '$1');
  const ip = isIP(plain) === 0 ? undefined : canonicalIp(plain);
  if (!ip)
    return `\`${client.slice(0, 60)}\` is not an IP address: give the address of the client that wants to relay, e.g. \`relay 10.1.2.3\``;
  const out: RelayWords = { client: ip.address };
  for (let i = 0; i < rest.length; i += 2) {
    const keyword = (rest[i] as string).toLowerCase();
    const value = rest[i + 1];
    if (keyword !== 'via' && keyword !== 'to')
      return `unexpected \`${(rest[i] as string).slice(0, 60)}\`: write \`relay <client-ip> [via host[:port]] [to address]\``;
    if ((keyword === 'via' ? out.target : out.recipient) !== undefined) return `\`${keyword}\` is given twice`;
    if (value === undefined) {
      return keyword === 'via'
        ? `\`via\` needs a server after it, e.g. \`${EXAMPLE}\``
        : '`to` needs an address after it, e.g. `relay 10.1.2.3 to someone@example.org`';
    }
    if (keyword === 'via') {
      try {
        out.target = parseTarget(value, 25, EXAMPLE);
      } catch (error) {
        if (isFindingError(error)) return error.message;
        throw error;
      }
    } else {
      if (!isMailbox(value))
        return `\`${value.slice(0, 80)}\` is not an email address, e.g. \`relay 10.1.2.3 to someone@example.org\``;
      out.recipient = value;
    }
  }
  return out;
}

export interface RelayCommandOptions {
  /** Replaces the host's own address check (tests that exercise XCLIENT, where all of 127/8 is local). */
  localAddresses?: LocalAddressCheck;
}

/** `relay`: may this client relay through the server? A live SMTP probe (never DATA) plus the topology's path evaluation. */
export function createRelayCommand(deps: CommandDeps, options: RelayCommandOptions = {}): Command<RelayInput> {
  const ctx = relayContext(deps.config.relay);
  const { relay, compiled } = ctx;

  return {
    name: 'relay',
    summary:
      "Test whether a client IP may relay through an SMTP server, live (never sending DATA) and through the load balancer's SNAT and receive connectors.",
    usage: 'relay <client-ip> [via host[:port]] [to address] [--tls] [--policy-only]',
    examples: [
      'relay 10.1.2.3',
      EXAMPLE,
      'relay 10.1.2.3 via smtp.contoso.com to someone@example.org',
      'relay 10.1.2.3 --policy-only',
      'relay 10.1.2.3 --tls',
    ],
    details: [
      'The probe sends EHLO, MAIL FROM and RCPT TO an external address, then RSET and QUIT: it never sends DATA, so nothing is ever delivered.',
      "It tests from the client by binding the client address when it is one of this host's, by XCLIENT when the server offers it and relay.probe.allowXclient is on, and otherwise from diagbot's own address (the reply says so).",
      'Accepted at RCPT is not proof of delivery: some servers accept and drop later.',
      'With a topology in the configuration (relay.loadBalancer, relay.connectors) the path client → data group → SNAT → receive connector is evaluated and compared with the live answer.',
    ],
    minRole: 'operator',
    args: relayArgs,
    targetOf: (request) => (request.policyOnly ? undefined : (request.target ?? relay.target)),
    async run(request) {
      // The texts load with the first run, like the probe, so `help` never reads them.
      const texts = await (await import('./relay/texts')).loadRelayTexts();
      if (request.policyOnly) {
        if (!compiled) throw noTopology(texts.policy);
        return policyReply(ctx, request.client, compiled, texts.policy);
      }
      const target = request.target ?? relay.target;
      if (!target) {
        throw usageError('No server to probe: add `via <server>` or set relay.target in the configuration', EXAMPLE);
      }
      const recipient = request.recipient ?? relay.probe.externalRecipient;
      const ports = [target.port, ...relay.probe.extraPorts.filter((p) => p !== target.port)];
      const { probeRelay } = await import('../src/smtp/probe');
      const outcomes = await Promise.all(
        ports.map((port) =>
          probeRelay(
            {
              target: { host: target.host, port },
              client: request.client,
              sender: relay.probe.sender,
              recipient,
              startTls: request.tls,
              allowXclient: relay.probe.allowXclient,
              heloName: relay.probe.heloName,
            },
            { net: deps.net, localAddresses: options.localAddresses },
          ).then(
            (result) => ({ port, result }),
            (error: unknown) => ({ port, error }),
          ),
        ),
      );
      return liveReply(
        ctx,
        request.client,
        { host: target.host, port: target.port },
        recipient,
        outcomes,
        request.tls,
        texts,
      );
    },
  };
}
