// SQL of enrolled devices and their API tokens (migrations/0021_devices.sql). Everything a member
// reads or changes names the member in the WHERE clause: another user's device or token id
// matches nothing and answers 404 like an unknown one. Pending enrolments belong to nobody yet;
// the browser picks one by the code the person typed (docs/protocol.md "Devices").
import { asId, type Id } from '../../shared/crypto/index.js';
import type { Db } from '../kernel/db/open.js';

/** Pending enrolments shown at once; more than this waiting within 10 minutes is an attack, not an office. */
const PENDING_LIMIT = 50;

export interface EnrolmentRecord {
  readonly id: Id;
  readonly name: string;
  readonly encryptionPublicKey: Uint8Array;
  readonly signingPublicKey: Uint8Array;
  readonly createdAt: number;
  readonly expiresAt: number;
}

/** An enrolment as the claim sees it. */
export interface ClaimRecord extends EnrolmentRecord {
  readonly lastClaimTime: number;
  readonly userId: Id | null;
  readonly scopes: string | null;
  readonly sealedKeys: Uint8Array | null;
  readonly certificate: Uint8Array | null;
}

export interface TokenRecord {
  readonly id: Id;
  readonly label: string | null;
  readonly scopes: string;
  readonly createdAt: number;
  readonly lastUsedAt: number | null;
}

export interface DeviceRecord extends EnrolmentRecord {
  readonly scopes: string;
  readonly certificate: Uint8Array;
  readonly approvedAt: number;
  readonly claimedAt: number | null;
  readonly lastUsedAt: number | null;
  readonly tokens: readonly TokenRecord[];
}

interface EnrolmentRow {
  id: Uint8Array;
  name: string;
  encryption_public_key: Uint8Array;
  signing_public_key: Uint8Array;
  created_at: number;
  expires_at: number;
}

interface DeviceRow extends EnrolmentRow {
  scopes: string;
  certificate: Uint8Array;
  approved_at: number;
  claimed_at: number | null;
  last_used_at: number | null;
}

interface TokenRow {
  id: Uint8Array;
  label: string | null;
  scopes: string;
  created_at: number;
  last_used_at: number | null;
}

function enrolmentFromSql(row: EnrolmentRow): EnrolmentRecord {
  return {
    id: asId(row.id),
    name: row.name,
    encryptionPublicKey: row.encryption_public_key,
    signingPublicKey: row.signing_public_key,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  };
}

function tokenFromSql(row: TokenRow): TokenRecord {
  return {
    id: asId(row.id),
    label: row.label,
    scopes: row.scopes,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
  };
}

const ENROLMENT_COLUMNS = 'id, name, encryption_public_key, signing_public_key, created_at, expires_at';
const DEVICE_COLUMNS = `${ENROLMENT_COLUMNS}, scopes, certificate, approved_at, claimed_at, last_used_at`;

export function createDevicesRepo(db: Db) {
  // An enrolment nobody claimed in time is gone with what was sealed for it.
  const prune = db.prepare<[number]>('DELETE FROM devices WHERE claimed_at IS NULL AND expires_at <= ?');
  const insert = db.prepare<[Uint8Array, string, Uint8Array, Uint8Array, number, number]>(
    `INSERT INTO devices (id, name, encryption_public_key, signing_public_key, created_at, expires_at)
     VALUES (?, ?, ?, ?, ?, ?)`,
  );
  const pending = db.prepare<[number, number], EnrolmentRow>(
    `SELECT ${ENROLMENT_COLUMNS} FROM devices WHERE user_id IS NULL AND expires_at > ?
     ORDER BY created_at DESC LIMIT ?`,
  );
  const pendingOne = db.prepare<[Uint8Array, number], EnrolmentRow>(
    `SELECT ${ENROLMENT_COLUMNS} FROM devices WHERE id = ? AND user_id IS NULL AND expires_at > ?`,
  );
  const approve = db.prepare<[Uint8Array, string, Uint8Array, Uint8Array, number, Uint8Array, number]>(
    `UPDATE devices SET user_id = ?, scopes = ?, sealed_keys = ?, certificate = ?, approved_at = ?
     WHERE id = ? AND user_id IS NULL AND expires_at > ?`,
  );
  const forClaim = db.prepare<
    [Uint8Array, number],
    EnrolmentRow & {
      last_claim_time: number;
      user_id: Uint8Array | null;
      scopes: string | null;
      sealed_keys: Uint8Array | null;
      certificate: Uint8Array | null;
    }
  >(
    `SELECT ${ENROLMENT_COLUMNS}, last_claim_time, user_id, scopes, sealed_keys, certificate FROM devices
     WHERE id = ? AND claimed_at IS NULL AND revoked_at IS NULL AND expires_at > ?`,
  );
  const noteClaim = db.prepare<[number, Uint8Array, number]>(
    'UPDATE devices SET last_claim_time = ? WHERE id = ? AND last_claim_time < ?',
  );
  const markClaimed = db.prepare<[number, Uint8Array]>(
    `UPDATE devices SET claimed_at = ?, sealed_keys = NULL
     WHERE id = ? AND claimed_at IS NULL AND user_id IS NOT NULL`,
  );
  const insertToken = db.prepare<[Uint8Array, Uint8Array, Uint8Array, string | null, string, number]>(
    'INSERT INTO device_tokens (id, device_id, token_hash, label, scopes, created_at) VALUES (?, ?, ?, ?, ?, ?)',
  );
  // A member's devices: claimed, or approved and still waiting for the device to claim.
  const own = db.prepare<[Uint8Array, number], DeviceRow>(
    `SELECT ${DEVICE_COLUMNS} FROM devices
     WHERE user_id = ? AND revoked_at IS NULL AND (claimed_at IS NOT NULL OR expires_at > ?)
     ORDER BY approved_at DESC`,
  );
  const ownOne = db.prepare<[Uint8Array, Uint8Array, number], DeviceRow>(
    `SELECT ${DEVICE_COLUMNS} FROM devices
     WHERE id = ? AND user_id = ? AND revoked_at IS NULL AND (claimed_at IS NOT NULL OR expires_at > ?)`,
  );
  const tokensOf = db.prepare<[Uint8Array], TokenRow>(
    `SELECT id, label, scopes, created_at, last_used_at FROM device_tokens
     WHERE device_id = ? AND revoked_at IS NULL ORDER BY created_at, rowid`,
  );
  const rename = db.prepare<[string, Uint8Array, Uint8Array]>(
    'UPDATE devices SET name = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL',
  );
  const revoke = db.prepare<[number, Uint8Array, Uint8Array]>(
    'UPDATE devices SET revoked_at = ?, sealed_keys = NULL WHERE id = ? AND user_id = ? AND revoked_at IS NULL',
  );
  const revokeTokensOf = db.prepare<[number, Uint8Array]>(
    'UPDATE device_tokens SET revoked_at = ? WHERE device_id = ? AND revoked_at IS NULL',
  );
  const revokeToken = db.prepare<[number, Uint8Array, Uint8Array, Uint8Array]>(
    `UPDATE device_tokens SET revoked_at = ?
     WHERE id = ? AND revoked_at IS NULL
       AND device_id = (SELECT id FROM devices WHERE id = ? AND user_id = ? AND revoked_at IS NULL)`,
  );

  const deviceFromSql = (row: DeviceRow): DeviceRecord => ({
    ...enrolmentFromSql(row),
    scopes: row.scopes,
    certificate: row.certificate,
    approvedAt: row.approved_at,
    claimedAt: row.claimed_at,
    lastUsedAt: row.last_used_at,
    tokens: tokensOf.all(row.id).map(tokenFromSql),
  });

  return {
    prune(now: number): void {
      prune.run(now);
    },
    insert(enrolment: EnrolmentRecord): void {
      insert.run(
        enrolment.id,
        enrolment.name,
        enrolment.encryptionPublicKey,
        enrolment.signingPublicKey,
        enrolment.createdAt,
        enrolment.expiresAt,
      );
    },
    pending(now: number): EnrolmentRecord[] {
      return pending.all(now, PENDING_LIMIT).map(enrolmentFromSql);
    },
    pendingOne(id: Id, now: number): EnrolmentRecord | undefined {
      const row = pendingOne.get(id, now);
      return row === undefined ? undefined : enrolmentFromSql(row);
    },
    /** Binds a pending enrolment to its approver; false if it is no longer pending. */
    approve(
      id: Id,
      approval: { userId: Id; scopes: string; sealedKeys: Uint8Array; certificate: Uint8Array },
      now: number,
    ): boolean {
      return (
        approve.run(approval.userId, approval.scopes, approval.sealedKeys, approval.certificate, now, id, now)
          .changes === 1
      );
    },
    forClaim(id: Id, now: number): ClaimRecord | undefined {
      const row = forClaim.get(id, now);
      if (row === undefined) return undefined;
      return {
        ...enrolmentFromSql(row),
        lastClaimTime: row.last_claim_time,
        userId: row.user_id === null ? null : asId(row.user_id),
        scopes: row.scopes,
        sealedKeys: row.sealed_keys,
        certificate: row.certificate,
      };
    },
    /** Records a claim's time; false if one at that time or later was accepted before (a replay). */
    noteClaim(id: Id, time: number): boolean {
      return noteClaim.run(time, id, time).changes === 1;
    },
    /** The one successful claim: the sealed keys leave the server with it. */
    markClaimed(id: Id, now: number): boolean {
      return markClaimed.run(now, id).changes === 1;
    },
    insertToken(token: {
      id: Id;
      deviceId: Id;
      tokenHash: Uint8Array;
      label: string | null;
      scopes: string;
      createdAt: number;
    }): void {
      insertToken.run(token.id, token.deviceId, token.tokenHash, token.label, token.scopes, token.createdAt);
    },
    own(userId: Id, now: number): DeviceRecord[] {
      return own.all(userId, now).map(deviceFromSql);
    },
    ownOne(id: Id, userId: Id, now: number): DeviceRecord | undefined {
      const row = ownOne.get(id, userId, now);
      return row === undefined ? undefined : deviceFromSql(row);
    },
    rename(id: Id, userId: Id, name: string): boolean {
      return rename.run(name, id, userId).changes === 1;
    },
    /** Revokes a member's device and every token of it; false if it is not theirs (or already revoked). */
    revoke(id: Id, userId: Id, now: number): boolean {
      if (revoke.run(now, id, userId).changes !== 1) return false;
      revokeTokensOf.run(now, id);
      return true;
    },
    revokeToken(tokenId: Id, deviceId: Id, userId: Id, now: number): boolean {
      return revokeToken.run(now, tokenId, deviceId, userId).changes === 1;
    },
  };
}

export type DevicesRepo = ReturnType<typeof createDevicesRepo>;
