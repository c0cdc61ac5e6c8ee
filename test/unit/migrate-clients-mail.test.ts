// The migrations one by one: 0006_clients and the mail queue.
import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { listMigrations, migrate, schemaVersion } from '../../server/kernel/db/migrate.js';
import { type Db } from '../../server/kernel/db/open.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';
import { MIGRATIONS, open, freshDb } from '../helpers/migrations.js';

afterEach(() => {
  for (const db of open.splice(0)) if (db.open) db.close();
});

afterAll(removeTempDirs);

describe('0006_clients', () => {
  const bytes = (n: number, fill = 1) => new Uint8Array(n).fill(fill);
  const FILES = [
    '0001_init.sql',
    '0002_accounts.sql',
    '0003_uploads.sql',
    '0004_shares.sql',
    '0005_drops.sql',
    '0006_clients.sql',
  ];
  async function migrateTo(db: Db, upTo: number): Promise<void> {
    const dir = await tempDir('coffer-migrations-');
    for (const file of FILES.slice(0, upTo)) await copyFile(join(MIGRATIONS, file), join(dir, file));
    migrate(db, dir);
  }
  function user(db: Db, fill: number, role = 'staff', approved = false, officeKeys = approved) {
    db.prepare(
      `INSERT INTO users (id, email, name, role, approval, kdf_salt, kdf_ops, kdf_mem, auth_verifier, recovery_verifier, identity_public_key,
         encryption_public_key, encryption_key_signature, password_bundle, recovery_bundle, certificate, certificate_version, sealed_office_keys,
         audit_ref, created_at)
       VALUES (?, ?, 'U', ?, ?, ?, 3, 67108864, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
    ).run(
      bytes(16, fill),
      `u${fill}@kantoor.example`,
      role,
      approved ? 'approved' : 'pending',
      bytes(16),
      bytes(32),
      bytes(32),
      bytes(32),
      bytes(32),
      bytes(64),
      bytes(140),
      bytes(140),
      approved ? bytes(100) : null,
      approved ? 1 : 0,
      officeKeys ? bytes(100) : null,
      bytes(16, 100 + fill),
    );
    return bytes(16, fill);
  }
  function drop(db: Db, owner: Uint8Array, fill: number) {
    db.prepare(
      `INSERT INTO drops (id, owner_id, audit_ref, link_ref, created_at, expires_at, personal, title, instructions, email, max_files, max_bytes,
         single_use, public_key, secrets_owner, secrets_office, label_owner, label_office)
       VALUES (?, ?, ?, ?, 1, 2, 1, 'Titel', '', 'k@example.nl', 10, 1000, 0, ?, ?, ?, ?, ?)`,
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
    );
    return bytes(16, fill);
  }

  it('rebuilds users keeping every row that refers to a user: sessions, pins, shares, uploads, drops, invitations', async () => {
    const db = await freshDb();
    await migrateTo(db, 5);
    const anna = user(db, 1, 'admin', true);
    const bram = user(db, 2, 'staff', true);
    db.prepare(
      'INSERT INTO sessions (token_hash, id, user_id, created_at, last_seen_at, expires_at, device) VALUES (?, ?, ?, 1, 1, 2, ?)',
    ).run(bytes(32, 1), bytes(16, 50), anna, 'Firefox on Linux');
    db.prepare(
      "INSERT INTO login_tickets (token_hash, user_id, purpose, created_at, expires_at) VALUES (?, ?, 'signin', 1, 2)",
    ).run(bytes(32, 2), bram);
    db.prepare('INSERT INTO backup_codes (user_id, code_hash) VALUES (?, ?)').run(anna, bytes(32, 3));
    db.prepare(
      "INSERT INTO pins (owner_id, subject, subject_id, envelope, updated_at) VALUES (?, 'user', ?, ?, 1)",
    ).run(anna, bram, bytes(120));
    db.prepare(
      `INSERT INTO invitations (id, token_hash, kind, user_id, email, role, audit_ref, invited_by, created_at, expires_at)
       VALUES (?, ?, 'invitation', ?, 'c@kantoor.example', 'staff', ?, ?, 1, 2)`,
    ).run(bytes(16, 60), bytes(32, 4), bytes(16, 61), bytes(16, 62), anna);
    db.prepare(
      'INSERT INTO uploads (id, owner_id, size, part_size, part_count, created_at, expires_at) VALUES (?, ?, 10, 10, 1, 1, 2)',
    ).run(bytes(16, 70), anna);
    db.prepare(
      `INSERT INTO shares (id, sender_id, manifest, sender_certificate, sender_encryption_key_signature, created_at, expires_at, download_limit, receipt_mail)
       VALUES (?, ?, ?, ?, ?, 1, 2, 1, 0)`,
    ).run(bytes(16, 80), anna, bytes(100), bytes(100), bytes(64));
    db.prepare(
      `INSERT INTO share_recipients (id, share_id, position, kind, user_id, email, audit_ref, access_code) VALUES (?, ?, 0, 'account', ?, 'u2@kantoor.example', ?, 0)`,
    ).run(bytes(16, 81), bytes(16, 80), bram, bytes(16, 82));
    drop(db, bram, 90);
    const counts = () =>
      Object.fromEntries(
        [
          'users',
          'sessions',
          'login_tickets',
          'backup_codes',
          'pins',
          'invitations',
          'uploads',
          'shares',
          'share_recipients',
          'drops',
        ].map((t) => [t, db.prepare(`SELECT count(*) FROM ${t}`).pluck().get()]),
      );
    const before = counts();
    expect(Object.values(before).every((n) => n !== 0)).toBe(true);

    await migrateTo(db, 6);
    expect(schemaVersion(db)).toBe(6);
    expect(counts()).toEqual(before);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    expect((db.pragma('table_list(users)') as { strict: number }[])[0]?.strict).toBe(1);
    // The other tables' references follow the rebuilt table, cascades included.
    expect(() =>
      db
        .prepare('INSERT INTO pins (owner_id, subject, subject_id, envelope, updated_at) VALUES (?, ?, ?, ?, 1)')
        .run(bytes(16, 99), 'user', anna, bytes(120)),
    ).toThrow(/FOREIGN KEY/);
    db.prepare('DELETE FROM login_tickets').run();
    db.prepare('DELETE FROM users WHERE id = ?').run(user(db, 3));
    expect(db.prepare('SELECT count(*) FROM sessions WHERE user_id = ?').pluck().get(anna)).toBe(1);
  });

  it('certifies clients without ever giving them the office keys; members keep both together', async () => {
    const db = await freshDb();
    await migrateTo(db, 6);
    expect(() => user(db, 1, 'client', true, true)).toThrow(/CHECK/);
    expect(() => user(db, 1, 'client', false, true)).toThrow(/CHECK/);
    const client = user(db, 1, 'client', true, false);
    expect(() => db.prepare('UPDATE users SET sealed_office_keys = ? WHERE id = ?').run(bytes(100), client)).toThrow(
      /CHECK/,
    );
    expect(() =>
      db.prepare("UPDATE users SET approval = 'pending', certificate = NULL WHERE id = ?").run(client),
    ).not.toThrow();
    user(db, 2, 'client', false, false);
    expect(() => user(db, 3, 'staff', true, false)).toThrow(/CHECK/);
    expect(() => user(db, 3, 'staff', false, true)).toThrow(/CHECK/);
    user(db, 3, 'staff', true, true);
  });

  it('ties a personal drop, its sessions and uploads to a client', async () => {
    const db = await freshDb();
    await migrateTo(db, 6);
    const staff = user(db, 1, 'staff', true);
    const client = user(db, 2, 'client', true, false);
    const dropId = drop(db, staff, 10);
    expect(() => db.prepare('UPDATE drops SET client_link = ? WHERE id = ?').run(bytes(100), dropId)).toThrow(/CHECK/);
    expect(() => db.prepare('UPDATE drops SET client_id = ? WHERE id = ?').run(bytes(16, 99), dropId)).toThrow(
      /FOREIGN KEY/,
    );
    db.prepare('UPDATE drops SET client_id = ?, client_link = ? WHERE id = ?').run(client, bytes(100), dropId);
    // One personal drop per client; only a personal drop has a client.
    expect(() => {
      const other = drop(db, staff, 20);
      db.prepare('UPDATE drops SET client_id = ? WHERE id = ?').run(client, other);
    }).toThrow(/UNIQUE/);
    expect(() => db.prepare('UPDATE drops SET personal = 0, email = NULL WHERE id = ?').run(dropId)).toThrow(/CHECK/);
    db.prepare('INSERT INTO drop_sessions (id, drop_id, created_at, expires_at, client_id) VALUES (?, ?, 1, 2, ?)').run(
      bytes(16, 30),
      dropId,
      client,
    );
    db.prepare('INSERT INTO drop_uploads (id, drop_id, manifest, received_at, client_id) VALUES (?, ?, ?, 1, ?)').run(
      bytes(16, 40),
      dropId,
      bytes(100),
      client,
    );
    expect(() =>
      db
        .prepare('INSERT INTO drop_sessions (id, drop_id, created_at, expires_at, client_id) VALUES (?, ?, 1, 2, ?)')
        .run(bytes(16, 31), dropId, bytes(16, 98)),
    ).toThrow(/FOREIGN KEY/);
    // A client account with a drop, sessions or uploads cannot just vanish from under them.
    expect(() => db.prepare('DELETE FROM users WHERE id = ?').run(client)).toThrow(/FOREIGN KEY/);
  });
});

// migrations/0007_mail_queue.sql
describe('the mail queue migration (mail_queue)', () => {
  it('creates a strict table whose outcome and ref go together', async () => {
    const db = await freshDb();
    migrate(db, MIGRATIONS);
    expect(listMigrations(MIGRATIONS).some((m) => m.name === 'mail_queue')).toBe(true);
    expect((db.pragma('table_list(mail_queue)') as { strict: number }[])[0]?.strict).toBe(1);
    const insert = db.prepare(
      `INSERT INTO mail_queue (outcome, ref, recipient, subject, body_text, next_attempt_at, created_at)
       VALUES (?, ?, 'a@example.nl', 's', 't', 0, 0)`,
    );
    insert.run(null, null);
    insert.run('share_recipient', new Uint8Array(16));
    expect(() => insert.run('share_recipient', null)).toThrow(/CHECK/);
    expect(() => insert.run(null, new Uint8Array(16))).toThrow(/CHECK/);
    expect(db.prepare('SELECT count(*) FROM mail_queue').pluck().get()).toBe(2);
  });
});
