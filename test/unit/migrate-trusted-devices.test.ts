// The migrations one by one: 0015_trusted_devices (docs/protocol.md §21 "Trusted devices",
// docs/threat-model.md "Trusted devices").
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { schemaVersion } from '../../server/kernel/db/migrate.js';
import { removeTempDirs } from '../helpers/tmp.js';
import { freshDb, migrateUpTo, open } from '../helpers/migrations.js';

afterEach(() => {
  for (const db of open.splice(0)) if (db.open) db.close();
});

afterAll(removeTempDirs);

const filled = (n: number, fill = 1) => new Uint8Array(n).fill(fill);

describe('0015_trusted_devices', () => {
  it('gives the existing office 30 days, keeps the setting within 0–30, and adds the unlock and trusted-device times', async () => {
    const db = await freshDb();
    await migrateUpTo(db, 14);
    db.prepare(
      `INSERT INTO office (slot, id, name, signing_public_key, encryption_public_key, encryption_key_statement, created_at)
       VALUES (1, ?, 'Kantoor', ?, ?, ?, 1)`,
    ).run(filled(16), filled(32), filled(32), filled(72));
    await migrateUpTo(db, 15);
    expect(schemaVersion(db)).toBe(15);
    expect(db.prepare('SELECT trusted_device_days FROM office').pluck().get()).toBe(30);
    for (const days of [0, 1, 30]) db.prepare('UPDATE office SET trusted_device_days = ?').run(days);
    for (const days of [-1, 31])
      expect(() => db.prepare('UPDATE office SET trusted_device_days = ?').run(days)).toThrow(/CHECK/);
    const columns = (table: string) =>
      (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string; notnull: number }[])
        .filter((c) => c.name === 'unlocked_at' || c.name === 'trusted_at')
        .map((c) => [c.name, c.notnull]);
    for (const table of ['share_recipients', 'drops'])
      expect(columns(table)).toEqual([
        ['unlocked_at', 0],
        ['trusted_at', 0],
      ]);
  });

  it('keeps a trusted device as a 32-byte hash bound to a lower-case address, expiring after it was made', async () => {
    const db = await freshDb();
    await migrateUpTo(db, 15);
    const insert = (hash: Uint8Array, email: string, createdAt: number, expiresAt: number) =>
      db
        .prepare('INSERT INTO trusted_devices (token_hash, email, created_at, expires_at) VALUES (?, ?, ?, ?)')
        .run(hash, email, createdAt, expiresAt);
    insert(filled(32, 1), 'gast@example.nl', 10, 20);
    expect(() => insert(filled(32, 1), 'gast@example.nl', 10, 20)).toThrow(/UNIQUE|PRIMARY/);
    expect(() => insert(filled(31, 2), 'gast@example.nl', 10, 20)).toThrow(/CHECK/);
    expect(() => insert(filled(32, 3), 'Gast@Example.nl', 10, 20)).toThrow(/CHECK/);
    expect(() => insert(filled(32, 4), 'gast@example.nl', 20, 20)).toThrow(/CHECK/);
    expect(() =>
      db.prepare('UPDATE trusted_devices SET last_used_at = 5 WHERE email = ?').run('gast@example.nl'),
    ).toThrow(/CHECK/);
    db.prepare('UPDATE trusted_devices SET last_used_at = 15 WHERE email = ?').run('gast@example.nl');
    expect(db.prepare('SELECT count(*) FROM trusted_devices').pluck().get()).toBe(1);
  });
});
