import type { FindingId } from '../../src/core/finding-ids';

/**
 * A made-up finding id for tests of code that passes ids through without reading them (renderers, the
 * router, runbook links, metrics). Production code names real ids, which the FindingId type checks.
 */
export function fakeId(id: string): FindingId {
  return id as FindingId;
}
