import type { Finding, FindingId, Fix } from '../../src/core/reply';

/** A finding without a `fix` key at all when there is no fix. */
export function finding(id: FindingId, severity: Finding['severity'], message: string, fix?: Fix): Finding {
  return { id, severity, message, ...(fix ? { fix } : {}) };
}
