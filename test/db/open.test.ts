import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { integrityCheck, openDatabase, writeTransaction } from '../../db/open';
import { migrate, MIGRATIONS, SCHEMA_VERSION, type Migration } from '../../db/migrations';
import { appendAudit } from '../../db/repositories/audit-log';
import { useTempDir } from '../support/temp-dir';

let dir: string;
useTempDir('db-', (made) => (dir = made));

describe('openDatabase', () => {
  it('creates the schema with WAL, foreign keys, busy timeout and synchronous=FULL', () => {
    const db = openDatabase(join(dir, 's.db'), { busyTimeoutMs: 1234 });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(1234);
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>).map((t) => t.name);
    for (const t of ['recipes', 'golden_samples', 'inspections', 'dialog_turns', 'operator_instructions', 'reviews', 'users', 'audit_log']) {
      expect(tables).toContain(t);
    }
    expect(integrityCheck(db)).toBe('ok');
    db.close();
  });

  it('enforces foreign keys', () => {
    const db = openDatabase(join(dir, 's.db'));
    expect(() =>
      db.prepare("INSERT INTO golden_samples (recipe_id, image_sha256, image_path, source_name, created_at) VALUES (99, 'x', 'x', 'x', 'x')").run(),
    ).toThrow(/FOREIGN KEY/);
    db.close();
  });

  it('refuses updates and deletes of append-only rows', () => {
    const db = openDatabase(join(dir, 's.db'));
    appendAudit(db, { actor: 'a', action: 'x', subject: 's', details: {} });
    expect(() => db.prepare("UPDATE audit_log SET actor = 'b'").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
    db.close();
  });

  it('refuses a database written by a newer app, without touching it', () => {
    const path = join(dir, 's.db');
    const raw = new Database(path);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    raw.close();
    expect(() => openDatabase(path)).toThrow(/newer than this app/);
    const check = new Database(path);
    expect(check.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'recipes'").get()).toEqual({ n: 0 });
    check.close();
  });

  it('applies all pending migrations in one transaction: a failing one leaves the old version', () => {
    const raw = new Database(join(dir, 'm.db'));
    const broken: Migration[] = [...MIGRATIONS, { version: SCHEMA_VERSION + 1, name: 'broken', up: 'CREATE TABLE x (a); SELECT * FROM missing_table;' }];
    expect(() => migrate(raw, broken)).toThrow(/missing_table/);
    expect(raw.pragma('user_version', { simple: true })).toBe(0);
    expect(raw.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE name IN ('recipes', 'x')").get()).toEqual({ n: 0 });
    expect(migrate(raw)).toBe(SCHEMA_VERSION);
    expect(migrate(raw)).toBe(SCHEMA_VERSION);
    raw.close();
  });

  it('maps a database locked by another writer to DB_LOCKED after the busy timeout', () => {
    const path = join(dir, 's.db');
    const holder = openDatabase(path);
    const db = openDatabase(path, { busyTimeoutMs: 100 });
    holder.prepare('BEGIN IMMEDIATE').run();
    try {
      const t0 = Date.now();
      expect(() => writeTransaction(db, 'record the test', () => appendAudit(db, { actor: 'a', action: 'x', subject: 's', details: {} }))).toThrow(
        expect.objectContaining({ code: 'DB_LOCKED', message: expect.stringContaining('locked by another program') }),
      );
      expect(Date.now() - t0).toBeGreaterThanOrEqual(90);
    } finally {
      holder.prepare('ROLLBACK').run();
    }
    writeTransaction(db, 'record the test', () => appendAudit(db, { actor: 'a', action: 'x', subject: 's', details: {} }));
    holder.close();
    db.close();
  });

  it('maps writes to a read-only connection to DB_READONLY', () => {
    const path = join(dir, 's.db');
    openDatabase(path).close();
    const ro = openDatabase(path, { readonly: true });
    expect(() => writeTransaction(ro, 'record the test', () => appendAudit(ro, { actor: 'a', action: 'x', subject: 's', details: {} }))).toThrow(
      expect.objectContaining({ code: 'DB_READONLY' }),
    );
    ro.close();
  });

  it('maps a file that is not a database to one clear error', () => {
    const path = join(dir, 'junk.db');
    const raw = new Database(path);
    raw.close();
    writeFileSync(path, 'this is not sqlite'.repeat(100));
    expect(() => openDatabase(path)).toThrow(expect.objectContaining({ message: expect.stringContaining('damaged') }));
  });
});

describe('writeTransaction without a flush', () => {
  const level = (db: Database.Database) => db.pragma('synchronous', { simple: true });
  const audit = (db: Database.Database) => appendAudit(db, { actor: 'a', action: 'x', subject: 's', details: {} });
  const audits = (db: Database.Database) => (db.prepare('SELECT COUNT(*) AS n FROM audit_log').get() as { n: number }).n;

  it('commits without the WAL flush (synchronous=NORMAL) and leaves the connection at FULL, also after a failure', () => {
    const db = openDatabase(join(dir, 's.db'));
    const seen = writeTransaction(db, 'record the test', () => (audit(db), level(db)), { flush: false });
    expect(seen).toBe(1);
    expect(level(db)).toBe(2);
    expect(audits(db)).toBe(1);
    expect(() =>
      writeTransaction(
        db,
        'record the test',
        () => {
          audit(db);
          throw new Error('no');
        },
        { flush: false },
      ),
    ).toThrow();
    expect(level(db)).toBe(2);
    expect(audits(db)).toBe(1);
    db.close();
  });

  it('inside an open transaction is part of it, at that transaction\'s level', () => {
    const db = openDatabase(join(dir, 's.db'));
    expect(() =>
      writeTransaction(db, 'record the test', () => {
        expect(writeTransaction(db, 'record the inner test', () => (audit(db), level(db)), { flush: false })).toBe(2);
        throw new Error('the outer one fails');
      }),
    ).toThrow();
    expect(audits(db)).toBe(0);
    expect(level(db)).toBe(2);
    db.close();
  });
});
