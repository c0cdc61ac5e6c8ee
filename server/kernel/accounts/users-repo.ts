// SQL of users (migrations/0002_accounts.sql). Every statement that reads or changes one
// user names that user's id in its WHERE clause; callers pass the id of the caller or of the
// admin's target, never an id taken from another row the caller does not own.
import { asId, asIdOrNull, type Id } from '../../../shared/crypto/index.js';
import type { Language, Role } from '../../../shared/wire/index.js';
import type { Db } from '../db/open.js';

export type UserStatus = 'active' | 'disabled';
export type Approval = 'pending' | 'approved' | 'reset';

export interface StoredKdf {
  readonly salt: Uint8Array;
  readonly opsLimit: number;
  readonly memLimit: number;
}

/** A user's keys as the browser made them: public keys, sealed bundles, and keyed hashes of the auth keys. */
export interface StoredAccountKeys {
  readonly kdf: StoredKdf;
  readonly authVerifier: Uint8Array;
  readonly recoveryVerifier: Uint8Array;
  readonly identityPublicKey: Uint8Array;
  readonly encryptionPublicKey: Uint8Array;
  readonly encryptionKeySignature: Uint8Array;
  readonly passwordBundle: Uint8Array;
  readonly recoveryBundle: Uint8Array;
}

export interface UserRecord {
  readonly id: Id;
  readonly email: string;
  readonly name: string;
  readonly role: Role;
  readonly status: UserStatus;
  readonly approval: Approval;
  /** Absent after an admin reset, until the user sets new keys. */
  readonly keys: StoredAccountKeys | null;
  readonly certificate: Uint8Array | null;
  readonly certificateVersion: number;
  readonly sealedOfficeKeys: Uint8Array | null;
  readonly totpSecret: Uint8Array | null;
  readonly totpPending: Uint8Array | null;
  readonly totpLastStep: number | null;
  readonly auditRef: Uint8Array;
  readonly createdAt: number;
  readonly lastSignInAt: number | null;
  /** The language of this user's mails: the one their browser last chose. */
  readonly lang: Language;
  /** A client's advisor (migrations/0016_advisors_alerts.sql); null for members and for a client without one. */
  readonly advisorId: Id | null;
}

interface UserSqlRow {
  id: Uint8Array;
  email: string;
  name: string;
  role: Role;
  status: UserStatus;
  approval: Approval;
  kdf_salt: Uint8Array | null;
  kdf_ops: number | null;
  kdf_mem: number | null;
  auth_verifier: Uint8Array | null;
  recovery_verifier: Uint8Array | null;
  identity_public_key: Uint8Array | null;
  encryption_public_key: Uint8Array | null;
  encryption_key_signature: Uint8Array | null;
  password_bundle: Uint8Array | null;
  recovery_bundle: Uint8Array | null;
  certificate: Uint8Array | null;
  certificate_version: number;
  sealed_office_keys: Uint8Array | null;
  totp_secret: Uint8Array | null;
  totp_pending: Uint8Array | null;
  totp_last_step: number | null;
  audit_ref: Uint8Array;
  created_at: number;
  last_sign_in_at: number | null;
  lang: Language;
  advisor_id: Uint8Array | null;
}

function keysOf(row: UserSqlRow): StoredAccountKeys | null {
  if (
    row.kdf_salt === null ||
    row.kdf_ops === null ||
    row.kdf_mem === null ||
    row.auth_verifier === null ||
    row.recovery_verifier === null ||
    row.identity_public_key === null ||
    row.encryption_public_key === null ||
    row.encryption_key_signature === null ||
    row.password_bundle === null ||
    row.recovery_bundle === null
  ) {
    return null;
  }
  return {
    kdf: { salt: row.kdf_salt, opsLimit: row.kdf_ops, memLimit: row.kdf_mem },
    authVerifier: row.auth_verifier,
    recoveryVerifier: row.recovery_verifier,
    identityPublicKey: row.identity_public_key,
    encryptionPublicKey: row.encryption_public_key,
    encryptionKeySignature: row.encryption_key_signature,
    passwordBundle: row.password_bundle,
    recoveryBundle: row.recovery_bundle,
  };
}

function userFromSql(row: UserSqlRow): UserRecord {
  return {
    id: asId(row.id),
    email: row.email,
    name: row.name,
    role: row.role,
    status: row.status,
    approval: row.approval,
    keys: keysOf(row),
    certificate: row.certificate,
    certificateVersion: row.certificate_version,
    sealedOfficeKeys: row.sealed_office_keys,
    totpSecret: row.totp_secret,
    totpPending: row.totp_pending,
    totpLastStep: row.totp_last_step,
    auditRef: row.audit_ref,
    createdAt: row.created_at,
    lastSignInAt: row.last_sign_in_at,
    lang: row.lang,
    advisorId: asIdOrNull(row.advisor_id),
  };
}

export interface NewUser {
  readonly id: Id;
  readonly email: string;
  readonly name: string;
  readonly role: Role;
  readonly approval: 'pending' | 'approved';
  readonly keys: StoredAccountKeys;
  readonly certificate: Uint8Array | null;
  readonly certificateVersion: number;
  readonly sealedOfficeKeys: Uint8Array | null;
  readonly auditRef: Uint8Array;
  readonly createdAt: number;
  readonly lang: Language;
  /** A client's advisor, from their invitation. */
  readonly advisorId?: Id | null;
}

export function createUsersRepo(db: Db) {
  const byId = db.prepare<[Uint8Array], UserSqlRow>('SELECT * FROM users WHERE id = ?');
  const clientById = db.prepare<[Uint8Array], UserSqlRow>("SELECT * FROM users WHERE id = ? AND role = 'client'");
  const byEmail = db.prepare<[string], UserSqlRow>('SELECT * FROM users WHERE email = ?');
  const emailTaken = db.prepare<[string], number>('SELECT EXISTS (SELECT 1 FROM users WHERE email = ?)').pluck();
  const all = db.prepare<[], UserSqlRow>('SELECT * FROM users ORDER BY lower(name), email');
  const members = db.prepare<[], UserSqlRow>(
    `SELECT * FROM users WHERE status = 'active' AND role IN ('admin', 'staff') AND approval IN ('pending', 'approved')
     ORDER BY lower(name), email`,
  );
  const activeAdmins = db
    .prepare<[], number>(
      "SELECT count(*) FROM users WHERE role = 'admin' AND status = 'active' AND approval = 'approved'",
    )
    .pluck();
  const approvedAdmins = db.prepare<[], UserSqlRow>(
    "SELECT * FROM users WHERE role = 'admin' AND status = 'active' AND approval = 'approved' ORDER BY lower(name), email",
  );
  const setAdvisor = db.prepare<[Uint8Array, Uint8Array]>(
    "UPDATE users SET advisor_id = ? WHERE id = ? AND role = 'client'",
  );
  const insert = db.prepare(
    `INSERT INTO users (id, email, name, role, status, approval, kdf_salt, kdf_ops, kdf_mem, auth_verifier, recovery_verifier,
       identity_public_key, encryption_public_key, encryption_key_signature, password_bundle, recovery_bundle,
       certificate, certificate_version, sealed_office_keys, audit_ref, created_at, lang, advisor_id)
     VALUES (@id, @email, @name, @role, 'active', @approval, @kdfSalt, @kdfOps, @kdfMem, @authVerifier, @recoveryVerifier,
       @identityPublicKey, @encryptionPublicKey, @encryptionKeySignature, @passwordBundle, @recoveryBundle,
       @certificate, @certificateVersion, @sealedOfficeKeys, @auditRef, @createdAt, @lang, @advisorId)`,
  );
  const setKeysAfterReset = db.prepare(
    `UPDATE users SET name = @name, approval = 'pending', kdf_salt = @kdfSalt, kdf_ops = @kdfOps, kdf_mem = @kdfMem,
       auth_verifier = @authVerifier, recovery_verifier = @recoveryVerifier, identity_public_key = @identityPublicKey,
       encryption_public_key = @encryptionPublicKey, encryption_key_signature = @encryptionKeySignature,
       password_bundle = @passwordBundle, recovery_bundle = @recoveryBundle
     WHERE id = @id AND approval = 'reset' AND status = 'active'`,
  );
  const approve = db.prepare<[Uint8Array, number, Uint8Array | null, Uint8Array]>(
    `UPDATE users SET approval = 'approved', certificate = ?, certificate_version = ?, sealed_office_keys = ?
     WHERE id = ? AND approval = 'pending'`,
  );
  const setStatus = db.prepare<[string, Uint8Array, string]>('UPDATE users SET status = ? WHERE id = ? AND status = ?');
  const setRole = db.prepare<[string, Uint8Array | null, number | null, Uint8Array, string]>(
    `UPDATE users SET role = ?, certificate = coalesce(?, certificate), certificate_version = coalesce(?, certificate_version)
     WHERE id = ? AND role = ?`,
  );
  const reset = db.prepare<[Uint8Array]>(
    `UPDATE users SET approval = 'reset', kdf_salt = NULL, kdf_ops = NULL, kdf_mem = NULL, auth_verifier = NULL,
       recovery_verifier = NULL, identity_public_key = NULL, encryption_public_key = NULL, encryption_key_signature = NULL,
       password_bundle = NULL, recovery_bundle = NULL, certificate = NULL, sealed_office_keys = NULL,
       totp_secret = NULL, totp_pending = NULL, totp_last_step = NULL
     WHERE id = ?`,
  );
  const setPassword = db.prepare<[Uint8Array, number, number, Uint8Array, Uint8Array, Uint8Array]>(
    `UPDATE users SET kdf_salt = ?, kdf_ops = ?, kdf_mem = ?, auth_verifier = ?, password_bundle = ?
     WHERE id = ? AND auth_verifier IS NOT NULL`,
  );
  const setRecovery = db.prepare<[Uint8Array, Uint8Array, Uint8Array]>(
    'UPDATE users SET recovery_verifier = ?, recovery_bundle = ? WHERE id = ? AND auth_verifier IS NOT NULL',
  );
  const setTotpPending = db.prepare<[Uint8Array | null, Uint8Array]>('UPDATE users SET totp_pending = ? WHERE id = ?');
  const enableTotp = db.prepare<[Uint8Array, number, Uint8Array]>(
    'UPDATE users SET totp_secret = ?, totp_pending = NULL, totp_last_step = ? WHERE id = ? AND totp_secret IS NULL',
  );
  const disableTotp = db.prepare<[Uint8Array]>(
    'UPDATE users SET totp_secret = NULL, totp_pending = NULL, totp_last_step = NULL WHERE id = ?',
  );
  // Accepting a TOTP step and refusing it forever after is one statement, so two requests
  // with the same code cannot both pass.
  const useTotpStep = db.prepare<[number, Uint8Array, number]>(
    `UPDATE users SET totp_last_step = ? WHERE id = ? AND totp_secret IS NOT NULL
       AND (totp_last_step IS NULL OR totp_last_step < ?)`,
  );
  const setLang = db.prepare<[Language, Uint8Array]>('UPDATE users SET lang = ? WHERE id = ?');
  const signedIn = db.prepare<[number, Uint8Array]>('UPDATE users SET last_sign_in_at = ? WHERE id = ?');

  const keyParams = (keys: StoredAccountKeys) => ({
    kdfSalt: keys.kdf.salt,
    kdfOps: keys.kdf.opsLimit,
    kdfMem: keys.kdf.memLimit,
    authVerifier: keys.authVerifier,
    recoveryVerifier: keys.recoveryVerifier,
    identityPublicKey: keys.identityPublicKey,
    encryptionPublicKey: keys.encryptionPublicKey,
    encryptionKeySignature: keys.encryptionKeySignature,
    passwordBundle: keys.passwordBundle,
    recoveryBundle: keys.recoveryBundle,
  });

  return {
    byId(id: Id): UserRecord | undefined {
      const row = byId.get(id);
      return row === undefined ? undefined : userFromSql(row);
    },
    /** A client account by id; undefined for an unknown id and for anyone who is not a client. */
    clientById(id: Id): UserRecord | undefined {
      const row = clientById.get(id);
      return row === undefined ? undefined : userFromSql(row);
    },
    byEmail(email: string): UserRecord | undefined {
      const row = byEmail.get(email);
      return row === undefined ? undefined : userFromSql(row);
    },
    emailTaken(email: string): boolean {
      return emailTaken.get(email) === 1;
    },
    all(): UserRecord[] {
      return all.all().map(userFromSql);
    },
    /** Active staff and admins who hold keys (approved or waiting for approval). */
    members(): UserRecord[] {
      return members.all().map(userFromSql);
    },
    /** The admins who can act now (active and approved): whom an alert without anyone else goes to. */
    approvedAdmins(): UserRecord[] {
      return approvedAdmins.all().map(userFromSql);
    },
    /** A client's advisor (the id is a client's, checked by the caller); false for anyone who is not a client. */
    setAdvisor(clientId: Id, advisorId: Id): boolean {
      return setAdvisor.run(advisorId, clientId).changes === 1;
    },
    countActiveApprovedAdmins(): number {
      return activeAdmins.get() ?? 0;
    },
    insert(user: NewUser): void {
      insert.run({
        id: user.id,
        email: user.email,
        name: user.name,
        role: user.role,
        approval: user.approval,
        ...keyParams(user.keys),
        certificate: user.certificate,
        certificateVersion: user.certificateVersion,
        sealedOfficeKeys: user.sealedOfficeKeys,
        auditRef: user.auditRef,
        createdAt: user.createdAt,
        lang: user.lang,
        advisorId: user.advisorId ?? null,
      });
    },
    /** The caller's own choice of language (the id is the caller's). */
    setLang(id: Id, lang: Language): void {
      setLang.run(lang, id);
    },
    /** After an admin reset: the user's new keys and name; approval pending again. False if the user is not waiting for new keys. */
    setKeysAfterReset(id: Id, name: string, keys: StoredAccountKeys): boolean {
      return setKeysAfterReset.run({ id, name, ...keyParams(keys) }).changes === 1;
    },
    /** `sealedOfficeKeys` is null for a client, who is certified but never holds the office keys. */
    approve(id: Id, certificate: Uint8Array, certificateVersion: number, sealedOfficeKeys: Uint8Array | null): boolean {
      return approve.run(certificate, certificateVersion, sealedOfficeKeys, id).changes === 1;
    },
    setStatus(id: Id, from: UserStatus, to: UserStatus): boolean {
      return setStatus.run(to, id, from).changes === 1;
    },
    /** A new role, and for an approved user the certificate that names it. */
    setRole(id: Id, from: Role, to: Role, certificate: { bytes: Uint8Array; version: number } | null): boolean {
      return setRole.run(to, certificate?.bytes ?? null, certificate?.version ?? null, id, from).changes === 1;
    },
    /** Clears keys, certificate, office keys and two-factor sign-in; approval becomes 'reset'. */
    reset(id: Id): void {
      reset.run(id);
    },
    setPassword(id: Id, kdf: StoredKdf, authVerifier: Uint8Array, passwordBundle: Uint8Array): boolean {
      return setPassword.run(kdf.salt, kdf.opsLimit, kdf.memLimit, authVerifier, passwordBundle, id).changes === 1;
    },
    setRecovery(id: Id, recoveryVerifier: Uint8Array, recoveryBundle: Uint8Array): boolean {
      return setRecovery.run(recoveryVerifier, recoveryBundle, id).changes === 1;
    },
    setTotpPending(id: Id, sealedSecret: Uint8Array | null): void {
      setTotpPending.run(sealedSecret, id);
    },
    enableTotp(id: Id, sealedSecret: Uint8Array, step: number): boolean {
      return enableTotp.run(sealedSecret, step, id).changes === 1;
    },
    disableTotp(id: Id): void {
      disableTotp.run(id);
    },
    /** Marks a TOTP step used; false if it (or a later one) was used already. */
    useTotpStep(id: Id, step: number): boolean {
      return useTotpStep.run(step, id, step).changes === 1;
    },
    recordSignIn(id: Id, at: number): void {
      signedIn.run(at, id);
    },
  };
}
export type UsersRepo = ReturnType<typeof createUsersRepo>;
