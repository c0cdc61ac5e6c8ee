// The migrations one by one: 0012_languages (docs/operations.md, "Language and time zone").
import { copyFile, readdir } from 'node:fs/promises';
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

describe('0012_languages', () => {
  const bytes = (n: number, fill = 1) => new Uint8Array(n).fill(fill);
  async function migrateTo(db: Db, last: number): Promise<void> {
    const dir = await tempDir('coffer-migrations-');
    for (const file of await readdir(MIGRATIONS))
      if (/^\d{4}_.*\.sql$/.test(file) && Number(file.slice(0, 4)) <= last)
        await copyFile(join(MIGRATIONS, file), join(dir, file));
    migrate(db, dir);
  }
  function insertUser(db: Db, fill: number, email: string) {
    db.prepare(
      `INSERT INTO users (id, email, name, role, approval, audit_ref, created_at, kdf_salt, kdf_ops, kdf_mem, auth_verifier,
         recovery_verifier, identity_public_key, encryption_public_key, encryption_key_signature, password_bundle, recovery_bundle)
       VALUES (?, ?, 'U', 'staff', 'pending', ?, 1, ?, 3, 67108864, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      bytes(16, fill),
      email,
      bytes(16, fill + 1),
      bytes(16),
      bytes(32),
      bytes(32),
      bytes(32),
      bytes(32),
      bytes(64),
      bytes(140),
      bytes(140),
    );
  }

  it('gives existing users Dutch, the office Dutch and Amsterdam, and refuses any other language', async () => {
    const db = await freshDb();
    await migrateTo(db, 11);
    insertUser(db, 10, 'voor@kantoor.example');
    await migrateTo(db, 12);
    expect(schemaVersion(db)).toBe(12);
    expect(db.prepare('SELECT lang FROM users').pluck().get()).toBe('nl');
    insertUser(db, 20, 'na@kantoor.example');
    expect(() => db.prepare("UPDATE users SET lang = 'de' WHERE email = 'na@kantoor.example'").run()).toThrow(/CHECK/);
    db.prepare("UPDATE users SET lang = 'en' WHERE email = 'na@kantoor.example'").run();
    expect(db.prepare("SELECT lang FROM users WHERE email = 'na@kantoor.example'").pluck().get()).toBe('en');
    const columns = (table: string) =>
      (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string; dflt_value: string | null }[]).filter((c) =>
        ['lang', 'language', 'time_zone'].includes(c.name),
      );
    expect(columns('office')).toEqual([
      expect.objectContaining({ name: 'language', dflt_value: "'nl'" }),
      expect.objectContaining({ name: 'time_zone', dflt_value: "'Europe/Amsterdam'" }),
    ]);
    for (const table of ['invitations', 'share_recipients'])
      expect(columns(table)).toEqual([expect.objectContaining({ name: 'lang', dflt_value: "'nl'" })]);
  });
});
