// `npm run coffer -- audit-verify`, the real command line against a real data folder: a log
// built through the app (setup, an invitation, approval, sign-ins, a share to a guest), then
// changed the way someone holding the database file would change it: with their own
// connection, after dropping the triggers that keep the log append-only. The command must name
// the entry that was changed, inserted or removed; with the head from the daily mail it also
// catches a log that was cut short or rebuilt, which the chain alone cannot show. Clearing the
// people behind the pseudonyms (what privacy erasure does) leaves the chain whole.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../shared/crypto/index.js';
import { createAuditRepo, type AuditRow } from '../../server/kernel/audit/repo.js';
import { auditEntryHash, verifyChain } from '../../server/kernel/audit/service.js';
import { auditHeadJobOver as createAuditHeadJob } from '../../server/compose-jobs.js';
import { createDeliver } from '../../server/kernel/mail/deliver.js';
import { dataPaths } from '../../server/kernel/paths.js';
import { TEST_ORIGIN } from '../helpers/app.js';
import { approve, inviteAndAccept, signIn, type Office } from '../helpers/office.js';
import { runCoffer } from '../helpers/process.js';
import { sendShare } from '../helpers/sharing.js';
import { httpSuite } from '../helpers/suite.js';

const suite = httpSuite();

interface Built {
  readonly o: Office;
  readonly file: string;
  readonly env: Record<string, string>;
  readonly rows: AuditRow[];
}

/** A real log, made through the app; the app is closed afterwards, as if the server had stopped. */
async function builtLog(options: { mailHead?: boolean } = {}): Promise<Built & { mailedHead?: string }> {
  const o = await suite.office();
  const bram = await inviteAndAccept(o, 'bram@kantoor.example');
  await approve(o, bram);
  await signIn(o, bram);
  await sendShare(o, bram);
  await signIn(o, o.admin);
  await signIn(o, bram);
  let mailedHead: string | undefined;
  if (options.mailHead === true) {
    const job = createAuditHeadJob({
      db: o.t.db,
      clock: o.t.clock,
      log: o.t.logs.log,
      deliver: createDeliver(o.t.mailer, o.t.logs.log),
      publicUrl: o.t.config.publicUrl,
    });
    expect((await job.runOnce()).status).toBe('sent');
    // The head exactly as the admin reads it in the mail (entry and check value, in either
    // language), put together as the operations guide says: --head <entry>:<check value>.
    const text = (await o.mail.latest('anna@kantoor.example')).text ?? '';
    const entry = /^ {2}(?:Regel|Entry): +(\d+)$/m.exec(text)?.[1];
    const value = /^ {2}(?:Controlegetal|Check value): +([0-9a-f]{64})$/m.exec(text)?.[1];
    expect(entry).toBeDefined();
    expect(value).toBeDefined();
    mailedHead = `${entry}:${value}`;
    // Life goes on after the mail.
    await signIn(o, bram);
    await signIn(o, o.admin);
  }
  const rows = [...createAuditRepo(o.t.db).entries()];
  expect(rows.length).toBeGreaterThanOrEqual(8);
  o.t.close();
  return {
    o,
    file: dataPaths(o.t.config.dataDir).database,
    env: { DATA_DIR: o.t.config.dataDir, PUBLIC_URL: TEST_ORIGIN },
    rows,
    ...(mailedHead === undefined ? {} : { mailedHead }),
  };
}

/** Someone with the database file: their own connection, the triggers are just rows in sqlite_schema to them. */
function tamper(file: string, change: (db: Database.Database) => void): void {
  const db = new Database(file);
  try {
    for (const name of ['audit_log_append_in_order', 'audit_log_no_update', 'audit_log_no_delete'])
      db.exec(`DROP TRIGGER IF EXISTS ${name}`);
    change(db);
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
}

const insert = (db: Database.Database, row: Omit<AuditRow, 'hash'>, hash: Uint8Array) =>
  db
    .prepare(
      'INSERT INTO audit_log (seq, at, actor_ref, action, object_type, object_ref, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    )
    .run(row.seq, row.at, row.actorRef, row.action, row.objectType, row.objectRef, row.details, row.prevHash, hash);

/** Rebuilds every hash from `from` on, so the chain holds again (what a careful forger does). */
function rechain(db: Database.Database, from: number): void {
  const rows = db.prepare('SELECT * FROM audit_log WHERE seq >= ? ORDER BY seq').all(from) as Record<string, unknown>[];
  let prev = (db.prepare('SELECT hash FROM audit_log WHERE seq = ?').get(from - 1) as { hash: Uint8Array }).hash;
  for (const sql of rows) {
    const row = {
      seq: sql['seq'] as number,
      at: sql['at'] as number,
      actorRef: sql['actor_ref'] as Uint8Array | null,
      action: sql['action'] as string,
      objectType: sql['object_type'] as string | null,
      objectRef: sql['object_ref'] as Uint8Array | null,
      details: sql['details'] as string,
      prevHash: prev,
    };
    const hash = auditEntryHash(row);
    db.prepare('UPDATE audit_log SET prev_hash = ?, hash = ? WHERE seq = ?').run(prev, hash, row.seq);
    prev = hash;
  }
}

const verify = (env: Record<string, string>, ...args: string[]) => runCoffer('cli', ['audit-verify', ...args], env);
const rowAt = (rows: readonly AuditRow[], seq: number): AuditRow => rows.find((row) => row.seq === seq) as AuditRow;
const utc = (ms: number) => `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;

describe('npm run coffer -- audit-verify', () => {
  it('says an untouched log is intact, with its length and head, and exits 0', async () => {
    const { env, rows } = await builtLog();
    const result = await verify(env);
    const head = rows.at(-1) as AuditRow;
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain(
      `Audit log intact: ${rows.length} entries, head ${toHex(head.hash)} (entry ${head.seq}, ${utc(head.at)}).`,
    );
    expect(result.code).toBe(0);
  });

  it('names a changed entry (its hash no longer matches) and exits 1', async () => {
    const { env, file, rows } = await builtLog();
    const target = rows.find((row) => row.action === 'share.created') as AuditRow;
    tamper(file, (db) => db.prepare('UPDATE audit_log SET details = ? WHERE seq = ?').run('{"files":0}', target.seq));
    const result = await verify(env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `Audit log BROKEN: entry ${target.seq} (${utc(target.at)}, share.created) was changed: its hash no longer matches its contents.`,
    );
    expect(result.stderr).toContain(`Entries 1 to ${target.seq - 1} are intact.`);
    expect(result.stderr).toContain('lost the triggers that keep the audit log append-only');
    expect(result.stdout).not.toContain('intact:');
  });

  it('names a changed entry whose hash was recomputed to match', async () => {
    const { env, file, rows } = await builtLog();
    const target = rows.find((row) => row.action === 'user.approved') as AuditRow;
    tamper(file, (db) => {
      const forged = { ...target, details: '{"role":"admin"}' };
      db.prepare('UPDATE audit_log SET details = ?, hash = ? WHERE seq = ?').run(
        forged.details,
        auditEntryHash(forged),
        target.seq,
      );
    });
    const result = await verify(env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `Audit log BROKEN: entry ${target.seq} (${utc(target.at)}, user.approved) was changed and its hash recomputed: entry ${target.seq + 1} links to a different version of it.`,
    );
  });

  it('names a removed entry (a gap in the sequence)', async () => {
    const { env, file, rows } = await builtLog();
    const removed = 4;
    tamper(file, (db) => db.prepare('DELETE FROM audit_log WHERE seq = ?').run(removed));
    const result = await verify(env);
    expect(result.code).toBe(1);
    const next = rowAt(rows, removed + 1);
    expect(result.stderr).toContain(
      `Audit log BROKEN: entry ${removed} was removed: the sequence jumps from ${removed - 1} to entry ${next.seq} (${utc(next.at)}, ${next.action}).`,
    );
  });

  it('names removed entries when the rest was renumbered to hide the gap', async () => {
    const { env, file, rows } = await builtLog();
    tamper(file, (db) => {
      db.prepare('DELETE FROM audit_log WHERE seq IN (5, 6)').run();
      db.prepare('UPDATE audit_log SET seq = seq + 1000 WHERE seq > 6').run();
      db.prepare('UPDATE audit_log SET seq = seq - 1002 WHERE seq > 1000').run();
    });
    const result = await verify(env);
    expect(result.code).toBe(1);
    const moved = rowAt(rows, 7);
    expect(result.stderr).toContain(
      `Audit log BROKEN: entries 5 to 6 were removed and the later entries renumbered: what is now entry 5 (${utc(moved.at)}, ${moved.action}) was hashed as entry 7.`,
    );
  });

  it('names an inserted entry, even one with a correct hash of its own', async () => {
    const { env, file, rows } = await builtLog();
    const after = rowAt(rows, 3);
    const forged = {
      seq: 4,
      at: after.at + 1,
      actorRef: null,
      action: 'user.enabled',
      objectType: null,
      objectRef: null,
      details: '{}',
      prevHash: after.hash,
    };
    tamper(file, (db) => {
      db.prepare('UPDATE audit_log SET seq = seq + 1000 WHERE seq >= 4').run();
      insert(db, forged, auditEntryHash(forged));
      db.prepare('UPDATE audit_log SET seq = seq - 999 WHERE seq >= 1004').run();
    });
    const result = await verify(env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `Audit log BROKEN: entry 4 (${utc(forged.at)}, user.enabled) was inserted: entry 5 links to entry 3.`,
    );
  });

  it('with the mailed head: catches a log cut short, which the chain alone cannot show', async () => {
    const { env, file, rows, mailedHead } = await builtLog({ mailHead: true });
    const [seqText, hash] = (mailedHead as string).split(':') as [string, string];
    const mailedSeq = Number(seqText);
    expect(toHex(rowAt(rows, mailedSeq).hash)).toBe(hash);

    const matching = await verify(env, '--head', mailedHead as string);
    expect(matching.code).toBe(0);
    expect(matching.stdout).toContain(`The head mailed for entry ${mailedSeq} matches`);

    // Remove the newest entries, from before the mailed one to the end.
    const keep = mailedSeq - 2;
    tamper(file, (db) => db.prepare('DELETE FROM audit_log WHERE seq > ?').run(keep));
    const alone = await verify(env);
    expect(alone.code).toBe(0);
    expect(alone.stdout).toContain(`Audit log intact: ${keep} entries`);

    const checked = await verify(env, `--head=${mailedHead as string}`);
    expect(checked.code).toBe(1);
    expect(checked.stderr).toContain(
      `Audit log REWRITTEN: the mailed head names entry ${mailedSeq}, but the log ends at entry ${keep}: entries ${keep + 1} to ${mailedSeq} were removed from the end.`,
    );
  });

  it('with the mailed head: catches a log rebuilt with fresh hashes, which the chain alone cannot show', async () => {
    const { env, file, mailedHead } = await builtLog({ mailHead: true });
    tamper(file, (db) => {
      db.prepare("UPDATE audit_log SET details = '{}' WHERE seq = 3").run();
      rechain(db, 3);
    });
    expect((await verify(env)).code).toBe(0);
    const checked = await verify(env, '--expect', mailedHead as string);
    expect(checked.code).toBe(1);
    const mailedSeq = Number((mailedHead as string).split(':')[0]);
    expect(checked.stderr).toContain(`Audit log REWRITTEN: entry ${mailedSeq} is not the entry whose hash was mailed`);
    // A bare hash (without the entry's number) is looked for anywhere in the log.
    const bare = await verify(env, '--head', (mailedHead as string).split(':')[1] as string);
    expect(bare.code).toBe(1);
    expect(bare.stderr).toContain('no entry in the log has the mailed head hash');
  });

  it('refuses a head that is not <seq>:<hash> with exit 2', async () => {
    const { env } = await builtLog();
    for (const args of [
      ['--head'],
      ['--head', '12:abc'],
      ['--head', 'zz'],
      ['--frob', '1'],
      ['--head', `1:${'a'.repeat(64)}`, 'extra'],
    ]) {
      const result = await verify(env, ...args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toContain('Usage: npm run coffer');
    }
  });

  it('still verifies after the people behind the pseudonyms are erased', async () => {
    const { env, file, rows } = await builtLog();
    const before = await verify(env);
    expect(before.code).toBe(0);
    // What privacy erasure does: clear the names and addresses (or remove the rows); the log is not touched.
    const db = new Database(file);
    try {
      expect(
        db.prepare("UPDATE audit_people SET name = NULL, email = NULL WHERE email = 'bram@kantoor.example'").run()
          .changes,
      ).toBe(1);
      expect(db.prepare("DELETE FROM audit_people WHERE kind = 'recipient'").run().changes).toBeGreaterThan(0);
      expect(verifyChain(db)).toMatchObject({ ok: true, entries: rows.length });
      const bytes = db.prepare("SELECT count(*) AS n FROM audit_people WHERE email LIKE '%bram%'").get() as {
        n: number;
      };
      expect(bytes.n).toBe(0);
    } finally {
      db.close();
    }
    const after = await verify(env);
    expect(after.code).toBe(0);
    expect(after.stdout).toBe(before.stdout);
    expect(after.stderr).toBe('');
  });
});
