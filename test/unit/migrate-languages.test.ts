// The migrations one by one: 0012_languages (docs/operations.md, "Language and time zone").
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { schemaVersion } from '../../server/kernel/db/migrate.js';
import { type Db } from '../../server/kernel/db/open.js';
import { removeTempDirs } from '../helpers/tmp.js';
import { freshDb, insertPendingUser, migrateUpTo, open } from '../helpers/migrations.js';

afterEach(() => {
  for (const db of open.splice(0)) if (db.open) db.close();
});

afterAll(removeTempDirs);

describe('0012_languages', () => {
  const insertUser = (db: Db, fill: number, email: string) =>
    insertPendingUser(db, { id: new Uint8Array(16).fill(fill), email, auditFill: fill + 1 });

  it('gives existing users Dutch, the office Dutch and Amsterdam, and refuses any other language', async () => {
    const db = await freshDb();
    await migrateUpTo(db, 11);
    insertUser(db, 10, 'voor@kantoor.example');
    await migrateUpTo(db, 12);
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
