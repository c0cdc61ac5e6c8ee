// SQL of the audit log (audit_log, audit_people; migrations/0002_accounts.sql).
import type { Db } from '../db/open.js';

export interface AuditRow {
  readonly seq: number;
  readonly at: number;
  readonly actorRef: Uint8Array | null;
  readonly action: string;
  readonly objectType: string | null;
  readonly objectRef: Uint8Array | null;
  readonly details: string;
  readonly prevHash: Uint8Array;
  readonly hash: Uint8Array;
}

interface AuditSqlRow {
  seq: number;
  at: number;
  actor_ref: Uint8Array | null;
  action: string;
  object_type: string | null;
  object_ref: Uint8Array | null;
  details: string;
  prev_hash: Uint8Array;
  hash: Uint8Array;
}

function fromSql(row: AuditSqlRow): AuditRow {
  return {
    seq: row.seq,
    at: row.at,
    actorRef: row.actor_ref,
    action: row.action,
    objectType: row.object_type,
    objectRef: row.object_ref,
    details: row.details,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

export type AuditPersonKind = 'user' | 'invitee' | 'recipient';

export function createAuditRepo(db: Db) {
  const head = db.prepare<[], { seq: number; hash: Uint8Array }>('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1');
  const insert = db.prepare<[number, number, Uint8Array | null, string, string | null, Uint8Array | null, string, Uint8Array, Uint8Array]>(
    `INSERT INTO audit_log (seq, at, actor_ref, action, object_type, object_ref, details, prev_hash, hash)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const all = db.prepare<[], AuditSqlRow>('SELECT * FROM audit_log ORDER BY seq');
  const upsertPerson = db.prepare<[Uint8Array, AuditPersonKind, string | null, string | null]>(
    `INSERT INTO audit_people (ref, kind, name, email) VALUES (?, ?, ?, ?)
     ON CONFLICT (ref) DO UPDATE SET kind = excluded.kind, name = coalesce(excluded.name, name), email = coalesce(excluded.email, email)`,
  );

  return {
    head(): { seq: number; hash: Uint8Array } | undefined {
      return head.get();
    },
    append(row: AuditRow): void {
      insert.run(row.seq, row.at, row.actorRef, row.action, row.objectType, row.objectRef, row.details, row.prevHash, row.hash);
    },
    *entries(): Generator<AuditRow> {
      for (const row of all.iterate()) yield fromSql(row);
    },
    /** Records (or updates) who is behind a pseudonym; a null name or address keeps the stored one. */
    upsertPerson(ref: Uint8Array, kind: AuditPersonKind, name: string | null, email: string | null): void {
      upsertPerson.run(ref, kind, name, email);
    },
  };
}
export type AuditRepo = ReturnType<typeof createAuditRepo>;
