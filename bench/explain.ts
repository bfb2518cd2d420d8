import { createExplainer, type Explainer } from '../src/kb/explain';
import { loadKnowledgeBase, type KnowledgeBase } from '../src/kb/load';
import { percentile, report } from './stats';

/** The size of the knowledge base before issue 15 grew it; measured as a sample for the scaling figures. */
const EARLIER_SIZE = 114;

/**
 * `explain` matching speed on 2 KB texts: matches per second and p99 latency with a sample of the size the
 * knowledge base had before issue 15, with the built-in knowledge base, then with it replicated ×10. The inverted index (codes and rare words)
 * should keep the ×10 cost far below ×10. Single-threaded, CPU only, bounded loops.
 */
const TEXT_BYTES = 2048;
const WARMUP = 500;
const ROUNDS = 10_000;

const NOISE = [
  '2025-11-20T10:14:03.120Z INFO  worker-3 processed batch 1824 in 41ms (queue depth 12)',
  '2025-11-20T10:14:03.377Z DEBUG http GET /api/v1/health 200 3ms',
  '2025-11-20T10:14:04.002Z INFO  scheduler next run at 10:15:00 for job nightly-export',
  'at System.Net.HttpWebRequest.GetResponse() in C:\\src\\agent\\Transport.cs:line 212',
  '+ CategoryInfo          : NotSpecified: (:) [], RemoteException',
  'Diagnostic information for administrators: Generating server: EX01.contoso.local',
];

/** Realistic 2 KB pastes: one error (an entry's own phrase and codes) surrounded by log noise, plus unrelated logs. */
function buildTexts(kb: KnowledgeBase): string[] {
  const texts: string[] = [];
  kb.entries.forEach((entry, i) => {
    const phrase = entry.signatures.phrases[0]?.text ?? '';
    const codes = entry.signatures.codes
      .map((c) => (typeof c === 'string' ? c : c.code).split(':').slice(1).join(':'))
      .join(' ');
    texts.push(pad(`ERROR ${phrase} ${codes} (server ex0${i % 9}.contoso.com, client 10.1.${i % 250}.7)`, i));
  });
  for (let i = 0; i < 20; i += 1) texts.push(pad(`INFO run ${i} finished without problems`, i));
  return texts;
}

function pad(core: string, seed: number): string {
  const lines: string[] = [];
  let length = core.length;
  for (let i = 0; length < TEXT_BYTES; i += 1) {
    const line = NOISE[(seed + i) % NOISE.length] as string;
    lines.push(line);
    length += line.length + 1;
  }
  const half = Math.floor(lines.length / 2);
  return [...lines.slice(0, half), core, ...lines.slice(half)].join('\n').slice(0, TEXT_BYTES);
}

function replicate(kb: KnowledgeBase, times: number): KnowledgeBase {
  const entries = Array.from({ length: times }, (_v, k) =>
    kb.entries.map((e) => ({ ...e, id: `${e.id}.r${k}` })),
  ).flat();
  return { ...kb, entries, index: undefined };
}

function measure(
  explainer: Explainer,
  texts: readonly string[],
): { perSecond: number; p50: number; p99: number; matched: number } {
  for (let i = 0; i < WARMUP; i += 1) explainer.explain(texts[i % texts.length] as string);
  const samples: number[] = [];
  let matched = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < ROUNDS; i += 1) {
    const t0 = process.hrtime.bigint();
    const result = explainer.explain(texts[i % texts.length] as string);
    samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (result.matches.length > 0) matched += 1;
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return {
    perSecond: ROUNDS / seconds,
    p50: percentile(samples, 50),
    p99: percentile(samples, 99),
    matched: matched / ROUNDS,
  };
}

export async function run(): Promise<void> {
  const loadStart = process.hrtime.bigint();
  const kb = loadKnowledgeBase();
  const base = createExplainer(kb);
  report(
    'explain',
    // From the build's file, only its head: entries are read as the texts below first offer them (src/kb/compiled.ts).
    'load + compile knowledge base (first use)',
    Number(process.hrtime.bigint() - loadStart) / 1e6,
    'ms',
  );
  const texts = buildTexts(kb);
  report('explain', `texts (${TEXT_BYTES} bytes each)`, texts.length, 'texts');

  // The compiled index belongs to the whole knowledge base: a sample or a replica builds its own.
  const sample: KnowledgeBase = { ...kb, entries: kb.entries.slice(0, EARLIER_SIZE), index: undefined };
  const small = measure(createExplainer(sample), texts);
  report(
    'explain',
    `kb sample (${sample.entries.length} entries, the size before issue 15) matches/s`,
    small.perSecond,
    '/s',
  );
  report('explain', 'kb sample matches/s at median latency', 1000 / small.p50, '/s');

  const one = measure(base, texts);
  report('explain', `kb x1 (${kb.entries.length} entries) matches/s`, one.perSecond, '/s');
  // On a shared machine the wall-clock rate includes time the process was not scheduled; the median does not.
  report('explain', 'kb x1 matches/s at median latency', 1000 / one.p50, '/s');
  report('explain', 'kb x1 p50 latency', one.p50, 'ms');
  report('explain', 'kb x1 p99 latency', one.p99, 'ms');
  report('explain', 'kb x1 texts with a match', one.matched * 100, '%');

  const big = replicate(kb, 10);
  const tenStart = process.hrtime.bigint();
  const ten = createExplainer(big);
  report('explain', 'kb x10 compile', Number(process.hrtime.bigint() - tenStart) / 1e6, 'ms');
  const tenth = measure(ten, texts);
  report('explain', `kb x10 (${big.entries.length} entries) matches/s`, tenth.perSecond, '/s');
  report('explain', 'kb x10 matches/s at median latency', 1000 / tenth.p50, '/s');
  report('explain', 'kb x10 p50 latency', tenth.p50, 'ms');
  report('explain', 'kb x10 p99 latency', tenth.p99, 'ms');
  report('explain', 'cost ratio x10/x1, wall clock (target far below 10)', one.perSecond / tenth.perSecond, 'x');
  report('explain', 'cost ratio x10/x1, median latency', tenth.p50 / one.p50, 'x');
  report(
    'explain',
    `cost ratio x1/sample (${kb.entries.length}/${sample.entries.length} entries), median latency`,
    one.p50 / small.p50,
    'x',
  );
}
