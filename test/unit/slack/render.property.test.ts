import fc from 'fast-check';
import { renderReply } from '../../../adapters/slack/render';
import type { FindingId, Reply, Severity, Status } from '../../../src/core/reply';
import { blockKitProblems, findingIds } from './block-kit-limits';
import { fakeId } from '../../helpers/finding-id';

/**
 * The shared contract (STYLE.md, point 10): every Reply renders within Block Kit's limits. Replies are generated
 * with hostile text (Slack markup, entities, astral characters, huge strings) and sizes far beyond one message.
 */
const runs = Number(process.env.FUZZ_RUNS ?? 150);

const hostile = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.constantFrom(
    '<!channel>',
    '<!here|here>',
    '<@U0ADMIN01>',
    '<#C123|general>',
    '<https://evil.example|click>',
    '&amp;',
    '&',
    '&lt;',
    '>',
    '*bold*',
    '`code`',
    '😀'.repeat(40),
  ),
  fc.string({ maxLength: 4000 }),
);
const text = fc.array(hostile, { minLength: 1, maxLength: 4 }).map((parts) => parts.join(' '));
const severity = fc.constantFrom<Severity>('ok', 'info', 'warn', 'fail', 'error');
const status = fc.constantFrom<Status>('ok', 'warn', 'fail', 'error');
const link = fc.record({ title: text, url: fc.oneof(fc.webUrl(), text, fc.constant('mailto:postmaster@contoso.com')) });
const finding = fc.record({
  id: fc.oneof(
    fc.constantFrom<FindingId>('cert.expired', 'relay.open', 'kb.tls.trust-relationship', 'usage'),
    fc.string({ minLength: 1, maxLength: 300 }).map(fakeId),
  ),
  severity,
  message: text,
  fix: fc.option(
    fc.record({
      summary: text,
      steps: fc.option(fc.array(text, { maxLength: 6 }), { nil: undefined }),
      links: fc.option(fc.array(link, { maxLength: 4 }), { nil: undefined }),
    }),
    { nil: undefined },
  ),
});
/** Small lists most of the time, and lists far past a limit often enough (fast-check alone keeps arrays short). */
const sized = <T>(item: fc.Arbitrary<T>, small: number, big: number): fc.Arbitrary<T[]> =>
  fc.oneof(fc.array(item, { maxLength: small }), fc.array(item, { minLength: small + 1, maxLength: big, size: 'max' }));
const reply: fc.Arbitrary<Reply> = fc.record({
  command: fc.oneof(fc.constantFrom('cert', 'relay', 'ou', 'explain', 'help', 'usage'), fc.string({ maxLength: 80 })),
  status,
  title: text,
  findings: sized(finding, 8, 160),
  facts: sized(fc.record({ label: text, value: text }), 6, 45),
  actions: sized(
    fc.record({
      label: text,
      command: fc.oneof(
        { weight: 4, arbitrary: text },
        { weight: 1, arbitrary: fc.string({ minLength: 1900, maxLength: 2100 }) },
      ),
    }),
    4,
    60,
  ),
  data: fc.constant({}),
});

describe('every Reply renders within Block Kit limits', () => {
  it('in messages (50 blocks), with every finding shown exactly once across the message and its follow-ups', () => {
    fc.assert(
      fc.property(reply, fc.constantFrom<'thread' | 'below'>('thread', 'below'), (r, continuation) => {
        const { main, rest } = renderReply(r, { continuation });
        for (const message of [main, ...rest]) expect(blockKitProblems(message)).toEqual([]);
        const ids = [main, ...rest].flatMap((m) => findingIds(m.blocks));
        expect(ids).toHaveLength(r.findings.length);
      }),
      { numRuns: runs },
    );
  });

  it('in the App Home (100 blocks)', () => {
    fc.assert(
      fc.property(reply, (r) => {
        const { main, rest } = renderReply(r, { maxBlocks: 97 });
        expect(blockKitProblems(main, 97)).toEqual([]);
        for (const message of rest) expect(blockKitProblems(message, 97)).toEqual([]);
      }),
      { numRuns: Math.ceil(runs / 3) },
    );
  });
});
