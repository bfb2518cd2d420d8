/**
 * The headers engine: reads a pasted header block into facts (hops and delays, authentication, spam and
 * routing verdicts). `isHeaderBlock` is cheap, for the paste paths that decide whether to run it.
 */
export { analyseHeaders } from './analyse';
export { isHeaderBlock, MAX_TEXT } from './block';
export { MAX_HOPS } from './hops';
export type { AuthResult, AuthSummary, DkimSignature, HeaderAnalysis, Hop, Problem, Verdict } from './types';
