import type { Fix, Link } from './reply';

const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9]*)\}/g;

/**
 * Fills the `{name}` placeholders of a text from a data file with `values`. Values go in as they are (they are
 * never read for placeholders themselves); a brace that does not hold a name stays as written. A placeholder
 * without a value throws: the data file names a value its code does not give, which a test must catch.
 *
 * @example fill('Renew before {notAfter}.', { notAfter: '2026-03-01' }) // 'Renew before 2026-03-01.'
 */
export function fill(text: string, values: Readonly<Record<string, string | number>>): string {
  return text.replace(PLACEHOLDER, (_, name: string) => {
    if (!Object.hasOwn(values, name)) throw new Error(`no value for {${name}} in "${text}"`);
    return String(values[name]);
  });
}

/** A fix as a data file writes it: texts with placeholders, and links by name. */
export interface FixText {
  summary: string;
  steps?: string[];
  links?: string[];
}

/**
 * A fix from its text: placeholders filled, link names turned into the links (`links` holds them by name; the
 * loader checks every name a file uses is there).
 */
export function fillFix(
  fix: FixText,
  links: Readonly<Record<string, Link>>,
  values: Readonly<Record<string, string | number>>,
): Fix {
  return {
    summary: fill(fix.summary, values),
    ...(fix.steps ? { steps: fix.steps.map((step) => fill(step, values)) } : {}),
    ...(fix.links ? { links: linksNamed(links, fix.links) } : {}),
  };
}

/** The links a data file names, from its `links` table (the loader checks every name a file uses is there). */
export function linksNamed(links: Readonly<Record<string, Link>>, names: readonly string[]): Link[] {
  return names.map((name) => {
    const link = links[name];
    if (!link) throw new Error(`no link named ${name}`);
    return link;
  });
}
