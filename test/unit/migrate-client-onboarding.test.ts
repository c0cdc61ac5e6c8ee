// The migrations one by one: 0018_client_onboarding (docs/threat-model.md, "Client onboarding").
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

function insertInvitation(db: Db, fill: number, role: 'client' | 'staff', statement: Uint8Array | null): void {
  db.prepare(
    `INSERT INTO invitations (id, token_hash, kind, user_id, email, role, audit_ref, created_at, expires_at, client_statement)
     VALUES (?, ?, 'invitation', ?, ?, ?, ?, 1, 2, ?)`,
  ).run(
    bytes(16, fill),
    bytes(32, fill),
    bytes(16, fill + 1),
    `i${fill}@voorbeeld.nl`,
    role,
    bytes(16, fill + 2),
    statement,
  );
}

describe('0018_client_onboarding', () => {
  it('marks clients approved before it as checked by a call, and takes statements, proofs and checks only for clients', async () => {
    const db = await freshDb();
    await migrateUpTo(db, 17);
    insertPendingUser(db, { id: bytes(16, 10), email: 'klant@voorbeeld.nl', auditFill: 11 });
    insertPendingUser(db, { id: bytes(16, 20), email: 'wacht@voorbeeld.nl', auditFill: 21 });
    insertPendingUser(db, { id: bytes(16, 30), email: 'collega@voorbeeld.nl', auditFill: 31 });
    db.prepare("UPDATE users SET role = 'client' WHERE email != 'collega@voorbeeld.nl'").run();
    db.prepare(
      "UPDATE users SET approval = 'approved', certificate = ?, certificate_version = 1 WHERE email = 'klant@voorbeeld.nl'",
    ).run(bytes(100, 1));
    await migrateUpTo(db, 18);
    expect(schemaVersion(db)).toBe(18);

    const checks = db.prepare('SELECT email, key_check AS keyCheck FROM users ORDER BY email').all();
    expect(checks).toEqual([
      { email: 'collega@voorbeeld.nl', keyCheck: null },
      { email: 'klant@voorbeeld.nl', keyCheck: 'call' },
      { email: 'wacht@voorbeeld.nl', keyCheck: null },
    ]);
    expect(() => db.prepare("UPDATE users SET key_check = 'proof' WHERE email = 'collega@voorbeeld.nl'").run()).toThrow(
      /CHECK/,
    );
    expect(() => db.prepare("UPDATE users SET key_check = 'trust' WHERE email = 'wacht@voorbeeld.nl'").run()).toThrow(
      /CHECK/,
    );
    db.prepare("UPDATE users SET key_check = 'unverified' WHERE email = 'wacht@voorbeeld.nl'").run();

    // A statement only on a client's invitation, a proof only next to a statement.
    insertInvitation(db, 40, 'client', bytes(200, 1));
    expect(() => insertInvitation(db, 50, 'staff', bytes(200, 1))).toThrow(/CHECK/);
    insertInvitation(db, 60, 'client', null);
    expect(() =>
      db.prepare('UPDATE invitations SET key_proof = ? WHERE id = ?').run(bytes(32, 1), bytes(16, 60)),
    ).toThrow(/CHECK/);
    expect(() =>
      db.prepare('UPDATE invitations SET key_proof = ? WHERE id = ?').run(bytes(31, 1), bytes(16, 40)),
    ).toThrow(/CHECK/);
    db.prepare('UPDATE invitations SET key_proof = ? WHERE id = ?').run(bytes(32, 1), bytes(16, 40));

    expect(db.prepare('SELECT require_client_call FROM office').pluck().all()).toEqual([]);
    const office = (db.prepare('PRAGMA table_info(office)').all() as { name: string; dflt_value: string }[]).find(
      (c) => c.name === 'require_client_call',
    );
    expect(office?.dflt_value).toBe('0');
  });
});
