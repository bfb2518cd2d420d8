import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { INTERNAL_ERROR_CODES } from '../../../src/core/errors';
import {
  CODE_FINDING_KINDS,
  CONTRACT_FINDING_IDS,
  EXTRA_FINDING_IDS,
  isFindingId,
  type FindingId,
} from '../../../src/core/finding-ids';

/**
 * The FindingId union (src/core/finding-ids.ts) against contracts/reply.md: the contract lives beside the
 * architecture document, outside the repository (DIAGBOT_CONTRACTS_DIR, default /work/shared/contracts).
 */
const CONTRACT = join(process.env.DIAGBOT_CONTRACTS_DIR ?? '/work/shared/contracts', 'reply.md');

/** An id as the contract writes one: lower-case words joined by dots or hyphens (placeholders like `kb.<entry-id>` are not). */
const ID = /^[a-z][a-z0-9]*(?:[.-][a-z0-9]+)*$/;

/** The backticked ids of one paragraph. */
function idsIn(paragraph: string): string[] {
  return [...paragraph.matchAll(/`([^`]+)`/g)].map((m) => m[1] as string).filter((token) => ID.test(token));
}

/** The paragraph that starts with `lead` (up to the next blank line), in each place it appears. */
function paragraphs(text: string, lead: RegExp): string[] {
  return text.split(/\n\s*\n/).filter((paragraph) => lead.test(paragraph));
}

interface ContractIds {
  /** Every finding id the contract lists: the shared errors and each command's `Finding ids:`. */
  ids: Set<string>;
  /** The `code.<kind>` ids it names as examples of the decoded codes. */
  codeIds: string[];
  /** The knowledge-base entry ids it names (each a `kb.<id>` finding). */
  kbEntries: string[];
}

function readContract(text: string): ContractIds {
  // The shared errors: the first backticked word of each `·` item (their explanations name no ids).
  const shared = paragraphs(text, /^## Errors every command shares/m).flatMap((paragraph) =>
    paragraph
      .split('·')
      .map((item) => idsIn(item)[0])
      .filter((id): id is string => id !== undefined),
  );
  // A command's list: every backticked dotted word (the prose around them names data keys such as `data`).
  const lists = paragraphs(text, /^Finding ids:/m)
    .flatMap(idsIn)
    .filter((id) => id.includes('.'));
  const all = [...shared, ...lists];
  const codeIds = all.filter((id) => id.startsWith('code.'));
  const kbEntries = paragraphs(text, /^Knowledge-base ids/m).flatMap(idsIn);
  return { ids: new Set(all.filter((id) => !id.startsWith('code.'))), codeIds, kbEntries };
}

const available = existsSync(CONTRACT);
const describeContract = available ? describe : describe.skip;

// The contract is not part of a clone: where it is absent (a CI runner without the shared folder) this check
// skips rather than fail a build on a missing document; the typecheck still holds every id to the union.

describeContract('FindingId and contracts/reply.md', () => {
  const contract = available
    ? readContract(readFileSync(CONTRACT, 'utf8'))
    : { ids: new Set<string>(), codeIds: [], kbEntries: [] };

  it('reads a plausible number of ids out of the document (the parser still fits it)', () => {
    expect(contract.ids.size).toBeGreaterThan(80);
    expect(contract.ids).toContain('usage');
    expect(contract.ids).toContain('cert.expiring-soon');
    expect(contract.ids).toContain('headers.none');
    expect(contract.codeIds).toContain('code.hresult');
    expect(contract.kbEntries).toContain('tls.trust-relationship');
  });

  it('lists exactly the contract ids as CONTRACT_FINDING_IDS', () => {
    expect([...CONTRACT_FINDING_IDS].sort()).toEqual([...contract.ids].sort());
  });

  it('keeps the ids beyond the contract apart from it, each once', () => {
    expect(EXTRA_FINDING_IDS.filter((id) => contract.ids.has(id))).toEqual([]);
    expect(new Set(EXTRA_FINDING_IDS).size).toBe(EXTRA_FINDING_IDS.length);
    expect(new Set(CONTRACT_FINDING_IDS).size).toBe(CONTRACT_FINDING_IDS.length);
  });

  it('covers every code kind the contract names, and every knowledge-base id it names', () => {
    for (const id of contract.codeIds) expect(CODE_FINDING_KINDS).toContain(id.slice('code.'.length));
    for (const entry of contract.kbEntries) expect(isFindingId(`kb.${entry}`)).toBe(true);
  });
});

describe('isFindingId', () => {
  it('accepts the listed ids and the kb./code. families, and nothing else', () => {
    for (const id of [...CONTRACT_FINDING_IDS, ...EXTRA_FINDING_IDS]) expect(isFindingId(id)).toBe(true);
    expect(isFindingId('kb.exchange.ems-iis-access-denied')).toBe(true);
    expect(isFindingId('code.ntstatus')).toBe(true);
    expect(isFindingId('code.nonsense')).toBe(false);
    expect(isFindingId('kb.')).toBe(false);
    expect(isFindingId('cert.expiring_soon')).toBe(false);
    expect(isFindingId('constructor')).toBe(false);
  });

  it('never mistakes an internal error code for a finding id', () => {
    for (const code of INTERNAL_ERROR_CODES) expect(isFindingId(code)).toBe(false);
  });

  it('is a type a misspelt id does not satisfy (checked by the typecheck)', () => {
    const good: FindingId = 'cert.expiring-soon';
    const kb: FindingId = 'kb.tls.trust-relationship';
    const code: FindingId = 'code.hresult';
    // @ts-expect-error a misspelt id is not a FindingId
    const misspelt: FindingId = 'cert.expiring_soon';
    // @ts-expect-error an unknown code kind is not a FindingId
    const unknownKind: FindingId = 'code.morse';
    expect([good, kb, code, misspelt, unknownKind]).toHaveLength(5);
  });
});
