import { z } from 'zod';

/*
 * The building blocks of a command's texts.yaml schema (commands/<command>/texts.ts): what a writer may put in
 * the file, checked when the file is loaded and when the build compiles it (scripts/compile-data.js).
 */

/** One text: never empty. */
export const text = z.string().min(1);

/** A fix as a writer writes it: a summary, steps, and links by their names in the file's `links`. */
export const fixText = z.strictObject({
  summary: text,
  steps: z.array(text).min(1).optional(),
  /** Names from `links`. */
  links: z.array(z.string()).min(1).optional(),
});

/** A text whose words differ by case: one text per named case. */
export const cases = <const K extends string, T extends z.ZodType>(names: readonly K[], item: T) =>
  z.strictObject(Object.fromEntries(names.map((name) => [name, item])) as Record<K, T>);

/** The file's links, by name. */
export const linkTable = z.record(z.string(), z.strictObject({ title: text, url: z.url() }));

/**
 * Adds an issue for every link name used under `roots` (any object with a `links` list) that `links` does not
 * define, so a misspelt name fails at load and at build, not when the fix is first shown.
 */
export function checkLinkNames(
  links: Record<string, unknown>,
  roots: Record<string, unknown>,
  ctx: z.RefinementCtx,
): void {
  const visit = (node: unknown, path: PropertyKey[]): void => {
    if (node === null || typeof node !== 'object') return;
    if ('links' in node && Array.isArray(node.links)) {
      node.links.forEach((name: unknown, i) => {
        if (typeof name !== 'string' || !Object.hasOwn(links, name)) {
          ctx.addIssue({
            code: 'custom',
            path: [...path, 'links', i],
            message: `no link named ${String(name)} in links`,
          });
        }
      });
      return;
    }
    for (const [key, value] of Object.entries(node)) visit(value, [...path, key]);
  };
  for (const [key, value] of Object.entries(roots)) visit(value, [key]);
}
