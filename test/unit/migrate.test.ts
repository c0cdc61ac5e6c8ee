import { copyFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { listMigrations, migrate, MigrationError, schemaVersion } from '../../server/db/migrate.js';
import { openDatabase, type Db } from '../../server/db/open.js';
import { projectPaths } from '../../server/paths.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

const MIGRATIONS = projectPaths().migrations;
const LATEST = listMigrations(MIGRATIONS).length;

const open: Db[] = [];
afterEach(() => {
  for (const db of open.splice(0)) if (db.open) db.close();
});
afterAll(removeTempDirs);

async function freshDb(): Promise<Db> {
  const db = openDatabase(join(await tempDir(), 'coffer.db'));
  open.push(db);
  return db;
}

function tables(db: Db): string[] {
  return db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").pluck().all() as string[];
}

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
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
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
    const dir = await migrationsFolder({ '0001_a.sql': 'SELECT 1;', '0001_b.sql': 'SELECT 1;', '0002_c.sql': 'SELECT 1;' });
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

describe('0001_init', () => {
  it('creates setup_tokens as a strict table with the expected columns', async () => {
    const dir = await tempDir('coffer-migrations-');
    await copyFile(join(MIGRATIONS, '0001_init.sql'), join(dir, '0001_init.sql'));
    const db = await freshDb();
    migrate(db, dir);
    const columns = db.pragma('table_info(setup_tokens)') as { name: string; type: string; notnull: number; pk: number }[];
    expect(columns.map(({ name, type, notnull, pk }) => ({ name, type, notnull, pk }))).toEqual([
      { name: 'token_hash', type: 'BLOB', notnull: 1, pk: 1 },
      { name: 'created_at', type: 'INTEGER', notnull: 1, pk: 0 },
      { name: 'expires_at', type: 'INTEGER', notnull: 1, pk: 0 },
      { name: 'used_at', type: 'INTEGER', notnull: 0, pk: 0 },
    ]);
    const list = db.pragma('table_list(setup_tokens)') as { strict: number }[];
    expect(list[0]?.strict).toBe(1);

    const insert = db.prepare('INSERT INTO setup_tokens (token_hash, created_at, expires_at, used_at) VALUES (?, ?, ?, ?)');
    const hash = new Uint8Array(32).fill(7);
    expect(() => insert.run(new Uint8Array(31), 1, 2, null)).toThrow(/CHECK/);
    expect(() => insert.run(hash, 10, 5, null)).toThrow(/CHECK/);
    expect(() => insert.run(hash, 'ten', 20, null)).toThrow(/cannot store TEXT/);
    insert.run(hash, 10, 20, null);
    expect(() => insert.run(hash, 10, 20, null)).toThrow(/UNIQUE|PRIMARY/);
  });
});
