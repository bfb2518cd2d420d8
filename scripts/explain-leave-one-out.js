// Leave-one-out over the judged held-out sets (run after `npm run build`):
//   node scripts/explain-leave-one-out.js [--judge DIR] [--parts N]
// A blind paste that no entry was written for is where a confident wrong answer comes from. This imitates it on pastes
// already judged right: for each, the entry on top is left out and what the rest of the knowledge base then claims is
// recorded. A claim as "diagnosis" is right only when another entry names the same condition, so the claims are a
// worklist of entries that claim their neighbours' conditions. With --judge, the claims are written as corpora with
// answers (DIR/part-K/held-out.yaml, answers.json, judging-rules.md) for a judge who has not seen the entries.
const { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { parse, stringify } = require('yaml');
const root = join(__dirname, '..');
const { createExplainer } = require(join(root, 'dist', 'src', 'kb', 'explain.js'));

const HELD_OUT = join(root, 'test', 'fixtures', 'kb', 'held-out');
const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const judgeDir = option('--judge');
const parts = Number(option('--parts', '1'));
if (!Number.isInteger(parts) || parts < 1) {
  console.error('usage: node scripts/explain-leave-one-out.js [--judge DIR] [--parts N]');
  process.exit(2);
}

let left;
const explainer = createExplainer(undefined, { leaveOut: (id) => id === left });
const answer = (paste, without) => {
  left = without;
  const result = explainer.explain(paste);
  const top = result.matches[0] ?? result.related[0];
  return { band: result.band, top };
};

const claims = [];
const tally = { judgedRight: 0, unchanged: 0, diagnosis: 0, 'possibly-related': 0, none: 0 };
for (const set of readdirSync(HELD_OUT).filter((d) => existsSync(join(HELD_OUT, d, 'verdicts.json')))) {
  const dir = join(HELD_OUT, set);
  if (!existsSync(join(dir, 'answers.json'))) continue;
  const answered = JSON.parse(readFileSync(join(dir, 'answers.json'), 'utf8'));
  const judgedTop = new Map((answered.items ?? answered.records).map((i) => [i.id, i.answer]));
  const right = new Set(
    JSON.parse(readFileSync(join(dir, 'verdicts.json'), 'utf8'))
      .filter((v) => v.verdict === 'right')
      .map((v) => v.id),
  );
  for (const item of parse(readFileSync(join(dir, 'held-out.yaml'), 'utf8'))) {
    const id = String(item.id);
    const judged = judgedTop.get(id);
    if (!right.has(id) || judged?.band !== 'diagnosis') continue;
    tally.judgedRight += 1;
    const now = answer(item.paste);
    // Only an answer the judge saw is known to be right.
    if (now.band !== 'diagnosis' || now.top?.entry.id !== judged.top.id) continue;
    tally.unchanged += 1;
    const without = answer(item.paste, judged.top.id);
    tally[without.band] += 1;
    if (without.band !== 'diagnosis') continue;
    claims.push({
      id: `${set}/${id}`,
      removed: judged.top.id,
      claimer: { id: without.top.entry.id, title: without.top.entry.title, confidence: without.top.confidence },
      item,
    });
  }
}

const share = (n) => `${((100 * n) / Math.max(1, tally.unchanged)).toFixed(1)}%`;
console.log(`judged right: ${tally.judgedRight}; answered the same now: ${tally.unchanged}`);
console.log(
  `with that entry left out: diagnosis ${tally.diagnosis} (${share(tally.diagnosis)}), possibly related ${tally['possibly-related']}, none ${tally.none}`,
);
const byClaimer = new Map();
for (const c of claims) byClaimer.set(c.claimer.id, (byClaimer.get(c.claimer.id) ?? 0) + 1);
console.log('claimers:');
for (const [id, n] of [...byClaimer].sort((a, b) => b[1] - a[1]).slice(0, 20)) console.log(`  ${n} ${id}`);

if (judgeDir) {
  const per = Math.ceil(claims.length / parts);
  for (let k = 0; k < parts; k += 1) {
    const part = claims.slice(k * per, (k + 1) * per);
    const dir = join(judgeDir, `part-${k + 1}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'held-out.yaml'),
      stringify(
        part.map((c) => ({ ...c.item, id: c.id })),
        { lineWidth: 0 },
      ),
    );
    const items = part.map((c) => ({
      id: c.id,
      expected: c.item.expected ?? null,
      accept: c.item.accept ?? [],
      answer: { band: 'diagnosis', top: c.claimer, runnerUps: [], related: [] },
    }));
    writeFileSync(join(dir, 'answers.json'), JSON.stringify({ items }, null, 1));
    copyFileSync(join(HELD_OUT, 'set-3', 'judging-rules.md'), join(dir, 'judging-rules.md'));
    // Which entry was left out is for the reader of the verdicts, not for the judge.
    writeFileSync(
      join(dir, 'left-out.json'),
      JSON.stringify(Object.fromEntries(part.map((c) => [c.id, c.removed])), null, 1),
    );
  }
  console.log(`${claims.length} claims written for judging under ${judgeDir} (${parts} part(s))`);
}
