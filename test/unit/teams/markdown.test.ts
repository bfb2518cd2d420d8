import fc from 'fast-check';
import MarkdownIt from 'markdown-it';
import { clip, escapeMarkdown, safeText, stripControl, unescapeMarkdown } from '../../../adapters/teams/markdown';

/**
 * The oracle: a CommonMark renderer (markdown-it, which the Adaptive Cards SDK itself recommends for
 * markdown). Tables and indented code are off because Teams' subset has neither.
 */
const markdown = new MarkdownIt('default').disable(['table', 'code']);

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"' };

/** What Markdown makes of `escaped`: the tags it produced (besides paragraphs and line breaks) and the text a reader sees. */
function rendered(escaped: string): { tags: string[]; text: string } {
  const html = markdown.render(escaped);
  const tags = [...html.matchAll(/<\/?([a-z0-9]+)[^>]*>/g)]
    .map((m) => m[1] as string)
    .filter((t) => !['p', 'br'].includes(t));
  const text = html
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(amp|lt|gt|quot);/g, (e) => ENTITIES[e] ?? e)
    .replace(/\u200B/g, '');
  return { tags, text };
}

const squash = (s: string): string => s.replace(/\s+/g, ' ').trim();

/** The escaped text renders as exactly the original text, with no formatting at all. */
function expectLiteral(text: string): void {
  const escaped = escapeMarkdown(text);
  const { tags, text: seen } = rendered(escaped);
  expect({ text, tags }).toEqual({ text, tags: [] });
  expect(squash(seen)).toBe(squash(text));
  expect(unescapeMarkdown(escaped)).toBe(text);
}

describe('escapeMarkdown', () => {
  it('neutralises the constructs people paste', () => {
    const cases = [
      '**bold** and _italic_ and ~~struck~~',
      '[click](https://evil.example) <b>html</b> &lt;entity&gt; ![img](x.png) [ref][1]',
      '# Heading\n> quote\n- item\n+ item\n* star\n1. first\n2) second\n===',
      'Title\n---',
      '***\n___\n- - -',
      'Sent {{DATE(2025-01-01T00:00:00Z, SHORT)}}',
      'CN=Doe\\, Jane,OU=Users,DC=contoso,DC=com',
      '`Get-ExchangeCertificate | fl`',
      '```\nfenced\n```',
      'line ends with a backslash\\\nnext',
      '<https://contoso.com> and <mailto:a@b.c>',
      '[x]: https://evil.example',
    ];
    for (const text of cases) expectLiteral(text);
    expect(escapeMarkdown('Sent {{DATE(2025-01-01T00:00:00Z, SHORT)}}')).not.toContain('{{');
  });

  it('leaves text alone that Markdown would not format (no stray backslashes for Teams clients to show)', () => {
    const plain = [
      'mail.contoso.com:443 expires in 12 days (2026-12-10)',
      '127.0.0.1',
      '10.1.2.3:25 answered 550 5.7.1',
      'TLS_AES_256_GCM_SHA384',
      '-2147024891',
      'HResult = -2147024891',
      'CONTOSO\\jdoe',
      '*.contoso.com',
      'a < b and c > d, 5 > 3',
      'icacls <path> and <b>not html</b>',
      'AT&T and R&D',
      'CN=mail.contoso.com, O=Contoso [Test]',
      '2026-12-05 04:52:27 +0000',
      '~/.ssh/config',
    ];
    for (const text of plain) {
      expect(escapeMarkdown(text)).toBe(text);
      expectLiteral(text);
    }
  });

  it('is reversible and renders literally, for any text', () => {
    const cleaned = (s: string): string => stripControl(s).replace(/\u200B/g, '');
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (text) => expectLiteral(cleaned(text))),
      { numRuns: 500 },
    );
  });

  it('is reversible and renders literally, for text made of Markdown punctuation', () => {
    const unit = fc.constantFrom(
      '*',
      '_',
      '`',
      '~',
      '[',
      ']',
      '(',
      ')',
      '<',
      '>',
      '&',
      '#',
      '-',
      '+',
      '=',
      '!',
      '\\',
      ':',
      ';',
      '.',
      '1',
      'a',
      ' ',
      '\n',
      'amp',
      'http://x',
    );
    fc.assert(
      fc.property(
        fc.array(unit, { maxLength: 40 }).map((parts) => parts.join('')),
        expectLiteral,
      ),
      { numRuns: 3000 },
    );
  });
});

describe('safeText and clip', () => {
  it('clips by code points, never splitting a surrogate pair', () => {
    const text = '🔒'.repeat(10);
    const clipped = clip(text, 5);
    expect(Array.from(clipped)).toHaveLength(5);
    expect(clipped.endsWith('…')).toBe(true);
    expect(clipped).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });

  it('drops control characters and turns line breaks into paragraphs', () => {
    expect(safeText('a\u0007b\r\nc\n\n\nd', 100)).toBe('ab\n\nc\n\nd');
  });
});
