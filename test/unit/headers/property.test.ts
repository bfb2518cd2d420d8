import fc from 'fast-check';
import { analyseHeadersReply } from '../../../commands/headers';
import type { Reply } from '../../../src/core/reply';

/**
 * Any text up to 1 MB gives a Reply, never a throw: random text, text built from the pieces header blocks are
 * made of (so the parsers' edge paths are reached), and big pastes up to 1 MB.
 */
const RUNS = Math.max(1, Number(process.env.FUZZ_RUNS ?? '') || 300);
const MB = 1024 * 1024;

const pieces = fc.constantFrom(
  'Received:',
  'Received: from',
  ' by ',
  ' with ESMTPS',
  ' id ',
  ' for <a@b>',
  ';',
  '; Sat, 5 Dec 2026 10:00:00 +0000',
  '; 31 Feb 99 25:61 Q',
  '(',
  ')',
  '((',
  '[',
  ']',
  '<',
  '>',
  '\\',
  '"',
  '\n',
  '\r\n',
  '\n\t',
  '\n ',
  '\n\n',
  'Authentication-Results:',
  'ARC-Seal: i=',
  'cv=',
  'spf=',
  'dkim=',
  'dmarc=',
  'compauth=fail reason=',
  'header.d=',
  'smtp.mailfrom=',
  'Received-SPF: ',
  'DKIM-Signature: d=',
  '; s=',
  'X-Forefront-Antispam-Report: ',
  'SFV:',
  'SCL:',
  'CAT:',
  'BCL:',
  'X-Spam-Status: Yes, score=',
  'tests=[',
  'X-Spamd-Result: default: True [',
  ' / ',
  'X-Greylist: delayed ',
  '=?UTF-8?B?',
  '=?iso-8859-1?Q?',
  '?=',
  '2603:10b6::1',
  '192.0.2.1',
  'TLSv1.3',
  'version=TLS1_2, cipher=',
  'From: ',
  'Date: ',
  '@',
  '::',
  '\u0000',
  '\uffff',
  '🎁',
);
const headerish = fc
  .array(fc.oneof(pieces, fc.string({ maxLength: 20 })), { maxLength: 300 })
  .map((parts) => parts.join(''));

function check(reply: Reply): void {
  expect(reply.command).toBe('headers');
  expect(['ok', 'warn', 'fail', 'error']).toContain(reply.status);
  expect(typeof reply.title).toBe('string');
  expect(reply.title.length).toBeGreaterThan(0);
  expect(() => JSON.stringify(reply)).not.toThrow();
  const hops = (reply.data.hops ?? []) as { delaySeconds: number | null }[];
  expect(hops.length).toBeLessThanOrEqual(100);
  for (const hop of hops) expect(hop.delaySeconds === null || hop.delaySeconds >= 0).toBe(true);
}

describe('headers: any text gives a Reply', () => {
  it('random text', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 4000, unit: 'binary' }), async (text) =>
        check(await analyseHeadersReply(text)),
      ),
      { numRuns: RUNS },
    );
  });

  it('text made of header pieces', async () => {
    await fc.assert(
      fc.asyncProperty(headerish, async (text) => check(await analyseHeadersReply(text))),
      { numRuns: RUNS },
    );
  });

  it('pastes up to 1 MB', async () => {
    const big = fc
      .tuple(
        headerish.filter((t) => t.length > 0),
        fc.integer({ min: 64 * 1024, max: MB }),
      )
      .map(([unit, size]) => unit.repeat(Math.ceil(size / unit.length)).slice(0, size));
    await fc.assert(
      fc.asyncProperty(big, async (text) => check(await analyseHeadersReply(text))),
      { numRuns: Math.min(RUNS, 25) },
    );
  });
});
