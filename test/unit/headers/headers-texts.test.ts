import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { analyseHeadersReply } from '../../../commands/headers';
import { authFindings, compauthReason } from '../../../commands/headers/auth';
import { headersTextsSchema, loadHeadersTexts } from '../../../commands/headers/texts';
import type { AuthResult, HeaderAnalysis } from '../../../src/headers';

// What `headers` says about authentication lives in commands/headers/texts.yaml. These tests render every case
// and hold the file to the shape the code reads.

const RESULTS = ['pass', 'none', 'unverified', 'softfail', 'fail'];
const VARIANTS: Array<Omit<AuthResult, 'result' | 'source'>> = [
  {},
  { domain: 'fabrikam.com', detail: 'selector s1', reason: 'sender IP is 198.51.100.77' },
  { domain: 'fabrikam.com', reason: '601' },
];

describe('headers texts (commands/headers/texts.yaml)', () => {
  it.each(RESULTS.flatMap((result) => VARIANTS.flatMap((v) => [true, false].map((own) => [result, v, own] as const))))(
    '%s %j own=%s renders every text with every placeholder filled',
    async (result, variant, own) => {
      const texts = await loadHeadersTexts();
      const r: AuthResult = { result, source: 'Authentication-Results (mx.test)', ...variant };
      const findings = authFindings(
        { auth: { spf: r, dkim: r, dmarc: r, compauth: r, arc: r } } as unknown as HeaderAnalysis,
        own,
        texts,
      );
      expect(findings).toHaveLength(5);
      expect(JSON.stringify(findings)).not.toMatch(/\{[A-Za-z][A-Za-z0-9]*\}/);
    },
  );

  it('writes the words exactly', async () => {
    const texts = await loadHeadersTexts();
    const [spf] = authFindings(
      {
        auth: {
          spf: {
            result: 'softfail',
            domain: 'fabrikam.com',
            reason: 'sender IP is 198.51.100.77',
            source: 'Authentication-Results (mx.test)',
          },
        },
      } as unknown as HeaderAnalysis,
      false,
      texts,
    );
    expect(spf?.message).toBe(
      'SPF softfail for fabrikam.com: sender IP is 198.51.100.77 (Authentication-Results (mx.test)).',
    );
    expect(spf?.fix?.summary).toBe(
      "The sending server 198.51.100.77 is not in fabrikam.com's SPF record: ask fabrikam.com's mail admins to add it.",
    );
  });

  it.each([
    [undefined, 'no reason code given'],
    ['001', '001: implicit failure —'],
    ['130', "130: DMARC failed, but a trusted ARC sealer's result"],
    ['701', '701: passed composite authentication'],
    ['201', '201: soft pass'],
    ['301', '301: not checked'],
    ['901', '901: composite authentication was bypassed'],
    ['601', '601: implicit failure, and the sending domain is one of your own'],
    ['501', '501: a reason code Microsoft does not document'],
  ])('compauth reason %s', async (code, words) => {
    const texts = await loadHeadersTexts();
    expect(compauthReason(code, texts.auth.compauth.reasons)).toContain(words);
  });

  describe('delays and skew', () => {
    const at = (minutes: number) => new Date(Date.UTC(2025, 11, 1, 10, minutes)).toUTCString().replace('GMT', '+0000');
    const paste = (hops: Array<[string, string, number]>, extra: string[] = []) =>
      [...hops.reverse().map(([from, by, m]) => `Received: from ${from} by ${by} with ESMTP; ${at(m)}`), ...extra].join(
        '\n',
      );
    it.each([
      [
        'no delay',
        paste([
          ['a.test', 'b.test', 0],
          ['b.test', 'c.test', 0],
        ]),
        /^No notable delay: /,
      ],
      [
        'held in a queue',
        paste([
          ['a.test', 'b.test', 0],
          ['b.test', 'c.test', 30],
        ]),
        /^Held 30 min at b → c: stamped /,
      ],
      [
        'greylisted',
        paste(
          [
            ['a.test', 'b.test', 0],
            ['b.test', 'c.test', 30],
          ],
          ['X-Greylist: delayed 300 seconds by milter-greylist'],
        ),
        /^Held 30 min/,
      ],
      [
        'outbox',
        paste(
          [
            ['a.test', 'b.test', 20],
            ['b.test', 'c.test', 20],
          ],
          [`Date: ${at(0)}`],
        ),
        /^No delay between servers/,
      ],
      [
        'skew',
        paste([
          ['a.test', 'b.test', 10],
          ['b.test', 'c.test', 0],
        ]),
        /^Clock skew, not a delay: /,
      ],
    ])('%s renders every text with every placeholder filled', async (_name, text, message) => {
      const reply = await analyseHeadersReply(text);
      const finding = reply.findings.find((f) => f.id === 'headers.delay' || f.id === 'headers.skew');
      expect(reply.findings.map((f) => f.message).join('\n')).toMatch(new RegExp(message.source, 'm'));
      expect(finding?.message).toBeTruthy();
      expect(JSON.stringify(reply.findings)).not.toMatch(/\{[A-Za-z][A-Za-z0-9]*\}/);
    });
  });

  describe('the file is held to the shape the code reads', () => {
    const source = (): { auth: Record<string, Record<string, unknown>> } =>
      parse(readFileSync(join(__dirname, '..', '..', '..', 'commands', 'headers', 'texts.yaml'), 'utf8'));
    const firstIssue = (doc: unknown): string => {
      const parsed = headersTextsSchema.safeParse(doc);
      return parsed.success ? 'valid' : `${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`;
    };

    it('as written', () => expect(firstIssue(source())).toBe('valid'));

    it('refuses a missing case and a link that is not defined', () => {
      const missing = source();
      delete (missing.auth.compauth?.reasons as Record<string, unknown>)['130'];
      expect(firstIssue(missing)).toMatch(/^auth\.compauth\.reasons\.130: /);
      const link = source();
      (link.auth.arc?.fix as Record<string, unknown>).links = ['nowhere'];
      expect(firstIssue(link)).toBe('auth.arc.fix.links.0: no link named nowhere in links');
    });
  });
});
