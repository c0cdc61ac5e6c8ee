// The migrations one by one: 0011_pin_index (protocol §14, the pin index).
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { schemaVersion } from '../../server/kernel/db/migrate.js';
import { type Db } from '../../server/kernel/db/open.js';
import { removeTempDirs } from '../helpers/tmp.js';
import { freshDb, insertPendingUser, migrateUpTo, open } from '../helpers/migrations.js';

afterEach(() => {
  for (const db of open.splice(0)) if (db.open) db.close();
});

afterAll(removeTempDirs);

describe('0011_pin_index', () => {
  const bytes = (n: number, fill = 1) => new Uint8Array(n).fill(fill);
  const insertUser = (db: Db, id: Uint8Array, email: string) =>
    insertPendingUser(db, { id, email, auditFill: id[0] ?? 0 });
  function insertDrop(db: Db, owner: Uint8Array, fill: number, signedRecord: Uint8Array | null) {
    db.prepare(
      `INSERT INTO drops (id, owner_id, audit_ref, link_ref, created_at, expires_at, personal, title, instructions, email, max_files, max_bytes,
         single_use, public_key, secrets_owner, secrets_office, label_owner, label_office, signed_record)
       VALUES (?, ?, ?, ?, 1, 2, 0, 'Titel', '', NULL, 10, 1000, 0, ?, ?, ?, ?, ?, ?)`,
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
      signedRecord,
    );
  }
  const insertIndex = (db: Db, userId: Uint8Array, counter: number, envelope: Uint8Array) =>
    db
      .prepare('INSERT INTO pin_index (user_id, counter, envelope, updated_at) VALUES (?, ?, ?, 1)')
      .run(userId, counter, envelope);

  it('adds one index per user (counter from 1, an index’s length, gone with the user) and the certificate of each drop record', async () => {
    const db = await freshDb();
    await migrateUpTo(db, 10);
    const user = bytes(16, 9);
    insertUser(db, user, 'o@kantoor.example');
    db.prepare(
      "INSERT INTO pins (owner_id, subject, subject_id, envelope, updated_at) VALUES (?, 'office', ?, ?, 1)",
    ).run(user, bytes(16, 3), bytes(120));
    db.prepare("UPDATE users SET approval = 'approved', certificate = ?, sealed_office_keys = ? WHERE id = ?").run(
      bytes(200, 4),
      bytes(132),
      user,
    );
    insertDrop(db, user, 20, bytes(249));
    insertDrop(db, user, 30, null);
    await migrateUpTo(db, 11);
    expect(schemaVersion(db)).toBe(11);
    // A drop with a record is given its owner's current certificate as the one it was made under.
    expect(db.prepare('SELECT record_certificate FROM drops ORDER BY id').pluck().all()).toEqual([
      Buffer.from(bytes(200, 4)),
      null,
    ]);
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
    db.prepare('DELETE FROM drops').run();
    db.prepare('DELETE FROM users WHERE id = ?').run(user);
    expect(db.prepare('SELECT count(*) FROM pin_index').pluck().get()).toBe(0);
  });
});
