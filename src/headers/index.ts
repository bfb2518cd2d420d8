/**
 * The headers engine: reads a pasted header block into facts (hops and delays, authentication, spam and
 * routing verdicts). This module stays light — every paste path asks `isHeaderBlock` — so the parser itself
 * (with libmime) is reached through `loadHeadersEngine()`.
 */
export { isHeaderBlock } from './detect';
export { MAX_HOPS, MAX_TEXT } from './limits';
export type { AuthResult, AuthSummary, DkimSignature, HeaderAnalysis, Hop, Problem, Verdict } from './types';

/** The parser, loaded on first use so `diagbot help` never pays for it. */
export async function loadHeadersEngine(): Promise<typeof import('./analyse')> {
  return import('./analyse');
}
