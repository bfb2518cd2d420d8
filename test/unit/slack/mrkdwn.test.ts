import fc from 'fast-check';
import { escapeMrkdwn, mrkdwnLink, truncateMrkdwn, truncatePlain } from '../../../adapters/slack/mrkdwn';
import { mrkdwnProblems } from './block-kit-limits';

describe('mrkdwn helpers', () => {
  it('escapes exactly &, < and >', () => {
    expect(escapeMrkdwn('a & b <!channel> > c *d*')).toBe('a &amp; b &lt;!channel&gt; &gt; c *d*');
  });

  it('links only http(s) and mailto; encodes characters that would end the link early', () => {
    expect(mrkdwnLink('https://x.example/a?b=1&c=<2>|3', 'T & <t>')).toBe(
      '<https://x.example/a?b=1&amp;c=%3C2%3E%7C3|T &amp; &lt;t&gt;>',
    );
    expect(mrkdwnLink('mailto:a@contoso.com', 'mail')).toBe('<mailto:a@contoso.com|mail>');
    expect(mrkdwnLink('javascript:alert(1)', 'x')).toBe('x (javascript:alert(1))');
    expect(mrkdwnLink('<!channel>', '')).toBe('&lt;!channel&gt;');
  });

  it('truncation never breaks an entity, a link or a surrogate pair', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.string({ unit: 'binary' }), fc.webUrl()), { maxLength: 6 }),
        fc.integer({ min: 1, max: 200 }),
        (parts, max) => {
          const text = parts.map((p, i) => (i % 2 === 0 ? escapeMrkdwn(p) : mrkdwnLink(p, p))).join(' ');
          const cut = truncateMrkdwn(text, max);
          expect(cut.length).toBeLessThanOrEqual(max);
          expect(mrkdwnProblems(cut)).toEqual([]);
          expect(cut).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
        },
      ),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 300) },
    );
    expect(truncatePlain('😀😀😀', 4)).toBe('😀…');
    expect(truncateMrkdwn('abc &amp; def', 7)).toBe('abc …');
  });
});
