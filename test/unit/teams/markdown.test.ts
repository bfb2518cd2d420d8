import fc from 'fast-check';
import { clip, escapeMarkdown, safeText, unescapeMarkdown } from '../../../adapters/teams/markdown';

/** True when `text` still holds Markdown that Teams would act on: an unescaped special character or line start. */
function activeMarkdown(text: string): string | undefined {
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i] as string;
    if (ch === '\\') {
      i += 1; // the next character is escaped
      continue;
    }
    if ('`*_[]~<>&'.includes(ch)) return `unescaped ${ch} at ${i}`;
  }
  for (const line of text.split('\n')) {
    if (/^[ \t]*(#|>|-|\+|=|\d{1,9}[.)])/.test(line)) return `block marker in "${line.slice(0, 20)}"`;
  }
  if (text.includes('{{')) return 'a {{ date function';
  return undefined;
}

describe('escapeMarkdown', () => {
  it('neutralises the constructs people paste', () => {
    const cases = [
      '**bold** and _italic_ and ~~struck~~',
      '[click](https://evil.example) <b>html</b> &lt;entity&gt;',
      '# Heading\n> quote\n- item\n+ item\n1. first\n2) second\n===',
      'Sent {{DATE(2025-01-01T00:00:00Z, SHORT)}}',
      'CN=Doe\\, Jane,OU=Users,DC=contoso,DC=com',
      '`Get-ExchangeCertificate | fl`',
    ];
    for (const text of cases) {
      const escaped = escapeMarkdown(text);
      expect(activeMarkdown(escaped)).toBeUndefined();
      expect(unescapeMarkdown(escaped)).toBe(text);
    }
  });

  it('leaves ordinary text alone', () => {
    expect(escapeMarkdown('mail.contoso.com:443 expires in 12 days (2026-12-10)')).toBe('mail.contoso.com:443 expires in 12 days (2026-12-10)');
  });

  it('is reversible and leaves no live Markdown, for any text', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (text) => {
      fc.pre(!text.includes('\u200B'));
      const escaped = escapeMarkdown(text);
      expect(activeMarkdown(escaped)).toBeUndefined();
      expect(unescapeMarkdown(escaped)).toBe(text);
    }), { numRuns: 500 });
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
