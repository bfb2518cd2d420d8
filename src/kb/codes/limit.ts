/** At most this many matches per pattern: a 64 KB paste repeating one code 6,000 times is decoded from its first ones. */
export const MATCHES_PER_PATTERN = 200;

/** `text.matchAll(pattern)`, stopping after MATCHES_PER_PATTERN matches. */
export function* matches(text: string, pattern: RegExp): Generator<RegExpExecArray> {
  let count = 0;
  for (const m of text.matchAll(pattern)) {
    yield m as RegExpExecArray;
    count += 1;
    if (count >= MATCHES_PER_PATTERN) return;
  }
}
