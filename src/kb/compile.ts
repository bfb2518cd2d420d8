import { fingerprintOf, serialiseCompiled } from './compiled';
import { loadKnowledgeBaseFrom } from './load';
import { indexEntries } from './matcher';

/**
 * Compiles the knowledge base in `dir` at build time (`npm run build` → scripts/compile-kb.js): validates it
 * as a start would, builds the matcher's index, and returns the text that `loadCompiled` (compiled.ts) reads.
 * Throws a DiagError `knowledge-base.invalid` on a file that does not validate, so a broken entry fails the build, not a start.
 */
export function compileKnowledgeBase(dir: string): string {
  const kb = loadKnowledgeBaseFrom(dir);
  return serialiseCompiled(kb, indexEntries(kb.entries), fingerprintOf(dir));
}
