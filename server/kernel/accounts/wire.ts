// Between wire shapes (shared/wire: base64url text, ISO times) and the server's own (bytes,
// milliseconds): what routes use to parse account keys and to answer users, sessions and
// key material. Nothing here decides anything.
import { idToWire, toBase64Url } from '../../../shared/crypto/index.js';
import type {
  DirectoryEntry,
  KdfParams,
  KeyMaterial,
  Me,
  NewAccountKeys,
  SessionInfo,
  SignedIn,
  UserDetail,
  UserSummary,
} from '../../../shared/wire/index.js';
import { bytesIn } from '../http/validation.js';
import { iso } from '../wire.js';
import type { OfficeRecord } from './office-repo.js';
import type { AccountKeysInput, KdfInput } from './account-keys.js';
import type { StoredKdf, UserRecord } from './users-repo.js';

export function kdfIn(kdf: KdfParams, field: string): KdfInput {
  return {
    algorithm: kdf.algorithm,
    salt: bytesIn(kdf.salt, `${field}.salt`),
    opsLimit: kdf.opsLimit,
    memLimit: kdf.memLimit,
  };
}

export function kdfOut(kdf: StoredKdf): KdfParams {
  return { algorithm: 'argon2id13', salt: toBase64Url(kdf.salt), opsLimit: kdf.opsLimit, memLimit: kdf.memLimit };
}

/** `prefix` is where the keys sit in the request ("keys.", "admin.keys."), for error fields. */
export function accountKeysIn(keys: NewAccountKeys, prefix: string): AccountKeysInput {
  return {
    kdf: kdfIn(keys.kdf, `${prefix}kdf`),
    authKey: bytesIn(keys.authKey, `${prefix}authKey`),
    recoveryAuthKey: bytesIn(keys.recoveryAuthKey, `${prefix}recoveryAuthKey`),
    identityPublicKey: bytesIn(keys.identityPublicKey, `${prefix}identityPublicKey`),
    encryptionPublicKey: bytesIn(keys.encryptionPublicKey, `${prefix}encryptionPublicKey`),
    encryptionKeySignature: bytesIn(keys.encryptionKeySignature, `${prefix}encryptionKeySignature`),
    passwordBundle: bytesIn(keys.passwordBundle, `${prefix}passwordBundle`),
    recoveryBundle: bytesIn(keys.recoveryBundle, `${prefix}recoveryBundle`),
  };
}

function meApproval(user: UserRecord): Me['approval'] {
  return user.approval === 'approved' ? 'approved' : 'pending';
}

function meOut(user: UserRecord, office: OfficeRecord): Me {
  const twoFactor = user.totpSecret !== null;
  return {
    userId: idToWire(user.id),
    name: user.name,
    email: user.email,
    role: user.role,
    approval: meApproval(user),
    twoFactor,
    mustEnrolTwoFactor: office.requireTwoFactor && (user.role === 'admin' || user.role === 'staff') && !twoFactor,
  };
}

function officeSummaryOut(office: OfficeRecord): SessionInfo['office'] {
  return {
    officeId: idToWire(office.id),
    name: office.name,
    signingPublicKey: toBase64Url(office.signingPublicKey),
    maxExpiryDays: office.maxExpiryDays,
  };
}

export function sessionInfoOut(
  user: UserRecord,
  office: OfficeRecord,
  expiresAt: number,
  idleSeconds: number,
): SessionInfo {
  return { me: meOut(user, office), office: officeSummaryOut(office), expiresAt: iso(expiresAt), idleSeconds };
}

/** The user's sealed keys; undefined for an account without keys (after a reset). */
export function keyMaterialOut(user: UserRecord): KeyMaterial | undefined {
  if (user.keys === null) return undefined;
  return {
    userId: idToWire(user.id),
    kdf: kdfOut(user.keys.kdf),
    passwordBundle: toBase64Url(user.keys.passwordBundle),
    identityPublicKey: toBase64Url(user.keys.identityPublicKey),
    encryptionPublicKey: toBase64Url(user.keys.encryptionPublicKey),
    ...(user.certificate !== null ? { certificate: toBase64Url(user.certificate) } : {}),
    ...(user.sealedOfficeKeys !== null ? { sealedOfficeKeys: toBase64Url(user.sealedOfficeKeys) } : {}),
  };
}

/** What a finished sign-in answers; the session cookie goes with it. */
export interface SignInResult {
  readonly token: string;
  readonly expiresAt: number;
  readonly user: UserRecord;
  readonly office: OfficeRecord;
}

export function signedInOut(result: SignInResult, idleSeconds: number): SignedIn {
  const keys = keyMaterialOut(result.user);
  // A sign-in completes only for an account with keys; anything else is a bug.
  if (keys === undefined) throw new Error('signed in without keys');
  return {
    status: 'signed-in',
    session: sessionInfoOut(result.user, result.office, result.expiresAt, idleSeconds),
    keys,
  };
}

export function userSummaryOut(user: UserRecord): UserSummary {
  return {
    userId: idToWire(user.id),
    name: user.name,
    email: user.email,
    role: user.role,
    status: user.status,
    approval: user.approval,
    twoFactor: user.totpSecret !== null,
    lastSignInAt: user.lastSignInAt === null ? null : iso(user.lastSignInAt),
    createdAt: iso(user.createdAt),
  };
}

export function userDetailOut(user: UserRecord): UserDetail {
  return {
    ...userSummaryOut(user),
    identityPublicKey: user.keys === null ? null : toBase64Url(user.keys.identityPublicKey),
    encryptionPublicKey: user.keys === null ? null : toBase64Url(user.keys.encryptionPublicKey),
    encryptionKeySignature: user.keys === null ? null : toBase64Url(user.keys.encryptionKeySignature),
    certificate: user.certificate === null ? null : toBase64Url(user.certificate),
    certificateVersion: user.certificateVersion,
  };
}

export function directoryEntryOut(user: UserRecord): DirectoryEntry | undefined {
  if (user.keys === null) return undefined;
  return {
    userId: idToWire(user.id),
    name: user.name,
    email: user.email,
    role: user.role,
    approval: meApproval(user),
    identityPublicKey: toBase64Url(user.keys.identityPublicKey),
    encryptionPublicKey: toBase64Url(user.keys.encryptionPublicKey),
    encryptionKeySignature: toBase64Url(user.keys.encryptionKeySignature),
    ...(user.certificate !== null ? { certificate: toBase64Url(user.certificate) } : {}),
  };
}

/** Where the office logo is served, versioned so a new logo is fetched at once. */
export function logoUrl(office: OfficeRecord): string | undefined {
  return office.logoType === null ? undefined : `/api/v1/office/logo?v=${office.logoVersion}`;
}
