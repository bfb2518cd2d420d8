import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';

/**
 * Where a data file is looked for, in order: `<name>.json` beside the compiled code (`npm run build` compiles
 * the YAML there, scripts/compile-data.js), then `<name>.yaml` beside the source (ts-jest runs the sources).
 * `dir` is the caller's `__dirname`; a bundled build that moves the code changes only this function.
 */
export function dataFilePaths(dir: string, name: string): { json: string; yaml: string } {
  return { json: join(dir, `${name}.json`), yaml: join(dir, `${name}.yaml`) };
}

/**
 * Reads and validates a data file written by hand beside the code that uses it (a command's texts, …). A built
 * diagbot reads the compiled JSON and never loads the YAML parser; both are validated with `schema`, and a file
 * that does not validate throws an error naming the file and the field.
 *
 * @example await loadDataFile(__dirname, 'texts', certTextsSchema) // commands/cert/texts.{json,yaml}
 */
export async function loadDataFile<T extends z.ZodType>(dir: string, name: string, schema: T): Promise<z.output<T>> {
  const { json, yaml } = dataFilePaths(dir, name);
  let file: string;
  let doc: unknown;
  if (existsSync(json)) {
    file = json;
    doc = JSON.parse(readFileSync(json, 'utf8'));
  } else if (existsSync(yaml)) {
    file = yaml;
    const { parse } = await import('yaml');
    doc = parse(readFileSync(yaml, 'utf8'));
  } else {
    throw new Error(`data file ${name} not found: looked for ${json} (run \`npm run build\`) and ${yaml}`);
  }
  const parsed = schema.safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.map(String).join('.') ?? '';
    throw new Error(`${file}: ${where ? `${where}: ` : ''}${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

/**
 * A loader for one data file that reads and validates it on its first call and keeps the answer, so a command
 * reads its texts when it first runs and never at start or for `help`.
 *
 * @example export const loadCertTexts = dataFileOnce(__dirname, 'texts', certTextsSchema);
 */
export function dataFileOnce<T extends z.ZodType>(dir: string, name: string, schema: T): () => Promise<z.output<T>> {
  let loaded: Promise<z.output<T>> | undefined;
  return () => {
    loaded ??= loadDataFile(dir, name, schema);
    return loaded;
  };
}
