// The migrations one by one: session_keep (protocol §29, the server's half of a session's kept
// keys). Its number is looked up by name.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { listMigrations, schemaVersion } from '../../server/kernel/db/migrate.js';
import { removeTempDirs } from '../helpers/tmp.js';
import { freshDb, insertPendingUser, migrateUpTo, MIGRATIONS, open } from '../helpers/migrations.js';

afterEach(() => {
  for (const db of open.splice(0)) if (db.open) db.close();
});

afterAll(removeTempDirs);

const VERSION = listMigrations(MIGRATIONS).find((m) => m.name === 'session_keep')!.version;

describe('session_keep', () => {
  const bytes = (n: number, fill = 1) => new Uint8Array(n).fill(fill);

  it('gives every session an empty key half, takes only 32 bytes, and the half goes with its session', async () => {
    const db = await freshDb();
    await migrateUpTo(db, VERSION - 1);
    const user = bytes(16, 9);
    insertPendingUser(db, { id: user, email: 'k@kantoor.example', auditFill: 9 });
    const insertSession = (hash: number) =>
      db
        .prepare(
          "INSERT INTO sessions (token_hash, id, user_id, created_at, last_seen_at, expires_at, device) VALUES (?, ?, ?, 1, 1, 2, 'Chrome')",
        )
        .run(bytes(32, hash), bytes(16, hash), user);
    insertSession(1);
    await migrateUpTo(db, VERSION);
    expect(schemaVersion(db)).toBe(VERSION);
    // A session signed in before the migration has no half: its browser kept nothing yet.
    expect(db.prepare('SELECT keep_half FROM sessions').pluck().get()).toBeNull();
    const setHalf = (half: Uint8Array) =>
      db.prepare('UPDATE sessions SET keep_half = ? WHERE token_hash = ?').run(half, bytes(32, 1));
    expect(() => setHalf(bytes(31))).toThrow(/CHECK/);
    expect(() => setHalf(bytes(33))).toThrow(/CHECK/);
    setHalf(bytes(32, 7));
    expect(db.prepare('SELECT keep_half FROM sessions').pluck().get()).toEqual(Buffer.from(bytes(32, 7)));
    // Deleting the session row (sign-out, expiry) deletes the half with it; deleting the user too.
    db.prepare('DELETE FROM sessions WHERE token_hash = ?').run(bytes(32, 1));
    expect(db.prepare('SELECT count(*) FROM sessions WHERE keep_half = ?').pluck().get(bytes(32, 7))).toBe(0);
    insertSession(2);
    db.prepare('DELETE FROM users WHERE id = ?').run(user);
    expect(db.prepare('SELECT count(*) FROM sessions').pluck().get()).toBe(0);
  });
});
