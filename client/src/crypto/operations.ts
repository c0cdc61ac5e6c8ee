// The crypto worker's operations (protocol.ts lists them): making accounts and the office
// key, deriving and unlocking, certifying members, changing passwords, recovery, (in
// sharing.ts) sending and receiving files, and (in drops.ts) drops. They run only inside the worker (worker.ts passes
// messages to them); tests call them directly.
//
// The secrets kept between calls live in the closure of `createOperations`: the key-
// encryption key between deriving (or creating) it and unlocking, the recovery key-encryption
// key during recovery, and, once unlocked, the private account keys and the office secret
// keys. Nothing here returns any of them; JavaScript strings (the passwords) cannot be wiped,
// but they are dropped as soon as Argon2id has run.
import {
  bytesEqual,
  certifyMember,
  checkKdfParams,
  CryptoError,
  DecryptError,
  DEFAULT_KDF_PARAMS,
  formatFingerprint,
  formatRecoveryKey,
  fromBase64Url,
  makePin,
  openPin,
  identityFingerprint,
  idFromWire,
  idToWire,
  MismatchError,
  newAccountKeys,
  newId,
  newOfficeKeys,
  newRecoveryKey,
  newSalt,
  officeFingerprint,
  openKeyBundle,
  openOfficeKeys,
  ParameterError,
  parseRecoveryKey,
  passwordKeys,
  recoveryKeys,
  sealKeyBundle,
  sealOfficeKeys,
  signEncryptionKey,
  signOfficeEncryptionKey,
  toBase64Url,
  verifyEncryptionKey,
  verifyMember,
  wipe,
  type AccountKeys,
  type Id,
  type KdfParams as CryptoKdfParams,
  type OfficeKeys,
  type Pin,
} from '../../../shared/crypto/index.js';
import type { KdfParams, NewAccountKeys } from '../../../shared/wire/index.js';
import {
  REQUESTS,
  type AnswerOf,
  type MemberCheck,
  type Operation,
  type ProgressStage,
  type WorkerErrorCode,
} from './protocol';
import { createDrops } from './drops';
import { createSharing, SharingError, type CallContext, type SessionKeys, type SharingDeps } from './sharing';
import { systemClock } from './transport';
import type { z } from 'zod';

export type Report = (stage: ProgressStage) => void;
export type { CallContext } from './sharing';

export type Handlers = {
  [K in Operation]: (
    request: z.output<(typeof REQUESTS)[K]>,
    report: Report,
    context: CallContext,
  ) => AnswerOf<K> | Promise<AnswerOf<K>>;
};

/** The code the page is told for a failure: typed errors by their kind, anything else `internal`. */
export function errorCode(error: unknown): WorkerErrorCode {
  if (error instanceof OperationError) return error.code;
  if (error instanceof SharingError) return error.code;
  if (error instanceof ParameterError) return 'kdf_refused';
  // A malformed key or envelope from the page: its base64url or lengths were wrong.
  if (error instanceof CryptoError) return 'bad_request';
  return 'internal';
}

/** A failure the page is told about by its code. */
export class OperationError extends Error {
  constructor(readonly code: WorkerErrorCode) {
    super(code);
  }
}

interface Unlocked {
  readonly userId: Id;
  readonly keys: AccountKeys;
  /** The office as the session named it: every certificate is checked against this key. */
  readonly officeId: Id;
  readonly officeSigningPublicKey: Uint8Array;
  /** Present once the member is approved. */
  officeKeys: OfficeKeys | null;
  /** A client's pin (or invitation link) confirmed the office signing key in this worker (pinOffice). */
  officePinned: boolean;
}

function wipeAccountKeys(keys: AccountKeys): void {
  wipe(keys.identity.secretKey);
  wipe(keys.identity.seed);
  wipe(keys.encryption.secretKey);
  wipe(keys.personalKey);
}

function wipeOfficeKeys(keys: OfficeKeys): void {
  wipe(keys.signing.secretKey);
  wipe(keys.signing.seed);
  wipe(keys.encryption.secretKey);
}

// ---- helpers

const b64 = toBase64Url;

function cryptoKdf(kdf: KdfParams): CryptoKdfParams {
  return { algorithm: kdf.algorithm, opsLimit: kdf.opsLimit, memLimit: kdf.memLimit };
}

function wireKdf(salt: Uint8Array, params: CryptoKdfParams): KdfParams {
  return { algorithm: params.algorithm, salt: b64(salt), opsLimit: params.opsLimit, memLimit: params.memLimit };
}

/** The server's parameters, refused (before any work) when outside format v1's floor and ceiling. */
function checkedKdf(kdf: KdfParams): { readonly params: CryptoKdfParams; readonly salt: Uint8Array } {
  const params = cryptoKdf(kdf);
  try {
    checkKdfParams(params);
    return { params, salt: fromBase64Url(kdf.salt, 16) };
  } catch {
    throw new OperationError('kdf_refused');
  }
}

function fingerprintOf(identityPublicKey: Uint8Array): string {
  return formatFingerprint(identityFingerprint(identityPublicKey));
}

function officeFingerprintOf(signingPublicKey: Uint8Array): string {
  return formatFingerprint(officeFingerprint(signingPublicKey));
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

function samePublicKeys(
  a: { identityPublicKey: Uint8Array; encryptionPublicKey: Uint8Array },
  keys: AccountKeys,
): boolean {
  return (
    bytesEqual(a.identityPublicKey, keys.identity.publicKey) &&
    bytesEqual(a.encryptionPublicKey, keys.encryption.publicKey)
  );
}

/**
 * The member's own certificate and the office keys sealed to them. The certificate must be
 * the office's (by the session's office key) for this user and these keys; the office keys
 * must open with this member's encryption key and contain that same office signing key.
 */
function openOfficeMaterial(
  userId: Id,
  keys: AccountKeys,
  officeId: Id,
  officeSigningPublicKey: Uint8Array,
  certificate: string | undefined,
  sealedOfficeKeys: string | undefined,
): OfficeKeys | null {
  if (certificate === undefined || sealedOfficeKeys === undefined) return null;
  try {
    const verified = verifyMember(
      officeSigningPublicKey,
      { officeId, userId },
      fromBase64Url(certificate),
      signEncryptionKey(userId, keys),
    );
    if (!samePublicKeys(verified, keys)) throw new MismatchError('certificate names other keys');
    return openOfficeKeys(
      fromBase64Url(sealedOfficeKeys),
      { officeId, memberUserId: userId, officeSigningPublicKey },
      keys.encryption,
    );
  } catch {
    throw new OperationError('office_keys_invalid');
  }
}

/** Transfers go through `transport` (the browser's fetch and XHR in the worker; a fake in tests). */
export type OperationDeps = SharingDeps;

/**
 * The worker's operations and the secrets they keep between calls. A factory rather than
 * module state, so each worker (and each test) has its own. `deps` is needed only for file
 * transfers; worker.ts passes the browser's.
 */
export function createOperations(
  deps: OperationDeps = { transport: missingTransport(), clock: systemClock },
): Handlers {
  // ---- what the worker holds

  /** Between deriving (or creating) a key-encryption key and unlocking the bundle it seals. */
  let pendingKek: { readonly kek: Uint8Array; readonly userId: Id | null } | null = null;
  /** Between checking a recovery key and opening the recovery bundle. */
  let pendingRecoveryKek: Uint8Array | null = null;

  let unlocked: Unlocked | null = null;

  function forgetPending(): void {
    if (pendingKek) wipe(pendingKek.kek);
    pendingKek = null;
  }

  function forgetRecovery(): void {
    if (pendingRecoveryKek) wipe(pendingRecoveryKek);
    pendingRecoveryKek = null;
  }

  function forgetUnlocked(): void {
    if (unlocked) {
      wipeAccountKeys(unlocked.keys);
      if (unlocked.officeKeys) wipeOfficeKeys(unlocked.officeKeys);
    }
    unlocked = null;
  }

  function lockAll(): void {
    forgetPending();
    forgetRecovery();
    forgetUnlocked();
    sharing.forgetAll();
    drops.forgetAll();
  }

  function requireUnlocked(): Unlocked {
    if (!unlocked) throw new OperationError('locked');
    return unlocked;
  }

  function requireOfficeKeys(): { readonly session: Unlocked; readonly office: OfficeKeys } {
    const session = requireUnlocked();
    if (!session.officeKeys) throw new OperationError('locked');
    return { session, office: session.officeKeys };
  }

  const sessionKeys = (): SessionKeys => {
    const session = requireUnlocked();
    return {
      userId: session.userId,
      keys: session.keys,
      officeId: session.officeId,
      officeSigningPublicKey: session.officeSigningPublicKey,
      officeKeys: session.officeKeys,
      officeTrusted: session.officeKeys !== null || session.officePinned,
    };
  };
  const sharing = createSharing(sessionKeys, deps);
  const drops = createDrops(sessionKeys, deps, sharing.parts);

  // ---- the operations

  return {
    ...sharing.handlers,
    ...drops.handlers,

    createOffice({ officeName, adminName, email, password }, report) {
      const userId = newId();
      const officeId = newId();
      const account = makeAccount(userId, password, report);
      report('office');
      const office = newOfficeKeys(officeId);
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
      lockAll();
      pendingKek = { kek: account.kek, userId };
      return answer;
    },

    createAccount({ userId, password }, report) {
      const id = idFromWire(userId);
      const account = makeAccount(id, password, report);
      const answer = {
        keys: account.wire,
        recoveryKey: account.recoveryKey,
        fingerprint: fingerprintOf(account.keys.identity.publicKey),
      };
      wipeAccountKeys(account.keys);
      lockAll();
      pendingKek = { kek: account.kek, userId: id };
      return answer;
    },

    deriveSignIn({ password, kdf }, report) {
      const { params, salt } = checkedKdf(kdf);
      report('password');
      const split = passwordKeys(password, salt, params);
      lockAll();
      pendingKek = { kek: split.keyEncryptionKey, userId: null };
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
      if (!pendingKek) throw new OperationError('no_pending_key');
      const { kek, userId: expectedUserId } = pendingKek;
      const userId = idFromWire(published.userId);
      if (expectedUserId !== null && !bytesEqual(expectedUserId, userId)) {
        forgetPending();
        throw new OperationError('keys_mismatch');
      }
      let keys: AccountKeys;
      try {
        keys = openKeyBundle(kek, userId, fromBase64Url(published.passwordBundle), 'password', {
          identityPublicKey: fromBase64Url(published.identityPublicKey, 32),
          encryptionPublicKey: fromBase64Url(published.encryptionPublicKey, 32),
        });
      } catch (error) {
        forgetPending();
        throw new OperationError(error instanceof DecryptError ? 'wrong_password' : 'keys_mismatch');
      }
      forgetPending();
      const officeId = idFromWire(office.officeId);
      const officeSigningPublicKey = fromBase64Url(office.signingPublicKey, 32);
      let officeKeys: OfficeKeys | null;
      try {
        officeKeys = openOfficeMaterial(
          userId,
          keys,
          officeId,
          officeSigningPublicKey,
          published.certificate,
          published.sealedOfficeKeys,
        );
      } catch (error) {
        wipeAccountKeys(keys);
        throw error;
      }
      forgetUnlocked();
      unlocked = { userId, keys, officeId, officeSigningPublicKey, officeKeys, officePinned: false };
      return {
        fingerprint: fingerprintOf(keys.identity.publicKey),
        officeFingerprint: officeFingerprintOf(officeSigningPublicKey),
        officeKeys: officeKeys !== null,
      };
    },

    openOffice({ keys: published, office }) {
      const session = requireUnlocked();
      const officeId = idFromWire(office.officeId);
      const officeSigningPublicKey = fromBase64Url(office.signingPublicKey, 32);
      const userId = idFromWire(published.userId);
      const sameOffice =
        bytesEqual(officeId, session.officeId) && bytesEqual(officeSigningPublicKey, session.officeSigningPublicKey);
      const sameKeys =
        bytesEqual(userId, session.userId) &&
        samePublicKeys(
          {
            identityPublicKey: fromBase64Url(published.identityPublicKey, 32),
            encryptionPublicKey: fromBase64Url(published.encryptionPublicKey, 32),
          },
          session.keys,
        );
      if (!sameOffice || !sameKeys) throw new OperationError('keys_mismatch');
      const officeKeys = openOfficeMaterial(
        userId,
        session.keys,
        officeId,
        officeSigningPublicKey,
        published.certificate,
        published.sealedOfficeKeys,
      );
      if (officeKeys) {
        if (session.officeKeys) wipeOfficeKeys(session.officeKeys);
        session.officeKeys = officeKeys;
      }
      return {
        fingerprint: fingerprintOf(session.keys.identity.publicKey),
        officeFingerprint: officeFingerprintOf(officeSigningPublicKey),
        officeKeys: session.officeKeys !== null,
      };
    },

    fingerprint({ kind, publicKey }) {
      const key = fromBase64Url(publicKey, 32);
      return { fingerprint: kind === 'identity' ? fingerprintOf(key) : officeFingerprintOf(key) };
    },

    inspectMember(member) {
      const identityPublicKey = fromBase64Url(member.identityPublicKey, 32);
      let signatureValid = true;
      try {
        verifyEncryptionKey(
          idFromWire(member.userId),
          { identityPublicKey, encryptionPublicKey: fromBase64Url(member.encryptionPublicKey, 32) },
          fromBase64Url(member.encryptionKeySignature, 64),
        );
      } catch {
        signatureValid = false;
      }
      return { fingerprint: fingerprintOf(identityPublicKey), signatureValid };
    },

    certifyMember({ member, currentVersion }) {
      const { office } = requireOfficeKeys();
      const userId = idFromWire(member.userId);
      const identityPublicKey = fromBase64Url(member.identityPublicKey, 32);
      const encryptionPublicKey = fromBase64Url(member.encryptionPublicKey, 32);
      try {
        verifyEncryptionKey(
          userId,
          { identityPublicKey, encryptionPublicKey },
          fromBase64Url(member.encryptionKeySignature, 64),
        );
      } catch {
        throw new OperationError('invalid_member');
      }
      const certificate = certifyMember(office, {
        version: currentVersion + 1,
        userId,
        email: member.email,
        role: member.role,
        identityPublicKey,
        encryptionPublicKey,
        issuedAt: Date.now(),
      });
      return {
        certificate: b64(certificate),
        sealedOfficeKeys: b64(sealOfficeKeys(office, userId, encryptionPublicKey)),
      };
    },

    recertifyMember({ member, role, currentVersion }) {
      const { office } = requireOfficeKeys();
      const userId = idFromWire(member.userId);
      // Only keys the office already certified are certified again, for the same address: a
      // role change must not become a way to slip in other keys.
      let verified;
      try {
        verified = verifyMember(
          office.signing.publicKey,
          { officeId: office.officeId, userId },
          fromBase64Url(member.certificate),
          fromBase64Url(member.encryptionKeySignature, 64),
        );
      } catch {
        throw new OperationError('invalid_member');
      }
      const listed = {
        identityPublicKey: fromBase64Url(member.identityPublicKey, 32),
        encryptionPublicKey: fromBase64Url(member.encryptionPublicKey, 32),
      };
      if (
        !bytesEqual(verified.identityPublicKey, listed.identityPublicKey) ||
        !bytesEqual(verified.encryptionPublicKey, listed.encryptionPublicKey) ||
        verified.email !== member.email
      ) {
        throw new OperationError('invalid_member');
      }
      const certificate = certifyMember(office, {
        version: Math.max(currentVersion, verified.version) + 1,
        userId,
        email: verified.email,
        role,
        identityPublicKey: verified.identityPublicKey,
        encryptionPublicKey: verified.encryptionPublicKey,
        issuedAt: Date.now(),
      });
      return { certificate: b64(certificate) };
    },

    verifyMembers({ members }) {
      const session = requireUnlocked();
      return {
        members: members.map((member) => {
          const identityPublicKey = fromBase64Url(member.identityPublicKey, 32);
          let check: MemberCheck = 'unverified';
          if (member.certificate !== undefined) {
            try {
              const verified = verifyMember(
                session.officeSigningPublicKey,
                { officeId: session.officeId, userId: idFromWire(member.userId) },
                fromBase64Url(member.certificate),
                fromBase64Url(member.encryptionKeySignature, 64),
              );
              const matches =
                bytesEqual(verified.identityPublicKey, identityPublicKey) &&
                bytesEqual(verified.encryptionPublicKey, fromBase64Url(member.encryptionPublicKey, 32)) &&
                verified.email === member.email &&
                verified.role === member.role;
              check = matches ? 'verified' : 'failed';
            } catch {
              check = 'failed';
            }
          }
          return { userId: member.userId, fingerprint: fingerprintOf(identityPublicKey), check };
        }),
      };
    },

    changePassword({ currentPassword, currentKdf, newPassword }, report) {
      const session = requireUnlocked();
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
      let key;
      try {
        key = parseRecoveryKey(recoveryKey);
      } catch {
        throw new OperationError('invalid_recovery_key');
      }
      const split = recoveryKeys(key);
      wipe(key);
      lockAll();
      pendingRecoveryKek = split.keyEncryptionKey;
      return { recoveryAuthKey: b64(split.authKey) };
    },

    recoveryComplete(
      { userId: wireUserId, recoveryBundle, identityPublicKey, encryptionPublicKey, newPassword },
      report,
    ) {
      if (!pendingRecoveryKek) throw new OperationError('no_pending_key');
      const userId = idFromWire(wireUserId);
      let keys: AccountKeys;
      try {
        keys = openKeyBundle(pendingRecoveryKek, userId, fromBase64Url(recoveryBundle), 'recovery', {
          identityPublicKey: fromBase64Url(identityPublicKey, 32),
          encryptionPublicKey: fromBase64Url(encryptionPublicKey, 32),
        });
      } catch {
        throw new OperationError('recovery_failed');
      }
      forgetRecovery();
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
      pendingKek = { kek: split.keyEncryptionKey, userId };
      return answer;
    },

    lock() {
      lockAll();
      return {};
    },

    // ---- clients

    checkOfficeFingerprint({ signingPublicKey, fingerprint }) {
      const key = fromBase64Url(signingPublicKey, 32);
      if (!fingerprintMatches(key, fingerprint)) throw new OperationError('office_key_mismatch');
      return { fingerprint: officeFingerprintOf(key) };
    },

    pinOffice({ pins, fingerprint }) {
      const session = requireUnlocked();
      const shown = officeFingerprintOf(session.officeSigningPublicKey);
      let pinned: Pin | undefined;
      for (const stored of pins) {
        if (stored.subject !== 'office' || stored.subjectId !== idToWire(session.officeId)) continue;
        try {
          const pin = openPin(fromBase64Url(stored.envelope), session.keys.personalKey, session.userId);
          if (pin.subject === 'office' && bytesEqual(pin.subjectId, session.officeId)) pinned = pin;
        } catch {
          // not this user's, or altered: the server can drop a pin, never forge one
        }
      }
      if (pinned !== undefined) {
        session.officePinned = bytesEqual(pinned.publicKey, session.officeSigningPublicKey);
        if (!session.officePinned) throw new OperationError('office_key_changed');
        return { fingerprint: shown, pin: 'same' };
      }
      if (fingerprint !== undefined && !fingerprintMatches(session.officeSigningPublicKey, fingerprint)) {
        session.officePinned = false;
        throw new OperationError('office_key_mismatch');
      }
      session.officePinned = true;
      const envelope = makePin(
        {
          ownerId: session.userId,
          subject: 'office',
          subjectId: session.officeId,
          publicKey: session.officeSigningPublicKey,
          firstSeenAt: Date.now(),
        },
        session.keys.personalKey,
      );
      return { fingerprint: shown, pin: 'new', envelope: b64(envelope) };
    },
  };
}

/** The office fingerprint of `signingPublicKey` is the 32 bytes of `fingerprint` (base64url, from a link). */
function fingerprintMatches(signingPublicKey: Uint8Array, fingerprint: string): boolean {
  try {
    return bytesEqual(officeFingerprint(signingPublicKey), fromBase64Url(fingerprint, 32));
  } catch {
    return false;
  }
}

/** For tests of the account operations, which transfer nothing. */
function missingTransport(): SharingDeps['transport'] {
  const refuse = (): never => {
    throw new OperationError('internal');
  };
  return {
    createUpload: refuse,
    putPart: refuse,
    uploadStatus: refuse,
    completeUpload: refuse,
    deleteUpload: refuse,
    fetchContainer: refuse,
  };
}
