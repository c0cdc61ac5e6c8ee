// The migrations one by one: devices (docs/protocol.md "Devices"): enrolled devices and their
// API tokens. Its number is looked up by name.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { listMigrations, schemaVersion } from '../../server/kernel/db/migrate.js';
import { removeTempDirs } from '../helpers/tmp.js';
import { freshDb, insertPendingUser, migrateUpTo, MIGRATIONS, open, tables } from '../helpers/migrations.js';

afterEach(() => {
  for (const db of open.splice(0)) if (db.open) db.close();
});

afterAll(removeTempDirs);

const VERSION = listMigrations(MIGRATIONS).find((m) => m.name === 'devices')!.version;

const bytes = (n: number, fill = 1) => new Uint8Array(n).fill(fill);

describe('devices', () => {
  it('adds devices and tokens whose states hold together, and removes them with their user', async () => {
    const db = await freshDb();
    await migrateUpTo(db, VERSION - 1);
    expect(tables(db)).not.toContain('devices');
    await migrateUpTo(db, VERSION);
    expect(schemaVersion(db)).toBe(VERSION);
    const user = bytes(16, 9);
    insertPendingUser(db, { id: user, email: 'd@kantoor.example', auditFill: 9 });

    const enrol = (id: number, name = 'Scanner PC') =>
      db
        .prepare(
          `INSERT INTO devices (id, name, encryption_public_key, signing_public_key, created_at, expires_at)
           VALUES (?, ?, ?, ?, 1, 600001)`,
        )
        .run(bytes(16, id), name, bytes(32, 2), bytes(32, 3));
    enrol(1);
    expect(() => enrol(2, '')).toThrow(/CHECK/);
    expect(() => enrol(3, 'x'.repeat(61))).toThrow(/CHECK/);

    const approve = (scopes: string, sealed: Uint8Array | null, certificate: Uint8Array | null) =>
      db
        .prepare(
          'UPDATE devices SET user_id = ?, scopes = ?, sealed_keys = ?, certificate = ?, approved_at = 5 WHERE id = ?',
        )
        .run(user, scopes, sealed, certificate, bytes(16, 1));
    // Scopes from the two known ones only; a user without a certificate is no approval.
    expect(() => approve('admin', bytes(317), bytes(200))).toThrow(/CHECK/);
    expect(() => approve('send', bytes(317), null)).toThrow(/CHECK/);
    expect(() => approve('send', bytes(316), bytes(200))).toThrow(/CHECK/);
    approve('send,pull', bytes(317), bytes(200));
    // Claimed only once the handover is gone.
    expect(() => db.prepare('UPDATE devices SET claimed_at = 6 WHERE id = ?').run(bytes(16, 1))).toThrow(/CHECK/);
    db.prepare('UPDATE devices SET claimed_at = 6, sealed_keys = NULL WHERE id = ?').run(bytes(16, 1));

    const token = (id: number, scopes: string, label: string | null = null) =>
      db
        .prepare(
          'INSERT INTO device_tokens (id, device_id, token_hash, label, scopes, created_at) VALUES (?, ?, ?, ?, ?, 7)',
        )
        .run(bytes(16, id), bytes(16, 1), bytes(32, id), label, scopes);
    token(1, 'send,pull');
    token(2, 'pull', 'Nightly');
    expect(() => token(3, 'pull,send')).toThrow(/CHECK/);
    expect(() => token(4, 'pull', '')).toThrow(/CHECK/);
    // One hash, one token.
    expect(() =>
      db
        .prepare(
          "INSERT INTO device_tokens (id, device_id, token_hash, scopes, created_at) VALUES (?, ?, ?, 'pull', 7)",
        )
        .run(bytes(16, 5), bytes(16, 1), bytes(32, 1)),
    ).toThrow(/UNIQUE/);

    // Erasing the user takes the device and its tokens with it.
    db.prepare('DELETE FROM users WHERE id = ?').run(user);
    expect(db.prepare('SELECT count(*) FROM devices').pluck().get()).toBe(0);
    expect(db.prepare('SELECT count(*) FROM device_tokens').pluck().get()).toBe(0);
  });
});
