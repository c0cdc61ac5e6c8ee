// The crypto worker's operations for sending and receiving files (protocol.ts lists them;
// DESIGN §4; docs/protocol.md §4–§15). Like operations.ts, they run only inside the worker
// (or in Node tests) and keep their secrets here:
//
// - uploaded files: each file key under its file id, from `uploadFile` until the share is
//   made (`sealShare`) and the page says so (`forgetFiles`);
// - checked keys: the recipients (and office key) `checkKeys` verified against the office
//   certification and the user's pins; `sealShare` seals only to these, and not to a key that
//   changed until the user confirmed it (`confirmPin`);
// - opened shares: each file key, its manifest hash and size, under the share id, for
//   `downloadFile`, until `forgetShare` or `lock`.
//
// What leaves: wire values to send (sealed, signed, wrapped), fingerprints, file names and
// messages to show, and for guests the link fragment and access code the sender must pass on.
import {
  bytesEqual,
  checkKeyCommitment,
  claimedSender,
  comparePin,
  CryptoError,
  DecryptError,
  encodeManifest,
  findFile,
  formatFingerprint,
  fromBase64Url,
  guestLinkFragment,
  identityFingerprint,
  idFromWire,
  idToWire,
  keyCommitment,
  linkKey,
  makePin,
  manifestHash,
  metadataHash,
  newAccessCode,
  newFileKey,
  newId,
  newLinkSecret,
  newServerHalf,
  normalizeAccessCode,
  officeFingerprint,
  openFileKeyForAccount,
  openLinkSecret,
  openMetadata,
  openPin,
  parseGuestLinkFragment,
  sealFileKeyForAccount,
  sealLinkSecret,
  sealMetadata,
  signManifest,
  stretchAccessCode,
  toBase64Url,
  unwrapFileKeyForGuest,
  verifyManifest,
  verifyMember,
  verifyOfficeEncryptionKey,
  wipe,
  wrapFileKeyForGuest,
  type AccountKeys,
  type BoxKeyPair,
  type ContentSummary,
  type FileEntry,
  type FileKey,
  type FileMetadata,
  type Id,
  type OfficeKeys,
  type Pin,
  type PinSubject,
  type RecipientEntry,
  type ServerHalf,
  type ShareManifest,
  type VerifiedManifest,
} from '../../../shared/crypto/index.js';
import type { ShareCreateRequest, ShareForRecipient } from '../../../shared/wire/shares.js';
import { blobSink, downloadAndDecrypt, fileSink, portSink, type DownloadDeps, type PlaintextSink } from './download';
import {
  BLOB_LIMIT_BYTES,
  type AnswerOf,
  type GuestLink,
  type KeyCheck,
  type OpenedFile,
  type OpenedShare,
  type RequestOf,
  type TransferProgress,
  type WorkerErrorCode,
} from './protocol';
import { failureCode, type Clock, type Transport, type UploadTarget } from './transport';
import { encryptAndUpload } from './upload';

/** Sealed metadata may be at most this long (shared/wire: SealedMetadata). */
const MAX_SEALED_METADATA = 8192;

/** A failure the page is told about by its code (the same class operations.ts uses). */
export class SharingError extends Error {
  constructor(readonly code: WorkerErrorCode) {
    super(code);
  }
}

/** What sharing needs from the signed-in session (operations.ts holds it). */
export interface SessionKeys {
  readonly userId: Id;
  readonly keys: AccountKeys;
  readonly officeId: Id;
  readonly officeSigningPublicKey: Uint8Array;
  readonly officeKeys: OfficeKeys | null;
  /**
   * The office signing key is proven in this worker: the office keys it certified opened (a
   * member), or it matched the client's pin or invitation link (`pinOffice`, a client). Nothing
   * received opens before.
   */
  readonly officeTrusted: boolean;
}

export interface CallContext {
  readonly signal: AbortSignal;
  readonly transfer: (progress: TransferProgress) => void;
}

export interface SharingDeps {
  readonly transport: Transport;
  /** Uploads to another target than the member's own (a drop's upload session, drops.ts). */
  readonly transportFor?: (target: UploadTarget) => Transport;
  readonly clock: Clock;
  /** Shorter in tests. */
  readonly retryWindowMs?: number;
  readonly streamStartTimeoutMs?: number;
}

export interface UploadedFile {
  readonly fileId: Id;
  readonly fileKey: FileKey;
  readonly uploadId: string;
  readonly summary: ContentSummary;
}

interface CheckedKey {
  readonly subject: PinSubject;
  readonly subjectId: Id;
  readonly publicKey: Uint8Array;
  /** For accounts: where file keys are sealed to. */
  readonly encryptionPublicKey?: Uint8Array;
  /** Pinned before, pinned now, or confirmed by the user after a change. */
  accepted: boolean;
}

export interface OpenedFileKey {
  readonly fileId: Id;
  readonly fileKey: FileKey;
  readonly ciphertextHash: Uint8Array;
  readonly plaintextSize: number;
}

type Req<K extends keyof SharingHandlers> = RequestOf<K>;

export interface SharingHandlers {
  checkKeys(request: Req<'checkKeys'>): AnswerOf<'checkKeys'>;
  confirmPin(request: Req<'confirmPin'>): AnswerOf<'confirmPin'>;
  uploadFile(request: Req<'uploadFile'>, report: unknown, context: CallContext): Promise<AnswerOf<'uploadFile'>>;
  sealShare(request: Req<'sealShare'>): AnswerOf<'sealShare'>;
  forgetFiles(request: Req<'forgetFiles'>): AnswerOf<'forgetFiles'>;
  openReceived(request: Req<'openReceived'>): AnswerOf<'openReceived'>;
  openGuest(request: Req<'openGuest'>): AnswerOf<'openGuest'>;
  openSent(request: Req<'openSent'>): AnswerOf<'openSent'>;
  showLink(request: Req<'showLink'>): AnswerOf<'showLink'>;
  downloadFile(request: Req<'downloadFile'>, report: unknown, context: CallContext): Promise<AnswerOf<'downloadFile'>>;
  forgetShare(request: Req<'forgetShare'>): AnswerOf<'forgetShare'>;
}

const b64 = toBase64Url;
const key32 = (text: string): Uint8Array => fromBase64Url(text, 32);

function fingerprintOf(identityPublicKey: Uint8Array): string {
  return formatFingerprint(identityFingerprint(identityPublicKey));
}

function pinKeyOf(subject: PinSubject, subjectId: Id | string): string {
  return `${subject}:${typeof subjectId === 'string' ? subjectId : idToWire(subjectId)}`;
}

/** Runs a verification; any crypto failure (or a programming slip) becomes `code`. */
export function checked<T>(code: WorkerErrorCode, work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof SharingError) throw error;
    throw new SharingError(code);
  }
}

/** A file to seal: its upload in this worker, and what its metadata says. */
export interface FileToSeal {
  readonly fileId: string;
  readonly name: string;
  readonly type: string;
  readonly lastModified: number;
}

/** A file whose metadata is sealed, with its manifest entry. */
export interface SealedFile {
  readonly upload: UploadedFile;
  readonly sealed: Uint8Array;
  readonly entry: FileEntry;
}

/** What drops.ts shares with sending and receiving: the same uploads, checks and opened files. */
export interface SharingParts {
  /** Encrypts and uploads `file` through `transport`; its key stays here under the new file id. */
  uploadWith(transport: Transport, file: Blob, context: CallContext): Promise<AnswerOf<'uploadFile'>>;
  /** Seals each uploaded file's metadata (the message with the first) and makes its manifest entry. */
  sealFiles(files: readonly FileToSeal[], message: string | undefined): SealedFile[];
  /** The office encryption key checkKeys verified, once its pin is accepted. */
  checkedOffice(): { readonly officeId: Id; readonly publicKey: Uint8Array };
  /** Opens listed files against a manifest's entries and keeps their keys under `handle` for downloadFile. */
  openFiles: OpenFiles;
  forgetOpened(handle: string): void;
}

type OpenFiles = (
  handle: string,
  manifest: { readonly files: readonly FileEntry[] },
  listed: readonly {
    readonly fileId: string;
    readonly size: number;
    readonly sealedMetadata: string;
    readonly fileKey: () => FileKey | null;
  }[],
) => { files: OpenedFile[]; message?: string; missing: number };

/**
 * The sharing operations and the state they keep. `session` returns the unlocked keys or
 * throws (`locked`) like operations.ts does; guests use the operations that need none.
 */
export function createSharing(
  session: () => SessionKeys,
  deps: SharingDeps,
): { readonly handlers: SharingHandlers; readonly parts: SharingParts; forgetAll(): void } {
  const uploaded = new Map<string, UploadedFile>();
  const checkedKeys = new Map<string, CheckedKey>();
  let officeEncryption: { readonly officeId: Id; readonly publicKey: Uint8Array } | null = null;
  const opened = new Map<string, Map<string, OpenedFileKey>>();

  function forgetUploaded(fileId: string): void {
    const file = uploaded.get(fileId);
    if (file) wipe(file.fileKey);
    uploaded.delete(fileId);
  }

  function forgetOpened(shareId: string): void {
    for (const file of opened.get(shareId)?.values() ?? []) wipe(file.fileKey);
    opened.delete(shareId);
  }

  function forgetAll(): void {
    for (const fileId of [...uploaded.keys()]) forgetUploaded(fileId);
    for (const shareId of [...opened.keys()]) forgetOpened(shareId);
    checkedKeys.clear();
    officeEncryption = null;
  }

  /** Opens the user's pins; a pin that does not verify is ignored (the server can drop pins anyway, never forge them). */
  function openPins(keys: SessionKeys, pins: RequestOf<'checkKeys'>['pins']): Map<string, Pin> {
    const byKey = new Map<string, Pin>();
    for (const stored of pins) {
      try {
        const pin = openPin(fromBase64Url(stored.envelope), keys.keys.personalKey, keys.userId);
        if (pin.subject !== stored.subject || idToWire(pin.subjectId) !== stored.subjectId) continue;
        byKey.set(pinKeyOf(pin.subject, pin.subjectId), pin);
      } catch {
        // not this user's, or altered
      }
    }
    return byKey;
  }

  function makePinFor(keys: SessionKeys, subject: PinSubject, subjectId: Id, publicKey: Uint8Array): string {
    return b64(
      makePin({ ownerId: keys.userId, subject, subjectId, publicKey, firstSeenAt: Date.now() }, keys.keys.personalKey),
    );
  }

  /** Compares a key with its pin and remembers the outcome for sealShare. */
  function compare(
    keys: SessionKeys,
    pins: Map<string, Pin>,
    subject: PinSubject,
    subjectId: Id,
    publicKey: Uint8Array,
    fingerprint: (key: Uint8Array) => string,
    encryptionPublicKey?: Uint8Array,
  ): KeyCheck {
    const pin = pins.get(pinKeyOf(subject, subjectId));
    const outcome = comparePin(pin, publicKey);
    const entry: CheckedKey = {
      subject,
      subjectId,
      publicKey,
      accepted: outcome !== 'changed',
      ...(encryptionPublicKey ? { encryptionPublicKey } : {}),
    };
    checkedKeys.set(pinKeyOf(subject, subjectId), entry);
    const shown = fingerprint(publicKey);
    if (outcome === 'new')
      return { fingerprint: shown, pin: 'new', envelope: makePinFor(keys, subject, subjectId, publicKey) };
    if (outcome === 'same') return { fingerprint: shown, pin: 'same' };
    return { fingerprint: shown, pin: 'changed', pinnedFingerprint: fingerprint((pin as Pin).publicKey) };
  }

  function requireUploaded(fileId: string): UploadedFile {
    const file = uploaded.get(fileId);
    if (!file) throw new SharingError('unknown_file');
    return file;
  }

  function requireAccepted(subject: PinSubject, subjectId: string): CheckedKey {
    const entry = checkedKeys.get(pinKeyOf(subject, subjectId));
    if (!entry) throw new SharingError('keys_untrusted');
    if (!entry.accepted) throw new SharingError('key_changed');
    return entry;
  }

  /** The sender's certificate chain against the office key; returns the certified identity key. Clients never send. */
  function verifySender(officeSigningPublicKey: Uint8Array, officeId: Id, share: ShareForRecipient): Uint8Array {
    const senderId = idFromWire(share.sender.userId);
    const certificate = verifyMember(
      officeSigningPublicKey,
      { officeId, userId: senderId },
      fromBase64Url(share.sender.certificate),
      fromBase64Url(share.sender.encryptionKeySignature, 64),
    );
    if (certificate.role === 'client') throw new SharingError('untrusted');
    return certificate.identityPublicKey;
  }

  function manifestOf(
    share: { shareId: string; manifest: string },
    senderId: Id,
    senderIdentityPublicKey: Uint8Array,
  ): VerifiedManifest {
    return verifyManifest(fromBase64Url(share.manifest), {
      shareId: idFromWire(share.shareId),
      senderId,
      senderIdentityPublicKey,
    });
  }

  /**
   * Opens each listed file with its key: commitment, metadata hash, metadata. Files the
   * manifest names that are not listed (or not openable: keys swept) are counted as missing.
   */
  const openFiles: OpenFiles = (shareId, manifest, listed) => {
    const keys = new Map<string, OpenedFileKey>();
    const files: OpenedFile[] = [];
    let message: string | undefined;
    for (const item of listed) {
      const fileId = idFromWire(item.fileId);
      const entry: FileEntry = findFile(manifest, fileId);
      const fileKey = item.fileKey();
      if (fileKey === null) continue;
      checkKeyCommitment(fileKey, fileId, entry.keyCommitment);
      const sealed = fromBase64Url(item.sealedMetadata);
      if (!bytesEqual(metadataHash(sealed), entry.metadataHash)) throw new SharingError('untrusted');
      const metadata: FileMetadata = openMetadata(fileKey, fileId, sealed);
      if (keys.has(item.fileId)) throw new SharingError('untrusted');
      keys.set(item.fileId, { fileId, fileKey, ciphertextHash: entry.ciphertextHash, plaintextSize: metadata.size });
      files.push({
        fileId: item.fileId,
        name: metadata.name,
        type: metadata.type,
        size: metadata.size,
        lastModified: metadata.lastModified,
        containerSize: item.size,
      });
      if (message === undefined && metadata.message !== undefined && metadata.message !== '')
        message = metadata.message;
    }
    forgetOpened(shareId);
    opened.set(shareId, keys);
    return { files, ...(message !== undefined ? { message } : {}), missing: manifest.files.length - files.length };
  };

  async function uploadWith(
    transport: Transport,
    file: Blob,
    { signal, transfer }: CallContext,
  ): Promise<AnswerOf<'uploadFile'>> {
    const fileId = newId();
    const fileKey = newFileKey();
    try {
      const { uploadId, summary } = await encryptAndUpload(
        file,
        fileKey,
        fileId,
        {
          transport,
          clock: deps.clock,
          ...(deps.retryWindowMs !== undefined ? { retryWindowMs: deps.retryWindowMs } : {}),
        },
        signal,
        transfer,
      );
      uploaded.set(idToWire(fileId), { fileId, fileKey, uploadId, summary });
      return { fileId: idToWire(fileId), uploadId, size: summary.plaintextLength };
    } catch (error) {
      wipe(fileKey);
      const code = failureCode(error);
      throw new SharingError(code === 'not_found' ? 'upload_failed' : code);
    }
  }

  function sealFiles(request: readonly FileToSeal[], message: string | undefined): SealedFile[] {
    const files = request.map((file, index): SealedFile => {
      const upload = requireUploaded(file.fileId);
      const metadata: FileMetadata = {
        name: file.name,
        type: file.type,
        size: upload.summary.plaintextLength,
        lastModified: file.lastModified,
        ...(index === 0 && message !== undefined && message !== '' ? { message } : {}),
      };
      const sealed = checked('bad_request', () => sealMetadata(upload.fileKey, upload.fileId, metadata));
      if (sealed.length > MAX_SEALED_METADATA) throw new SharingError('message_too_long');
      const entry: FileEntry = {
        fileId: upload.fileId,
        ciphertextHash: upload.summary.ciphertextHash,
        metadataHash: metadataHash(sealed),
        keyCommitment: keyCommitment(upload.fileKey, upload.fileId),
      };
      return { upload, sealed, entry };
    });
    if (new Set(request.map((file) => file.fileId)).size !== files.length) throw new SharingError('bad_request');
    return files;
  }

  function checkedOffice(): { readonly officeId: Id; readonly publicKey: Uint8Array } {
    const keys = session();
    if (!officeEncryption || !bytesEqual(officeEncryption.officeId, keys.officeId))
      throw new SharingError('keys_untrusted');
    requireAccepted('office', idToWire(keys.officeId));
    return officeEncryption;
  }

  function openedShare(
    shareId: string,
    result: { files: OpenedFile[]; message?: string; missing: number },
    senderKey: Uint8Array,
  ): OpenedShare {
    return {
      shareId,
      files: result.files,
      ...(result.message !== undefined ? { message: result.message } : {}),
      senderFingerprint: fingerprintOf(senderKey),
      missingFiles: result.missing,
    };
  }

  function sinkFor(
    request: RequestOf<'downloadFile'>['sink'],
    signal: AbortSignal,
  ): Promise<PlaintextSink & { blob?: () => Blob }> | (PlaintextSink & { blob?: () => Blob }) {
    switch (request.kind) {
      case 'blob':
        return blobSink();
      case 'port':
        return portSink(request.port, deps.clock, signal, deps.streamStartTimeoutMs);
      case 'file':
        return fileSink(request.handle);
    }
  }

  const downloadDeps: DownloadDeps = {
    transport: deps.transport,
    clock: deps.clock,
    ...(deps.retryWindowMs !== undefined ? { retryWindowMs: deps.retryWindowMs } : {}),
  };

  const handlers: SharingHandlers = {
    // ---- sending

    checkKeys({ accounts, pins, office }) {
      const keys = session();
      // The office as the session named it (its key opened this member's office keys).
      if (
        !bytesEqual(idFromWire(office.officeId), keys.officeId) ||
        !bytesEqual(key32(office.signingPublicKey), keys.officeSigningPublicKey)
      ) {
        throw new SharingError('keys_untrusted');
      }
      const encryptionPublicKey = checked('keys_untrusted', () =>
        verifyOfficeEncryptionKey(
          keys.officeSigningPublicKey,
          keys.officeId,
          fromBase64Url(office.encryptionKeyStatement),
        ),
      );
      if (!bytesEqual(encryptionPublicKey, key32(office.encryptionPublicKey))) throw new SharingError('keys_untrusted');
      officeEncryption = { officeId: keys.officeId, publicKey: encryptionPublicKey };

      const opened = openPins(keys, pins);
      const officeCheck = compare(keys, opened, 'office', keys.officeId, keys.officeSigningPublicKey, (key) =>
        formatFingerprint(officeFingerprint(key)),
      );

      const checks = accounts.map((account) => {
        const userId = idFromWire(account.userId);
        const identityPublicKey = key32(account.identityPublicKey);
        const encryptionKey = key32(account.encryptionPublicKey);
        const fingerprint = fingerprintOf(identityPublicKey);
        checkedKeys.delete(pinKeyOf('user', userId));
        if (account.certificate === undefined)
          return { userId: account.userId, check: 'unapproved' as const, fingerprint, pin: 'same' as const };
        let verified = false;
        try {
          const certificate = verifyMember(
            keys.officeSigningPublicKey,
            { officeId: keys.officeId, userId },
            fromBase64Url(account.certificate),
            fromBase64Url(account.encryptionKeySignature, 64),
          );
          // The keys and the address the server listed must be the ones the office certified.
          verified =
            bytesEqual(certificate.identityPublicKey, identityPublicKey) &&
            bytesEqual(certificate.encryptionPublicKey, encryptionKey) &&
            certificate.email === account.email;
        } catch {
          verified = false;
        }
        if (!verified) return { userId: account.userId, check: 'failed' as const, fingerprint, pin: 'same' as const };
        if (bytesEqual(userId, keys.userId)) {
          // Sending to oneself: the key must be one's own, and needs no pin.
          if (!bytesEqual(identityPublicKey, keys.keys.identity.publicKey))
            return { userId: account.userId, check: 'failed' as const, fingerprint, pin: 'same' as const };
          checkedKeys.set(pinKeyOf('user', userId), {
            subject: 'user',
            subjectId: userId,
            publicKey: identityPublicKey,
            encryptionPublicKey: encryptionKey,
            accepted: true,
          });
          return { userId: account.userId, check: 'verified' as const, fingerprint, pin: 'same' as const };
        }
        return {
          userId: account.userId,
          check: 'verified' as const,
          ...compare(keys, opened, 'user', userId, identityPublicKey, fingerprintOf, encryptionKey),
        };
      });
      return { office: officeCheck, accounts: checks };
    },

    confirmPin({ subject, subjectId }) {
      const keys = session();
      const entry = checkedKeys.get(pinKeyOf(subject, subjectId));
      if (!entry) throw new SharingError('keys_untrusted');
      entry.accepted = true;
      return { envelope: makePinFor(keys, subject, entry.subjectId, entry.publicKey) };
    },

    async uploadFile({ file }, _report, context) {
      session();
      return uploadWith(deps.transport, file, context);
    },

    sealShare(request) {
      const keys = session();
      const office = checkedOffice();
      const shareId = newId();
      const shareIdWire = idToWire(shareId);

      // Files: metadata (the message goes with the first file), entries, sender and office copies.
      const files = sealFiles(request.files, request.message);
      const entries: FileEntry[] = files.map((file) => file.entry);

      // Account recipients: only keys checked (and accepted) in this worker.
      const accounts = request.accounts.map(({ userId }) => {
        const entry = requireAccepted('user', userId);
        if (!entry.encryptionPublicKey) throw new SharingError('keys_untrusted');
        return {
          userId,
          holderId: entry.subjectId,
          identityPublicKey: entry.publicKey,
          encryptionPublicKey: entry.encryptionPublicKey,
          recipientId: newId(),
        };
      });
      if (new Set(request.accounts.map((a) => a.userId)).size !== accounts.length)
        throw new SharingError('bad_request');
      if (new Set(request.guests.map((g) => g.email)).size !== request.guests.length)
        throw new SharingError('bad_request');
      if (accounts.length + request.guests.length === 0) throw new SharingError('bad_request');

      const guests = request.guests.map((guest) => ({
        email: guest.email,
        recipientId: newId(),
        linkSecret: newLinkSecret(),
        serverHalf: newServerHalf() as ServerHalf,
        accessCode: guest.accessCode ? newAccessCode() : undefined,
      }));

      const recipients: RecipientEntry[] = [
        ...accounts.map((a): RecipientEntry => ({
          kind: 'account',
          recipientId: a.recipientId,
          identityFingerprint: identityFingerprint(a.identityPublicKey),
        })),
        ...guests.map((g): RecipientEntry => ({ kind: 'guest', recipientId: g.recipientId })),
      ];
      const manifest: ShareManifest = {
        shareId,
        version: 1,
        senderId: keys.userId,
        senderIdentityPublicKey: keys.keys.identity.publicKey,
        files: entries,
        recipients,
      };
      const signed = signManifest(manifest, keys.keys.identity);
      const boundHash = manifestHash(encodeManifest(manifest));
      const officeFp = officeFingerprint(keys.officeSigningPublicKey);

      const shareRequest: ShareCreateRequest = {
        shareId: shareIdWire,
        expiresAt: request.expiresAt,
        ...(request.downloadLimit !== undefined ? { downloadLimit: request.downloadLimit } : {}),
        receiptMail: request.receiptMail,
        manifest: b64(signed),
        files: files.map(({ upload, sealed }) => ({
          fileId: idToWire(upload.fileId),
          uploadId: upload.uploadId,
          sealedMetadata: b64(sealed),
          keys: {
            sender: b64(
              sealFileKeyForAccount(upload.fileKey, upload.fileId, keys.userId, keys.keys.encryption.publicKey),
            ),
            office: b64(sealFileKeyForAccount(upload.fileKey, upload.fileId, office.officeId, office.publicKey)),
          },
        })),
        recipients: [
          ...accounts.map((a) => ({
            kind: 'account' as const,
            recipientId: idToWire(a.recipientId),
            userId: a.userId,
            keys: files.map(({ upload }) => ({
              fileId: idToWire(upload.fileId),
              sealed: b64(sealFileKeyForAccount(upload.fileKey, upload.fileId, a.holderId, a.encryptionPublicKey)),
            })),
          })),
          ...guests.map((g) => {
            const accessCodeKey =
              g.accessCode === undefined ? undefined : stretchAccessCode(g.accessCode, shareId, g.recipientId);
            const key = linkKey({
              linkSecret: g.linkSecret,
              serverHalf: g.serverHalf,
              shareId,
              recipientId: g.recipientId,
              ...(accessCodeKey ? { accessCodeKey } : {}),
            });
            const wraps = files.map(({ upload }) => ({
              fileId: idToWire(upload.fileId),
              wrapped: b64(
                wrapFileKeyForGuest(
                  key,
                  { shareId, recipientId: g.recipientId, fileId: upload.fileId, manifestHash: boundHash },
                  upload.fileKey,
                ),
              ),
            }));
            wipe(key);
            if (accessCodeKey) wipe(accessCodeKey);
            const record = {
              linkSecret: g.linkSecret,
              ...(g.accessCode !== undefined ? { accessCode: g.accessCode } : {}),
            };
            return {
              kind: 'guest' as const,
              recipientId: idToWire(g.recipientId),
              email: g.email,
              serverHalf: b64(g.serverHalf),
              accessCode: g.accessCode !== undefined,
              keys: wraps,
              linkSecret: {
                sender: b64(
                  sealLinkSecret(
                    { shareId, recipientId: g.recipientId, holderId: keys.userId },
                    record,
                    keys.keys.encryption.publicKey,
                  ),
                ),
                office: b64(
                  sealLinkSecret(
                    { shareId, recipientId: g.recipientId, holderId: office.officeId },
                    record,
                    office.publicKey,
                  ),
                ),
              },
            };
          }),
        ],
      };

      const links: GuestLink[] = guests.map((g) => ({
        recipientId: idToWire(g.recipientId),
        email: g.email,
        fragment: guestLinkFragment(officeFp, g.linkSecret),
        ...(g.accessCode !== undefined ? { accessCode: g.accessCode } : {}),
      }));
      for (const g of guests) {
        wipe(g.linkSecret);
        wipe(g.serverHalf);
      }
      return {
        request: shareRequest,
        guests: links,
        accounts: accounts.map((a) => ({ recipientId: idToWire(a.recipientId), userId: a.userId })),
      };
    },

    forgetFiles({ fileIds }) {
      for (const fileId of fileIds) forgetUploaded(fileId);
      return {};
    },

    // ---- opening

    openReceived({ share }) {
      const keys = session();
      // A client's office key is the server's word until their pin (or invitation link) confirmed it.
      if (!keys.officeTrusted) throw new SharingError('untrusted');
      return checked('untrusted', () => {
        if (
          !bytesEqual(idFromWire(share.office.officeId), keys.officeId) ||
          !bytesEqual(key32(share.office.signingPublicKey), keys.officeSigningPublicKey)
        ) {
          throw new SharingError('untrusted');
        }
        const senderId = idFromWire(share.sender.userId);
        const senderKey = verifySender(keys.officeSigningPublicKey, keys.officeId, share);
        const { manifest } = manifestOf(share, senderId, senderKey);
        const recipientId = idFromWire(share.recipientId);
        const mine = manifest.recipients.find((r) => bytesEqual(r.recipientId, recipientId));
        if (
          mine?.kind !== 'account' ||
          !bytesEqual(mine.identityFingerprint, identityFingerprint(keys.keys.identity.publicKey))
        )
          throw new SharingError('untrusted');
        const result = openFiles(
          share.shareId,
          manifest,
          share.files.map((file) => ({
            ...file,
            fileKey: () =>
              openFileKeyForAccount(
                fromBase64Url(file.key),
                { fileId: idFromWire(file.fileId), holderId: keys.userId },
                keys.keys.encryption,
              ),
          })),
        );
        return openedShare(share.shareId, result, senderKey);
      });
    },

    openGuest({ recipientId, fragment, accessCode, serverHalf, share }) {
      const link = checked('bad_link', () => parseGuestLinkFragment(fragment));
      const code =
        accessCode === undefined || accessCode.trim() === ''
          ? undefined
          : checked('bad_access_code', () => normalizeAccessCode(accessCode));
      const officeSigningPublicKey = key32(share.office.signingPublicKey);
      const officeId = checked('untrusted', () => idFromWire(share.office.officeId));
      // The office key the server names must be the one whose fingerprint the sender put in the link.
      if (!bytesEqual(officeFingerprint(officeSigningPublicKey), link.officeFingerprint))
        throw new SharingError('untrusted');
      const rid = idFromWire(recipientId);
      const shareId = idFromWire(share.shareId);
      const senderId = idFromWire(share.sender.userId);
      const { senderKey, verified } = checked('untrusted', () => {
        if (!bytesEqual(idFromWire(share.recipientId), rid)) throw new SharingError('untrusted');
        const key = verifySender(officeSigningPublicKey, officeId, share);
        const manifest = manifestOf(share, senderId, key);
        const mine = manifest.manifest.recipients.find((r) => bytesEqual(r.recipientId, rid));
        if (mine?.kind !== 'guest') throw new SharingError('untrusted');
        return { senderKey: key, verified: manifest };
      });
      const accessCodeKey = code === undefined ? undefined : stretchAccessCode(code, shareId, rid);
      const key = linkKey({
        linkSecret: link.linkSecret,
        serverHalf: key32(serverHalf) as ServerHalf,
        shareId,
        recipientId: rid,
        ...(accessCodeKey ? { accessCodeKey } : {}),
      });
      try {
        const result = checked('untrusted', () => {
          let first = true;
          return openFiles(
            share.shareId,
            verified.manifest,
            share.files.map((file) => ({
              ...file,
              fileKey: () => {
                const fileId = idFromWire(file.fileId);
                try {
                  return unwrapFileKeyForGuest(
                    key,
                    { shareId, recipientId: rid, fileId, manifestHash: verified.manifestHash },
                    fromBase64Url(file.key),
                  );
                } catch (error) {
                  // The manifest and the sender checked out, so a first key that does not
                  // open means the access code is wrong (or missing).
                  if (first && error instanceof DecryptError) throw new SharingError('wrong_access_code');
                  throw error;
                } finally {
                  first = false;
                }
              },
            })),
          );
        });
        return openedShare(share.shareId, result, senderKey);
      } finally {
        wipe(key);
        if (accessCodeKey) wipe(accessCodeKey);
        wipe(link.linkSecret);
      }
    },

    openSent({ share, sender }) {
      const keys = session();
      const senderId = idFromWire(share.senderId);
      const mine = bytesEqual(senderId, keys.userId);
      if (!mine && !keys.officeKeys) throw new SharingError('locked');
      return checked('untrusted', () => {
        let senderKey: Uint8Array;
        let senderVerified = true;
        if (mine) senderKey = keys.keys.identity.publicKey;
        else if (sender) {
          senderKey = verifyMember(
            keys.officeSigningPublicKey,
            { officeId: keys.officeId, userId: senderId },
            fromBase64Url(sender.certificate),
            fromBase64Url(sender.encryptionKeySignature, 64),
          ).identityPublicKey;
        } else {
          // A leaver is no longer in the directory: check the manifest against the key it names.
          senderKey = claimedSender(fromBase64Url(share.manifest)).senderIdentityPublicKey;
          senderVerified = false;
        }
        const { manifest } = manifestOf(share, senderId, senderKey);
        const holder: BoxKeyPair = mine ? keys.keys.encryption : (keys.officeKeys as OfficeKeys).encryption;
        const holderId = mine ? keys.userId : keys.officeId;
        const result = openFiles(
          share.shareId,
          manifest,
          share.files.map((file) => ({
            ...file,
            fileKey: () =>
              file.keys === undefined
                ? null
                : openFileKeyForAccount(
                    fromBase64Url(mine ? file.keys.sender : file.keys.office),
                    { fileId: idFromWire(file.fileId), holderId },
                    holder,
                  ),
          })),
        );
        return {
          ...openedShare(share.shareId, result, senderKey),
          senderVerified,
          holder: mine ? ('sender' as const) : ('office' as const),
        };
      });
    },

    showLink({ shareId, senderId, recipientId, sealed }) {
      const keys = session();
      const mine = bytesEqual(idFromWire(senderId), keys.userId);
      if (!mine && !keys.officeKeys) throw new SharingError('locked');
      return checked('untrusted', () => {
        const record = openLinkSecret(
          fromBase64Url(mine ? sealed.sender : sealed.office),
          {
            shareId: idFromWire(shareId),
            recipientId: idFromWire(recipientId),
            holderId: mine ? keys.userId : keys.officeId,
          },
          mine ? keys.keys.encryption : (keys.officeKeys as OfficeKeys).encryption,
        );
        const fragment = guestLinkFragment(officeFingerprint(keys.officeSigningPublicKey), record.linkSecret);
        wipe(record.linkSecret);
        const code = record.accessCode;
        return {
          fragment,
          ...(code !== undefined ? { accessCode: `${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8)}` } : {}),
        };
      });
    },

    async downloadFile({ shareId, fileId, url, grant, containerSize, sink: target }, _report, { signal, transfer }) {
      const file = opened.get(shareId)?.get(fileId);
      if (!file) throw new SharingError('unknown_file');
      // A large file is never collected in memory, whatever the page asks.
      if (target.kind === 'blob' && file.plaintextSize > BLOB_LIMIT_BYTES) throw new SharingError('stream_unavailable');
      let sink: PlaintextSink & { blob?: () => Blob };
      try {
        sink = await sinkFor(target, signal);
      } catch (error) {
        throw new SharingError(failureCode(error));
      }
      try {
        await downloadAndDecrypt(
          {
            url,
            headers: grant === undefined ? {} : { Authorization: `Bearer ${grant}` },
            containerSize,
            fileKey: file.fileKey,
            fileId: file.fileId,
            ciphertextHash: file.ciphertextHash,
            plaintextSize: file.plaintextSize,
          },
          sink,
          downloadDeps,
          signal,
          transfer,
        );
      } catch (error) {
        if (error instanceof CryptoError) throw new SharingError('tampered');
        throw new SharingError(failureCode(error));
      }
      return { ...(sink.blob ? { blob: sink.blob() } : {}), size: file.plaintextSize };
    },

    forgetShare({ shareId }) {
      forgetOpened(shareId);
      return {};
    },
  };

  return { handlers, parts: { uploadWith, sealFiles, checkedOffice, openFiles, forgetOpened }, forgetAll };
}
