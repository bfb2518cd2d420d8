// Runs `explain` over a held-out corpus and writes what it answered, one JSON record per paste, for judging
// (run after `npm run build`): node scripts/explain-held-out.js <corpus.yaml> [--out report.json]
// The corpus is a YAML list of { id, family, platform, paste, expected (words, or null for unrelated), accept }.
// This script only reports; whether an answer is right is judged against `expected` by someone else.
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { parse } = require('yaml');
const root = join(__dirname, '..');
const { createExplainer } = require(join(root, 'dist', 'src', 'kb', 'explain.js'));
const { detectPlatform } = require(join(root, 'dist', 'src', 'kb', 'platform.js'));

function usage(message) {
  console.error(`${message}\nusage: node scripts/explain-held-out.js <corpus.yaml> [--out report.json]`);
  process.exit(2);
}

const args = process.argv.slice(2);
const outAt = args.indexOf('--out');
const out = outAt === -1 ? undefined : args[outAt + 1];
if (outAt !== -1 && !out) usage('--out needs a file name');
const corpusPath = args.find((a, i) => !a.startsWith('--') && i !== outAt + 1);
if (!corpusPath) usage('no corpus given');

let items;
try {
  items = parse(readFileSync(corpusPath, 'utf8'));
} catch (error) {
  usage(`cannot read ${corpusPath}: ${error.message}`);
}
if (!Array.isArray(items))
  usage(`${corpusPath}: expected a YAML list of {id, family, platform, paste, expected, accept}`);

const explainer = createExplainer();
const brief = (m) => ({ id: m.entry.id, title: m.entry.title, confidence: m.confidence });
const records = items.map((item, i) => {
  if (item === null || typeof item !== 'object' || typeof item.paste !== 'string') {
    return {
      id: item && item.id !== undefined ? String(item.id) : `#${i + 1}`,
      error: 'no paste (a string) in this item',
    };
  }
  const result = explainer.explain(item.paste);
  const top = result.matches[0] ?? result.related[0];
  return {
    id: String(item.id ?? `#${i + 1}`),
    family: item.family ?? null,
    platform: item.platform ?? null,
    expected: item.expected ?? null,
    accept: item.accept ?? null,
    answer: {
      band: result.band,
      top: top ? brief(top) : null,
      runnerUps: result.matches.slice(1).map(brief),
      related: result.related.map(brief),
      detectedPlatform: result.platform ?? detectPlatform(item.paste) ?? null,
      codes: result.codes.map((c) => ({
        kind: c.kind,
        raw: c.raw,
        value: c.value,
        name: c.name ?? null,
        meaning: c.meaning ?? null,
      })),
      followUps: result.followUps,
    },
  };
});

const count = (band) => records.filter((r) => r.answer && r.answer.band === band).length;
const report = {
  corpus: corpusPath,
  knowledgeBase: { entries: explainer.kb.entries.length },
  summary: {
    items: records.length,
    diagnosis: count('diagnosis'),
    possiblyRelated: count('possibly-related'),
    none: count('none'),
    // Mechanical part of the score: an unrelated text (expected null) must never get a diagnosis.
    unrelated: records.filter((r) => r.expected === null).length,
    unrelatedWithDiagnosis: records.filter((r) => r.expected === null && r.answer && r.answer.band === 'diagnosis')
      .length,
    errors: records.filter((r) => r.error).length,
  },
  items: records,
};
const json = `${JSON.stringify(report, null, 2)}\n`;
if (out) {
  writeFileSync(out, json);
  console.log(
    `${out}: ${records.length} answers (${report.summary.diagnosis} diagnosis, ${report.summary.possiblyRelated} possibly related, ${report.summary.none} none)`,
  );
} else {
  process.stdout.write(json);
}
