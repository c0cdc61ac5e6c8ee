// migrations/0008_upload_commit.sql: the columns a completion writes before the file moves.
// Blob id and hash go together, and only on an unfinished upload.
import { afterAll, describe, expect, it } from 'vitest';
import { migrate } from '../../server/kernel/db/migrate.js';
import { openDatabase, type Db } from '../../server/kernel/db/open.js';
import { dataPaths, projectPaths } from '../../server/kernel/paths.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

afterAll(removeTempDirs);

const bytes = (n: number, fill = 1) => new Uint8Array(n).fill(fill);

async function migrated(): Promise<Db> {
  const db = openDatabase(dataPaths(await tempDir('coffer-migrations-')).database);
  migrate(db, projectPaths().migrations);
  return db;
}

function withUpload(db: Db): Uint8Array {
  const owner = bytes(16, 1);
  db.prepare(
    `INSERT INTO users (id, email, name, role, approval, kdf_salt, kdf_ops, kdf_mem, auth_verifier, recovery_verifier, identity_public_key,
       encryption_public_key, encryption_key_signature, password_bundle, recovery_bundle, audit_ref, created_at)
     VALUES (?, 'u@kantoor.example', 'U', 'staff', 'pending', ?, 3, 67108864, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
  ).run(
    owner,
    bytes(16),
    bytes(32),
    bytes(32),
    bytes(32),
    bytes(32),
    bytes(64),
    bytes(140),
    bytes(140),
    bytes(16, 101),
  );
  db.prepare(
    'INSERT INTO uploads (id, owner_id, size, part_size, part_count, created_at, expires_at) VALUES (?, ?, 100, 40, 3, 1, 2)',
  ).run(bytes(16, 2), owner);
  return bytes(16, 2);
}

describe('0008_upload_commit', () => {
  it('takes a blob id and hash together on an unfinished upload, then hands them to the finished columns', async () => {
    const db = await migrated();
    const id = withUpload(db);
    const set = db.prepare('UPDATE uploads SET commit_blob_id = ?, commit_hash = ? WHERE id = ?');
    expect(() => set.run(bytes(16, 3), null, id)).toThrow(/CHECK/);
    expect(() => set.run(null, bytes(32, 4), id)).toThrow(/CHECK/);
    expect(() => set.run(bytes(15, 3), bytes(32, 4), id)).toThrow(/CHECK/);
    expect(() => set.run(bytes(16, 3), bytes(31, 4), id)).toThrow(/CHECK/);
    set.run(bytes(16, 3), bytes(32, 4), id);
    // Still set when the upload is marked complete: refused.
    expect(() =>
      db
        .prepare(
          'UPDATE uploads SET completed_at = 1, blob_id = commit_blob_id, ciphertext_hash = commit_hash WHERE id = ?',
        )
        .run(id),
    ).toThrow(/CHECK/);
    db.prepare(
      `UPDATE uploads SET completed_at = 1, blob_id = commit_blob_id, ciphertext_hash = commit_hash,
         commit_blob_id = NULL, commit_hash = NULL WHERE id = ?`,
    ).run(id);
    expect(db.prepare('SELECT blob_id, commit_blob_id FROM uploads WHERE id = ?').get(id)).toEqual({
      blob_id: Buffer.from(bytes(16, 3)),
      commit_blob_id: null,
    });
    db.close();
  });
});
