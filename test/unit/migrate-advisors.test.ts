// The migrations one by one: 0016_advisors_alerts (docs/operations.md, "Advisors and leavers").
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { schemaVersion } from '../../server/kernel/db/migrate.js';
import { type Db } from '../../server/kernel/db/open.js';
import { removeTempDirs } from '../helpers/tmp.js';
import { freshDb, insertPendingUser, migrateUpTo, open } from '../helpers/migrations.js';

afterEach(() => {
  for (const db of open.splice(0)) if (db.open) db.close();
});

afterAll(removeTempDirs);

describe('0016_advisors_alerts', () => {
  const bytes = (n: number, fill = 1) => new Uint8Array(n).fill(fill);
  const user = (db: Db, fill: number, role: 'staff' | 'admin' | 'client') => {
    insertPendingUser(db, { id: bytes(16, fill), email: `u${fill}@kantoor.example`, auditFill: 100 + fill });
    db.prepare('UPDATE users SET role = ? WHERE id = ?').run(role, bytes(16, fill));
    return bytes(16, fill);
  };
  const invitation = (
    db: Db,
    fill: number,
    role: string,
    invitedBy: Uint8Array,
    userId: Uint8Array,
    accepted: boolean,
  ) =>
    db
      .prepare(
        `INSERT INTO invitations (id, token_hash, kind, user_id, email, role, audit_ref, invited_by, created_at, expires_at, accepted_at)
         VALUES (?, ?, 'invitation', ?, ?, ?, ?, ?, 1, 2, ?)`,
      )
      .run(
        bytes(16, fill),
        bytes(32, fill),
        userId,
        `i${fill}@kantoor.example`,
        role,
        bytes(16, fill + 1),
        invitedBy,
        accepted ? 2 : null,
      );
  const personalDrop = (db: Db, fill: number, owner: Uint8Array, client: Uint8Array) =>
    db
      .prepare(
        `INSERT INTO drops (id, owner_id, audit_ref, link_ref, created_at, expires_at, personal, title, instructions, email, max_files,
           max_bytes, single_use, public_key, secrets_owner, secrets_office, label_owner, label_office, client_id)
         VALUES (?, ?, ?, ?, 1, 2, 1, 'Titel', '', 'k@example.nl', 10, 1000, 0, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        bytes(16, fill),
        owner,
        bytes(16, fill + 1),
        bytes(16, fill + 2),
        bytes(32),
        bytes(190),
        bytes(190),
        bytes(376),
        bytes(376),
        client,
      );
  const advisorOf = (db: Db, id: Uint8Array) =>
    db.prepare('SELECT advisor_id FROM users WHERE id = ?').pluck().get(id) as Uint8Array | null;

  it('gives each client the member who approved them (else who invited them), and only clients an advisor', async () => {
    const db = await freshDb();
    await migrateUpTo(db, 15);
    const inviter = user(db, 1, 'staff');
    const approver = user(db, 2, 'admin');
    const colleague = user(db, 3, 'staff');
    const approved = user(db, 10, 'client');
    const waiting = user(db, 11, 'client');
    invitation(db, 40, 'client', inviter, approved, true);
    invitation(db, 42, 'client', inviter, waiting, true);
    personalDrop(db, 50, approver, approved);
    // Still open: a client's and a staff member's invitation.
    invitation(db, 44, 'client', colleague, bytes(16, 12), false);
    invitation(db, 46, 'staff', colleague, bytes(16, 13), false);

    await migrateUpTo(db, 16);
    expect(schemaVersion(db)).toBe(16);
    expect(advisorOf(db, approved)).toEqual(Buffer.from(approver));
    expect(advisorOf(db, waiting)).toEqual(Buffer.from(inviter));
    expect(advisorOf(db, inviter)).toBeNull();
    const invitedAdvisor = (fill: number) =>
      db.prepare('SELECT advisor_id FROM invitations WHERE id = ?').pluck().get(bytes(16, fill)) as Uint8Array | null;
    expect(invitedAdvisor(44)).toEqual(Buffer.from(colleague));
    expect(invitedAdvisor(46)).toBeNull();
    expect(invitedAdvisor(40)).toBeNull(); // accepted: its client has users.advisor_id

    // A member never has an advisor; an unknown advisor is refused.
    expect(() => db.prepare('UPDATE users SET advisor_id = ? WHERE id = ?').run(approver, colleague)).toThrow(/CHECK/);
    expect(() => db.prepare('UPDATE users SET advisor_id = ? WHERE id = ?').run(bytes(16, 99), waiting)).toThrow(
      /FOREIGN KEY/,
    );

    // Erasing a member leaves their clients without an advisor (their alerts go to the admins).
    db.prepare('DELETE FROM invitations WHERE invited_by = ?').run(inviter);
    db.prepare('DELETE FROM users WHERE id = ?').run(inviter);
    expect(advisorOf(db, waiting)).toBeNull();

    expect(db.prepare('SELECT arrival_mailed_at FROM drops').pluck().get()).toBeNull();
  });
});
