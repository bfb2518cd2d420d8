import { CODE_REF, type KbEntry } from './schema';
import { prepareText } from './text';

/** The words the text abstraction puts in place of hosts, addresses, paths, ids and long numbers. */
const PLACEHOLDERS = new Set(['xhost', 'xurl', 'xip', 'xpath', 'xguid', 'xemail', 'xdn', 'xnum']);

/**
 * Signature terms that compile to placeholders only (`ATTR35` reads as a host name, so it becomes `xhost`): such a term
 * matches any text with a host in it, never the word its author meant. Returned as "phrase: ATTR35" for the load error.
 */
export function placeholderOnlyTerms(entry: KbEntry): string[] {
  const s = entry.signatures;
  const terms: [string, string][] = [
    ...s.phrases.map((p): [string, string] => ['phrase', p.text]),
    ...s.keywords.map((k): [string, string] => ['keyword', k]),
    ...s.required.flat().map((r): [string, string] => ['required', r]),
    ...s.exclude.map((x): [string, string] => ['exclude', x]),
  ];
  const out: string[] = [];
  for (const [kind, text] of terms) {
    if (CODE_REF.test(text.toLowerCase())) continue;
    const words = prepareText(text.replace(/\{(host|url|ip|email|dn|path|guid)\}/g, 'x$1')).tokens;
    if (words.length > 0 && words.every((w) => PLACEHOLDERS.has(w))) out.push(`${kind}: ${text}`);
  }
  return out;
}
