/**
 * The DN engine: RFC 4514 parsing and serialising, parents, kinds and AD canonical names.
 * Pure functions over plain data; no I/O.
 */
export * from './canonical';
export * from './format';
export * from './parse';
export * from './types';
