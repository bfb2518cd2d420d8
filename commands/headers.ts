import { z } from 'zod';
import type { Command } from '../src/core/command';
import type { Reply } from '../src/core/reply';
import { isHeaderBlock, loadHeadersEngine } from '../src/headers';
import { EXAMPLE, headersReply, noHeadersReply } from './headers/reply';

/*
 * `headers <pasted headers>`: where a message was delayed, how it authenticated and why it was junked. The
 * engine (src/headers) reads the paste; commands/headers/ builds the answer. Nothing is fetched and no host
 * or address in the headers is contacted.
 */

const headersArgs = z.object({ text: z.string().describe('the pasted header block, line breaks included') });
export type HeadersArgs = z.infer<typeof headersArgs>;

/** The analysis of a paste as a Reply: `headers.none` (status error) when it holds no header block. */
export async function analyseHeadersReply(text: string): Promise<Reply> {
  const { analyseHeaders } = await loadHeadersEngine();
  const analysis = analyseHeaders(text);
  // The texts load with the first answer, like the engine, so `help` never reads them.
  const texts = await (await import('./headers/texts')).loadHeadersTexts();
  if (!analysis.found) return noHeadersReply(text, texts.none);
  return headersReply(analysis, texts);
}

/**
 * For the other paste paths (`explain`, DMs, mentions, the message shortcut): the headers answer when the
 * text is a header block, undefined otherwise.
 */
export async function headersReplyIfHeaderBlock(text: string): Promise<Reply | undefined> {
  return isHeaderBlock(text) ? analyseHeadersReply(text) : undefined;
}

export function createHeadersCommand(): Command<HeadersArgs> {
  return {
    name: 'headers',
    summary: 'Read a pasted message header block: where it was delayed, how it authenticated, why it was junked.',
    usage: "headers <the message's headers, pasted whole — line breaks welcome>",
    examples: [
      EXAMPLE,
      'headers Authentication-Results: spf=softfail (sender IP is 198.51.100.77) smtp.mailfrom=fabrikam.com; dkim=fail header.d=fabrikam.com;dmarc=fail action=quarantine header.from=fabrikam.com;compauth=fail reason=000',
    ],
    input: 'verbatim',
    args: headersArgs,
    details: [
      'Everything after `headers` is read as typed. In a DM, a mention, `explain` or the "Explain this error" shortcut, a pasted header block (several Received: lines or authentication headers) gets this answer without the word headers.',
      'Hops are listed from the sender, each with its time and the wait since the previous server; a server whose clock is behind is called skew, not a negative delay.',
      'SPF, DKIM, DMARC, Microsoft compauth (reason codes explained) and ARC as the receiving servers wrote them; Microsoft 365, Gmail, SpamAssassin, rspamd and Postfix verdict fields in words.',
      'Nothing is looked up: no DNS query, no connection to any host or address in the headers. Up to 256 KB and 100 hops are read; the answer says when a paste was cut.',
    ],
    async run(args) {
      return analyseHeadersReply(args.text);
    },
  };
}
