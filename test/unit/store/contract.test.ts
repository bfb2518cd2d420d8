import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteAuditStore } from '../../../src/store/audit-store';
import { openSqliteStore } from '../../../src/store/sqlite';
import { storeContract } from '../../helpers/store-contract';

/** The store contract (test/helpers/store-contract.ts) on SQLite: two connections to one file. */
storeContract(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'diagbot-contract-'));
  const a = openSqliteStore(join(dir, 'db.sqlite'));
  const b = openSqliteStore(join(dir, 'db.sqlite'));
  return {
    a,
    b,
    audit: createSqliteAuditStore(a.db),
    count: async (table) => a.db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number,
    corruptCommands: async (id, text) =>
      void a.db.prepare('UPDATE digests SET commands = ? WHERE id = ?').run(text, id),
    close: async () => {
      a.close();
      b.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
