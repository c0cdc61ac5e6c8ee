// The migrations one by one: 0020_upload_names (docs/protocol.md §13, "Names record").
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { schemaVersion } from '../../server/kernel/db/migrate.js';
import type { Db } from '../../server/kernel/db/open.js';
import { removeTempDirs } from '../helpers/tmp.js';
import { freshDb, insertPendingUser, migrateUpTo, open } from '../helpers/migrations.js';

afterEach(() => {
  for (const db of open.splice(0)) if (db.open) db.close();
});

afterAll(removeTempDirs);

const bytes = (n: number, fill: number) => new Uint8Array(n).fill(fill);

function insertDrop(db: Db, owner: Uint8Array, fill: number): Uint8Array {
  const id = bytes(16, fill);
  db.prepare(
    `INSERT INTO drops (id, owner_id, audit_ref, link_ref, created_at, expires_at, personal, title, instructions, email, max_files,
       max_bytes, single_use, public_key, secrets_owner, secrets_office, label_owner, label_office)
     VALUES (?, ?, ?, ?, 1, 2, 0, 'Titel', '', NULL, 10, 1000, 0, ?, ?, ?, ?, ?)`,
  ).run(
    id,
    owner,
    bytes(16, fill + 1),
    bytes(16, fill + 2),
    bytes(32, 1),
    bytes(190, 1),
    bytes(190, 1),
    bytes(376, 1),
    bytes(376, 1),
  );
  return id;
}

function insertUpload(db: Db, dropId: Uint8Array, fill: number, clientId: Uint8Array | null): Uint8Array {
  const id = bytes(16, fill);
  db.prepare('INSERT INTO drop_uploads (id, drop_id, manifest, received_at, client_id) VALUES (?, ?, ?, 5, ?)').run(
    id,
    dropId,
    bytes(200, 1),
    clientId,
  );
  return id;
}

describe('0020_upload_names', () => {
  it('leaves earlier uploads without names and takes a names record only on a portal upload, within its lengths', async () => {
    const db = await freshDb();
    await migrateUpTo(db, 19);
    const owner = bytes(16, 10);
    const client = bytes(16, 20);
    insertPendingUser(db, { id: owner, email: 'adviseur@kantoor.example', auditFill: 11 });
    insertPendingUser(db, { id: client, email: 'klant@voorbeeld.nl', auditFill: 21 });
    db.prepare("UPDATE users SET role = 'client' WHERE email = 'klant@voorbeeld.nl'").run();
    const drop = insertDrop(db, owner, 30);
    const before = insertUpload(db, drop, 40, client);
    await migrateUpTo(db, 20);
    expect(schemaVersion(db)).toBe(20);

    expect(db.prepare('SELECT client_names FROM drop_uploads WHERE id = ?').pluck().get(before)).toBeNull();
    const portal = insertUpload(db, drop, 50, client);
    const link = insertUpload(db, drop, 60, null);
    const setNames = (id: Uint8Array, length: number) =>
      db.prepare('UPDATE drop_uploads SET client_names = ? WHERE id = ?').run(bytes(length, 7), id);
    setNames(portal, 434);
    setNames(portal, 62386);
    expect(() => setNames(portal, 433)).toThrow(/CHECK/);
    expect(() => setNames(portal, 62387)).toThrow(/CHECK/);
    // An upload through a drop link has no client to seal names to.
    expect(() => setNames(link, 434)).toThrow(/CHECK/);
    expect(db.prepare('SELECT length(client_names) FROM drop_uploads WHERE id = ?').pluck().get(portal)).toBe(62386);
  });
});
