// The migrations one by one: 0019_batches (docs/protocol.md "Batches"): batches with their items,
// a share's batch, and optional reference numbers of contacts and client accounts.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { schemaVersion } from '../../server/kernel/db/migrate.js';
import { removeTempDirs } from '../helpers/tmp.js';
import { freshDb, insertPendingUser, migrateUpTo, open, tables } from '../helpers/migrations.js';

afterEach(() => {
  for (const db of open.splice(0)) if (db.open) db.close();
});

afterAll(removeTempDirs);

const bytes = (n: number, fill = 1) => new Uint8Array(n).fill(fill);

describe('0019_batches', () => {
  it('adds batches and their items, whose state and share go together, and keeps a share’s batch', async () => {
    const db = await freshDb();
    await migrateUpTo(db, 18);
    expect(tables(db)).not.toContain('batches');
    const owner = bytes(16, 1);
    insertPendingUser(db, { id: owner, email: 's@kantoor.example', auditFill: 99 });
    await migrateUpTo(db, 19);
    expect(schemaVersion(db)).toBe(19);

    const insertBatch = db.prepare(
      `INSERT INTO batches (id, owner_id, created_at, expires_at, item_count, sealed_plan, reminder_days)
       VALUES (?, ?, 10, 1000, ?, ?, ?)`,
    );
    insertBatch.run(bytes(16, 2), owner, 2, bytes(50), 7);
    expect(() => insertBatch.run(bytes(16, 3), owner, 2501, bytes(50), null)).toThrow(/CHECK/);
    expect(() => insertBatch.run(bytes(16, 3), owner, 1, bytes(50), 61)).toThrow(/CHECK/);
    expect(() => insertBatch.run(bytes(16, 3), owner, 1, new Uint8Array(0), null)).toThrow(/CHECK/);
    expect(db.prepare('SELECT state FROM batches').pluck().get()).toBe('running');

    const insertItem = db.prepare(
      `INSERT INTO batch_items (batch_id, item_no, email, user_id, delivery, share_id, state, delivered_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, 10)`,
    );
    const batch = bytes(16, 2);
    insertItem.run(batch, 0, 'anna@example.nl', null, 'mail', null, 'pending', null);
    expect(() => insertItem.run(batch, 0, 'bob@example.nl', null, 'mail', null, 'pending', null)).toThrow(/UNIQUE/);
    expect(() => insertItem.run(batch, 1, 'Bob@example.nl', null, 'mail', null, 'pending', null)).toThrow(/CHECK/);
    // 'account' items name the account; other items do not.
    expect(() => insertItem.run(batch, 1, 'bob@example.nl', null, 'account', null, 'pending', null)).toThrow(/CHECK/);
    expect(() => insertItem.run(batch, 1, 'bob@example.nl', owner, 'mail', null, 'pending', null)).toThrow(/CHECK/);
    // created and delivered items have a share; delivered ones a time; pending ones no share.
    expect(() => insertItem.run(batch, 1, 'bob@example.nl', null, 'mail', null, 'created', null)).toThrow(/CHECK/);
    expect(() => insertItem.run(batch, 1, 'bob@example.nl', null, 'export', null, 'delivered', 5)).toThrow(/CHECK/);

    db.prepare(
      `INSERT INTO shares (id, sender_id, manifest, sender_certificate, sender_encryption_key_signature, created_at,
         expires_at, receipt_mail, batch_id)
       VALUES (?, ?, ?, ?, ?, 10, 1000, 0, ?)`,
    ).run(bytes(16, 8), owner, bytes(100), bytes(100), bytes(64), batch);
    insertItem.run(batch, 1, 'bob@example.nl', null, 'export', bytes(16, 8), 'created', null);
    expect(() => insertItem.run(batch, 2, 'cor@example.nl', null, 'mail', bytes(16, 8), 'created', null)).toThrow(
      /UNIQUE/,
    );
    expect(() => db.prepare("UPDATE batch_items SET state = 'delivered' WHERE item_no = 1").run()).toThrow(/CHECK/);
    db.prepare("UPDATE batch_items SET state = 'delivered', delivered_at = 20 WHERE item_no = 1").run();
    expect(db.prepare('SELECT batch_id FROM shares').pluck().get()).toEqual(Buffer.from(batch));
  });

  it('adds optional reference numbers: unique when set, only of the allowed characters, on clients only', async () => {
    const db = await freshDb();
    await migrateUpTo(db, 19);
    const insertContact = db.prepare(
      `INSERT INTO contacts (id, email, name, lang, audit_ref, created_by, created_at, updated_at, reference)
       VALUES (?, ?, 'Anna', 'nl', ?, ?, 1, 1, ?)`,
    );
    insertContact.run(bytes(16, 1), 'a@example.nl', bytes(16, 2), bytes(16, 9), '10234');
    insertContact.run(bytes(16, 3), 'b@example.nl', bytes(16, 4), bytes(16, 9), null);
    insertContact.run(bytes(16, 5), 'c@example.nl', bytes(16, 6), bytes(16, 9), null);
    expect(() => insertContact.run(bytes(16, 7), 'd@example.nl', bytes(16, 8), bytes(16, 9), '10234')).toThrow(
      /UNIQUE/,
    );
    for (const bad of ['', 'a b', 'x'.repeat(41), 'é1', '12/3'])
      expect(() => insertContact.run(bytes(16, 7), 'd@example.nl', bytes(16, 8), bytes(16, 9), bad)).toThrow(/CHECK/);
    insertContact.run(bytes(16, 7), 'd@example.nl', bytes(16, 8), bytes(16, 9), 'EMP-7_a.b');

    // A staff member has no reference; a client may.
    insertPendingUser(db, { id: bytes(16, 20), email: 'staff@kantoor.example', auditFill: 21 });
    expect(() => db.prepare("UPDATE users SET reference = '1'").run()).toThrow(/CHECK/);
    db.prepare("UPDATE users SET role = 'client', reference = '10234'").run();
    expect(db.prepare('SELECT reference FROM users').pluck().get()).toBe('10234');
  });
});
