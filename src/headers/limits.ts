/** The bounds on what one paste may cost; the answer says when a paste went past them. */

/** The most text read; a longer paste is cut here. */
export const MAX_TEXT = 256 * 1024;
/** More hops than this is a loop or a fabricated block: the newest are read, the rest counted. */
export const MAX_HOPS = 100;
