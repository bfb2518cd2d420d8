import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { makeReply } from '../../../src/core/reply';
import { MIGRATIONS, type Migration } from '../../../src/store/migrations';
import { openSqliteStore, type SqliteStore } from '../../../src/store/sqlite';
import type { NewDigest } from '../../../src/store/types';
import { diagErrorWith } from '../../helpers/diag-error';

/** The SQLite store on temp files: no server, just the file format and its locking. */
let dir: string;
const opened: SqliteStore[] = [];
const open = (file = join(dir, 'diagbot.db'), migrations?: readonly Migration[]): SqliteStore => {
  const store = openSqliteStore(file, { migrations });
  opened.push(store);
  return store;
};
const T0 = new Date('2026-03-01T08:00:00Z');
const digestInput = (over: Partial<NewDigest> = {}): NewDigest => ({
  platform: 'slack',
  channelId: 'C0MAIL',
  schedule: '0 8 * * *',
  scheduleText: 'daily 08:00',
  timezone: 'Europe/London',
  commands: ['cert mail.contoso.com', 'relay 203.0.113.9'],
  createdBy: 'U0ADMIN',
  now: T0,
  ...over,
});

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'diagbot-store-'));
});
afterEach(() => {
  for (const store of opened.splice(0)) store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('opening', () => {
  it('creates a missing file (and its directories) as a fresh store in WAL mode', async () => {
    const store = open(join(dir, 'nested', 'deeper', 'bot.db'));
    expect(await store.digests.list()).toEqual([]);
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    const versions = store.db.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all();
    expect(versions).toEqual(MIGRATIONS.map((m) => m.version));
  });

  it('keeps digests across a reopen (and does not re-run migrations)', async () => {
    const first = open();
    const created = await first.digests.create(digestInput(), { maxPerChannel: 20 });
    first.close();
    const second = open();
    const all = await second.digests.list();
    expect(all.map((d) => d.id)).toEqual(['created' in created ? created.created.id : 'missing']);
    expect(all[0]?.commands).toEqual(digestInput().commands);
  });

  it('refuses a corrupt file with a clear error and leaves its bytes alone', () => {
    const file = join(dir, 'diagbot.db');
    const garbage = Buffer.from(
      'this is not an sqlite database, it is a text file that happens to be here\n'.repeat(40),
    );
    writeFileSync(file, garbage);
    let caught: unknown;
    try {
      open(file);
    } catch (error) {
      caught = error;
    }
    expect(caught).toEqual(diagErrorWith('store.failed'));
    expect((caught as Error).message).toContain(file);
    expect((caught as Error).message).toMatch(/damaged or is not an SQLite database/);
    expect((caught as Error).message).toMatch(/did not change it/);
    expect(readFileSync(file).equals(garbage)).toBe(true);
  });

  it('refuses a database another program made, without touching its tables', () => {
    const file = join(dir, 'other.db');
    const other = new BetterSqlite3(file);
    other.exec('CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL); INSERT INTO invoices VALUES (1, 9.5)');
    other.close();
    expect(() => open(file)).toThrow(/tables diagbot did not create \(invoices\)/);
    const check = new BetterSqlite3(file);
    expect(check.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all()).toEqual(['invoices']);
    check.close();
  });

  it('refuses a database from a newer diagbot', () => {
    const file = join(dir, 'newer.db');
    open(file).close();
    const raw = new BetterSqlite3(file);
    raw
      .prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)')
      .run(999, 'from the future', Date.now());
    raw.close();
    expect(() => open(file)).toThrow(/newer diagbot \(schema version 999/);
  });

  it('refuses a directory where the file should be', () => {
    expect(() => open(dir)).toThrow(/is a directory/);
  });
});

describe('migrations', () => {
  it('applies an appended migration to an existing database, once', () => {
    const file = join(dir, 'grow.db');
    open(file).close();
    const next = (MIGRATIONS.at(-1)?.version ?? 0) + 1;
    const longer: Migration[] = [
      ...MIGRATIONS,
      { version: next, name: 'notes', up: 'CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)' },
    ];
    const store = open(file, longer);
    expect(store.db.prepare("SELECT COUNT(*) FROM sqlite_master WHERE name = 'notes'").pluck().get()).toBe(1);
    store.close();
    // Opening again with the same list changes nothing (a second CREATE TABLE would throw).
    expect(() => open(file, longer).close()).not.toThrow();
  });

  it('rolls a failing migration back completely', () => {
    const file = join(dir, 'fail.db');
    const broken: Migration[] = [
      ...MIGRATIONS,
      { version: 500, name: 'half', up: 'CREATE TABLE half (id INTEGER); CREATE TABLE half (id INTEGER);' },
    ];
    expect(() => open(file, broken)).toThrow(diagErrorWith('store.failed'));
    const raw = new BetterSqlite3(file);
    expect(raw.prepare("SELECT COUNT(*) FROM sqlite_master WHERE name = 'half'").pluck().get()).toBe(0);
    expect(raw.prepare('SELECT MAX(version) FROM schema_migrations').pluck().get()).toBe(MIGRATIONS.at(-1)?.version);
    raw.close();
  });

  it('rejects a list whose versions do not increase', () => {
    expect(() =>
      open(join(dir, 'x.db'), [
        { version: 2, name: 'b', up: '' },
        { version: 1, name: 'a', up: '' },
      ]),
    ).toThrow(/increasing/);
  });
});

describe('digests', () => {
  it('enforces the per-channel limit inside the insert transaction', async () => {
    const store = open();
    for (let i = 0; i < 3; i += 1)
      expect('created' in (await store.digests.create(digestInput(), { maxPerChannel: 3 }))).toBe(true);
    expect(await store.digests.create(digestInput(), { maxPerChannel: 3 })).toEqual({ limitReached: 3 });
    // Another channel has its own allowance.
    expect('created' in (await store.digests.create(digestInput({ channelId: 'C0OTHER' }), { maxPerChannel: 3 }))).toBe(
      true,
    );
    expect((await store.digests.list({ platform: 'slack', channelId: 'C0MAIL' })).length).toBe(3);
    expect((await store.digests.list()).length).toBe(4);
  });

  it('pauses, resumes (moving activeSince) and removes with runs cascading', async () => {
    const store = open();
    const made = await store.digests.create(digestInput(), { maxPerChannel: 20 });
    if (!('created' in made)) throw new Error('not created');
    const { id } = made.created;
    expect((await store.digests.setPaused(id, true, T0))?.paused).toBe(true);
    const later = new Date(T0.getTime() + 86_400_000);
    const resumed = await store.digests.setPaused(id, false, later);
    expect(resumed?.paused).toBe(false);
    expect(resumed?.activeSince.toISOString()).toBe(later.toISOString());
    await store.runs.claim({
      digestId: id,
      slot: 's1',
      slotAt: T0,
      kind: 'scheduled',
      owner: 'a',
      now: T0,
      posts: true,
    });
    expect(await store.digests.remove(id)).toBe(true);
    expect(await store.digests.get(id)).toBeUndefined();
    expect(store.db.prepare('SELECT COUNT(*) FROM digest_runs').pluck().get()).toBe(0);
    expect(await store.digests.remove(id)).toBe(false);
  });

  it('validates rows on the way out and names the bad one', async () => {
    const store = open();
    const made = await store.digests.create(digestInput(), { maxPerChannel: 20 });
    if (!('created' in made)) throw new Error('not created');
    store.db.prepare("UPDATE digests SET commands = '{not json' WHERE id = ?").run(made.created.id);
    await expect(store.digests.get(made.created.id)).rejects.toThrow(
      new RegExp(`digests row \\(id ${made.created.id}\\).*commands`),
    );
  });
});

describe('conversation references', () => {
  it('saves, replaces and loads a Teams reference as JSON', async () => {
    const store = open();
    expect(await store.conversations.load('teams', '19:abc@thread.tacv2')).toBeUndefined();
    await store.conversations.save('teams', '19:abc@thread.tacv2', {
      serviceUrl: 'https://smba.example/',
      conversation: { id: '19:abc' },
      n: 1,
    });
    await store.conversations.save('teams', '19:abc@thread.tacv2', {
      serviceUrl: 'https://smba.example/',
      conversation: { id: '19:abc' },
      n: 2,
    });
    expect(await store.conversations.load('teams', '19:abc@thread.tacv2')).toEqual({
      serviceUrl: 'https://smba.example/',
      conversation: { id: '19:abc' },
      n: 2,
    });
    expect(await store.conversations.load('slack', '19:abc@thread.tacv2')).toBeUndefined();
  });
});

describe('busy database', () => {
  it("waits for another connection's write lock without failing", async () => {
    const file = join(dir, 'busy.db');
    const store = open(file);
    const other = new BetterSqlite3(file);
    other.exec('BEGIN IMMEDIATE');
    const pending = store.digests.create(digestInput(), { maxPerChannel: 20 });
    // The lock is released a little later, on another turn of the event loop: the create must still land.
    setTimeout(() => other.exec('COMMIT'), 60);
    expect('created' in (await pending)).toBe(true);
    other.close();
  });

  it('gives up with a store.failed error when the lock is never released', async () => {
    const file = join(dir, 'stuck.db');
    const store = open(file);
    const other = new BetterSqlite3(file);
    other.exec('BEGIN IMMEDIATE');
    await expect(store.digests.create(digestInput(), { maxPerChannel: 20 })).rejects.toThrow(/stayed locked/);
    other.exec('ROLLBACK');
    other.close();
  });
});

describe('a reply survives storage', () => {
  it('stores results and the digest reply, and reads them back', async () => {
    const store = open();
    const made = await store.digests.create(digestInput(), { maxPerChannel: 20 });
    if (!('created' in made)) throw new Error('not created');
    const claim = await store.runs.claim({
      digestId: made.created.id,
      slot: 'x',
      slotAt: T0,
      kind: 'scheduled',
      owner: 'me',
      now: T0,
      posts: true,
    });
    if (claim.outcome !== 'claimed') throw new Error('not claimed');
    const reply = makeReply({
      command: 'cert',
      title: 'ok',
      findings: [{ id: 'cert.ok', severity: 'ok', message: 'fine' }],
      data: { daysRemaining: 40 },
    });
    expect(
      await store.runs.finish(claim.run.id, 'me', {
        results: [{ position: 0, command: 'cert a', reply }],
        reply,
        status: 'ok',
        now: T0,
      }),
    ).toBe(true);
    expect(await store.runs.results(claim.run.id)).toEqual([{ position: 0, command: 'cert a', reply }]);
    expect((await store.runs.get(claim.run.id))?.reply).toEqual(reply);
  });
});
