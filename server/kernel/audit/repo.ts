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

/** What the admin's trail filters on; every field is optional and they combine with AND. */
export interface AuditTrailFilter {
  /** Part of the actor's name or address, as typed (matched case-insensitively through audit_people). */
  readonly who?: string | undefined;
  /** One action (`share.created`) or a group given by its prefix (`share.`). */
  readonly action?: { readonly exact: string } | { readonly prefix: string } | undefined;
  /** At or after, in ms. */
  readonly from?: number | undefined;
  /** Before, in ms. */
  readonly to?: number | undefined;
}

/** An entry with the people behind its pseudonyms, as far as audit_people still knows them. */
export interface AuditTrailRow extends Omit<AuditRow, 'prevHash'> {
  /** The actor's audit_people row; undefined when there is none (never recorded, or deleted). */
  readonly actor: { readonly kind: string; readonly name: string | null; readonly email: string | null } | undefined;
  /** The object's audit_people row, when the object is a person (a user, an invitee). */
  readonly objectPerson: { readonly name: string | null; readonly email: string | null } | undefined;
  /** The person a `recipient` detail names (a share recipient's pseudonym), while audit_people knows them. */
  readonly detailRecipient: { readonly name: string | null; readonly email: string | null } | undefined;
  /** When the object is a share that still exists: when it was made, its file count, its recipients' names or addresses. */
  readonly share:
    { readonly createdAt: number; readonly files: number; readonly recipients: readonly string[] } | undefined;
}

/** Separates recipients in the one column SQL gives them in (the unit separator, never in a name or address). */
const UNIT_SEPARATOR = '\u001f';

interface AuditTrailSqlRow extends Omit<AuditSqlRow, 'prev_hash'> {
  actor_kind: string | null;
  actor_name: string | null;
  actor_email: string | null;
  object_kind: string | null;
  object_name: string | null;
  object_email: string | null;
  recipient_kind: string | null;
  recipient_name: string | null;
  recipient_email: string | null;
  share_created_at: number | null;
  share_files: number | null;
  share_recipients: string | null;
}

interface TrailParams {
  before: number;
  limit: number;
  exact: string | null;
  lo: string | null;
  hi: string | null;
  from: number | null;
  to: number | null;
  who: string | null;
}

/** `%` and `_` typed by the admin are letters, not wildcards. */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export function createAuditRepo(db: Db) {
  const head = db.prepare<[], { seq: number; hash: Uint8Array }>(
    'SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1',
  );
  const insert = db.prepare<
    [number, number, Uint8Array | null, string, string | null, Uint8Array | null, string, Uint8Array, Uint8Array]
  >(
    `INSERT INTO audit_log (seq, at, actor_ref, action, object_type, object_ref, details, prev_hash, hash)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const all = db.prepare<[], AuditSqlRow>('SELECT * FROM audit_log ORDER BY seq');
  // Newest first, below `before`. Each filter is off when its parameter is NULL. A group is the
  // range [prefix, prefix with its last character (the dot) raised by one), so `sign_in.` does
  // not need LIKE, whose `_` would be a wildcard.
  const trail = db.prepare<TrailParams, AuditTrailSqlRow>(
    `SELECT l.seq, l.at, l.actor_ref, l.action, l.object_type, l.object_ref, l.details, l.hash,
            a.kind AS actor_kind, a.name AS actor_name, a.email AS actor_email,
            o.kind AS object_kind, o.name AS object_name, o.email AS object_email,
            rp.kind AS recipient_kind, rp.name AS recipient_name, rp.email AS recipient_email,
            s.created_at AS share_created_at,
            (SELECT count(*) FROM share_files f WHERE f.share_id = s.id) AS share_files,
            (SELECT group_concat(who, char(31)) FROM (
               SELECT coalesce(p.name, p.email) AS who FROM share_recipients r JOIN audit_people p ON p.ref = r.audit_ref
                WHERE r.share_id = s.id AND coalesce(p.name, p.email) IS NOT NULL ORDER BY r.position)) AS share_recipients
       FROM audit_log l
       LEFT JOIN audit_people a ON a.ref = l.actor_ref
       LEFT JOIN audit_people o ON o.ref = l.object_ref
       -- A share recipient named in the details by their pseudonym (hex), and the share an entry is about.
       LEFT JOIN audit_people rp
         ON rp.ref = unhex(CASE WHEN json_valid(l.details) THEN json_extract(l.details, '$.recipient') END)
       LEFT JOIN shares s ON l.object_type = 'share' AND s.id = l.object_ref
      WHERE l.seq < @before
        AND (@exact IS NULL OR l.action = @exact)
        AND (@lo IS NULL OR (l.action >= @lo AND l.action < @hi))
        AND (@from IS NULL OR l.at >= @from)
        AND (@to IS NULL OR l.at < @to)
        AND (@who IS NULL OR l.actor_ref IN (
              SELECT p.ref FROM audit_people p WHERE p.name LIKE @who ESCAPE '\\' OR p.email LIKE @who ESCAPE '\\'))
      ORDER BY l.seq DESC
      LIMIT @limit`,
  );
  const lastOf = db.prepare<[string], AuditSqlRow>(
    'SELECT * FROM audit_log WHERE action = ? ORDER BY seq DESC LIMIT 1',
  );
  const bySeq = db.prepare<[number], AuditSqlRow>('SELECT * FROM audit_log WHERE seq = ?');
  const byHash = db.prepare<[Uint8Array], AuditSqlRow>('SELECT * FROM audit_log WHERE hash = ? ORDER BY seq LIMIT 1');
  const triggers = db.prepare<[], { name: string }>(
    "SELECT name FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = 'audit_log' ORDER BY name",
  );
  const upsertPerson = db.prepare<[Uint8Array, AuditPersonKind, string | null, string | null]>(
    `INSERT INTO audit_people (ref, kind, name, email) VALUES (?, ?, ?, ?)
     ON CONFLICT (ref) DO UPDATE SET kind = excluded.kind, name = coalesce(excluded.name, name), email = coalesce(excluded.email, email)`,
  );

  return {
    head(): { seq: number; hash: Uint8Array } | undefined {
      return head.get();
    },
    append(row: AuditRow): void {
      insert.run(
        row.seq,
        row.at,
        row.actorRef,
        row.action,
        row.objectType,
        row.objectRef,
        row.details,
        row.prevHash,
        row.hash,
      );
    },
    *entries(): Generator<AuditRow> {
      for (const row of all.iterate()) yield fromSql(row);
    },
    /** Up to `limit` entries older than `before` (a seq) matching `filter`, newest first. */
    trail(filter: AuditTrailFilter, before: number, limit: number): AuditTrailRow[] {
      const action = filter.action;
      const prefix = action !== undefined && 'prefix' in action ? action.prefix : null;
      const rows = trail.all({
        before,
        limit,
        exact: action !== undefined && 'exact' in action ? action.exact : null,
        lo: prefix,
        hi:
          prefix === null ? null : prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1),
        from: filter.from ?? null,
        to: filter.to ?? null,
        who: filter.who === undefined || filter.who === '' ? null : likePattern(filter.who),
      });
      return rows.map((row) => ({
        seq: row.seq,
        at: row.at,
        actorRef: row.actor_ref,
        action: row.action,
        objectType: row.object_type,
        objectRef: row.object_ref,
        details: row.details,
        hash: row.hash,
        actor:
          row.actor_kind === null ? undefined : { kind: row.actor_kind, name: row.actor_name, email: row.actor_email },
        objectPerson: row.object_kind === null ? undefined : { name: row.object_name, email: row.object_email },
        detailRecipient:
          row.recipient_kind === null ? undefined : { name: row.recipient_name, email: row.recipient_email },
        share:
          row.share_created_at === null
            ? undefined
            : {
                createdAt: row.share_created_at,
                files: row.share_files ?? 0,
                recipients: row.share_recipients === null ? [] : row.share_recipients.split(UNIT_SEPARATOR),
              },
      }));
    },
    /** The newest entry with this action. */
    lastOf(action: string): AuditRow | undefined {
      const row = lastOf.get(action);
      return row === undefined ? undefined : fromSql(row);
    },
    bySeq(seq: number): AuditRow | undefined {
      const row = bySeq.get(seq);
      return row === undefined ? undefined : fromSql(row);
    },
    /** The first entry whose stored hash is `hash`. */
    byHash(hash: Uint8Array): AuditRow | undefined {
      const row = byHash.get(hash);
      return row === undefined ? undefined : fromSql(row);
    },
    /** The names of the triggers on audit_log (migrations/0002 makes three that keep it append-only). */
    triggers(): string[] {
      return triggers.all().map((row) => row.name);
    },
    /** Records (or updates) who is behind a pseudonym; a null name or address keeps the stored one. */
    upsertPerson(ref: Uint8Array, kind: AuditPersonKind, name: string | null, email: string | null): void {
      upsertPerson.run(ref, kind, name, email);
    },
  };
}
export type AuditRepo = ReturnType<typeof createAuditRepo>;
