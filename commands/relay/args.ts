import { isIP } from 'node:net';
import { z } from 'zod';
import { DiagError, usageError } from '../../src/core/errors';
import { canonicalIp } from '../../src/net/address';
import { parseTarget, type Target } from '../../src/net/target';
import { isMailbox } from '../../src/smtp/mailbox';

/** What `relay` reads from the chat line: the args schema and the `<client-ip> [via …] [to …]` words. */

export const EXAMPLE = 'relay 10.1.2.3 via smtp.contoso.com:25';

export const relayArgs = z.object({
  positional: z.array(z.string()),
  policyOnly: z.boolean().optional().describe('evaluate the configured topology only; contact no server'),
  tls: z.boolean().optional().describe('send STARTTLS before MAIL FROM'),
}).superRefine((args, ctx) => {
  const parsed = readWords(args.positional);
  if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', path: ['positional'], message: parsed });
  else if (args.policyOnly && (parsed.target || parsed.recipient || args.tls)) {
    ctx.addIssue({ code: 'custom', path: ['positional'], message: '--policy-only contacts no server, so it takes no `via`, `to` or --tls (try `relay 10.1.2.3 --policy-only`)' });
  }
});

export type RelayArgs = z.infer<typeof relayArgs>;

export interface RelayWords {
  client: string;
  target?: Target;
  recipient?: string;
}

/** `<client-ip> [via host[:port]] [to address]`, keywords in either order; a string is the usage problem. */
export function readWords(words: readonly string[]): RelayWords | string {
  const [client, ...rest] = words;
  if (client === undefined) return `relay needs the client IP to test, e.g. \`${EXAMPLE}\``;
  // Plain notation only: `10.1` or `0x0a.1` would silently mean 10.0.0.1 to the resolver, not what anyone types on purpose.
  const plain = client.replace(/^\[(.*)\]$/, '$1');
  const ip = isIP(plain) === 0 ? undefined : canonicalIp(plain);
  if (!ip) return `\`${client.slice(0, 60)}\` is not an IP address: give the address of the client that wants to relay, e.g. \`relay 10.1.2.3\``;
  const out: RelayWords = { client: ip.address };
  for (let i = 0; i < rest.length; i += 2) {
    const keyword = (rest[i] as string).toLowerCase();
    const value = rest[i + 1];
    if (keyword !== 'via' && keyword !== 'to') return `unexpected \`${(rest[i] as string).slice(0, 60)}\`: write \`relay <client-ip> [via host[:port]] [to address]\``;
    if ((keyword === 'via' ? out.target : out.recipient) !== undefined) return `\`${keyword}\` is given twice`;
    if (value === undefined) {
      return keyword === 'via' ? `\`via\` needs a server after it, e.g. \`${EXAMPLE}\`` : '`to` needs an address after it, e.g. `relay 10.1.2.3 to someone@example.org`';
    }
    if (keyword === 'via') {
      try {
        out.target = parseTarget(value, 25, EXAMPLE);
      } catch (error) {
        if (error instanceof DiagError) return error.message;
        throw error;
      }
    } else {
      if (!isMailbox(value)) return `\`${value.slice(0, 80)}\` is not an email address, e.g. \`relay 10.1.2.3 to someone@example.org\``;
      out.recipient = value;
    }
  }
  return out;
}

export function words(args: RelayArgs): RelayWords {
  const parsed = readWords(args.positional);
  if (typeof parsed === 'string') throw usageError(parsed, EXAMPLE);
  return parsed;
}
