// Playing a server that hands out other keys for a member (docs/threat-model.md, promise 5;
// docs/protocol.md, sections 8, 9 and 14), by changing the member's row in the running
// server's database. Two strengths of attacker:
// - the server alone: new keys, validly self-signed, under the member's old certificate
//   (the server cannot make an office certificate);
// - the server with the office signing key (a rogue admin, a stolen admin password): new keys
//   with a fresh, valid office certificate. Only the sender's pin of the old key catches this.
// The office key is taken the way an admin's browser gets it: the admin's password opens the
// admin's key bundle, whose encryption key opens the office keys sealed to the admin.
import {
  asId,
  certifyMember,
  newAccountKeys,
  openKeyBundle,
  openOfficeKeys,
  passwordKeys,
  signEncryptionKey,
  type AccountKeys,
  type Id,
  type OfficeKeys,
} from '../../../shared/crypto/index.js';
import type { Role } from '../../../shared/wire/index.js';
import type { Db } from '../../../server/kernel/db/open.js';

const bytes = (buffer: Buffer): Uint8Array => new Uint8Array(buffer);

/** A member's own secret keys, opened with their password (what their browser holds when unlocked). */
export function memberKeysOf(db: Db, email: string, password: string): { userId: Id; keys: AccountKeys } {
  const member = db
    .prepare(
      'SELECT id, kdf_salt, kdf_ops, kdf_mem, password_bundle, identity_public_key, encryption_public_key FROM users WHERE email = ?',
    )
    .get(email) as Record<
    'id' | 'kdf_salt' | 'password_bundle' | 'identity_public_key' | 'encryption_public_key',
    Buffer
  > & {
    kdf_ops: number;
    kdf_mem: number;
  };
  const userId = asId(bytes(member.id));
  const split = passwordKeys(password, bytes(member.kdf_salt), {
    algorithm: 'argon2id13',
    opsLimit: member.kdf_ops,
    memLimit: member.kdf_mem,
  });
  const keys = openKeyBundle(split.keyEncryptionKey, userId, bytes(member.password_bundle), 'password', {
    identityPublicKey: bytes(member.identity_public_key),
    encryptionPublicKey: bytes(member.encryption_public_key),
  });
  return { userId, keys };
}

/** The office's secret keys, opened with an approved member's password. */
export function officeKeysOf(db: Db, email: string, password: string): OfficeKeys {
  const member = db
    .prepare(
      'SELECT id, kdf_salt, kdf_ops, kdf_mem, password_bundle, identity_public_key, encryption_public_key, sealed_office_keys FROM users WHERE email = ?',
    )
    .get(email) as Record<
    'id' | 'kdf_salt' | 'password_bundle' | 'identity_public_key' | 'encryption_public_key' | 'sealed_office_keys',
    Buffer
  > & { kdf_ops: number; kdf_mem: number };
  const office = db.prepare('SELECT id, signing_public_key, encryption_public_key FROM office').get() as {
    id: Buffer;
    signing_public_key: Buffer;
    encryption_public_key: Buffer;
  };
  const memberId = asId(bytes(member.id));
  const split = passwordKeys(password, bytes(member.kdf_salt), {
    algorithm: 'argon2id13',
    opsLimit: member.kdf_ops,
    memLimit: member.kdf_mem,
  });
  const keys = openKeyBundle(split.keyEncryptionKey, memberId, bytes(member.password_bundle), 'password', {
    identityPublicKey: bytes(member.identity_public_key),
    encryptionPublicKey: bytes(member.encryption_public_key),
  });
  return openOfficeKeys(
    bytes(member.sealed_office_keys),
    {
      officeId: asId(bytes(office.id)),
      memberUserId: memberId,
      officeSigningPublicKey: bytes(office.signing_public_key),
      officeEncryptionPublicKey: bytes(office.encryption_public_key),
    },
    keys.encryption,
  );
}

/** The member's identity public key as the server hands it out now. */
export function identityKeyOf(db: Db, email: string): Uint8Array {
  return bytes(
    (db.prepare('SELECT identity_public_key FROM users WHERE email = ?').get(email) as { identity_public_key: Buffer })
      .identity_public_key,
  );
}

/**
 * Gives the member new key pairs (the encryption key signed by the new identity key), and,
 * with `certifiedBy`, a new office certificate for them. Returns the new identity public key.
 */
export function replaceMemberKeys(db: Db, email: string, certifiedBy?: OfficeKeys): Uint8Array {
  const member = db.prepare('SELECT id, role, certificate_version FROM users WHERE email = ?').get(email) as {
    id: Buffer;
    role: Role;
    certificate_version: number;
  };
  const userId = asId(bytes(member.id));
  const keys = newAccountKeys();
  const change = db.transaction(() => {
    db.prepare(
      'UPDATE users SET identity_public_key = ?, encryption_public_key = ?, encryption_key_signature = ? WHERE id = ?',
    ).run(keys.identity.publicKey, keys.encryption.publicKey, signEncryptionKey(userId, keys), member.id);
    if (certifiedBy === undefined) return;
    const version = member.certificate_version + 1;
    const certificate = certifyMember(certifiedBy, {
      version,
      userId,
      email,
      role: member.role,
      identityPublicKey: keys.identity.publicKey,
      encryptionPublicKey: keys.encryption.publicKey,
      issuedAt: Date.now(),
    });
    db.prepare('UPDATE users SET certificate = ?, certificate_version = ? WHERE id = ?').run(
      certificate,
      version,
      member.id,
    );
  });
  change();
  return keys.identity.publicKey;
}
