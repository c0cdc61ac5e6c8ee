// SQL of client accounts and the client portal (migrations/0006_clients.sql). How each
// statement is scoped:
// - the office's client list: every client account of the office (members only reach it);
// - the portal: always by the caller's own user id in the WHERE clause (drop_uploads.client_id),
//   and one upload by its id AND that client id, so another client's id matches nothing.
import { toHex, type Id } from '../../shared/crypto/index.js';
import type { Db } from '../kernel/db/open.js';
import type { Approval, UserStatus } from '../kernel/accounts/users-repo.js';
import type { KeyCheck } from '../../shared/wire/index.js';

// The accepted, handed-over invitation of a client (`i`), unless an admin reset the account since
// (a reset link accepted later replaced the keys the proof was made for).
const HANDOVER = `i.user_id = u.id AND i.kind = 'invitation' AND i.key_proof IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM invitations r WHERE r.user_id = u.id AND r.kind = 'reset' AND r.accepted_at IS NOT NULL)`;

export interface ClientRow {
  readonly id: Id;
  readonly name: string;
  readonly email: string;
  readonly status: UserStatus;
  readonly approval: Approval;
  readonly createdAt: number;
  /** Their personal drop, once approved, with its expiry and closing time (its state). */
  readonly dropId: Id | null;
  /** How the office checked their keys when it certified them (migrations/0018_client_onboarding.sql). */
  readonly keyCheck: KeyCheck | null;
  /** They activated a handed-over invitation and were not reset since: their key proof waits to be checked. */
  readonly handover: boolean;
  readonly dropExpiresAt: number | null;
  readonly dropClosedAt: number | null;
  /** Their advisor (migrations/0016_advisors_alerts.sql), and whether that member can act now. */
  readonly advisor: { readonly id: Id; readonly name: string; readonly active: boolean } | null;
  /** Their personnel or client number (migrations/0019_batches.sql). */
  readonly reference: string | null;
}

/** A handed-over invitation's statement and the key proof the client's browser made with I (protocol §13a). */
export interface ClientHandoverRecord {
  readonly statement: Uint8Array;
  readonly keyProof: Uint8Array;
}

type ClientSqlRow = Omit<ClientRow, 'advisor' | 'handover'> & {
  readonly handover: number;
  readonly advisorId: Id | null;
  readonly advisorName: string | null;
  readonly advisorActive: number | null;
};

function clientFromSql({ advisorId, advisorName, advisorActive, handover, ...row }: ClientSqlRow): ClientRow {
  return {
    ...row,
    handover: handover === 1,
    advisor: advisorId === null ? null : { id: advisorId, name: advisorName ?? '', active: advisorActive === 1 },
  };
}

/** One of a client's own uploads: no names, the container sizes of its files. */
export interface ClientUploadRecord {
  readonly id: Id;
  readonly receivedAt: number;
  readonly rejectedAt: number | null;
  readonly manifest: Uint8Array;
  /** Container sizes of its files, in order. */
  readonly containerSizes: readonly number[];
}

interface UploadSqlRow {
  readonly id: Id;
  readonly receivedAt: number;
  readonly rejectedAt: number | null;
  readonly manifest: Uint8Array;
}

const UPLOAD_COLUMNS = 'x.id, x.received_at AS receivedAt, x.rejected_at AS rejectedAt, x.manifest';

export function createClientsRepo(db: Db) {
  const clients = db.prepare<[], ClientSqlRow>(
    `SELECT u.id, u.name, u.email, u.status, u.approval, u.created_at AS createdAt, d.id AS dropId, u.reference,
       u.key_check AS keyCheck, EXISTS (SELECT 1 FROM invitations i WHERE ${HANDOVER}) AS handover,
       d.expires_at AS dropExpiresAt, d.closed_at AS dropClosedAt, a.id AS advisorId, a.name AS advisorName,
       (a.status = 'active' AND a.approval = 'approved' AND a.role <> 'client') AS advisorActive
     FROM users u LEFT JOIN drops d ON d.client_id = u.id LEFT JOIN users a ON a.id = u.advisor_id
     WHERE u.role = 'client' ORDER BY lower(u.name), u.email`,
  );
  const setReference = db.prepare<[string | null, Uint8Array]>(
    "UPDATE users SET reference = ? WHERE id = ? AND role = 'client'",
  );
  // Unique among client accounts and contacts, compared without case ("A12" and "a12" are one).
  const referenceTaken = db
    .prepare<[string, Uint8Array, string], number>(
      `SELECT EXISTS (SELECT 1 FROM users WHERE lower(reference) = lower(?) AND id <> ?)
         OR EXISTS (SELECT 1 FROM contacts WHERE lower(reference) = lower(?))`,
    )
    .pluck();
  const handoverOf = db.prepare<[Uint8Array], ClientHandoverRecord>(
    `SELECT i.client_statement AS statement, i.key_proof AS keyProof
     FROM users u JOIN invitations i ON ${HANDOVER} WHERE u.id = ? AND u.role = 'client'`,
  );
  const keysCheckedByCall = db.prepare<[Uint8Array]>(
    "UPDATE users SET key_check = 'call' WHERE id = ? AND role = 'client' AND approval = 'approved' AND key_check = 'unverified'",
  );
  const requireClientCall = db.prepare<[], number>('SELECT require_client_call FROM office').pluck();
  const setKeyCheck = db.prepare<[KeyCheck, Uint8Array]>(
    "UPDATE users SET key_check = ? WHERE id = ? AND role = 'client' AND approval = 'approved'",
  );
  const uploadsOf = db.prepare<[Uint8Array], UploadSqlRow>(
    `SELECT ${UPLOAD_COLUMNS} FROM drop_uploads x WHERE x.client_id = ? ORDER BY x.received_at DESC, x.id`,
  );
  const sizesOf = db.prepare<[Uint8Array], { dropUploadId: Uint8Array; size: number }>(
    `SELECT f.drop_upload_id AS dropUploadId, f.size FROM drop_files f JOIN drop_uploads x ON x.id = f.drop_upload_id
     WHERE x.client_id = ? ORDER BY f.position`,
  );
  const uploadOf = db.prepare<[Uint8Array, Uint8Array], UploadSqlRow>(
    `SELECT ${UPLOAD_COLUMNS} FROM drop_uploads x WHERE x.id = ? AND x.client_id = ?`,
  );
  const sizesOfUpload = db
    .prepare<[Uint8Array, Uint8Array], number>(
      `SELECT f.size FROM drop_files f JOIN drop_uploads x ON x.id = f.drop_upload_id
       WHERE x.id = ? AND x.client_id = ? ORDER BY f.position`,
    )
    .pluck();

  return {
    /** A client's number (null: none); false for an id that is not a client. */
    setReference: (clientId: Id, reference: string | null) => setReference.run(reference, clientId).changes === 1,
    /** Whether another account (not `exceptId`) or a contact has this reference. */
    referenceTaken: (reference: string, exceptId: Id) => referenceTaken.get(reference, exceptId, reference) === 1,
    /** Every client account, with their personal drop's id once they have one. */
    clients: (): ClientRow[] => clients.all().map(clientFromSql),
    /** A client's handed-over invitation and key proof, if they activated one and were not reset since. */
    handoverOf: (clientId: Id): ClientHandoverRecord | undefined => handoverOf.get(clientId),
    /** The office requires the fingerprint call for every client (no approval without a check). */
    requireClientCall: (): boolean => requireClientCall.get() === 1,
    /** An approved client whose keys were not checked, now compared by phone; false for anyone else. */
    keysCheckedByCall: (clientId: Id): boolean => keysCheckedByCall.run(clientId).changes === 1,
    /** Records how the office checked an approved client's keys; false for anyone else. */
    setKeyCheck: (clientId: Id, check: KeyCheck): boolean => setKeyCheck.run(check, clientId).changes === 1,
    /** The client's own uploads, newest first. */
    uploadsOf(clientId: Id): ClientUploadRecord[] {
      const sizes = new Map<string, number[]>();
      for (const row of sizesOf.all(clientId)) {
        const key = toHex(row.dropUploadId);
        sizes.set(key, [...(sizes.get(key) ?? []), row.size]);
      }
      return uploadsOf.all(clientId).map((row) => ({ ...row, containerSizes: sizes.get(toHex(row.id)) ?? [] }));
    },
    /** One of the client's own uploads; undefined for anyone else's or an unknown id. */
    uploadOf(clientId: Id, dropUploadId: Id): ClientUploadRecord | undefined {
      const row = uploadOf.get(dropUploadId, clientId);
      return row === undefined ? undefined : { ...row, containerSizes: sizesOfUpload.all(dropUploadId, clientId) };
    },
  };
}
export type ClientsRepo = ReturnType<typeof createClientsRepo>;
