// The migrations one by one: 0014_recipient_delivery (docs/threat-model.md "Who delivers a
// link"): download counts move from the share to each recipient, each recipient starting with
// the share's count so far, and a guest row can say Coffer mailed its link (only with an access code).
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { schemaVersion } from '../../server/kernel/db/migrate.js';
import { removeTempDirs } from '../helpers/tmp.js';
import { freshDb, insertPendingUser, migrateUpTo, open } from '../helpers/migrations.js';

afterEach(() => {
  for (const db of open.splice(0)) if (db.open) db.close();
});

afterAll(removeTempDirs);

describe('0014_recipient_delivery', () => {
  const bytes = (n: number, fill = 1) => new Uint8Array(n).fill(fill);

  it("gives every recipient the share's count and latest grant, drops them from the share, and allows link_mailed_at only for a guest with an access code", async () => {
    const db = await freshDb();
    await migrateUpTo(db, 12);
    const sender = bytes(16, 1);
    insertPendingUser(db, { id: sender, email: 's@kantoor.example', auditFill: 99 });
    const insertShare = db.prepare(
      `INSERT INTO shares (id, sender_id, manifest, sender_certificate, sender_encryption_key_signature, created_at, expires_at,
         download_limit, downloads_used, grants_expire_at, receipt_mail)
       VALUES (?, ?, ?, ?, ?, 1, 5000, ?, ?, ?, 0)`,
    );
    // One share used up (1 of 1, a grant until 4000), one with 1 of 3 used, one without a limit.
    insertShare.run(bytes(16, 5), sender, bytes(100), bytes(100), bytes(64), 1, 1, 4000);
    insertShare.run(bytes(16, 6), sender, bytes(100), bytes(100), bytes(64), 3, 1, 3000);
    insertShare.run(bytes(16, 7), sender, bytes(100), bytes(100), bytes(64), null, 0, null);
    const insertGuest = db.prepare(
      `INSERT INTO share_recipients (id, share_id, link_id, position, kind, user_id, email, audit_ref, access_code,
         server_half, link_secret_sender, link_secret_office)
       VALUES (?, ?, ?, ?, 'guest', NULL, ?, ?, ?, ?, ?, ?)`,
    );
    let fill = 20;
    const guest = (share: number, position: number, accessCode: 0 | 1) => {
      const id = bytes(16, (fill += 1));
      insertGuest.run(
        id,
        bytes(16, share),
        bytes(16, (fill += 1)),
        position,
        `g${fill}@example.nl`,
        bytes(16, (fill += 1)),
        accessCode,
        bytes(32),
        bytes(60),
        bytes(60),
      );
      return id;
    };
    const usedUpA = guest(5, 0, 0);
    const usedUpB = guest(5, 1, 1);
    const partly = guest(6, 0, 1);
    const unlimited = guest(7, 0, 0);

    await migrateUpTo(db, 14);
    expect(schemaVersion(db)).toBe(14);
    const counts = db.prepare(
      'SELECT downloads_used AS used, grants_expire_at AS grants FROM share_recipients WHERE id = ?',
    );
    expect(counts.get(usedUpA)).toEqual({ used: 1, grants: 4000 });
    expect(counts.get(usedUpB)).toEqual({ used: 1, grants: 4000 });
    expect(counts.get(partly)).toEqual({ used: 1, grants: 3000 });
    expect(counts.get(unlimited)).toEqual({ used: 0, grants: null });
    const shareColumns = (db.prepare('PRAGMA table_info(shares)').all() as { name: string }[]).map((c) => c.name);
    expect(shareColumns).toContain('download_limit');
    expect(shareColumns).not.toContain('downloads_used');
    expect(shareColumns).not.toContain('grants_expire_at');

    const mailed = db.prepare('UPDATE share_recipients SET link_mailed_at = 10 WHERE id = ?');
    expect(() => mailed.run(unlimited)).toThrow(/CHECK/);
    mailed.run(partly);
    expect(db.prepare('SELECT link_mailed_at FROM share_recipients WHERE id = ?').pluck().get(partly)).toBe(10);
    expect(() => db.prepare('UPDATE share_recipients SET downloads_used = -1 WHERE id = ?').run(partly)).toThrow(
      /CHECK/,
    );
    expect(db.pragma('foreign_key_check')).toEqual([]);
  });
});
