// SQL behind bearer authentication (migrations/0021_devices.sql): the one lookup of a token by
// its hash, with the device and the user it acts for, and the throttled record of its use.
import { asId, type Id } from '../../../shared/crypto/index.js';
import type { Db } from '../db/open.js';
import type { Approval, UserStatus } from '../accounts/users-repo.js';
import type { Role } from '../../../shared/wire/index.js';

export interface ResolvedToken {
  readonly tokenId: Id;
  readonly deviceId: Id;
  readonly userId: Id;
  readonly scopes: string;
  /** The token, its device or its user was revoked or disabled. */
  readonly revoked: boolean;
  readonly lastUsedAt: number | null;
  readonly user: {
    readonly email: string;
    readonly role: Role;
    readonly approval: Approval;
    readonly twoFactor: boolean;
    readonly auditRef: Uint8Array;
  };
  readonly officeRequiresTwoFactor: boolean;
}

export function createBearerRepo(db: Db) {
  const resolve = db.prepare<
    [Uint8Array],
    {
      token_id: Uint8Array;
      device_id: Uint8Array;
      user_id: Uint8Array;
      scopes: string;
      token_revoked_at: number | null;
      device_revoked_at: number | null;
      last_used_at: number | null;
      email: string;
      role: Role;
      status: UserStatus;
      approval: Approval;
      two_factor: number;
      audit_ref: Uint8Array;
      require_two_factor: number | null;
    }
  >(
    `SELECT t.id AS token_id, d.id AS device_id, d.user_id, t.scopes, t.revoked_at AS token_revoked_at,
            d.revoked_at AS device_revoked_at, t.last_used_at,
            u.email, u.role, u.status, u.approval, u.totp_secret IS NOT NULL AS two_factor, u.audit_ref,
            (SELECT require_two_factor FROM office WHERE slot = 1) AS require_two_factor
     FROM device_tokens t JOIN devices d ON d.id = t.device_id JOIN users u ON u.id = d.user_id
     WHERE t.token_hash = ?`,
  );
  const touchToken = db.prepare<[number, Uint8Array]>('UPDATE device_tokens SET last_used_at = ? WHERE id = ?');
  const touchDevice = db.prepare<[number, Uint8Array]>('UPDATE devices SET last_used_at = ? WHERE id = ?');

  return {
    resolve(tokenHash: Uint8Array): ResolvedToken | undefined {
      const row = resolve.get(tokenHash);
      if (row === undefined) return undefined;
      return {
        tokenId: asId(row.token_id),
        deviceId: asId(row.device_id),
        userId: asId(row.user_id),
        scopes: row.scopes,
        revoked: row.token_revoked_at !== null || row.device_revoked_at !== null || row.status !== 'active',
        lastUsedAt: row.last_used_at,
        user: {
          email: row.email,
          role: row.role,
          approval: row.approval,
          twoFactor: row.two_factor === 1,
          auditRef: row.audit_ref,
        },
        officeRequiresTwoFactor: row.require_two_factor === 1,
      };
    },

    touch(tokenId: Id, deviceId: Id, now: number): void {
      touchToken.run(now, tokenId);
      touchDevice.run(now, deviceId);
    },
  };
}

export type BearerRepo = ReturnType<typeof createBearerRepo>;
