// The migrations one by one: 0013_contacts (docs/operations.md, "Contacts").
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { schemaVersion } from '../../server/kernel/db/migrate.js';
import type { Db } from '../../server/kernel/db/open.js';
import { removeTempDirs } from '../helpers/tmp.js';
import { freshDb, migrateUpTo, open, tables } from '../helpers/migrations.js';

afterEach(() => {
  for (const db of open.splice(0)) if (db.open) db.close();
});

afterAll(removeTempDirs);

const id = (fill: number) => new Uint8Array(16).fill(fill);

function insertContact(db: Db, fill: number, email: string, code?: { sealed: Uint8Array; by: Uint8Array | null }) {
  db.prepare(
    `INSERT INTO contacts (id, email, name, lang, organisation, sealed_code, code_sealed_by, code_sealed_at, audit_ref,
       created_by, created_at, updated_at)
     VALUES (?, ?, 'Anna', 'nl', NULL, ?, ?, ?, ?, ?, 1, 1)`,
  ).run(id(fill), email, code?.sealed ?? null, code?.by ?? null, code ? 5 : null, id(fill + 1), id(99));
}

describe('0013_contacts', () => {
  it('adds the contacts table: one contact per lower-case address, code columns set and cleared together', async () => {
    const db = await freshDb();
    await migrateUpTo(db, 12);
    expect(tables(db)).not.toContain('contacts');
    await migrateUpTo(db, 13);
    expect(schemaVersion(db)).toBe(13);
    insertContact(db, 10, 'anna@bakkerij.example');
    expect(() => insertContact(db, 20, 'anna@bakkerij.example')).toThrow(/UNIQUE/);
    expect(() => insertContact(db, 30, 'Piet@Bakkerij.example')).toThrow(/CHECK/);
    expect(() => insertContact(db, 40, 'a@b.example', { sealed: new Uint8Array(213), by: null })).toThrow(/CHECK/);
    expect(() => insertContact(db, 50, 'b@b.example', { sealed: new Uint8Array(212), by: id(7) })).toThrow(/CHECK/);
    insertContact(db, 60, 'c@b.example', { sealed: new Uint8Array(213), by: id(7) });
    expect(() => db.prepare("UPDATE contacts SET lang = 'de'").run()).toThrow(/CHECK/);
    expect(db.prepare('SELECT count(*) FROM contacts').pluck().get()).toBe(2);
  });
});
