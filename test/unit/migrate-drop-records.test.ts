// The migrations one by one: 0009_drop_records (protocol §13, "Drop record").
import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../../server/kernel/db/migrate.js';
import { type Db } from '../../server/kernel/db/open.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';
import { MIGRATIONS, open, freshDb } from '../helpers/migrations.js';

afterEach(() => {
  for (const db of open.splice(0)) if (db.open) db.close();
});

afterAll(removeTempDirs);

describe('0009_drop_records', () => {
  const bytes = (n: number, fill = 1) => new Uint8Array(n).fill(fill);
  async function migrateTo(db: Db, files: readonly string[]): Promise<void> {
    const dir = await tempDir('coffer-migrations-');
    for (const file of files) await copyFile(join(MIGRATIONS, file), join(dir, file));
    migrate(db, dir);
  }
  const BEFORE = [
    '0001_init.sql',
    '0002_accounts.sql',
    '0003_uploads.sql',
    '0004_shares.sql',
    '0005_drops.sql',
    '0006_clients.sql',
    '0007_mail_queue.sql',
    '0008_upload_commit.sql',
  ];
  function insertDrop(db: Db, owner: Uint8Array, fill: number, signedRecord?: Uint8Array | null) {
    const withRecord = signedRecord !== undefined;
    db.prepare(
      `INSERT INTO drops (id, owner_id, audit_ref, link_ref, created_at, expires_at, personal, title, instructions, email, max_files, max_bytes,
         single_use, public_key, secrets_owner, secrets_office, label_owner, label_office${withRecord ? ', signed_record' : ''})
       VALUES (?, ?, ?, ?, 1, 2, 0, 'Titel', '', NULL, 10, 1000, 0, ?, ?, ?, ?, ?${withRecord ? ', ?' : ''})`,
    ).run(
      bytes(16, fill),
      owner,
      bytes(16, fill + 1),
      bytes(16, fill + 2),
      bytes(32),
      bytes(190),
      bytes(190),
      bytes(376),
      bytes(376),
      ...(withRecord ? [signedRecord] : []),
    );
  }

  it('keeps drops made before records (record NULL) and stores a record of a signed envelope’s length', async () => {
    const db = await freshDb();
    await migrateTo(db, BEFORE);
    const owner = bytes(16, 9);
    db.prepare(
      `INSERT INTO users (id, email, name, role, approval, audit_ref, created_at, kdf_salt, kdf_ops, kdf_mem, auth_verifier,
         recovery_verifier, identity_public_key, encryption_public_key, encryption_key_signature, password_bundle, recovery_bundle)
       VALUES (?, 'o@kantoor.example', 'O', 'staff', 'pending', ?, 1, ?, 3, 67108864, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      owner,
      bytes(16, 99),
      bytes(16),
      bytes(32),
      bytes(32),
      bytes(32),
      bytes(32),
      bytes(64),
      bytes(140),
      bytes(140),
    );
    insertDrop(db, owner, 20);
    await migrateTo(db, [...BEFORE, '0009_drop_records.sql']);
    expect(schemaVersion(db)).toBe(9);
    expect(db.prepare('SELECT signed_record FROM drops').pluck().get()).toBeNull();
    insertDrop(db, owner, 30, bytes(249));
    expect(() => insertDrop(db, owner, 40, bytes(10))).toThrow(/CHECK/);
    expect(db.prepare('SELECT count(*) FROM drops WHERE signed_record IS NOT NULL').pluck().get()).toBe(1);
  });
});
