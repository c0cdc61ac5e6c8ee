// What the migration tests (test/unit/migrate-*.test.ts) share: the project's migrations and
// fresh databases in temporary folders (each file's afterEach closes the ones in `open`).
import { copyFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { listMigrations, migrate } from '../../server/kernel/db/migrate.js';
import { openDatabase, type Db } from '../../server/kernel/db/open.js';
import { projectPaths } from '../../server/kernel/paths.js';
import { tempDir } from './tmp.js';

export const MIGRATIONS = projectPaths().migrations;

export const open: Db[] = [];

export async function freshDb(): Promise<Db> {
  const db = openDatabase(join(await tempDir(), 'coffer.db'));
  open.push(db);
  return db;
}

export function tables(db: Db): string[] {
  return db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").pluck().all() as string[];
}

/** Applies the project's migrations numbered up to `version` (copied to a folder of their own). */
export async function migrateUpTo(db: Db, version: number): Promise<void> {
  const dir = await tempDir('coffer-migrations-');
  for (const m of listMigrations(MIGRATIONS).filter((m) => m.version <= version)) {
    await copyFile(m.file, join(dir, basename(m.file)));
  }
  migrate(db, dir);
}

const filled = (n: number, fill = 0) => new Uint8Array(n).fill(fill);

/**
 * A pending staff member with placeholder keys, as every schema since 0002 accepts it; the
 * audit reference is 16 bytes of `auditFill`, so two users need two different ones.
 */
export function insertPendingUser(db: Db, user: { id: Uint8Array; email: string; auditFill: number }): void {
  db.prepare(
    `INSERT INTO users (id, email, name, role, approval, audit_ref, created_at, kdf_salt, kdf_ops, kdf_mem, auth_verifier,
       recovery_verifier, identity_public_key, encryption_public_key, encryption_key_signature, password_bundle, recovery_bundle)
     VALUES (?, ?, 'U', 'staff', 'pending', ?, 1, ?, 3, 67108864, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    user.id,
    user.email,
    filled(16, user.auditFill),
    filled(16, 1),
    filled(32, 1),
    filled(32, 1),
    filled(32, 1),
    filled(32, 1),
    filled(64, 1),
    filled(140, 1),
    filled(140, 1),
  );
}
