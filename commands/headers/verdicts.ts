import type { Finding } from '../../src/core/reply';
import { fill } from '../../src/core/template';
import type { HeaderAnalysis, Problem } from '../../src/headers';
import type { HeadersTexts } from './texts';

/**
 * `headers.spam` (spam, bulk and allow-list verdicts in words), `headers.loop` and `headers.partial` (what was odd
 * about the paste). The words are in headers/texts.yaml; this picks the case and gives the values.
 */

/** The same verdict often comes twice (X-MS-Exchange-Organization-SCL and the Forefront report's SCL): say it once. */
function once<T extends { meaning: string }>(verdicts: readonly T[]): T[] {
  const seen = new Set<string>();
  return verdicts.filter((v) => !seen.has(v.meaning) && Boolean(seen.add(v.meaning)));
}

/** The verdicts that marked the message (spam or bulk), once each. */
function markingVerdicts(analysis: HeaderAnalysis): HeaderAnalysis['verdicts'] {
  return once(analysis.verdicts.filter((v) => v.kind === 'spam' || v.kind === 'bulk'));
}

/** Marked, and only by bulk verdicts: the reply says "bulk", not "spam". */
export function markedBulkOnly(analysis: HeaderAnalysis): boolean {
  const spam = markingVerdicts(analysis);
  return spam.length > 0 && spam.every((v) => v.kind === 'bulk');
}

export function spamFinding(analysis: HeaderAnalysis, texts: HeadersTexts['spam']): Finding | undefined {
  const spam = markingVerdicts(analysis);
  const allowed = once(analysis.verdicts.filter((v) => v.kind === 'allow'));
  if (spam.length === 0 && allowed.length === 0) return undefined;
  if (spam.length === 0) {
    return {
      id: 'headers.spam',
      severity: 'info',
      message: fill(texts.message.skipped, {
        verdicts: allowed
          .slice(0, 3)
          .map((v) => v.meaning)
          .join('; '),
      }),
      fix: { summary: texts.skippedFix.summary },
    };
  }
  const bulkOnly = markedBulkOnly(analysis);
  const authFailed = [analysis.auth.dmarc, analysis.auth.compauth].some((r) => r && /fail/.test(r.result));
  const { fix } = texts;
  return {
    id: 'headers.spam',
    severity: 'warn',
    message: fill(texts.message[bulkOnly ? 'bulk' : 'spam'], {
      verdicts: spam
        .slice(0, 6)
        .map((v) => fill(texts.verdict, { meaning: v.meaning, source: v.source }))
        .join('; '),
    }),
    fix: {
      summary: fix.summary,
      steps: [...(authFailed ? [fix.authFailed] : []), ...(bulkOnly ? [fix.bulk] : []), ...fix.steps],
    },
  };
}

function describeProblem(problem: Problem, texts: HeadersTexts['partial']['problems']): string {
  switch (problem.kind) {
    case 'cut':
      return fill(texts.cut, { kb: Math.round(problem.bytes / 1024), limitKb: Math.round(problem.limit / 1024) });
    case 'too-many-hops':
      return fill(texts['too-many-hops'], { hops: problem.hops, limit: problem.limit });
    case 'body':
    case 'leading-text':
      return fill(texts[problem.kind][problem.lines === 1 ? 'one' : 'many'], { lines: problem.lines });
    case 'starts-mid-header':
      return texts['starts-mid-header'];
    case 'no-date':
    case 'no-by':
      return fill(texts[problem.kind], { hop: problem.hop + 1 });
    case 'bad-date':
    case 'unknown-zone':
      return fill(texts[problem.kind], { hop: problem.hop + 1, text: problem.text });
    default: {
      const unreachable: never = problem;
      throw new Error(`unknown problem ${String(unreachable)}`);
    }
  }
}

/** `headers.loop`: the same server receives the message again and again. */
export function loopFinding(analysis: HeaderAnalysis, texts: HeadersTexts['loop']): Finding | undefined {
  const counts = new Map<string, number>();
  for (const hop of analysis.hops)
    if (hop.by) counts.set(hop.by.toLowerCase(), (counts.get(hop.by.toLowerCase()) ?? 0) + 1);
  const [host, times] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0] ?? ['', 0];
  // Twice is normal (a content filter hands mail back to the same MTA); four times is a loop.
  if (times < LOOP_TIMES) return undefined;
  return {
    id: 'headers.loop',
    severity: 'fail',
    message: fill(texts.message, { host, times, hops: analysis.hops.length }),
    fix: { summary: texts.fix.summary, steps: [...texts.fix.steps] },
  };
}

const LOOP_TIMES = 4;

export function partialFinding(analysis: HeaderAnalysis, texts: HeadersTexts['partial']): Finding | undefined {
  if (analysis.problems.length === 0) return undefined;
  const shown = analysis.problems.slice(0, 6).map((problem) => describeProblem(problem, texts.problems));
  const more = analysis.problems.length - shown.length;
  const onlyBody = analysis.problems.every((p) => p.kind === 'body' || p.kind === 'leading-text');
  return {
    id: 'headers.partial',
    severity: onlyBody ? 'info' : 'warn',
    message: fill(texts.message, {
      problems: shown.join('; '),
      more: more > 0 ? fill(texts.more, { count: more }) : '',
    }),
    fix: { summary: texts.fix.summary, steps: [...texts.fix.steps] },
  };
}
