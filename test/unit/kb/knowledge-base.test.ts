import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultDataDir, loadKnowledgeBase, loadKnowledgeBaseFrom } from '../../../src/kb/load';
import { loadFixtureCases } from './fixtures';
import { diagErrorWith } from '../../helpers/diag-error';

const FOUNDING = [
  'exchange.ems-iis-access-denied',
  'outlook-anywhere.cert-principal-name',
  'exchange2003.relay-restrictions-lost',
  'loadbalancer.snat-hides-client-ip',
  'pfdavadmin.proxy-cached',
  'tls.trust-relationship',
];

describe('the built-in knowledge base', () => {
  const kb = loadKnowledgeBase();

  it('loads once and is cached', () => {
    expect(loadKnowledgeBase()).toBe(kb);
  });

  it('holds the six founding cases and at least 60 more entries', () => {
    const ids = kb.entries.map((e) => e.id);
    for (const id of FOUNDING) expect(ids).toContain(id);
    expect(kb.entries.length).toBeGreaterThanOrEqual(FOUNDING.length + 60);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('gives every entry causes, a fix with steps and vendor documentation over https', () => {
    for (const entry of kb.entries) {
      expect({ id: entry.id, causes: entry.causes.length > 0 }).toEqual({ id: entry.id, causes: true });
      expect({ id: entry.id, steps: entry.fix.steps.length > 0 }).toEqual({ id: entry.id, steps: true });
      expect({
        id: entry.id,
        links: entry.links.every((l) => l.url.startsWith('https://')) && entry.links.length > 0,
      }).toEqual({ id: entry.id, links: true });
    }
  });

  it('has, for every entry, two or more positive fixtures and at least one near-miss', () => {
    const cases = loadFixtureCases();
    const byId = new Map(cases.map((c) => [c.id, c]));
    const missing = kb.entries.filter((e) => {
      const c = byId.get(e.id);
      return !c || c.positive.length < 2 || c.nearMiss.length < 1;
    });
    expect(missing.map((e) => e.id)).toEqual([]);
    // …and no fixture names an entry that does not exist.
    const known = new Set(kb.entries.map((e) => e.id));
    expect(cases.filter((c) => !known.has(c.id)).map((c) => `${c.file}: ${c.id}`)).toEqual([]);
  });

  it('has plain-language meanings for common codes', () => {
    expect(kb.meanings.get('win32:1722')).toMatch(/RPC/);
    expect(kb.meanings.get('hresult:0x8004010f')).toMatch(/not found/i);
  });

  it('finds its data directory from the source tree', () => {
    expect(defaultDataDir()).toMatch(/src[\\/]kb[\\/]data$/);
  });
});

describe('loading a bad knowledge-base file', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'diagbot-kb-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const good = `
  - id: test.good
    title: A good entry for the test
    products: [Test]
    signatures:
      phrases: ["something went wrong here"]
    explanation: An explanation long enough to pass the schema.
    causes: [A cause of the problem]
    fix: { summary: Do the thing, steps: [Run the command] }
    links: [{ title: Docs, url: "https://learn.microsoft.com/" }]
`;

  /** Writes exactly these files into a fresh directory and returns the loader call. */
  function load(files: Record<string, string>): () => unknown {
    rmSync(dir, { recursive: true, force: true });
    dir = mkdtempSync(join(tmpdir(), 'diagbot-kb-'));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    const at = dir;
    return () => loadKnowledgeBaseFrom(at);
  }

  it('accepts a valid file', () => {
    const kb = load({ 'a.yaml': `entries:${good}` })() as ReturnType<typeof loadKnowledgeBaseFrom>;
    expect(kb.entries.map((e) => e.id)).toEqual(['test.good']);
    expect(kb.entries[0]?.severity).toBe('fail');
  });

  it('names the file and the entry when a field is missing', () => {
    const bad = good.replace('test.good', 'test.no-title').replace(/ {4}title: .*\n/, '');
    expect(load({ 'broken.yaml': `entries:${bad}` })).toThrow(/broken\.yaml: entry test\.no-title: title/);
  });

  it('rejects a code signature that is not kind:value', () => {
    const bad = good
      .replace('test.good', 'test.bad-code')
      .replace('phrases: ["something went wrong here"]', 'codes: ["0x80070005"]');
    expect(load({ 'codes.yaml': `entries:${bad}` })).toThrow(/codes\.yaml: entry test\.bad-code: signatures\.codes/);
  });

  it('rejects an unquoted hex code that YAML read as a number, and accepts a platform step', () => {
    const hex = good
      .replace('test.good', 'test.hex')
      .replace(
        'phrases: ["something went wrong here"]',
        'phrases: ["something went wrong here"]\n      exclude: [0xC0000234]',
      );
    expect(load({ 'hex.yaml': `entries:${hex}` })).toThrow(
      /hex\.yaml: entry test\.hex: signatures\.exclude\.0: quote codes/,
    );
    const platform = good
      .replace('test.good', 'test.platform')
      .replace('steps: [Run the command]', 'steps: [Run the command, { text: "postconf -n", platform: linux }]');
    expect(load({ 'p.yaml': `entries:${platform}` })).not.toThrow();
    const unknown = good
      .replace('test.good', 'test.platform2')
      .replace('steps: [Run the command]', 'steps: [{ text: "run it", platform: macos }]');
    expect(load({ 'p2.yaml': `entries:${unknown}` })).toThrow(/entry test\.platform2: fix\.steps\.0/);
  });

  it('rejects an entry with no phrase and no code', () => {
    const bad = good
      .replace('test.good', 'test.empty')
      .replace('phrases: ["something went wrong here"]', 'keywords: [word]');
    expect(load({ 'empty.yaml': `entries:${bad}` })).toThrow(/entry test\.empty: .*phrase or code/);
  });

  it('rejects a term that reads as a placeholder only, and accepts one with words around it', () => {
    const host = good
      .replace('test.good', 'test.host-keyword')
      .replace(
        'phrases: ["something went wrong here"]',
        'phrases: ["something went wrong here"]\n      keywords: [smtp.example.com]',
      );
    expect(load({ 'h.yaml': `entries:${host}` })).toThrow(
      /entry test\.host-keyword: keyword: smtp\.example\.com reads as a placeholder/,
    );
    const number = good
      .replace('test.good', 'test.number-required')
      .replace(
        'phrases: ["something went wrong here"]',
        'phrases: ["something went wrong here"]\n      required: [["2000003"]]',
      );
    expect(load({ 'n.yaml': `entries:${number}` })).toThrow(/required: 2000003 reads as a placeholder/);
    const worded = good
      .replace('test.good', 'test.worded')
      .replace('phrases: ["something went wrong here"]', 'phrases: ["connect to {host} failed"]');
    expect(load({ 'w.yaml': `entries:${worded}` })).not.toThrow();
  });

  it('rejects a regular expression that does not compile', () => {
    const bad = good
      .replace('test.good', 'test.regex')
      .replace(
        'phrases: ["something went wrong here"]',
        'phrases: [x y]\n      patterns: [{ regex: "(unclosed", weight: 0.5 }]',
      );
    expect(load({ 're.yaml': `entries:${bad}` })).toThrow(diagErrorWith('knowledge-base.invalid'));
    expect(load({ 're.yaml': `entries:${bad}` })).toThrow(/re\.yaml: entry test\.regex: pattern \(unclosed/);
  });

  it('rejects the same id in two files', () => {
    expect(load({ 'a.yaml': `entries:${good}`, 'b.yaml': `entries:${good}` })).toThrow(
      /b\.yaml: entry test\.good: the id is already used in a\.yaml/,
    );
  });

  it('rejects YAML that does not parse, naming the file', () => {
    expect(load({ 'syntax.yaml': 'entries:\n  - id: [unclosed\n' })).toThrow(/syntax\.yaml: not valid YAML/);
  });

  it('rejects follow-ups that are not diagbot commands or use unknown placeholders', () => {
    const notCommand = good
      .replace('test.good', 'test.follow')
      .replace('    links:', '    followUps: ["rm -rf {host}"]\n    links:');
    expect(load({ 'f.yaml': `entries:${notCommand}` })).toThrow(/entry test\.follow: followUps\.0/);
    const unknown = good
      .replace('test.good', 'test.follow2')
      .replace('    links:', '    followUps: ["cert {server}"]\n    links:');
    expect(load({ 'g.yaml': `entries:${unknown}` })).toThrow(/placeholders are/);
  });

  it('rejects an empty directory', () => {
    expect(load({})).toThrow(/no knowledge-base files/);
  });
});
