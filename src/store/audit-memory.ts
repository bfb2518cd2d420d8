import type { AuditQuery, AuditRow, AuditStore } from './audit-types';

/**
 * Audit rows in memory, newest kept: for tests and for runs without the SQLite store. Bounded so a
 * long-running bot without a store cannot grow without end.
 */
export function createMemoryAuditStore(
  options: { maxRows?: number } = {},
): AuditStore & { rows(): readonly AuditRow[] } {
  const maxRows = options.maxRows ?? 10_000;
  let rows: AuditRow[] = [];
  return {
    rows: () => rows,
    async append(row) {
      rows.push({ ...row });
      if (rows.length > maxRows) rows = rows.slice(rows.length - maxRows);
    },
    async query(query: AuditQuery) {
      const user = query.userId?.toLowerCase();
      const since = query.since?.getTime();
      const limit = query.limit ?? 50;
      const out: AuditRow[] = [];
      for (let i = rows.length - 1; i >= 0 && out.length < limit; i -= 1) {
        const row = rows[i] as AuditRow;
        if (user !== undefined && row.userId.toLowerCase() !== user) continue;
        if (since !== undefined && Date.parse(row.at) < since) continue;
        out.push({ ...row });
      }
      return out;
    },
    async prune(before) {
      const cut = before.getTime();
      const kept = rows.filter((row) => Date.parse(row.at) >= cut);
      const removed = rows.length - kept.length;
      rows = kept;
      return removed;
    },
  };
}
