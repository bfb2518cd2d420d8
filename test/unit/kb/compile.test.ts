import { isAscii } from 'node:buffer';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileKnowledgeBase } from '../../../src/kb/compile';
import { loadCompiled } from '../../../src/kb/compiled';
import { createExplainer } from '../../../src/kb/explain';
import { defaultDataDir, loadKnowledgeBaseFrom } from '../../../src/kb/load';
import { loadFixtureCases, loadUnrelated } from './fixtures';
import { diagErrorWith } from '../../helpers/diag-error';

/**
 * The knowledge base compiled at build time answers exactly as the YAML does, and is never used once the
 * YAML it was built from has changed.
 */
let dir: string;
let data: string;
let file: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'diagbot-kb-'));
  data = join(dir, 'data');
  cpSync(defaultDataDir(), data, { recursive: true });
  file = join(dir, 'knowledge-base.jsonl');
  writeFileSync(file, compileKnowledgeBase(data), 'latin1');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('holds every entry, meaning and source of the YAML, and its matcher index', () => {
  const yaml = loadKnowledgeBaseFrom(data);
  const compiled = loadCompiled(file, data);
  expect(compiled?.index?.size).toBe(yaml.entries.length);
  expect(compiled?.entries.map((e) => e.id)).toEqual(yaml.entries.map((e) => e.id));
  expect(JSON.parse(JSON.stringify(compiled?.entries))).toEqual(JSON.parse(JSON.stringify(yaml.entries)));
  expect([...(compiled?.meanings ?? [])]).toEqual([...yaml.meanings]);
  expect([...(compiled?.sources ?? [])]).toEqual([...yaml.sources]);
});

it('explains every fixture and unrelated text exactly as the explainer built from the YAML', () => {
  const fromYaml = createExplainer(loadKnowledgeBaseFrom(data));
  const compiled = loadCompiled(file, data);
  if (!compiled) throw new Error('the compiled knowledge base did not load');
  const fromBuild = createExplainer(compiled);
  const texts = [...loadFixtureCases().flatMap((c) => [...c.positive, ...c.nearMiss]), ...loadUnrelated()];
  expect(texts.length).toBeGreaterThan(100);
  const answer = (explainer: ReturnType<typeof createExplainer>, text: string): unknown => {
    const r = explainer.explain(text);
    return {
      matches: r.matches.map((m) => [m.entry.id, m.score, m.confidence]),
      closest: r.closest?.entry.id,
      codes: r.codes.map((c) => c.keys),
      followUps: r.followUps,
    };
  };
  for (const text of texts) expect(answer(fromBuild, text)).toEqual(answer(fromYaml, text));
});

it('is written in ASCII, one line per entry after the head', () => {
  const bytes = readFileSync(file);
  expect(isAscii(bytes)).toBe(true);
  expect(bytes.toString('latin1').split('\n')).toHaveLength((loadCompiled(file, data)?.index?.size ?? 0) + 2);
});

it('reads at start only the head, and for a paste only the entries the index offers', () => {
  const compiled = loadCompiled(file, data);
  if (!compiled?.index) throw new Error('the compiled knowledge base did not load');
  const read = jest.spyOn(compiled.index, 'entryAt');
  const explainer = createExplainer(compiled, { maxCandidates: 24 });
  expect(read).not.toHaveBeenCalled();
  const result = explainer.explain('550 5.7.1 Unable to relay');
  expect(result.matches.length + result.related.length).toBeGreaterThan(0);
  const offered = new Set(read.mock.calls.map(([i]) => i));
  expect(offered.size).toBeGreaterThan(0);
  // The 24 best by the index, and at most 8 more that a rare code or word names (matcher.ts, MAX_RARE_CANDIDATES).
  expect(offered.size).toBeLessThanOrEqual(24 + 8);
  // Entries read once are kept: the same objects on every call.
  const first = [...offered][0] as number;
  expect(compiled.index.entryAt(first)).toBe(compiled.index.entryAt(first));
  read.mockRestore();
});

it('is not used once the YAML changed since the build (the loader falls back to the YAML)', () => {
  expect(loadCompiled(file, data)).toBeDefined();
  appendFileSync(join(data, 'founding.yaml'), '\n# edited after the build\n');
  expect(loadCompiled(file, data)).toBeUndefined();
  expect(loadCompiled(join(dir, 'missing.jsonl'), data)).toBeUndefined();
});

it('fails the build on an entry that does not validate, naming the file', () => {
  const bad = join(dir, 'bad');
  cpSync(data, bad, { recursive: true });
  writeFileSync(join(bad, 'zz-bad.yaml'), 'entries:\n  - id: Not An Id\n    title: x\n');
  expect(() => compileKnowledgeBase(bad)).toThrow(diagErrorWith('knowledge-base.invalid'));
  expect(() => compileKnowledgeBase(bad)).toThrow(/zz-bad\.yaml/);
});
