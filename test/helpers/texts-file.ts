import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { ZodType } from 'zod';

/**
 * A command's texts.yaml for the tests that hold it to its schema: `source()` is a fresh copy of the file as written,
 * `edited(path, value)` that copy with one field set (removed when `value` is undefined), and `firstIssue(doc)` the
 * schema's first complaint as `path: message` ('valid' when there is none).
 */
export function textsFile<Doc = unknown>(
  command: string,
  schema: ZodType,
): { source: () => Doc; edited: (path: string[], value?: unknown) => Doc; firstIssue: (doc: unknown) => string } {
  const source = (): Doc =>
    parse(readFileSync(join(__dirname, '..', '..', 'commands', command, 'texts.yaml'), 'utf8')) as Doc;
  const edited = (path: string[], value?: unknown): Doc => {
    const doc = source();
    const parent = path
      .slice(0, -1)
      .reduce((node, key) => (node as Record<string, unknown>)[key], doc as unknown) as Record<string, unknown>;
    const last = path[path.length - 1] as string;
    if (value === undefined) delete parent[last];
    else parent[last] = value;
    return doc;
  };
  const firstIssue = (doc: unknown): string => {
    const parsed = schema.safeParse(doc);
    return parsed.success ? 'valid' : `${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`;
  };
  return { source, edited, firstIssue };
}
