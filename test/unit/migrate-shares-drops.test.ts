// The migrations one by one: 0003_uploads, 0004_shares and 0005_drops.
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

describe('0003_uploads and 0004_shares', () => {
  async function sharesDb(upTo = 4): Promise<Db> {
    const dir = await tempDir('coffer-migrations-');
    for (const file of ['0001_init.sql', '0002_accounts.sql', '0003_uploads.sql', '0004_shares.sql'].slice(0, upTo))
      await copyFile(join(MIGRATIONS, file), join(dir, file));
    const db = await freshDb();
    migrate(db, dir);
    return db;
  }
  const bytes = (n: number, fill = 1) => new Uint8Array(n).fill(fill);
  function user(db: Db, fill: number) {
    db.prepare(
      `INSERT INTO users (id, email, name, role, approval, kdf_salt, kdf_ops, kdf_mem, auth_verifier, recovery_verifier, identity_public_key,
         encryption_public_key, encryption_key_signature, password_bundle, recovery_bundle, audit_ref, created_at)
       VALUES (?, ?, 'U', 'staff', 'pending', ?, 3, 67108864, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
    ).run(
      bytes(16, fill),
      `u${fill}@kantoor.example`,
      bytes(16),
      bytes(32),
      bytes(32),
      bytes(32),
      bytes(32),
      bytes(64),
      bytes(140),
      bytes(140),
      bytes(16, 100 + fill),
    );
    return bytes(16, fill);
  }

  it('creates strict tables', async () => {
    const db = await sharesDb();
    for (const name of [
      'uploads',
      'upload_parts',
      'shares',
      'share_files',
      'share_recipients',
      'recipient_keys',
      'email_codes',
      'grant_uses',
      'pins',
      'audit_people',
    ]) {
      const list = db.pragma(`table_list(${name})`) as { strict: number }[];
      expect(list[0]?.strict, name).toBe(1);
    }
  });

  it('checks uploads: part count fits the size, a finished upload has its blob and hash, parts go with their upload', async () => {
    const db = await sharesDb(3);
    const owner = user(db, 1);
    const insert = db.prepare(
      'INSERT INTO uploads (id, owner_id, size, part_size, part_count, created_at, expires_at) VALUES (?, ?, ?, ?, ?, 1, 2)',
    );
    expect(() => insert.run(bytes(16, 2), owner, 100, 40, 2)).toThrow(/CHECK/);
    expect(() => insert.run(bytes(16, 2), owner, 100, 40, 4)).toThrow(/CHECK/);
    insert.run(bytes(16, 2), owner, 100, 40, 3);
    expect(() => db.prepare('UPDATE uploads SET completed_at = 1 WHERE id = ?').run(bytes(16, 2))).toThrow(/CHECK/);
    db.prepare('INSERT INTO upload_parts (upload_id, part_index, received_at) VALUES (?, 0, 1)').run(bytes(16, 2));
    expect(() =>
      db.prepare('INSERT INTO upload_parts (upload_id, part_index, received_at) VALUES (?, 0, 1)').run(bytes(16, 9)),
    ).toThrow(/FOREIGN KEY/);
    db.prepare('DELETE FROM uploads WHERE id = ?').run(bytes(16, 2));
    expect(db.prepare('SELECT count(*) FROM upload_parts').pluck().get()).toBe(0);
  });

  it('checks shares: guests alone hold Ks and link secrets, keys and secrets go together, a limit is never passed', async () => {
    const db = await sharesDb();
    const sender = user(db, 1);
    const recipientUser = user(db, 2);
    db.prepare(
      `INSERT INTO shares (id, sender_id, manifest, sender_certificate, sender_encryption_key_signature, created_at, expires_at, download_limit, receipt_mail)
       VALUES (?, ?, ?, ?, ?, 1, 2, 1, 0)`,
    ).run(bytes(16, 5), sender, bytes(100), bytes(100), bytes(64));
    expect(() => db.prepare('UPDATE shares SET downloads_used = 2').run()).toThrow(/CHECK/);
    const recipient = db.prepare(
      `INSERT INTO share_recipients (id, share_id, position, kind, user_id, email, audit_ref, access_code, server_half, link_secret_sender, link_secret_office)
       VALUES (?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    // An account recipient holds no Ks; a guest has no user; Ks comes with both link secrets.
    expect(() =>
      recipient.run(
        bytes(16, 6),
        bytes(16, 5),
        'account',
        recipientUser,
        'u2@kantoor.example',
        bytes(16, 7),
        0,
        bytes(32),
        bytes(60),
        bytes(60),
      ),
    ).toThrow(/CHECK/);
    expect(() =>
      recipient.run(
        bytes(16, 6),
        bytes(16, 5),
        'guest',
        recipientUser,
        'g@example.nl',
        bytes(16, 7),
        0,
        bytes(32),
        bytes(60),
        bytes(60),
      ),
    ).toThrow(/CHECK/);
    expect(() =>
      recipient.run(
        bytes(16, 6),
        bytes(16, 5),
        'guest',
        null,
        'g@example.nl',
        bytes(16, 7),
        0,
        bytes(32),
        null,
        bytes(60),
      ),
    ).toThrow(/CHECK/);
    recipient.run(
      bytes(16, 6),
      bytes(16, 5),
      'guest',
      null,
      'g@example.nl',
      bytes(16, 7),
      0,
      bytes(32),
      bytes(60),
      bytes(60),
    );
    expect(() =>
      recipient.run(
        bytes(16, 8),
        bytes(16, 5),
        'guest',
        null,
        'g@example.nl',
        bytes(16, 9),
        0,
        bytes(32),
        bytes(60),
        bytes(60),
      ),
    ).toThrow(/UNIQUE/);
    const file = db.prepare(
      `INSERT INTO share_files (share_id, file_id, position, size, ciphertext_hash, sealed_metadata, blob_id, sender_key, office_key)
       VALUES (?, ?, 0, 46, ?, ?, ?, ?, ?)`,
    );
    expect(() => file.run(bytes(16, 5), bytes(16, 10), bytes(32), bytes(300), bytes(16, 11), null, bytes(60))).toThrow(
      /CHECK/,
    );
    file.run(bytes(16, 5), bytes(16, 10), bytes(32), bytes(300), bytes(16, 11), bytes(60), bytes(60));
    db.prepare('INSERT INTO recipient_keys (recipient_id, file_id, key) VALUES (?, ?, ?)').run(
      bytes(16, 6),
      bytes(16, 10),
      bytes(76),
    );
    db.prepare('INSERT INTO email_codes (recipient_id, code_hash, created_at, expires_at) VALUES (?, ?, 1, 2)').run(
      bytes(16, 6),
      bytes(32),
    );
    db.prepare('DELETE FROM shares WHERE id = ?').run(bytes(16, 5));
    for (const table of ['share_files', 'share_recipients', 'recipient_keys', 'email_codes'])
      expect(db.prepare(`SELECT count(*) FROM ${table}`).pluck().get(), table).toBe(0);
  });

  it('keeps the audit pseudonyms across the rebuild of audit_people, and accepts recipients', async () => {
    const db = await sharesDb(3);
    db.prepare(
      "INSERT INTO audit_people (ref, kind, name, email) VALUES (?, 'user', 'Anna', 'anna@kantoor.example')",
    ).run(bytes(16, 1));
    const dir = await tempDir('coffer-migrations-');
    for (const file of ['0001_init.sql', '0002_accounts.sql', '0003_uploads.sql', '0004_shares.sql'])
      await copyFile(join(MIGRATIONS, file), join(dir, file));
    migrate(db, dir);
    expect(db.prepare('SELECT kind, name, email FROM audit_people').all()).toEqual([
      { kind: 'user', name: 'Anna', email: 'anna@kantoor.example' },
    ]);
    db.prepare("INSERT INTO audit_people (ref, kind, email) VALUES (?, 'recipient', 'klant@example.nl')").run(
      bytes(16, 2),
    );
    expect(() => db.prepare("INSERT INTO audit_people (ref, kind) VALUES (?, 'stranger')").run(bytes(16, 3))).toThrow(
      /CHECK/,
    );
  });
});

describe('0005_drops', () => {
  const bytes = (n: number, fill = 1) => new Uint8Array(n).fill(fill);
  const FILES = ['0001_init.sql', '0002_accounts.sql', '0003_uploads.sql', '0004_shares.sql', '0005_drops.sql'];
  async function migrateTo(db: Db, upTo: number): Promise<void> {
    const dir = await tempDir('coffer-migrations-');
    for (const file of FILES.slice(0, upTo)) await copyFile(join(MIGRATIONS, file), join(dir, file));
    migrate(db, dir);
  }
  function user(db: Db) {
    db.prepare(
      `INSERT INTO users (id, email, name, role, approval, kdf_salt, kdf_ops, kdf_mem, auth_verifier, recovery_verifier, identity_public_key,
         encryption_public_key, encryption_key_signature, password_bundle, recovery_bundle, audit_ref, created_at)
       VALUES (?, 'u@kantoor.example', 'U', 'staff', 'pending', ?, 3, 67108864, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
    ).run(
      bytes(16),
      bytes(16),
      bytes(32),
      bytes(32),
      bytes(32),
      bytes(32),
      bytes(64),
      bytes(140),
      bytes(140),
      bytes(16, 100),
    );
    return bytes(16);
  }
  function drop(db: Db, owner: Uint8Array, fill: number, email: string | null, personal = 0, singleUse = 0) {
    db.prepare(
      `INSERT INTO drops (id, owner_id, audit_ref, link_ref, created_at, expires_at, personal, title, instructions, email, max_files, max_bytes,
         single_use, public_key, secrets_owner, secrets_office, label_owner, label_office)
       VALUES (?, ?, ?, ?, 1, 2, ?, 'Titel', '', ?, 10, 1000, ?, ?, ?, ?, ?, ?)`,
    ).run(
      bytes(16, fill),
      owner,
      bytes(16, fill + 1),
      bytes(16, fill + 2),
      personal,
      email,
      singleUse,
      bytes(32),
      bytes(190),
      bytes(190),
      bytes(376),
      bytes(376),
    );
    return bytes(16, fill);
  }

  it('keeps uploads in progress and their parts through the rebuild of uploads', async () => {
    const db = await freshDb();
    await migrateTo(db, 4);
    const owner = user(db);
    db.prepare(
      'INSERT INTO uploads (id, owner_id, size, part_size, part_count, created_at, expires_at) VALUES (?, ?, 100, 40, 3, 1, 2)',
    ).run(bytes(16, 2), owner);
    db.prepare('INSERT INTO upload_parts (upload_id, part_index, received_at) VALUES (?, 0, 1), (?, 2, 1)').run(
      bytes(16, 2),
      bytes(16, 2),
    );
    await migrateTo(db, 5);
    expect(schemaVersion(db)).toBe(5);
    expect(db.prepare('SELECT owner_id, drop_session_id FROM uploads').all()).toEqual([
      { owner_id: Buffer.from(owner), drop_session_id: null },
    ]);
    expect(db.prepare('SELECT part_index FROM upload_parts ORDER BY part_index').pluck().all()).toEqual([0, 2]);
    // The parts still go with their upload.
    db.prepare('DELETE FROM uploads').run();
    expect(db.prepare('SELECT count(*) FROM upload_parts').pluck().get()).toBe(0);
    for (const name of [
      'drops',
      'drop_sessions',
      'drop_codes',
      'drop_uploads',
      'drop_files',
      'uploads',
      'upload_parts',
    ]) {
      expect((db.pragma(`table_list(${name})`) as { strict: number }[])[0]?.strict, name).toBe(1);
    }
  });

  it('gives an upload exactly one owner, a member or a drop session, and drops their rules', async () => {
    const db = await freshDb();
    await migrateTo(db, 5);
    const owner = user(db);
    // A personal drop is bound and reusable; keys and labels go together.
    expect(() => drop(db, owner, 10, null, 1)).toThrow(/CHECK/);
    expect(() => drop(db, owner, 10, 'k@example.nl', 1, 1)).toThrow(/CHECK/);
    const dropId = drop(db, owner, 10, 'k@example.nl', 1);
    expect(() => db.prepare('UPDATE drops SET label_office = NULL').run()).toThrow(/CHECK/);
    db.prepare('INSERT INTO drop_sessions (id, drop_id, created_at, expires_at) VALUES (?, ?, 1, 2)').run(
      bytes(16, 20),
      dropId,
    );
    const insert = db.prepare(
      'INSERT INTO uploads (id, owner_id, drop_session_id, size, part_size, part_count, created_at, expires_at) VALUES (?, ?, ?, 10, 10, 1, 1, 2)',
    );
    expect(() => insert.run(bytes(16, 30), null, null)).toThrow(/CHECK/);
    expect(() => insert.run(bytes(16, 30), owner, bytes(16, 20))).toThrow(/CHECK/);
    expect(() => insert.run(bytes(16, 30), null, bytes(16, 99))).toThrow(/FOREIGN KEY/);
    insert.run(bytes(16, 30), null, bytes(16, 20));
    db.prepare('INSERT INTO drop_uploads (id, drop_id, manifest, received_at) VALUES (?, ?, ?, 1)').run(
      bytes(16, 40),
      dropId,
      bytes(100),
    );
    db.prepare(
      'INSERT INTO drop_files (drop_upload_id, file_id, position, size, ciphertext_hash, sealed_metadata, blob_id, sealed_key) VALUES (?, ?, 0, 46, ?, ?, ?, ?)',
    ).run(bytes(16, 40), bytes(16, 41), bytes(32), bytes(300), bytes(16, 42), bytes(155));
    db.prepare('INSERT INTO drop_codes (drop_id, code_hash, created_at, expires_at) VALUES (?, ?, 1, 2)').run(
      dropId,
      bytes(32),
    );
    // Deleting the drop takes everything that hangs on it.
    db.prepare('DELETE FROM drops').run();
    for (const table of ['drop_sessions', 'uploads', 'drop_uploads', 'drop_files', 'drop_codes'])
      expect(db.prepare(`SELECT count(*) FROM ${table}`).pluck().get(), table).toBe(0);
  });
});
