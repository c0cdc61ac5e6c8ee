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
  /** Their personal drop, once approved, with its expiry and closing time (its state). */
  readonly dropId: Id | null;
  readonly dropExpiresAt: number | null;
  readonly dropClosedAt: number | null;
  /** Their advisor (migrations/0016_advisors_alerts.sql), and whether that member can act now. */
  readonly advisor: { readonly id: Id; readonly name: string; readonly active: boolean } | null;
}

type ClientSqlRow = Omit<ClientRow, 'advisor'> & {
  readonly advisorId: Id | null;
  readonly advisorName: string | null;
  readonly advisorActive: number | null;
};

function clientFromSql({ advisorId, advisorName, advisorActive, ...row }: ClientSqlRow): ClientRow {
  return {
    ...row,
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
    `SELECT u.id, u.name, u.email, u.status, u.approval, u.created_at AS createdAt, d.id AS dropId,
       d.expires_at AS dropExpiresAt, d.closed_at AS dropClosedAt, a.id AS advisorId, a.name AS advisorName,
       (a.status = 'active' AND a.approval = 'approved' AND a.role <> 'client') AS advisorActive
     FROM users u LEFT JOIN drops d ON d.client_id = u.id LEFT JOIN users a ON a.id = u.advisor_id
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
    clients: (): ClientRow[] => clients.all().map(clientFromSql),
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
