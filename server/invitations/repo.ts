// SQL of invitations and reset links (migrations/0002_accounts.sql). "Open" means neither
// accepted nor withdrawn; whether it has expired is a question of the time asked at.
import { asId, asIdOrNull, type Id } from '../../shared/crypto/index.js';
import type { Db } from '../kernel/db/open.js';
import type { Language, Role } from '../../shared/wire/index.js';
import type { InvitationKind, InvitationRecord } from '../kernel/domain/invitations.js';

export interface NewInvitation {
  readonly id: Id;
  readonly tokenHash: Uint8Array;
  readonly kind: InvitationKind;
  readonly userId: Id;
  readonly email: string;
  readonly role: Role;
  /** A client invitation's name (migrations/0006_clients.sql); null otherwise. */
  readonly name: string | null;
  readonly auditRef: Uint8Array;
  readonly invitedBy: Id;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly lang: Language;
  /** A handed-over client invitation: the office's statement with I sealed to the office key (protocol §13a). */
  readonly clientStatement: Uint8Array | null;
  /** A client invitation's advisor; null otherwise. */
  readonly advisorId: Id | null;
}

interface InvitationSqlRow {
  id: Uint8Array;
  kind: InvitationKind;
  user_id: Uint8Array;
  email: string;
  role: Role;
  name: string | null;
  audit_ref: Uint8Array;
  invited_by: Uint8Array | null;
  created_at: number;
  expires_at: number;
  accepted_at: number | null;
  withdrawn_at: number | null;
  delivery_failed: number;
  lang: Language;
  client_statement: Uint8Array | null;
  advisor_id: Uint8Array | null;
}

function fromSql(row: InvitationSqlRow): InvitationRecord {
  return {
    id: asId(row.id),
    kind: row.kind,
    userId: asId(row.user_id),
    email: row.email,
    role: row.role,
    name: row.name,
    auditRef: row.audit_ref,
    invitedBy: asIdOrNull(row.invited_by),
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    acceptedAt: row.accepted_at,
    withdrawnAt: row.withdrawn_at,
    deliveryFailed: row.delivery_failed === 1,
    lang: row.lang,
    handover: row.client_statement !== null,
    advisorId: asIdOrNull(row.advisor_id),
  };
}

const COLUMNS =
  'id, kind, user_id, email, role, name, audit_ref, invited_by, created_at, expires_at, accepted_at, withdrawn_at, delivery_failed, lang, client_statement, advisor_id';
const OPEN = 'accepted_at IS NULL AND withdrawn_at IS NULL';

export function createInvitationsRepo(db: Db) {
  const insert = db.prepare(
    `INSERT INTO invitations (id, token_hash, kind, user_id, email, role, name, audit_ref, invited_by, created_at, expires_at, lang,
       client_statement, advisor_id)
     VALUES (@id, @tokenHash, @kind, @userId, @email, @role, @name, @auditRef, @invitedBy, @createdAt, @expiresAt, @lang,
       @clientStatement, @advisorId)`,
  );
  const byToken = db.prepare<[Uint8Array], InvitationSqlRow>(`SELECT ${COLUMNS} FROM invitations WHERE token_hash = ?`);
  const byId = db.prepare<[Uint8Array], InvitationSqlRow>(`SELECT ${COLUMNS} FROM invitations WHERE id = ?`);
  const clientInvitationById = db.prepare<[Uint8Array], InvitationSqlRow>(
    `SELECT ${COLUMNS} FROM invitations WHERE id = ? AND kind = 'invitation' AND role = 'client'`,
  );
  const openForEmail = db
    .prepare<[string, number], number>(
      `SELECT EXISTS (SELECT 1 FROM invitations WHERE email = ? AND ${OPEN} AND expires_at > ?)`,
    )
    .pluck();
  const listOpen = db.prepare<[number], InvitationSqlRow>(
    `SELECT ${COLUMNS} FROM invitations WHERE ${OPEN} AND expires_at > ? ORDER BY created_at DESC`,
  );
  const listOpenClients = db.prepare<[number], InvitationSqlRow>(
    `SELECT ${COLUMNS} FROM invitations WHERE kind = 'invitation' AND role = 'client' AND ${OPEN} AND expires_at > ? ORDER BY created_at DESC`,
  );
  const replaceToken = db.prepare<[Uint8Array, number, Uint8Array | null, Uint8Array]>(
    `UPDATE invitations SET token_hash = ?, expires_at = ?, delivery_failed = 0, client_statement = ? WHERE id = ? AND ${OPEN}`,
  );
  const deliveryFailed = db.prepare<[number, Uint8Array]>('UPDATE invitations SET delivery_failed = ? WHERE id = ?');
  const withdraw = db.prepare<[number, Uint8Array]>(`UPDATE invitations SET withdrawn_at = ? WHERE id = ? AND ${OPEN}`);
  const accept = db.prepare<[number, Uint8Array | null, Uint8Array, number]>(
    `UPDATE invitations SET accepted_at = ?, key_proof = ? WHERE id = ? AND ${OPEN} AND expires_at > ?`,
  );
  const userIdTaken = db
    .prepare<[Uint8Array, Uint8Array], number>(
      'SELECT EXISTS (SELECT 1 FROM users WHERE id = ?) OR EXISTS (SELECT 1 FROM invitations WHERE user_id = ?)',
    )
    .pluck();
  const withdrawFor = db.prepare<[number, Uint8Array]>(
    `UPDATE invitations SET withdrawn_at = ? WHERE user_id = ? AND ${OPEN}`,
  );
  const withdrawIssuedBy = db.prepare<[number, Uint8Array]>(
    `UPDATE invitations SET withdrawn_at = ? WHERE invited_by = ? AND ${OPEN}`,
  );

  return {
    insert(invitation: NewInvitation): void {
      insert.run(invitation);
    },
    byToken(tokenHash: Uint8Array): InvitationRecord | undefined {
      const row = byToken.get(tokenHash);
      return row === undefined ? undefined : fromSql(row);
    },
    byId(id: Id): InvitationRecord | undefined {
      const row = byId.get(id);
      return row === undefined ? undefined : fromSql(row);
    },
    /** A client invitation by id; undefined for a member's invitation, a reset link or an unknown id. */
    clientInvitationById(id: Id): InvitationRecord | undefined {
      const row = clientInvitationById.get(id);
      return row === undefined ? undefined : fromSql(row);
    },
    hasOpenFor(email: string, now: number): boolean {
      return openForEmail.get(email, now) === 1;
    },
    listOpen(now: number): InvitationRecord[] {
      return listOpen.all(now).map(fromSql);
    },
    /** Open invitations to client accounts (the office's client list). */
    listOpenClients(now: number): InvitationRecord[] {
      return listOpenClients.all(now).map(fromSql);
    },
    /**
     * A new token (the old one stops working) and a new expiry; false if the invitation is closed.
     * A client invitation handed over again gets the office's new statement (a new I); one mailed
     * now has none.
     */
    replaceToken(id: Id, tokenHash: Uint8Array, expiresAt: number, clientStatement: Uint8Array | null = null): boolean {
      return replaceToken.run(tokenHash, expiresAt, clientStatement, id).changes === 1;
    },
    setDeliveryFailed(id: Id, failed: boolean): void {
      deliveryFailed.run(failed ? 1 : 0, id);
    },
    withdraw(id: Id, now: number): boolean {
      return withdraw.run(now, id).changes === 1;
    },
    /**
     * Closes an open, unexpired invitation as accepted, keeping a handed-over client invitation's
     * key proof; false if it is not open (any more).
     */
    accept(id: Id, now: number, keyProof: Uint8Array | null = null): boolean {
      return accept.run(now, keyProof, id, now).changes === 1;
    },
    /** Whether an account or any invitation already uses this user id (a handed-over invitation's browser chose it). */
    userIdTaken(userId: Id): boolean {
      return userIdTaken.get(userId, userId) === 1;
    },
    /** Withdraws the open invitations and reset links addressed to a user. */
    withdrawFor(userId: Id, now: number): number {
      return withdrawFor.run(now, userId).changes;
    },
    /** Withdraws the open invitations a user sent. */
    withdrawIssuedBy(userId: Id, now: number): number {
      return withdrawIssuedBy.run(now, userId).changes;
    },
  };
}
export type InvitationsRepo = ReturnType<typeof createInvitationsRepo>;
