import { decodeEntities, normaliseCommon } from '../../src/core/normalise';

/**
 * Teams HTML: `<at>…</at>` mentions removed, `<br>` and block ends become new lines, other tags dropped,
 * entities decoded.
 */
export function normaliseTeams(text: string): string {
  const plain = text
    .replace(/<at\b[^>]*>[\s\S]*?<\/at>/gi, '')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li|pre|h[1-6])>/gi, '\n')
    .replace(/<[a-zA-Z/][^<>]{0,2000}>/g, '');
  return normaliseCommon(decodeEntities(plain));
}
