/**
 * Persistence (SQLite by default). Importing this module loads the native SQLite binding: import it lazily
 * (`await import('../store')`) where a command line like `diagbot help` must stay fast, and import types
 * from `./types` everywhere else.
 */
export * from './errors';
export * from './migrations';
export * from './sqlite';
export type * from './types';
