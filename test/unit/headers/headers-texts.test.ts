import { analyseHeadersReply } from '../../../commands/headers';
import { authFindings, compauthReason } from '../../../commands/headers/auth';
import { headersTextsSchema, loadHeadersTexts } from '../../../commands/headers/texts';
import { loopFinding, partialFinding, spamFinding } from '../../../commands/headers/verdicts';
import type { AuthResult, HeaderAnalysis, Problem, Verdict } from '../../../src/headers';
import { textsFile } from '../../helpers/texts-file';

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

  describe('spam verdicts, loops and partial pastes', () => {
    const bare = { hops: [], auth: { signatures: [] }, verdicts: [], problems: [] } as unknown as HeaderAnalysis;
    const verdict = (kind: Verdict['kind'], meaning: string): Verdict => ({
      source: 'Microsoft 365',
      field: 'X-Forefront-Antispam-Report SFV',
      value: 'x',
      meaning,
      kind,
    });
    const PROBLEMS: Problem[] = [
      { kind: 'cut', bytes: 300 * 1024, limit: 256 * 1024 },
      { kind: 'too-many-hops', hops: 140, limit: 100 },
      { kind: 'body', lines: 1 },
      { kind: 'body', lines: 3 },
      { kind: 'leading-text', lines: 1 },
      { kind: 'leading-text', lines: 2 },
      { kind: 'starts-mid-header' },
      { kind: 'no-date', hop: 2 },
      { kind: 'bad-date', hop: 0, text: 'yesterday {at} noon' },
      { kind: 'unknown-zone', hop: 1, text: '10:00 XYZ' },
      { kind: 'no-by', hop: 3 },
    ];

    it.each(PROBLEMS.map((p) => [p.kind, p] as const))(
      'partial: %s renders with every placeholder filled',
      async (_kind, p) => {
        const texts = await loadHeadersTexts();
        const finding = partialFinding({ ...bare, problems: [p] }, texts.partial);
        expect(finding?.message).toMatch(/^The header block is partial or odd: .+\.$/);
        // A pasted stamp is put in as written, never read for placeholders.
        expect(JSON.stringify(finding).replace('{at}', '')).not.toMatch(/\{[A-Za-z][A-Za-z0-9]*\}/);
      },
    );

    it('partial: six problems, then how many more', async () => {
      const texts = await loadHeadersTexts();
      expect(partialFinding({ ...bare, problems: PROBLEMS }, texts.partial)?.message).toMatch(/; and 5 more\.$/);
    });

    it.each([
      ['skipped', [verdict('allow', 'SCL -1: not spam')], 'info', /^Filtering was skipped: SCL -1: not spam\.$/],
      [
        'spam',
        [verdict('spam', 'spam'), verdict('bulk', 'BCL 8')],
        'warn',
        /^Marked as spam: spam \(Microsoft 365\); /,
      ],
      ['bulk', [verdict('bulk', 'BCL 8')], 'warn', /^Marked as bulk: BCL 8 \(Microsoft 365\)\.$/],
    ] as const)('spam: %s', async (_name, verdicts, severity, message) => {
      const texts = await loadHeadersTexts();
      const failed = { ...bare, auth: { signatures: [], dmarc: { result: 'fail', source: 'x' } } } as HeaderAnalysis;
      const finding = spamFinding({ ...failed, verdicts: [...verdicts] }, texts.spam);
      expect(finding).toMatchObject({ id: 'headers.spam', severity });
      expect(finding?.message).toMatch(message);
      expect(JSON.stringify(finding)).not.toMatch(/\{[A-Za-z][A-Za-z0-9]*\}/);
    });

    it('loop: names the host and the count', async () => {
      const texts = await loadHeadersTexts();
      const hops = Array.from({ length: 5 }, (_, index) => ({ index, by: 'mx.loop.test', raw: '' }));
      expect(loopFinding({ ...bare, hops } as unknown as HeaderAnalysis, texts.loop)?.message).toBe(
        'Mail loop: mx.loop.test received this message 5 times in 5 hops.',
      );
    });
  });

  describe('the file is held to the shape the code reads', () => {
    const { source, firstIssue } = textsFile<{ auth: Record<string, Record<string, unknown>> }>(
      'headers',
      headersTextsSchema,
    );

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
