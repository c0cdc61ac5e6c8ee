// The migrations one by one: 0011_pin_index (protocol §14, the pin index).
import { copyFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { listMigrations, migrate, schemaVersion } from '../../server/kernel/db/migrate.js';
import { type Db } from '../../server/kernel/db/open.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';
import { MIGRATIONS, open, freshDb } from '../helpers/migrations.js';

afterEach(() => {
  for (const db of open.splice(0)) if (db.open) db.close();
});

afterAll(removeTempDirs);

describe('0011_pin_index', () => {
  const bytes = (n: number, fill = 1) => new Uint8Array(n).fill(fill);
  async function migrateUpTo(db: Db, version: number): Promise<void> {
    const dir = await tempDir('coffer-migrations-');
    for (const m of listMigrations(MIGRATIONS).filter((m) => m.version <= version))
      await copyFile(m.file, join(dir, basename(m.file)));
    migrate(db, dir);
  }
  function insertUser(db: Db, id: Uint8Array, email: string): void {
    db.prepare(
      `INSERT INTO users (id, email, name, role, approval, audit_ref, created_at, kdf_salt, kdf_ops, kdf_mem, auth_verifier,
         recovery_verifier, identity_public_key, encryption_public_key, encryption_key_signature, password_bundle, recovery_bundle)
       VALUES (?, ?, 'O', 'staff', 'pending', ?, 1, ?, 3, 67108864, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      id,
      email,
      bytes(16, id[0]),
      bytes(16),
      bytes(32),
      bytes(32),
      bytes(32),
      bytes(32),
      bytes(64),
      bytes(140),
      bytes(140),
    );
  }
  const insertIndex = (db: Db, userId: Uint8Array, counter: number, envelope: Uint8Array) =>
    db
      .prepare('INSERT INTO pin_index (user_id, counter, envelope, updated_at) VALUES (?, ?, ?, 1)')
      .run(userId, counter, envelope);

  it('adds one index per user, with a counter from 1 and an envelope of an index’s length, gone with the user', async () => {
    const db = await freshDb();
    await migrateUpTo(db, 10);
    const user = bytes(16, 9);
    insertUser(db, user, 'o@kantoor.example');
    db.prepare(
      "INSERT INTO pins (owner_id, subject, subject_id, envelope, updated_at) VALUES (?, 'office', ?, ?, 1)",
    ).run(user, bytes(16, 3), bytes(120));
    await migrateUpTo(db, 11);
    expect(schemaVersion(db)).toBe(11);
    // Pins made before stay as they are; nobody has an index until their browser builds one.
    expect(db.prepare('SELECT count(*) FROM pins').pluck().get()).toBe(1);
    expect(db.prepare('SELECT count(*) FROM pin_index').pluck().get()).toBe(0);
    insertIndex(db, user, 1, bytes(99));
    expect(() => insertIndex(db, user, 2, bytes(99))).toThrow(/UNIQUE|PRIMARY/);
    const other = bytes(16, 7);
    insertUser(db, other, 'p@kantoor.example');
    expect(() => insertIndex(db, other, 0, bytes(99))).toThrow(/CHECK/);
    expect(() => insertIndex(db, other, 1, bytes(98))).toThrow(/CHECK/);
    expect(() => insertIndex(db, bytes(16, 5), 1, bytes(99))).toThrow(/FOREIGN KEY/);
    db.prepare('DELETE FROM users WHERE id = ?').run(user);
    expect(db.prepare('SELECT count(*) FROM pin_index').pluck().get()).toBe(0);
  });
});
