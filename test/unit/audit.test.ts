import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ready } from '../../shared/crypto/index.js';
import { createAuditRepo } from '../../server/kernel/audit/repo.js';
import {
  AUDIT_GENESIS_HASH,
  auditEntryHash,
  createAudit,
  verifyChain,
  type Audit,
} from '../../server/kernel/audit/service.js';
import { migrate } from '../../server/kernel/db/migrate.js';
import { openDatabase, type Db } from '../../server/kernel/db/open.js';
import { createTransact } from '../../server/kernel/db/transaction.js';
import { projectPaths } from '../../server/kernel/paths.js';
import { testClock } from '../helpers/clock.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

const open: Db[] = [];
beforeAll(ready);
afterEach(() => {
  for (const db of open.splice(0)) if (db.open) db.close();
});
afterAll(removeTempDirs);

async function auditDb(): Promise<{ db: Db; audit: Audit }> {
  const db = openDatabase(join(await tempDir(), 'coffer.db'));
  open.push(db);
  migrate(db, projectPaths().migrations);
  const clock = testClock();
  const audit = createAudit({ repo: createAuditRepo(db), clock });
  return { db, audit };
}

const actor = new Uint8Array(16).fill(1);
const someone = new Uint8Array(16).fill(2);

function fill(audit: Audit, n: number): void {
  for (let i = 0; i < n; i++) {
    audit.record({
      actor: i % 2 === 0 ? actor : null,
      action: 'sign_in.failed',
      object: { type: 'user', ref: someone },
      details: { reason: 'wrong_password', step: 'password' },
    });
  }
}

/** An attacker with the database file: the triggers are just rows in sqlite_schema to them. */
function dropTriggers(db: Db): void {
  for (const name of ['audit_log_append_in_order', 'audit_log_no_update', 'audit_log_no_delete'])
    db.exec(`DROP TRIGGER ${name}`);
}

describe('audit log', () => {
  it('chains each entry to the one before and verifies', async () => {
    const { db, audit } = await auditDb();
    expect(verifyChain(db)).toMatchObject({ ok: true, entries: 0 });
    fill(audit, 5);
    const check = verifyChain(db);
    expect(check).toMatchObject({ ok: true, entries: 5 });
    const rows = [...createAuditRepo(db).entries()];
    expect(rows.map((row) => row.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(new Uint8Array(rows[0]?.prevHash ?? [])).toEqual(AUDIT_GENESIS_HASH);
    for (let i = 1; i < rows.length; i++) expect(rows[i]?.prevHash).toEqual(rows[i - 1]?.hash);
    if (check.ok) expect(check.head).toEqual(rows[4]?.hash);
    expect(JSON.parse(rows[0]?.details ?? '')).toEqual({ reason: 'wrong_password', step: 'password' });
  });

  it('appends inside the transaction of the change it describes: a rolled-back change leaves no entry', async () => {
    const { db, audit } = await auditDb();
    const transact = createTransact(db);
    expect(() =>
      transact(() => {
        audit.record({ actor, action: 'user.disabled' });
        throw new Error('the change failed');
      }),
    ).toThrow('the change failed');
    expect(verifyChain(db)).toMatchObject({ ok: true, entries: 0 });
  });

  it('refuses UPDATE and DELETE through SQL', async () => {
    const { db, audit } = await auditDb();
    fill(audit, 2);
    expect(() => db.prepare("UPDATE audit_log SET details = '{}' WHERE seq = 1").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
    expect(verifyChain(db)).toMatchObject({ ok: true, entries: 2 });
  });

  it('finds a changed row', async () => {
    const { db, audit } = await auditDb();
    fill(audit, 5);
    dropTriggers(db);
    db.prepare('UPDATE audit_log SET details = \'{"reason":"nothing happened"}\' WHERE seq = 3').run();
    expect(verifyChain(db)).toEqual({ ok: false, brokenAt: 3 });
  });

  it('finds a changed row even when its hash is recomputed (the next link breaks)', async () => {
    const { db, audit } = await auditDb();
    fill(audit, 5);
    dropTriggers(db);
    const row = [...createAuditRepo(db).entries()][2];
    if (row === undefined) throw new Error('no row');
    const forged = { ...row, actorRef: null };
    db.prepare('UPDATE audit_log SET actor_ref = NULL, hash = ? WHERE seq = 3').run(auditEntryHash(forged));
    expect(verifyChain(db)).toEqual({ ok: false, brokenAt: 4 });
  });

  it('finds a removed row', async () => {
    const { db, audit } = await auditDb();
    fill(audit, 5);
    dropTriggers(db);
    db.prepare('DELETE FROM audit_log WHERE seq = 2').run();
    expect(verifyChain(db)).toEqual({ ok: false, brokenAt: 3 });
  });

  it('finds an inserted row', async () => {
    const { db, audit } = await auditDb();
    fill(audit, 3);
    dropTriggers(db);
    const rows = [...createAuditRepo(db).entries()];
    // Squeeze a row in between 1 and 2 by renumbering what follows.
    db.prepare('UPDATE audit_log SET seq = seq + 10 WHERE seq >= 2').run();
    const inserted = {
      seq: 2,
      at: 5,
      actorRef: null,
      action: 'user.enabled',
      objectType: null,
      objectRef: null,
      details: '{}',
      prevHash: rows[0]?.hash as Uint8Array,
    };
    db.prepare(
      'INSERT INTO audit_log (seq, at, actor_ref, action, object_type, object_ref, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ).run(
      inserted.seq,
      inserted.at,
      inserted.actorRef,
      inserted.action,
      inserted.objectType,
      inserted.objectRef,
      inserted.details,
      inserted.prevHash,
      auditEntryHash(inserted),
    );
    db.prepare('UPDATE audit_log SET seq = seq - 9 WHERE seq >= 12').run();
    expect(verifyChain(db)).toEqual({ ok: false, brokenAt: 3 });
  });

  it('keeps names and addresses only in audit_people', async () => {
    const { db, audit } = await auditDb();
    audit.person(someone, 'invitee', null, 'bram@kantoor.example');
    audit.person(someone, 'user', 'Bram Jansen', null);
    audit.record({
      actor,
      action: 'invitation.accepted',
      object: { type: 'invitation', ref: someone },
      details: { kind: 'invitation' },
    });
    expect(db.prepare('SELECT kind, name, email FROM audit_people').all()).toEqual([
      { kind: 'user', name: 'Bram Jansen', email: 'bram@kantoor.example' },
    ]);
    const text = JSON.stringify(db.prepare('SELECT action, object_type, details FROM audit_log').all());
    expect(text).not.toContain('bram');
    // Erasing the person leaves the chain intact.
    db.prepare('UPDATE audit_people SET name = NULL, email = NULL').run();
    expect(verifyChain(db)).toMatchObject({ ok: true, entries: 1 });
  });
});
