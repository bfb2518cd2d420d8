/**
 * The knowledge base and code decoders behind `explain`. This module stays light — the CLI imports
 * it at start for `looksLikeError` — so the engine itself (YAML loading, the matcher, the code
 * tables) is reached through `loadExplainEngine()` or by importing `./explain` directly.
 */
export { looksLikeError } from './looks-like-error';
export type { ExplainMatch, ExplainResult, Explainer } from './explain';
export type { DecodedCode, CodeKind } from './codes/types';
export type { Entities } from './entities';
export type { KbEntry } from './schema';

/** The explain engine, loaded on first use so `diagbot help` never pays for it. */
export async function loadExplainEngine(): Promise<typeof import('./explain')> {
  return import('./explain');
}
