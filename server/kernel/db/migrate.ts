// Forward-only schema migrations: `migrations/NNNN_name.sql`, numbered 1..N without gaps.
// Each runs in its own BEGIN IMMEDIATE transaction that also sets PRAGMA user_version, so a
// migration either applies completely or leaves no trace. A database whose user_version is
// higher than the newest migration was written by a newer Coffer and is refused: running old
// code on it could misread or damage data.
//
// A migration that rebuilds a table other tables refer to starts with the line
// `-- coffer:foreign-keys-off` (FOREIGN_KEYS_OFF): SQLite's 12-step ALTER TABLE procedure needs
// foreign keys off while the old table is dropped (with them on, DROP TABLE is an implicit
// DELETE that cascades), and PRAGMA foreign_keys is a no-op inside a transaction, so the
// runner turns them off before BEGIN IMMEDIATE and on again afterwards, whatever happens.
// PRAGMA foreign_key_check still runs before every COMMIT.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from './open.js';

const FILE_PATTERN = /^(\d{4})_([a-z0-9][a-z0-9_]*)\.sql$/;
const FOREIGN_KEYS_OFF = '-- coffer:foreign-keys-off';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly file: string;
}

export interface MigrationResult {
  readonly from: number;
  readonly to: number;
  readonly applied: readonly Migration[];
}

export type MigrationErrorKind = 'numbering' | 'newer_database' | 'failed';

export class MigrationError extends Error {
  override readonly name = 'MigrationError';
  constructor(
    readonly kind: MigrationErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Reads and checks the migration files of `dir`, in order. */
export function listMigrations(dir: string): Migration[] {
  const migrations: Migration[] = [];
  for (const file of readdirSync(dir).sort()) {
    if (!file.endsWith('.sql')) continue;
    const match = FILE_PATTERN.exec(file);
    if (match === null) {
      throw new MigrationError('numbering', `migration file ${file} is not named NNNN_name.sql`);
    }
    migrations.push({ version: Number(match[1]), name: match[2] as string, file: join(dir, file) });
  }
  migrations.forEach((migration, index) => {
    if (migration.version === 0) throw new MigrationError('numbering', 'migration numbers start at 0001');
    if (migration.version === index) {
      throw new MigrationError('numbering', `two migrations have number ${migration.version}`);
    }
    if (migration.version !== index + 1) {
      throw new MigrationError(
        'numbering',
        `migrations must be numbered 1..N without gaps: expected ${index + 1}, found ${migration.version}`,
      );
    }
  });
  return migrations;
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

export function migrate(db: Db, dir: string): MigrationResult {
  const migrations = listMigrations(dir);
  const latest = migrations.length;
  const from = schemaVersion(db);
  if (from > latest) {
    throw new MigrationError(
      'newer_database',
      `the database was written by a newer Coffer (schema version ${from}; this version knows up to ${latest}); upgrade Coffer or restore a matching backup`,
    );
  }
  const applied: Migration[] = [];
  for (const migration of migrations.slice(from)) {
    apply(db, migration);
    applied.push(migration);
  }
  return { from, to: schemaVersion(db), applied };
}

function apply(db: Db, migration: Migration): void {
  const sql = readFileSync(migration.file, 'utf8');
  const foreignKeysOff = sql.split('\n', 1)[0]?.trim() === FOREIGN_KEYS_OFF;
  const foreignKeysWere = db.pragma('foreign_keys', { simple: true }) as number;
  if (foreignKeysOff) db.pragma('foreign_keys = OFF');
  try {
    applyInTransaction(db, migration, sql);
  } finally {
    if (foreignKeysOff) db.pragma(`foreign_keys = ${foreignKeysWere === 1 ? 'ON' : 'OFF'}`);
  }
}

function applyInTransaction(db: Db, migration: Migration, sql: string): void {
  db.exec('BEGIN IMMEDIATE');
  try {
    db.exec(sql);
    // A migration that commits or rolls back by itself would escape the all-or-nothing rule.
    if (!db.inTransaction) throw new Error('the migration ended the transaction itself');
    const violations = db.pragma('foreign_key_check') as unknown[];
    if (violations.length > 0) throw new Error('the migration leaves rows that break a foreign key');
    db.pragma(`user_version = ${migration.version}`);
    db.exec('COMMIT');
  } catch (error) {
    if (db.inTransaction) db.exec('ROLLBACK');
    const reason = error instanceof Error ? error.message : 'unknown error';
    throw new MigrationError(
      'failed',
      `migration ${migration.version} (${migration.name}) failed and was rolled back: ${reason}`,
      {
        cause: error,
      },
    );
  }
}
