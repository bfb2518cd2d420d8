import { createHash } from 'node:crypto';
import { isAscii } from 'node:buffer';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { DiagError } from '../core/errors';
import type { MatcherIndex } from './matcher';
import { placeholderOnlyTerms } from './placeholder-terms';
import { kbEntrySchema, kbFileSchema, meaningsFileSchema, type KbEntry } from './schema';

/** The knowledge base as loaded: validated entries and code meanings, with the files they came from. */
export interface KnowledgeBase {
  entries: KbEntry[];
  /** Plain words per code key (`win32:5` → …). */
  meanings: Map<string, string>;
  /** Entry id → the file that defines it, for error messages and tests. */
  sources: Map<string, string>;
  dir: string;
  /** The matcher's index, when the knowledge base was compiled at build time (compile.ts). */
  index?: MatcherIndex;
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

/**
 * The knowledge base compiled at build time (compile.ts): the YAML parsed and validated and the matcher's
 * index built, stored as one JSON file beside the compiled code (`dist/src/kb/knowledge-base.json`), so a
 * start reads JSON instead of parsing, validating and tokenising several hundred entries. The file names the
 * data it was built from (a hash of the YAML files): edited YAML is never answered from an old build.
 */
export const COMPILED_FILE = 'knowledge-base.json';

/**
 * A hash of the data directory's YAML files, names and contents, then (after a space) each file's size and
 * modification time: while those are as the build saw them, a start need not read and hash 1 MB of YAML.
 */
export function fingerprintOf(dir: string): string {
  return `${contentHashOf(dir)} ${fileStatsOf(dir)}`;
}

function yamlFilesOf(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
}

function contentHashOf(dir: string): string {
  const hash = createHash('sha256');
  for (const file of yamlFilesOf(dir))
    hash
      .update(file)
      .update('\0')
      .update(readFileSync(join(dir, file)))
      .update('\0');
  return hash.digest('hex');
}

function fileStatsOf(dir: string): string {
  return yamlFilesOf(dir)
    .map((file) => {
      const stat = statSync(join(dir, file));
      return `${file}:${stat.size}:${stat.mtimeMs}`;
    })
    .join('|');
}

/** Built from the YAML now in `dir`: its files untouched since, or (touched, copied) still the same contents. */
function isBuiltFrom(fingerprint: string, dir: string): boolean {
  const space = fingerprint.indexOf(' ');
  const hash = space === -1 ? fingerprint : fingerprint.slice(0, space);
  return (space !== -1 && fingerprint.slice(space + 1) === fileStatsOf(dir)) || hash === contentHashOf(dir);
}

/** Only the envelope is checked at load: the entries were validated by the build that wrote the file. */
const compiledEnvelope = z.object({
  fingerprint: z.string(),
  entries: z.array(z.unknown()),
  meanings: z.array(z.tuple([z.string(), z.string()])),
  sources: z.array(z.tuple([z.string(), z.string()])),
  index: z.object({ entries: z.array(z.unknown()) }).passthrough(),
});

/** The compiled knowledge base in `file`, when it was built from the YAML now in `dir`; undefined otherwise. */
export function loadCompiled(file: string, dir: string): KnowledgeBase | undefined {
  if (!existsSync(file)) return undefined;
  // The build writes the file in ASCII (scripts/compile-kb.js): read as latin1 it needs no UTF-8 decoding,
  // which took longer than parsing 2 MB of JSON.
  const bytes = readFileSync(file);
  const parsed = compiledEnvelope.safeParse(
    JSON.parse(isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8')),
  );
  if (!parsed.success || !isBuiltFrom(parsed.data.fingerprint, dir)) return undefined;
  const doc = parsed.data as unknown as {
    entries: KbEntry[];
    meanings: Array<[string, string]>;
    sources: Array<[string, string]>;
    index: MatcherIndex;
  };
  return {
    entries: doc.entries,
    meanings: new Map(doc.meanings),
    sources: new Map(doc.sources),
    dir,
    index: doc.index,
  };
}
