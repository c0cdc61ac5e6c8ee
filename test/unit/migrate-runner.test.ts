// The migration runner (server/kernel/db/migrate.ts): the pragmas openDatabase sets, applying,
// re-running, rolling back and refusing migrations, and the foreign-keys-off marker.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { listMigrations, migrate, MigrationError, schemaVersion } from '../../server/kernel/db/migrate.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';
import { MIGRATIONS, open, freshDb, tables } from '../helpers/migrations.js';

const LATEST = listMigrations(MIGRATIONS).length;

afterEach(() => {
  for (const db of open.splice(0)) if (db.open) db.close();
});

afterAll(removeTempDirs);

async function migrationsFolder(files: Record<string, string>): Promise<string> {
  const dir = await tempDir('coffer-migrations-');
  for (const [name, sql] of Object.entries(files)) await writeFile(join(dir, name), sql);
  return dir;
}

function migrationError(run: () => unknown): MigrationError {
  try {
    run();
  } catch (error) {
    if (error instanceof MigrationError) return error;
    throw error;
  }
  throw new Error('expected a MigrationError');
}

describe('openDatabase', () => {
  it('puts the required pragmas in effect', async () => {
    const db = await freshDb();
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('secure_delete', { simple: true })).toBe(1);
    // Short: SQLite's wait blocks the event loop; longer waits are on timers (server/kernel/db/busy.ts).
    expect(db.pragma('busy_timeout', { simple: true })).toBe(100);
    expect(db.pragma('journal_size_limit', { simple: true })).toBe(64 * 1024 * 1024);
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
  });
});

describe('migrate', () => {
  it('applies every migration to a fresh database and sets user_version to N', async () => {
    const db = await freshDb();
    const result = migrate(db, MIGRATIONS);
    expect(LATEST).toBeGreaterThanOrEqual(1);
    expect(result.from).toBe(0);
    expect(result.to).toBe(LATEST);
    expect(result.applied.map((m) => m.version)).toEqual(Array.from({ length: LATEST }, (_, i) => i + 1));
    expect(schemaVersion(db)).toBe(LATEST);
  });

  it('does nothing when run again', async () => {
    const db = await freshDb();
    migrate(db, MIGRATIONS);
    const before = db.prepare('SELECT sql FROM sqlite_schema ORDER BY name').pluck().all();
    const again = migrate(db, MIGRATIONS);
    expect(again).toMatchObject({ from: LATEST, to: LATEST, applied: [] });
    expect(db.prepare('SELECT sql FROM sqlite_schema ORDER BY name').pluck().all()).toEqual(before);
  });

  it('rolls a failing migration back completely', async () => {
    const dir = await migrationsFolder({
      '0001_first.sql': 'CREATE TABLE first (id INTEGER PRIMARY KEY) STRICT;',
      // The first statement succeeds, the second fails: neither may remain.
      '0002_broken.sql': 'CREATE TABLE second (id INTEGER PRIMARY KEY) STRICT;\nINSERT INTO no_such_table VALUES (1);',
    });
    const db = await freshDb();
    const error = migrationError(() => migrate(db, dir));
    expect(error.kind).toBe('failed');
    expect(error.message).toContain('migration 2 (broken)');
    expect(tables(db)).toEqual(['first']);
    expect(schemaVersion(db)).toBe(1);
    expect(db.inTransaction).toBe(false);
  });

  it('refuses a migration that ends the transaction itself', async () => {
    const dir = await migrationsFolder({ '0001_sneaky.sql': 'CREATE TABLE sneaky (id INTEGER) STRICT; COMMIT;' });
    const db = await freshDb();
    expect(migrationError(() => migrate(db, dir)).kind).toBe('failed');
    expect(schemaVersion(db)).toBe(0);
  });

  it('refuses a database written by a newer Coffer', async () => {
    const db = await freshDb();
    migrate(db, MIGRATIONS);
    db.pragma(`user_version = ${LATEST + 1}`);
    const error = migrationError(() => migrate(db, MIGRATIONS));
    expect(error.kind).toBe('newer_database');
    expect(error.message).toContain('newer Coffer');
    expect(schemaVersion(db)).toBe(LATEST + 1);
  });

  it('refuses a gap in the numbering', async () => {
    const dir = await migrationsFolder({ '0001_a.sql': 'SELECT 1;', '0003_c.sql': 'SELECT 1;' });
    const db = await freshDb();
    expect(migrationError(() => migrate(db, dir)).kind).toBe('numbering');
    expect(schemaVersion(db)).toBe(0);
    const late = await migrationsFolder({ '0002_b.sql': 'SELECT 1;' });
    expect(migrationError(() => listMigrations(late)).kind).toBe('numbering');
  });

  it('refuses a duplicate number', async () => {
    const dir = await migrationsFolder({
      '0001_a.sql': 'SELECT 1;',
      '0001_b.sql': 'SELECT 1;',
      '0002_c.sql': 'SELECT 1;',
    });
    const error = migrationError(() => listMigrations(dir));
    expect(error.kind).toBe('numbering');
    expect(error.message).toContain('two migrations have number 1');
  });

  it('refuses a .sql file that is not named NNNN_name.sql', async () => {
    const dir = await migrationsFolder({ '0001_a.sql': 'SELECT 1;', '2_b.sql': 'SELECT 1;' });
    expect(migrationError(() => listMigrations(dir)).kind).toBe('numbering');
  });

  it('applies only the pending migrations of an older database', async () => {
    const dir = await migrationsFolder({ '0001_a.sql': 'CREATE TABLE a (id INTEGER) STRICT;' });
    const db = await freshDb();
    migrate(db, dir);
    await writeFile(join(dir, '0002_b.sql'), 'CREATE TABLE b (id INTEGER) STRICT;');
    const result = migrate(db, dir);
    expect(result).toMatchObject({ from: 1, to: 2 });
    expect(result.applied.map((m) => m.name)).toEqual(['b']);
    expect(tables(db)).toEqual(['a', 'b']);
  });
});

describe('the foreign-keys-off marker', () => {
  const parent =
    'CREATE TABLE parent (id INTEGER PRIMARY KEY, v INTEGER) STRICT;\nCREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL REFERENCES parent (id) ON DELETE CASCADE) STRICT;\nINSERT INTO parent VALUES (1, 1);\nINSERT INTO child VALUES (1, 1);';
  const rebuild =
    'CREATE TABLE parent_next (id INTEGER PRIMARY KEY, v INTEGER CHECK (v > 0)) STRICT;\nINSERT INTO parent_next SELECT * FROM parent;\nDROP TABLE parent;\nALTER TABLE parent_next RENAME TO parent;';

  it('turns foreign keys off around the transaction, so dropping a parent cascades nothing, and on again after', async () => {
    const dir = await migrationsFolder({
      '0001_a.sql': parent,
      '0002_b.sql': `-- coffer:foreign-keys-off\n${rebuild}`,
    });
    const db = await freshDb();
    migrate(db, dir);
    expect(db.prepare('SELECT count(*) FROM child').pluck().get()).toBe(1);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    // The child's reference now names the rebuilt table, with its cascade.
    db.prepare('DELETE FROM parent').run();
    expect(db.prepare('SELECT count(*) FROM child').pluck().get()).toBe(0);
  });

  it('is needed: the same rebuild without it loses the child rows (the reason for the marker)', async () => {
    const dir = await migrationsFolder({ '0001_a.sql': parent, '0002_b.sql': rebuild });
    const db = await freshDb();
    migrate(db, dir);
    expect(db.prepare('SELECT count(*) FROM child').pluck().get()).toBe(0);
  });

  it('still refuses a migration that leaves a broken reference, and turns foreign keys on again', async () => {
    const dir = await migrationsFolder({
      '0001_a.sql': parent,
      '0002_b.sql': '-- coffer:foreign-keys-off\nDELETE FROM parent;',
    });
    const db = await freshDb();
    const error = migrationError(() => migrate(db, dir));
    expect(error.kind).toBe('failed');
    expect(error.message).toContain('foreign key');
    expect(schemaVersion(db)).toBe(1);
    expect(db.prepare('SELECT count(*) FROM parent').pluck().get()).toBe(1);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
  });
});
