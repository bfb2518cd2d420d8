import { createMatcher } from '../../../src/kb/matcher';
import { kbEntrySchema, type KbEntry } from '../../../src/kb/schema';

// The matcher scores only the entries sharing enough of the text's words with the best ones. An entry whose story is one
// rare word must still be scored when a long text shares many words with its neighbours.
function entry(id: string, phrase: string, weight: number, keywords: string[] = [], codes: string[] = []): KbEntry {
  return kbEntrySchema.parse({
    id,
    title: `Condition ${id}`,
    products: ['Exchange'],
    versions: ['all'],
    signatures: { phrases: [{ text: phrase, weight }], keywords, codes: codes.map((code) => ({ code, weight: 2 })) },
    explanation: 'A condition made up for this test.',
    causes: ['A cause made up for this test.'],
    fix: { summary: 'A fix made up for this test.', steps: ['A step made up for this test.'] },
    links: [{ title: 'Exchange docs', url: 'https://learn.microsoft.com/en-us/exchange/' }],
    followUps: [],
  });
}

const WORDS = Array.from({ length: 40 }, (_, i) => `w${i}`);
const neighbours = ['alpha', 'bravo', 'charlie', 'delta'].map((n) =>
  entry(
    `test.${n}`,
    `${n} event`,
    0.3,
    WORDS.map((w) => `common${w}`),
  ),
);
// Entries the text does not touch: they make the neighbours' shared words common rather than rare.
const others = Array.from({ length: 8 }, (_, i) => entry(`test.other-${i}`, `unrelated${i} words${i}`, 1));
const rare = entry('test.rare', 'UnexpectedExchangeAuthBlobCheckForClockSkew', 2.6);
// Its words are the neighbours' words: only its code tells it apart.
const coded = entry('test.coded', 'commonw0 commonw1', 0.3, [], ['smtp:5.7.54']);
const neighbourText = neighbours.map((e) => [e.signatures.phrases[0]?.text, ...e.signatures.keywords].join(' '));

function ids(text: string, codeKeys: Set<string> = new Set()): string[] {
  const tokens = text.toLowerCase().match(/[a-z0-9_]+/g) ?? [];
  return createMatcher([...neighbours, ...others, rare, coded])
    .match({ tokens, codeKeys, text })
    .map((m) => m.entry.id);
}

describe('candidates', () => {
  it('scores an entry whose one word is rare, though neighbours share many more of the text', () => {
    const text = [
      ...neighbourText,
      'Inbound authentication failed with error UnexpectedExchangeAuthBlobCheckForClockSkew',
    ];
    expect(ids(text.join('\n'))[0]).toBe('test.rare');
  });

  it("scores an entry whose code few entries explain, though its words are all its neighbours'", () => {
    expect(ids([...neighbourText, '550 5.7.54'].join('\n'), new Set(['smtp:5.7.54']))).toContain('test.coded');
  });
});
