import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DiagError } from '../core/errors';
import { COMPILED_FILE, loadCompiled } from './compiled';
import type { LazyMatcherIndex } from './matcher';
import type { KbEntry } from './schema';

/** The knowledge base as loaded: validated entries and code meanings, with the files they came from. */
export interface KnowledgeBase {
  entries: KbEntry[];
  /** Plain words per code key (`win32:5` → …). */
  meanings: Map<string, string>;
  /** Entry id → the file that defines it, for error messages and tests. */
  sources: Map<string, string>;
  dir: string;
  /**
   * The matcher's index, when the knowledge base was compiled at build time (compiled.ts): its entries are read
   * as the index offers them, so a start never reads `entries` (which reads them all).
   */
  index?: LazyMatcherIndex;
}

/** A knowledge-base file that does not validate; the message names the file and the entry. */
function kbLoadError(message: string): DiagError {
  return new DiagError('knowledge-base.invalid', message);
}

/**
 * The data directory. YAML is not compiled, so from `dist/src/kb` the files are found in the source
 * tree (`../../../src/kb/data`); from `src/kb` (tests, ts-jest) they sit beside this file.
 */
export function defaultDataDir(): string {
  const candidates = [join(__dirname, 'data'), join(__dirname, '..', '..', '..', 'src', 'kb', 'data')];
  for (const dir of candidates) if (existsSync(dir)) return dir;
  throw kbLoadError(`knowledge-base data not found (looked in ${candidates.join(', ')})`);
}

function describeIssue(issue: { path: PropertyKey[]; message: string }): string {
  const where = issue.path.map(String).join('.');
  return where ? `${where}: ${issue.message}` : issue.message;
}

/** Reads and validates every `*.yaml` file in `dir`. Throws a DiagError `knowledge-base.invalid` naming the file and entry. */
export function loadKnowledgeBaseFrom(dir: string): KnowledgeBase {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
    .sort();
  if (files.length === 0) throw kbLoadError(`no knowledge-base files in ${dir}`);
  // Loaded here, not at the top: a start from the compiled knowledge base (compiled.ts) needs no YAML parser, no
  // entry schema and no signature check.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { parse } = require('yaml') as typeof import('yaml');
  const { kbEntrySchema, kbFileSchema, meaningsFileSchema } = require('./schema') as typeof import('./schema');
  const { placeholderOnlyTerms } = require('./placeholder-terms') as typeof import('./placeholder-terms');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const entries: KbEntry[] = [];
  const sources = new Map<string, string>();
  const meanings = new Map<string, string>();
  for (const file of files) {
    let doc: unknown;
    try {
      doc = parse(readFileSync(join(dir, file), 'utf8'));
    } catch (error) {
      throw kbLoadError(`${file}: not valid YAML: ${(error as Error).message}`);
    }
    if (doc !== null && typeof doc === 'object' && 'meanings' in doc) {
      const parsed = meaningsFileSchema.safeParse(doc);
      if (!parsed.success) throw kbLoadError(`${file}: ${describeIssue(parsed.error.issues[0] as never)}`);
      for (const [key, meaning] of Object.entries(parsed.data.meanings)) meanings.set(key, meaning.trim());
      continue;
    }
    const shape = kbFileSchema.safeParse(doc);
    if (!shape.success)
      throw kbLoadError(
        `${file}: ${describeIssue(shape.error.issues[0] as never)} (a file holds \`entries:\` or \`meanings:\`)`,
      );
    shape.data.entries.forEach((raw, i) => {
      const rawId =
        raw !== null && typeof raw === 'object' && 'id' in raw ? String((raw as { id: unknown }).id) : `#${i + 1}`;
      const parsed = kbEntrySchema.safeParse(raw);
      if (!parsed.success) {
        throw kbLoadError(`${file}: entry ${rawId}: ${parsed.error.issues.map(describeIssue).join('; ')}`);
      }
      const entry = parsed.data;
      const earlier = sources.get(entry.id);
      if (earlier) throw kbLoadError(`${file}: entry ${entry.id}: the id is already used in ${earlier}`);
      for (const p of entry.signatures.patterns) {
        try {
          new RegExp(p.regex, 'i');
        } catch (error) {
          throw kbLoadError(`${file}: entry ${entry.id}: pattern ${p.regex}: ${(error as Error).message}`);
        }
      }
      const blind = placeholderOnlyTerms(entry);
      if (blind.length > 0)
        throw kbLoadError(
          `${file}: entry ${entry.id}: ${blind.join(', ')} reads as a placeholder only (a host, address or number), so it matches any such text; quote more of the message`,
        );
      sources.set(entry.id, file);
      entries.push(entry);
    });
  }
  return { entries, meanings, sources, dir };
}

let cached: KnowledgeBase | undefined;

/**
 * The built-in knowledge base, loaded on first use and kept: the build's compiled copy when it matches the
 * YAML (a built diagbot), the YAML itself otherwise (tests run from the sources; data edited since the build).
 */
export function loadKnowledgeBase(): KnowledgeBase {
  if (cached) return cached;
  const dir = defaultDataDir();
  cached = loadCompiled(join(__dirname, COMPILED_FILE), dir) ?? loadKnowledgeBaseFrom(dir);
  return cached;
}
