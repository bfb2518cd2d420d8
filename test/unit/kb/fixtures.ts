import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';

/** The fixture files under test/fixtures/kb: real-world-shaped texts per knowledge-base entry. */
export const FIXTURE_DIR = join(__dirname, '..', '..', 'fixtures', 'kb');

const caseSchema = z
  .object({
    id: z.string(),
    positive: z.array(z.string().min(1)).min(2),
    nearMiss: z.array(z.string().min(1)).min(1),
  })
  .strict();
const casesFile = z.object({ cases: z.array(caseSchema) }).strict();
const unrelatedFile = z.object({ unrelated: z.array(z.string().min(1)).min(1) }).strict();

export type FixtureCase = z.infer<typeof caseSchema> & { file: string };

export function loadFixtureCases(): FixtureCase[] {
  const out: FixtureCase[] = [];
  for (const file of readdirSync(FIXTURE_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .sort()) {
    const doc: unknown = parse(readFileSync(join(FIXTURE_DIR, file), 'utf8'));
    if (doc !== null && typeof doc === 'object' && 'unrelated' in doc) continue;
    const parsed = casesFile.safeParse(doc);
    if (!parsed.success)
      throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    for (const c of parsed.data.cases) out.push({ ...c, file });
  }
  return out;
}

export function loadUnrelated(): string[] {
  const doc: unknown = parse(readFileSync(join(FIXTURE_DIR, 'unrelated.yaml'), 'utf8'));
  return unrelatedFile.parse(doc).unrelated;
}
