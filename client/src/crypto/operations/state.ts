// Everything the crypto worker keeps between calls, in one object: the keys that must never
// reach the page, and the handles the page refers to them by. Each worker (and each test) makes
// its own with `createWorkerState`; the area handlers read and change it, and `lockAll` wipes
// it. Nothing here is ever answered to the page; JavaScript strings (the passwords) cannot be
// wiped, so no password is kept at all.
import {
  wipe,
  type AccountKeys,
  type ContentSummary,
  type DropSecret,
  type FileKey,
  type Id,
  type OfficeKeys,
  type PinIndexEntry,
  type PinSubject,
} from '../../../../shared/crypto/index.js';
import { WorkerError } from './errors';

/** The signed-in account, once its password bundle opened (`unlock`). */
export interface Session {
  readonly userId: Id;
  readonly keys: AccountKeys;
  /** The office as the session named it: every certificate is checked against this key. */
  readonly officeId: Id;
  readonly officeSigningPublicKey: Uint8Array;
  /** Present once the member is approved. */
  officeKeys: OfficeKeys | null;
  /**
   * The user's pin of the office confirmed the office signing key in this worker (`pinOffice`,
   * `checkKeys` or `confirmPin`), or a client's invitation link did. Received shares open only after.
   */
  officePinned: boolean;
  /**
   * A client's own certificate at unlock (docs/protocol.md §13a, the self-check): `none` (not
   * approved yet, or a member, whose certificate openOfficeMaterial checks), `ok` (the office's
   * certificate for exactly this browser's keys), `unverified` (its signature does not hold under
   * the office key the server named: either that key or the certificate is not the office's;
   * `pinOffice` tells which once the key matched the pin, and refuses the latter).
   */
  readonly certificate: 'none' | 'ok' | 'unverified';
}

/** A file this worker encrypted and uploaded: its key, until the share (or drop upload) is made. */
export interface UploadedFile {
  readonly fileId: Id;
  readonly fileKey: FileKey;
  readonly uploadId: string;
  readonly summary: ContentSummary;
}

/** A recipient's (or the office's) key as checkKeys verified it against the certification and the pins. */
export interface CheckedKey {
  readonly subject: PinSubject;
  readonly subjectId: Id;
  readonly publicKey: Uint8Array;
  /** For accounts: where file keys are sealed to. */
  readonly encryptionPublicKey?: Uint8Array;
  /** Pinned before, pinned now, or confirmed by the user after a change. */
  accepted: boolean;
}

/**
 * The user's pin index as the last key check left it (protocol §14, §20): the entries to keep,
 * the counter the server holds (for the next compare-and-swap), and the highest counter known.
 */
export interface PinIndexState {
  readonly entries: Map<string, PinIndexEntry>;
  serverCounter: number | null;
  floor: number;
}

/** The office encryption key, verified against the office's signed statement. */
export interface OfficeEncryptionKey {
  readonly officeId: Id;
  readonly publicKey: Uint8Array;
}

/** A file of an opened share or drop upload, ready to download. */
export interface OpenedFileKey {
  readonly fileId: Id;
  readonly fileKey: FileKey;
  readonly ciphertextHash: Uint8Array;
  readonly plaintextSize: number;
}

/** A drop link checked in this worker: the drop key the server named matched the link. */
export interface CheckedDropLink {
  readonly dropId: Id;
  readonly publicKey: Uint8Array;
  readonly secret: DropSecret;
  /** The signed-in client whose personal drop this is (openClientDrop): their uploads carry a names record. */
  readonly clientId: Id | null;
}

export interface WorkerState {
  /** Between deriving (or creating) a key-encryption key and unlocking the bundle it seals. */
  pendingKek: { readonly kek: Uint8Array; readonly userId: Id | null } | null;
  /** Between checking a recovery key and opening the recovery bundle. */
  pendingRecoveryKek: Uint8Array | null;
  session: Session | null;
  /** Uploaded files by file id, from `uploadFile` until `forgetFiles`. */
  readonly uploads: Map<string, UploadedFile>;
  /** Keys `checkKeys` verified, by `pinKeyOf`; only these are sealed to. */
  readonly checkedKeys: Map<string, CheckedKey>;
  officeEncryption: OfficeEncryptionKey | null;
  /** The pin index after the last `checkKeys` or `pinOffice`; `confirmPin` writes the next one from it. */
  pinIndex: PinIndexState | null;
  /** File keys of opened shares and drop uploads, by share (or drop upload) id, then file id. */
  readonly opened: Map<string, Map<string, OpenedFileKey>>;
  /** Drop links checked for uploading, by drop id. */
  readonly dropLinks: Map<string, CheckedDropLink>;
}

export function createWorkerState(): WorkerState {
  return {
    pendingKek: null,
    pendingRecoveryKek: null,
    session: null,
    uploads: new Map(),
    checkedKeys: new Map(),
    officeEncryption: null,
    pinIndex: null,
    opened: new Map(),
    dropLinks: new Map(),
  };
}

export function wipeAccountKeys(keys: AccountKeys): void {
  wipe(keys.identity.secretKey);
  wipe(keys.identity.seed);
  wipe(keys.encryption.secretKey);
  wipe(keys.personalKey);
}

export function wipeOfficeKeys(keys: OfficeKeys): void {
  wipe(keys.signing.secretKey);
  wipe(keys.signing.seed);
  wipe(keys.encryption.secretKey);
}

export function forgetPendingKek(state: WorkerState): void {
  if (state.pendingKek) wipe(state.pendingKek.kek);
  state.pendingKek = null;
}

export function forgetRecoveryKek(state: WorkerState): void {
  if (state.pendingRecoveryKek) wipe(state.pendingRecoveryKek);
  state.pendingRecoveryKek = null;
}

export function forgetSession(state: WorkerState): void {
  if (state.session) {
    wipeAccountKeys(state.session.keys);
    if (state.session.officeKeys) wipeOfficeKeys(state.session.officeKeys);
  }
  state.session = null;
}

export function forgetUpload(state: WorkerState, fileId: string): void {
  const file = state.uploads.get(fileId);
  if (file) wipe(file.fileKey);
  state.uploads.delete(fileId);
}

export function forgetOpened(state: WorkerState, handle: string): void {
  for (const file of state.opened.get(handle)?.values() ?? []) wipe(file.fileKey);
  state.opened.delete(handle);
}

export function forgetDropLink(state: WorkerState, dropId: string): void {
  const link = state.dropLinks.get(dropId);
  if (link) wipe(link.secret);
  state.dropLinks.delete(dropId);
}

/** Sign-out, a new sign-in, recovery: every key and handle goes. */
export function lockAll(state: WorkerState): void {
  forgetPendingKek(state);
  forgetRecoveryKek(state);
  forgetSession(state);
  for (const fileId of [...state.uploads.keys()]) forgetUpload(state, fileId);
  for (const handle of [...state.opened.keys()]) forgetOpened(state, handle);
  state.checkedKeys.clear();
  state.officeEncryption = null;
  state.pinIndex = null;
  for (const dropId of [...state.dropLinks.keys()]) forgetDropLink(state, dropId);
}

export function requireSession(state: WorkerState): Session {
  if (!state.session) throw new WorkerError('locked');
  return state.session;
}

export function requireOfficeKeys(state: WorkerState): { readonly session: Session; readonly office: OfficeKeys } {
  const session = requireSession(state);
  if (!session.officeKeys) throw new WorkerError('locked');
  return { session, office: session.officeKeys };
}

/**
 * The office signing key is proven in this worker well enough to open drops: the office keys it
 * certified opened (a member), or it matched the user's pin or a client's invitation link.
 * Received shares need the pin itself (`officePinned`, docs/protocol.md §22 step 3).
 */
export function officeTrusted(session: Session): boolean {
  return session.officeKeys !== null || session.officePinned;
}
