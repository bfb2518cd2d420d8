import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DiagError } from '../core/errors';
import type { KnowledgeBase } from './load';
import type { IndexedEntry, LazyMatcherIndex, MatcherIndex } from './matcher';
import type { KbEntry } from './schema';

/**
 * The knowledge base compiled at build time (compile.ts, `npm run build` → scripts/compile-kb.js): the YAML
 * parsed and validated and the matcher's index built, stored beside the compiled code
 * (`dist/src/kb/knowledge-base.jsonl`), so a start need not parse, validate and tokenise several hundred entries.
 *
 * JSON lines, in ASCII (so a character is a byte, and a line is read as latin1 without UTF-8 decoding). Line 1,
 * the head: the fingerprint of the YAML it was built from, the code meanings, each entry's source file, the
 * matcher's vocabulary and inverted index, and where each entry's line starts. Then one line per entry:
 * `[entry, its signatures as ids]`. A start reads the head only (~7% of the file); an entry's line is read and
 * parsed when the inverted index first offers that entry, so one paste parses a few dozen entries, not 464:
 * parsing the whole file made a cold `explain` about a third slower than it needed to be (issue 16).
 */
export const COMPILED_FILE = 'knowledge-base.jsonl';

/** Bumped when the layout changes: a file of another layout is not read (the YAML is, until the next build). */
const FORMAT = 2;

/** The file's text: the head, then one line per entry, each line ASCII JSON. */
export function serialiseCompiled(kb: KnowledgeBase, index: MatcherIndex, fingerprint: string): string {
  const lines = kb.entries.map((entry, i) => toAscii(JSON.stringify([entry, index.entries[i]])));
  // Offsets from the first byte after the head, so the head need not know its own length.
  const offsets = [0];
  for (const line of lines) offsets.push((offsets[offsets.length - 1] as number) + line.length + 1);
  const { entries: _entries, ...postings } = index;
  const head = toAscii(
    JSON.stringify({
      format: FORMAT,
      fingerprint,
      meanings: [...kb.meanings],
      sources: [...kb.sources],
      index: postings,
      offsets,
    }),
  );
  return `${[head, ...lines].join('\n')}\n`;
}

/** JSON with every character beyond ASCII as a `\uXXXX` escape: the same JSON, one byte per character. */
function toAscii(json: string): string {
  return json.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

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

/** The head line: what a start reads. */
interface Head {
  format: number;
  fingerprint: string;
  meanings: Array<[string, string]>;
  sources: Array<[string, string]>;
  index: Omit<MatcherIndex, 'entries'>;
  offsets: number[];
}

/**
 * The head, when it is JSON of this layout; undefined for a truncated or foreign file (the YAML answers instead).
 * Only the envelope is checked, by hand: the build that wrote the file validated its contents, and a zod schema
 * walking the head's ~10,000 values cost a cold `explain` more than parsing it.
 */
function parseHead(text: string): Head | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    if (error instanceof SyntaxError) return undefined;
    throw error;
  }
  if (json === null || typeof json !== 'object') return undefined;
  const head = json as Partial<Record<keyof Head, unknown>>;
  const ok =
    head.format === FORMAT &&
    typeof head.fingerprint === 'string' &&
    Array.isArray(head.meanings) &&
    Array.isArray(head.sources) &&
    Array.isArray(head.offsets) &&
    head.offsets.length === head.sources.length + 1 &&
    typeof head.index === 'object' &&
    head.index !== null;
  return ok ? (json as Head) : undefined;
}

/** The head is read in chunks of this size (one, for the built-in knowledge base's ~180 KB head). */
const HEAD_CHUNK = 256 * 1024;

/** The first line of the file and where the line after it starts; undefined when there is no complete first line. */
function readHead(fd: number): { text: string; bodyStart: number } | undefined {
  const chunks: Buffer[] = [];
  let position = 0;
  for (;;) {
    const chunk = Buffer.allocUnsafe(HEAD_CHUNK);
    const read = readSync(fd, chunk, 0, HEAD_CHUNK, position);
    const newline = chunk.subarray(0, read).indexOf(0x0a);
    if (newline !== -1) {
      chunks.push(chunk.subarray(0, newline));
      const head = Buffer.concat(chunks);
      return { text: head.toString('latin1'), bodyStart: head.length + 1 };
    }
    if (read === 0) return undefined;
    chunks.push(chunk.subarray(0, read));
    position += read;
  }
}

/** `length` bytes of the file from `position`, all of them (a positioned read may return fewer). */
function readAt(fd: number, position: number, length: number): Buffer {
  const bytes = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const read = readSync(fd, bytes, done, length - done, position + done);
    if (read === 0) break;
    done += read;
  }
  return bytes.subarray(0, done);
}

/**
 * The compiled knowledge base in `file`, when it was built from the YAML now in `dir`; undefined otherwise (no
 * file, another layout, an unreadable head, other YAML): the caller then loads the YAML. Only the head is read
 * here; the file stays open and each entry is read when first asked for (then kept), and the file is closed
 * once every entry has been read. The build replaces the file by renaming a new one over it
 * (scripts/compile-kb.js), so a running diagbot keeps reading the file it opened.
 */
export function loadCompiled(file: string, dir: string): KnowledgeBase | undefined {
  if (!existsSync(file)) return undefined;
  const fd = openSync(file, 'r');
  const head = readHead(fd);
  const parsed = head ? parseHead(head.text) : undefined;
  if (!head || !parsed || !isBuiltFrom(parsed.fingerprint, dir)) {
    closeSync(fd);
    return undefined;
  }
  const { meanings, sources, offsets } = parsed;
  const postings = parsed.index;
  const size = sources.length;
  const read = new Array<{ entry: KbEntry; indexed: IndexedEntry } | undefined>(size).fill(undefined);
  let unread = size;
  const entryAt = (i: number): { entry: KbEntry; indexed: IndexedEntry } => {
    const known = read[i];
    if (known) return known;
    const start = offsets[i] as number;
    const line = readAt(fd, head.bodyStart + start, (offsets[i + 1] as number) - start - 1).toString('latin1');
    // A file rewritten in place since it was opened (not renamed over, as the build does) reads as other entries.
    const changed = (): DiagError =>
      new DiagError('knowledge-base.invalid', `${file} changed while diagbot was reading it; restart diagbot`);
    let pairRead: [KbEntry, IndexedEntry];
    try {
      pairRead = JSON.parse(line) as [KbEntry, IndexedEntry];
    } catch (error) {
      if (error instanceof SyntaxError) throw changed();
      throw error;
    }
    const [entry, indexed] = pairRead;
    if (entry?.id !== sources[i]?.[0]) throw changed();
    const pair = { entry, indexed };
    read[i] = pair;
    unread -= 1;
    if (unread === 0) closeSync(fd);
    return pair;
  };
  const index: LazyMatcherIndex = { ...postings, size, entryAt };
  let entries: KbEntry[] | undefined;
  return {
    // Every entry, read on first use (tests, benchmarks, reports): `explain` reads them through the index.
    get entries(): KbEntry[] {
      entries ??= Array.from({ length: size }, (_v, i) => index.entryAt(i).entry);
      return entries;
    },
    meanings: new Map(meanings),
    sources: new Map(sources),
    dir,
    index,
  };
}
