// The worker's account operations (docs/protocol.md §7–§9): making the first admin's account
// with the office key, a new account for an invitation, signing in (Argon2id, then unlocking
// the password bundle), confirming the password, changing it, and recovery with the recovery
// key. The key-encryption keys wait in the worker state between deriving and unlocking; the
// passwords are dropped as soon as Argon2id has run.
import {
  bytesEqual,
  certifyMember,
  checkKdfParams,
  DecryptError,
  DEFAULT_KDF_PARAMS,
  formatRecoveryKey,
  fromBase64Url,
  clientKeyProof,
  type InvitationSecret,
  idFromWire,
  idToWire,
  newAccountKeys,
  newId,
  newOfficeKeys,
  newRecoveryKey,
  newSalt,
  openKeyBundle,
  parseRecoveryKey,
  passwordKeys,
  recoveryKeys,
  sealKeyBundle,
  sealOfficeKeys,
  signEncryptionKey,
  signOfficeEncryptionKey,
  wipe,
  type AccountKeys,
  type Id,
  type KdfParams as CryptoKdfParams,
  type OfficeKeys,
} from '../../../../shared/crypto/index.js';
import type { KdfParams, NewAccountKeys } from '../../../../shared/wire/index.js';
import type { AnswerOf, CheckedRequestOf } from '../protocol';
import type { ACCOUNT_REQUESTS } from '../protocol/accounts';
import { checked, WorkerError } from './errors';
import { b64, checkOwnCertificate, fingerprintOf, key32, officeFingerprintOf, openOfficeMaterial } from './keys';
import {
  forgetPendingKek,
  forgetRecoveryKek,
  forgetSession,
  lockAll,
  requireSession,
  wipeAccountKeys,
  wipeOfficeKeys,
  type WorkerState,
} from './state';
import type { HandlersOf, Report } from './types';

function wireKdf(salt: Uint8Array, params: CryptoKdfParams): KdfParams {
  return { algorithm: params.algorithm, salt: b64(salt), opsLimit: params.opsLimit, memLimit: params.memLimit };
}

/** The server's parameters, refused (before any work) when outside format v1's floor and ceiling. */
function checkedKdf(kdf: KdfParams): { readonly params: CryptoKdfParams; readonly salt: Uint8Array } {
  const params: CryptoKdfParams = { algorithm: kdf.algorithm, opsLimit: kdf.opsLimit, memLimit: kdf.memLimit };
  return checked('kdf_refused', () => {
    checkKdfParams(params);
    return { params, salt: fromBase64Url(kdf.salt, 16) };
  });
}

/**
 * The last step of every unlock (the password bundle, or the keys kept for the session): checks
 * the member's own certificate, opens the office keys sealed to them, and makes these keys the
 * worker's session. Wipes `keys` when that fails.
 */
export function startSession(
  state: WorkerState,
  userId: Id,
  keys: AccountKeys,
  published: CheckedRequestOf<'unlock'>['keys'],
  office: CheckedRequestOf<'unlock'>['office'],
): AnswerOf<'unlock'> {
  const officeId = idFromWire(office.officeId);
  const officeSigningPublicKey = key32(office.signingPublicKey);
  let officeKeys: OfficeKeys | null;
  let certificate: 'none' | 'ok' | 'unverified';
  try {
    certificate = checkOwnCertificate(userId, keys, { officeId, signingPublicKey: officeSigningPublicKey }, published);
    officeKeys = openOfficeMaterial(
      userId,
      keys,
      { ...office, officeId, signingPublicKey: officeSigningPublicKey },
      published.certificate,
      published.sealedOfficeKeys,
    );
  } catch (error) {
    wipeAccountKeys(keys);
    throw error;
  }
  forgetSession(state);
  state.session = { userId, keys, officeId, officeSigningPublicKey, officeKeys, officePinned: false, certificate };
  return {
    fingerprint: fingerprintOf(keys.identity.publicKey),
    officeFingerprint: officeFingerprintOf(officeSigningPublicKey),
    officeKeys: officeKeys !== null,
  };
}

interface MadeAccount {
  readonly wire: NewAccountKeys;
  readonly keys: AccountKeys;
  readonly kek: Uint8Array;
  readonly recoveryKey: string;
}

/** Argon2id keys for a new password, new account keys, and a new recovery key, all bound to `userId`. */
function makeAccount(userId: Id, password: string, report: Report): MadeAccount {
  const salt = newSalt();
  report('password');
  const split = passwordKeys(password, salt, DEFAULT_KDF_PARAMS);
  report('keys');
  const keys = newAccountKeys();
  const recovery = newRecoveryKey();
  const recoverySplit = recoveryKeys(recovery);
  const wire: NewAccountKeys = {
    kdf: wireKdf(salt, DEFAULT_KDF_PARAMS),
    authKey: b64(split.authKey),
    recoveryAuthKey: b64(recoverySplit.authKey),
    identityPublicKey: b64(keys.identity.publicKey),
    encryptionPublicKey: b64(keys.encryption.publicKey),
    encryptionKeySignature: b64(signEncryptionKey(userId, keys)),
    passwordBundle: b64(sealKeyBundle(split.keyEncryptionKey, userId, keys, 'password')),
    recoveryBundle: b64(sealKeyBundle(recoverySplit.keyEncryptionKey, userId, keys, 'recovery')),
  };
  const recoveryKey = formatRecoveryKey(recovery);
  wipe(recovery);
  wipe(recoverySplit.keyEncryptionKey);
  wipe(split.authKey);
  return { wire, keys, kek: split.keyEncryptionKey, recoveryKey };
}

function createOffice(
  state: WorkerState,
  { officeName, adminName, email, password }: CheckedRequestOf<'createOffice'>,
  report: Report,
): AnswerOf<'createOffice'> {
  const userId = newId();
  const officeId = newId();
  const account = makeAccount(userId, password, report);
  report('office');
  const office: OfficeKeys = newOfficeKeys(officeId);
  const certificate = certifyMember(office, {
    version: 1,
    userId,
    email,
    role: 'admin',
    identityPublicKey: account.keys.identity.publicKey,
    encryptionPublicKey: account.keys.encryption.publicKey,
    issuedAt: Date.now(),
  });
  const answer: AnswerOf<'createOffice'> = {
    request: {
      office: {
        officeId: idToWire(officeId),
        name: officeName,
        signingPublicKey: b64(office.signing.publicKey),
        encryptionPublicKey: b64(office.encryption.publicKey),
        encryptionKeyStatement: b64(signOfficeEncryptionKey(office)),
      },
      admin: {
        userId: idToWire(userId),
        name: adminName,
        email,
        keys: account.wire,
        certificate: b64(certificate),
        sealedOfficeKeys: b64(sealOfficeKeys(office, userId, account.keys.encryption.publicKey)),
      },
    },
    recoveryKey: account.recoveryKey,
    fingerprint: fingerprintOf(account.keys.identity.publicKey),
    officeFingerprint: officeFingerprintOf(office.signing.publicKey),
  };
  // The keys are opened again from what the server stored (unlock), which proves the
  // server kept them intact; until then only the key-encryption key is kept.
  wipeAccountKeys(account.keys);
  wipeOfficeKeys(office);
  lockAll(state);
  state.pendingKek = { kek: account.kek, userId };
  return answer;
}

export function accountOperations(state: WorkerState): HandlersOf<keyof typeof ACCOUNT_REQUESTS> {
  return {
    createOffice: (request, report) => createOffice(state, request, report),

    createAccount({ userId, password, handover }, report) {
      const id = idFromWire(userId);
      const account = makeAccount(id, password, report);
      const answer = {
        keys: account.wire,
        recoveryKey: account.recoveryKey,
        fingerprint: fingerprintOf(account.keys.identity.publicKey),
        ...(handover === undefined
          ? {}
          : {
              keyProof: b64(
                clientKeyProof(key32(handover.secret) as InvitationSecret, {
                  userId: id,
                  email: handover.email,
                  identityPublicKey: account.keys.identity.publicKey,
                  encryptionPublicKey: account.keys.encryption.publicKey,
                }),
              ),
            }),
      };
      wipeAccountKeys(account.keys);
      lockAll(state);
      state.pendingKek = { kek: account.kek, userId: id };
      return answer;
    },

    deriveSignIn({ password, kdf }, report) {
      const { params, salt } = checkedKdf(kdf);
      report('password');
      const split = passwordKeys(password, salt, params);
      lockAll(state);
      state.pendingKek = { kek: split.keyEncryptionKey, userId: null };
      return { authKey: b64(split.authKey) };
    },

    deriveAuthKey({ password, kdf }, report) {
      const { params, salt } = checkedKdf(kdf);
      report('password');
      const split = passwordKeys(password, salt, params);
      wipe(split.keyEncryptionKey);
      return { authKey: b64(split.authKey) };
    },

    unlock({ keys: published, office }) {
      if (!state.pendingKek) throw new WorkerError('no_pending_key');
      const { kek, userId: expectedUserId } = state.pendingKek;
      const userId = idFromWire(published.userId);
      if (expectedUserId !== null && !bytesEqual(expectedUserId, userId)) {
        forgetPendingKek(state);
        throw new WorkerError('keys_mismatch');
      }
      let keys: AccountKeys;
      try {
        keys = openKeyBundle(kek, userId, fromBase64Url(published.passwordBundle), 'password', {
          identityPublicKey: key32(published.identityPublicKey),
          encryptionPublicKey: key32(published.encryptionPublicKey),
        });
      } catch (error) {
        forgetPendingKek(state);
        throw new WorkerError(error instanceof DecryptError ? 'wrong_password' : 'keys_mismatch');
      }
      forgetPendingKek(state);
      return startSession(state, userId, keys, published, office);
    },

    changePassword({ currentPassword, currentKdf, newPassword }, report) {
      const session = requireSession(state);
      const current = checkedKdf(currentKdf);
      report('password');
      const old = passwordKeys(currentPassword, current.salt, current.params);
      wipe(old.keyEncryptionKey);
      const salt = newSalt();
      const next = passwordKeys(newPassword, salt, DEFAULT_KDF_PARAMS);
      report('sealing');
      const passwordBundle = sealKeyBundle(next.keyEncryptionKey, session.userId, session.keys, 'password');
      wipe(next.keyEncryptionKey);
      return {
        authKey: b64(old.authKey),
        kdf: wireKdf(salt, DEFAULT_KDF_PARAMS),
        newAuthKey: b64(next.authKey),
        passwordBundle: b64(passwordBundle),
      };
    },

    recoveryBegin({ recoveryKey }) {
      const key = checked('invalid_recovery_key', () => parseRecoveryKey(recoveryKey));
      const split = recoveryKeys(key);
      wipe(key);
      lockAll(state);
      state.pendingRecoveryKek = split.keyEncryptionKey;
      return { recoveryAuthKey: b64(split.authKey) };
    },

    recoveryComplete(
      { userId: wireUserId, recoveryBundle, identityPublicKey, encryptionPublicKey, newPassword },
      report,
    ) {
      const recoveryKek = state.pendingRecoveryKek;
      if (!recoveryKek) throw new WorkerError('no_pending_key');
      const userId = idFromWire(wireUserId);
      const keys = checked('recovery_failed', () =>
        openKeyBundle(recoveryKek, userId, fromBase64Url(recoveryBundle), 'recovery', {
          identityPublicKey: fromBase64Url(identityPublicKey, 32),
          encryptionPublicKey: fromBase64Url(encryptionPublicKey, 32),
        }),
      );
      forgetRecoveryKek(state);
      const salt = newSalt();
      report('password');
      const split = passwordKeys(newPassword, salt, DEFAULT_KDF_PARAMS);
      report('sealing');
      const recovery = newRecoveryKey();
      const recoverySplit = recoveryKeys(recovery);
      const answer: AnswerOf<'recoveryComplete'> = {
        kdf: wireKdf(salt, DEFAULT_KDF_PARAMS),
        authKey: b64(split.authKey),
        passwordBundle: b64(sealKeyBundle(split.keyEncryptionKey, userId, keys, 'password')),
        recoveryAuthKey: b64(recoverySplit.authKey),
        recoveryBundle: b64(sealKeyBundle(recoverySplit.keyEncryptionKey, userId, keys, 'recovery')),
        recoveryKey: formatRecoveryKey(recovery),
      };
      wipe(recovery);
      wipe(recoverySplit.keyEncryptionKey);
      wipeAccountKeys(keys);
      state.pendingKek = { kek: split.keyEncryptionKey, userId };
      return answer;
    },

    lock() {
      lockAll(state);
      return {};
    },
  };
}
