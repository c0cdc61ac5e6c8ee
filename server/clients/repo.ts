// SQL of client accounts and the client portal (migrations/0006_clients.sql). How each
// statement is scoped:
// - the office's client list: every client account of the office (members only reach it);
// - the portal: always by the caller's own user id in the WHERE clause (drop_uploads.client_id),
//   and one upload by its id AND that client id, so another client's id matches nothing.
import { toHex, type Id } from '../../shared/crypto/index.js';
import type { Db } from '../kernel/db/open.js';
import type { Approval, UserStatus } from '../kernel/accounts/users-repo.js';

export interface ClientRow {
  readonly id: Id;
  readonly name: string;
  readonly email: string;
  readonly status: UserStatus;
  readonly approval: Approval;
  readonly createdAt: number;
  /** Their personal drop, once approved. */
  readonly dropId: Id | null;
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
  const clients = db.prepare<[], ClientRow>(
    `SELECT u.id, u.name, u.email, u.status, u.approval, u.created_at AS createdAt, d.id AS dropId
     FROM users u LEFT JOIN drops d ON d.client_id = u.id
     WHERE u.role = 'client' ORDER BY lower(u.name), u.email`,
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
    /** Every client account, with their personal drop's id once they have one. */
    clients: (): ClientRow[] => clients.all(),
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
