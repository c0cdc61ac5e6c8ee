// The migrations one by one: 0010_guest_link_ids (protocol §15 "Guest link", threat model
// promise 5): a guest's link id, rebuilt into share_recipients, with the recipient id as link id
// for rows made before (so their links keep working) and every row that refers to a recipient kept.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { schemaVersion } from '../../server/kernel/db/migrate.js';
import { removeTempDirs } from '../helpers/tmp.js';
import { freshDb, insertPendingUser, migrateUpTo, open } from '../helpers/migrations.js';

afterEach(() => {
  for (const db of open.splice(0)) if (db.open) db.close();
});

afterAll(removeTempDirs);

describe('0010_guest_link_ids', () => {
  const bytes = (n: number, fill = 1) => new Uint8Array(n).fill(fill);

  it('gives rows made before their recipient id as link id, keeps what refers to them, and makes link ids unique', async () => {
    const db = await freshDb();
    await migrateUpTo(db, 9);
    const sender = bytes(16, 1);
    insertPendingUser(db, { id: sender, email: 's@kantoor.example', auditFill: 99 });
    db.prepare(
      `INSERT INTO shares (id, sender_id, manifest, sender_certificate, sender_encryption_key_signature, created_at, expires_at, receipt_mail)
       VALUES (?, ?, ?, ?, ?, 1, 2, 0)`,
    ).run(bytes(16, 5), sender, bytes(100), bytes(100), bytes(64));
    const guest = bytes(16, 6);
    db.prepare(
      `INSERT INTO share_recipients (id, share_id, position, kind, user_id, email, audit_ref, access_code, server_half,
         link_secret_sender, link_secret_office, wrong_codes)
       VALUES (?, ?, 0, 'guest', NULL, 'g@example.nl', ?, 1, ?, ?, ?, 3)`,
    ).run(guest, bytes(16, 5), bytes(16, 7), bytes(32), bytes(60), bytes(60));
    db.prepare('INSERT INTO recipient_keys (recipient_id, file_id, key) VALUES (?, ?, ?)').run(
      guest,
      bytes(16, 8),
      bytes(76),
    );
    db.prepare('INSERT INTO email_codes (recipient_id, code_hash, created_at, expires_at) VALUES (?, ?, 1, 2)').run(
      guest,
      bytes(32),
    );

    await migrateUpTo(db, 10);
    expect(schemaVersion(db)).toBe(10);
    const row = db
      .prepare('SELECT link_id, wrong_codes, access_code FROM share_recipients WHERE id = ?')
      .get(guest) as {
      link_id: Uint8Array;
      wrong_codes: number;
      access_code: number;
    };
    expect(Buffer.from(row.link_id).equals(Buffer.from(guest))).toBe(true);
    expect([row.wrong_codes, row.access_code]).toEqual([3, 1]);
    expect(db.prepare('SELECT count(*) FROM recipient_keys').pluck().get()).toBe(1);
    expect(db.prepare('SELECT count(*) FROM email_codes').pluck().get()).toBe(1);
    expect(db.pragma('foreign_key_check')).toEqual([]);

    const insert = db.prepare(
      `INSERT INTO share_recipients (id, share_id, link_id, position, kind, user_id, email, audit_ref, access_code, server_half,
         link_secret_sender, link_secret_office)
       VALUES (?, ?, ?, 1, 'guest', NULL, ?, ?, 0, ?, ?, ?)`,
    );
    // Taken, missing, or of the wrong length: refused.
    expect(() =>
      insert.run(bytes(16, 10), bytes(16, 5), guest, 'h@example.nl', bytes(16, 11), bytes(32), bytes(60), bytes(60)),
    ).toThrow(/UNIQUE/);
    expect(() =>
      insert.run(bytes(16, 10), bytes(16, 5), null, 'h@example.nl', bytes(16, 11), bytes(32), bytes(60), bytes(60)),
    ).toThrow(/NOT NULL/);
    expect(() =>
      insert.run(
        bytes(16, 10),
        bytes(16, 5),
        bytes(15),
        'h@example.nl',
        bytes(16, 11),
        bytes(32),
        bytes(60),
        bytes(60),
      ),
    ).toThrow(/CHECK/);
    insert.run(
      bytes(16, 10),
      bytes(16, 5),
      bytes(16, 12),
      'h@example.nl',
      bytes(16, 11),
      bytes(32),
      bytes(60),
      bytes(60),
    );
    // Deleting the share still takes its recipients and their keys with it.
    db.prepare('DELETE FROM shares WHERE id = ?').run(bytes(16, 5));
    expect(db.prepare('SELECT count(*) FROM share_recipients').pluck().get()).toBe(0);
    expect(db.prepare('SELECT count(*) FROM recipient_keys').pluck().get()).toBe(0);
  });
});
