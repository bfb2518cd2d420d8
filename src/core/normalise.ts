/**
 * What every door's text goes through after its platform's markup is removed (in the door's own
 * adapter: adapters/slack/markup.ts, adapters/teams/markup.ts): entities, smart quotes, code fences,
 * a leading `/diag`. So the router sees the same text whichever door a message used.
 */

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
};

/** Decodes `&amp;`-style named entities and `&#39;` / `&#x27;` numeric ones. Unknown names stay as typed. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z]{2,8});/g, (whole, body: string) => {
    if (body.startsWith('#x') || body.startsWith('#X')) return codePoint(parseInt(body.slice(2), 16), whole);
    if (body.startsWith('#')) return codePoint(parseInt(body.slice(1), 10), whole);
    return NAMED_ENTITIES[body.toLowerCase()] ?? whole;
  });
}

function codePoint(value: number, fallback: string): string {
  return Number.isInteger(value) && value > 0 && value <= 0x10ffff ? String.fromCodePoint(value) : fallback;
}

/**
 * Smart quotes as editors and chat clients type them, straightened, and non-breaking spaces made plain: the
 * one table for every door's text and for explain's matching (src/kb/text.ts adds what only matching folds).
 */
export const SMART_QUOTES: ReadonlyArray<readonly [RegExp, string]> = [
  [/[\u201C\u201D\u201E\u201F\u2033\u00AB\u00BB]/g, '"'],
  [/[\u2018\u2019\u201A\u201B\u2032]/g, "'"],
  [/[\u00A0\u2007\u202F]/g, ' '],
];

/**
 * What every door shares: smart quotes straightened, code fences and inline code unwrapped,
 * a leading `/diag` or `@diagbot` removed, outer whitespace trimmed. Inner line breaks stay
 * (explain needs them).
 */
export function normaliseCommon(text: string): string {
  let out = text.replace(/\r\n?/g, '\n');
  for (const [pattern, replacement] of SMART_QUOTES) out = out.replace(pattern, replacement);
  // ```lang\n…``` → …  (the language tag is only taken when it is alone on the fence line)
  out = out.replace(/```(?:[a-zA-Z0-9_+-]{1,20}\n)?([\s\S]*?)```/g, (_w, body: string) => body);
  out = out.replace(/`([^`\n]+)`/g, (_w, body: string) => body);
  out = out.trim();
  out = out.replace(/^(?:\/diag\b|@diagbot\b|diagbot:)\s*/i, '');
  return out.trim();
}
