// SQL of contacts, the office's address book (migrations/0013_contacts.sql). The book belongs to
// the office as a whole (any approved member reads and changes it, the guard checks that), so a
// contact is found by its id alone; nothing here is reachable by a client or a guest.
// Searches compare with instr() on lower-cased text, so `%` and `_` in a search are plain
// characters (SQLite lower-cases ASCII only: "É" matches "É", not "é").
import { asId, type Id } from '../../shared/crypto/index.js';
import type { Language } from '../../shared/wire/index.js';
import type { Db } from '../kernel/db/open.js';

export interface ContactCodeRecord {
  readonly sealed: Uint8Array;
  readonly sealedBy: Id;
  readonly sealedByName: string | null;
  readonly sealedAt: number;
}

export interface ContactRecord {
  readonly id: Id;
  readonly email: string;
  readonly name: string;
  readonly lang: Language;
  readonly organisation: string | null;
  readonly reference: string | null;
  readonly code: ContactCodeRecord | null;
  readonly auditRef: Uint8Array;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface ContactFields {
  readonly name: string;
  readonly lang: Language;
  readonly organisation: string | null;
  /** Undefined on an update: unchanged. */
  readonly reference?: string | null;
}

/** An account whose name or address matched a search (a client or a colleague). */
export interface AccountMatch {
  readonly name: string;
  readonly email: string;
  readonly role: 'admin' | 'staff' | 'client';
  /** A client's personnel or client number. */
  readonly reference: string | null;
}

interface ContactSqlRow {
  id: Uint8Array;
  email: string;
  name: string;
  lang: Language;
  organisation: string | null;
  reference: string | null;
  sealed_code: Uint8Array | null;
  code_sealed_by: Uint8Array | null;
  code_sealed_at: number | null;
  sealer_name: string | null;
  audit_ref: Uint8Array;
  created_at: number;
  updated_at: number;
}

function fromSql(row: ContactSqlRow): ContactRecord {
  const code =
    row.sealed_code === null || row.code_sealed_by === null || row.code_sealed_at === null
      ? null
      : {
          sealed: row.sealed_code,
          sealedBy: asId(row.code_sealed_by),
          sealedByName: row.sealer_name,
          sealedAt: row.code_sealed_at,
        };
  return {
    id: asId(row.id),
    email: row.email,
    name: row.name,
    lang: row.lang,
    organisation: row.organisation,
    reference: row.reference,
    code,
    auditRef: row.audit_ref,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

const SELECT = `SELECT c.id, c.email, c.name, c.lang, c.organisation, c.reference, c.sealed_code, c.code_sealed_by, c.code_sealed_at,
  u.name AS sealer_name, c.audit_ref, c.created_at, c.updated_at
  FROM contacts c LEFT JOIN users u ON u.id = c.code_sealed_by`;
const ORDER = 'ORDER BY lower(c.name), c.email';
const MATCHES = `(instr(lower(c.name), lower(@q)) > 0 OR instr(c.email, lower(@q)) > 0
  OR instr(lower(coalesce(c.organisation, '')), lower(@q)) > 0 OR lower(coalesce(c.reference, '')) = lower(@q))`;

export function createContactsRepo(db: Db) {
  const list = db.prepare<{ q: string; organisation: string | null }, ContactSqlRow>(
    `${SELECT} WHERE ${MATCHES} AND (@organisation IS NULL OR c.organisation = @organisation) ${ORDER}`,
  );
  const suggest = db.prepare<{ q: string; limit: number }, ContactSqlRow>(
    `${SELECT} WHERE ${MATCHES} ${ORDER} LIMIT @limit`,
  );
  const organisations = db
    .prepare<[], string>(
      'SELECT DISTINCT organisation FROM contacts WHERE organisation IS NOT NULL ORDER BY lower(organisation)',
    )
    .pluck();
  const byId = db.prepare<[Uint8Array], ContactSqlRow>(`${SELECT} WHERE c.id = ?`);
  const count = db.prepare<[], number>('SELECT count(*) FROM contacts').pluck();
  const emailTaken = db.prepare<[string], number>('SELECT EXISTS (SELECT 1 FROM contacts WHERE email = ?)').pluck();
  const accountHas = db.prepare<[string], number>('SELECT EXISTS (SELECT 1 FROM users WHERE email = ?)').pluck();
  const accounts = db.prepare<{ q: string; limit: number }, AccountMatch>(
    `SELECT name, email, role, reference FROM users
     WHERE status = 'active' AND (instr(lower(name), lower(@q)) > 0 OR instr(email, lower(@q)) > 0
       OR lower(coalesce(reference, '')) = lower(@q))
     ORDER BY lower(name), email LIMIT @limit`,
  );
  const insert = db.prepare<
    [Uint8Array, string, string, string, string | null, string | null, Uint8Array, Uint8Array, number, number]
  >(
    `INSERT INTO contacts (id, email, name, lang, organisation, reference, audit_ref, created_by, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const update = db.prepare<[string, string, string | null, number, Uint8Array]>(
    'UPDATE contacts SET name = ?, lang = ?, organisation = ?, updated_at = ? WHERE id = ?',
  );
  const setReference = db.prepare<[string | null, Uint8Array]>('UPDATE contacts SET reference = ? WHERE id = ?');
  // Unique among contacts and among client accounts, compared without case ("A12" and "a12" are one).
  const referenceTaken = db
    .prepare<[string, Uint8Array, string], number>(
      `SELECT EXISTS (SELECT 1 FROM contacts WHERE lower(reference) = lower(?) AND id <> ?)
         OR EXISTS (SELECT 1 FROM users WHERE lower(reference) = lower(?))`,
    )
    .pluck();
  const setCode = db.prepare<[Uint8Array | null, Uint8Array | null, number | null, number, Uint8Array]>(
    'UPDATE contacts SET sealed_code = ?, code_sealed_by = ?, code_sealed_at = ?, updated_at = ? WHERE id = ?',
  );
  const remove = db.prepare<[Uint8Array]>('DELETE FROM contacts WHERE id = ?');

  return {
    /** Contacts whose name, address or organisation contains `q` ('' for all), of one organisation or any. */
    list: (q: string, organisation: string | null): ContactRecord[] => list.all({ q, organisation }).map(fromSql),
    /** Up to `limit` contacts matching `q`, for the recipient typeahead. */
    suggest: (q: string, limit: number): ContactRecord[] => suggest.all({ q, limit }).map(fromSql),
    organisations: (): string[] => organisations.all(),
    get(id: Id): ContactRecord | undefined {
      const row = byId.get(id);
      return row === undefined ? undefined : fromSql(row);
    },
    count: () => count.get() ?? 0,
    emailTaken: (email: string) => emailTaken.get(email) === 1,
    /** Whether a member's or client's account (any state) has this address. */
    accountHas: (email: string) => accountHas.get(email) === 1,
    /** Active accounts whose name or address contains `q`. */
    accounts: (q: string, limit: number): AccountMatch[] => accounts.all({ q, limit }),
    insert(contact: { id: Id; email: string; auditRef: Uint8Array; createdBy: Id } & ContactFields, now: number): void {
      insert.run(
        contact.id,
        contact.email,
        contact.name,
        contact.lang,
        contact.organisation,
        contact.reference ?? null,
        contact.auditRef,
        contact.createdBy,
        now,
        now,
      );
    },
    /** False for an unknown id. */
    update(id: Id, fields: ContactFields, now: number): boolean {
      if (update.run(fields.name, fields.lang, fields.organisation, now, id).changes !== 1) return false;
      if (fields.reference !== undefined) setReference.run(fields.reference, id);
      return true;
    },
    /** Whether another contact (not `exceptId`) or a client account has this reference. */
    referenceTaken: (reference: string, exceptId: Id) => referenceTaken.get(reference, exceptId, reference) === 1,
    /** Sets (sealed and sealer) or clears (null) the standing access code; false for an unknown id. */
    setCode: (id: Id, code: { sealed: Uint8Array; sealedBy: Id } | null, now: number) =>
      setCode.run(code?.sealed ?? null, code?.sealedBy ?? null, code === null ? null : now, now, id).changes === 1,
    remove: (id: Id) => remove.run(id).changes === 1,
  };
}
export type ContactsRepo = ReturnType<typeof createContactsRepo>;
