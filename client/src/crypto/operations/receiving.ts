// The worker's receiving (docs/protocol.md §10, §11, §15; docs/threat-model.md promises 5 and
// 6): opening a share as an account recipient, as a guest, or as its sender (or the office,
// for a colleague's share) — the office key, the sender's certificate and the signed manifest
// are checked before any file key is trusted — and downloading a file of an opened share into
// a Blob, the download service worker or a file the user chose.
import {
  bytesEqual,
  checkLinkCommitment,
  claimedSender,
  CryptoError,
  DecryptError,
  fromBase64Url,
  guestEntry,
  identityFingerprint,
  idFromWire,
  linkKey,
  normalizeAccessCode,
  officeFingerprint,
  openFileKeyForAccount,
  parseGuestLinkFragment,
  stretchAccessCode,
  unwrapFileKeyForGuest,
  verifyManifest,
  verifyMember,
  wipe,
  type BoxKeyPair,
  type Id,
  type ServerHalf,
  type VerifiedManifest,
} from '../../../../shared/crypto/index.js';
import type { ShareDetail, ShareForRecipient } from '../../../../shared/wire/shares.js';
import { blobSink, downloadAndDecrypt, fileSink, portSink, type PlaintextSink } from '../download';
import { BLOB_LIMIT_BYTES, type CheckedRequestOf } from '../protocol';
import type { RECEIVING_REQUESTS, ReceivingAnswers } from '../protocol/receiving';
import { failureCode } from '../transport';
import { checked, WorkerError } from './errors';
import { openedShare, openFiles } from './files';
import { key32 } from './keys';
import { forgetOpened, requireSession, type Session, type WorkerState } from './state';
import type { HandlersOf, WorkerDeps } from './types';

/** The sender's certificate chain against the office key; returns the certified identity key. Clients never send. */
function verifySender(officeSigningPublicKey: Uint8Array, officeId: Id, share: ShareForRecipient): Uint8Array {
  const senderId = idFromWire(share.sender.userId);
  const certificate = verifyMember(
    officeSigningPublicKey,
    { officeId, userId: senderId },
    fromBase64Url(share.sender.certificate),
    fromBase64Url(share.sender.encryptionKeySignature, 64),
  );
  if (certificate.role === 'client') throw new WorkerError('untrusted');
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

type Sink = PlaintextSink & { blob?: () => Blob };

function sinkFor(
  deps: WorkerDeps,
  request: CheckedRequestOf<'downloadFile'>['sink'],
  signal: AbortSignal,
): Promise<Sink> | Sink {
  switch (request.kind) {
    case 'blob':
      return blobSink();
    case 'port':
      return portSink(request.port, deps.clock, signal, deps.streamStartTimeoutMs);
    case 'file':
      return fileSink(request.handle);
  }
}

function openGuest(state: WorkerState, request: CheckedRequestOf<'openGuest'>) {
  const { linkId, fragment, accessCode, serverHalf, share, minimumVersion } = request;
  const link = checked('bad_link', () => parseGuestLinkFragment(fragment));
  const code =
    accessCode === undefined || accessCode.trim() === ''
      ? undefined
      : checked('bad_access_code', () => normalizeAccessCode(accessCode));
  const officeSigningPublicKey = key32(share.office.signingPublicKey);
  const officeId = checked('untrusted', () => idFromWire(share.office.officeId));
  // The office key the server names must be the one whose fingerprint the sender put in the link.
  if (!bytesEqual(officeFingerprint(officeSigningPublicKey), link.officeFingerprint))
    throw new WorkerError('untrusted');
  const shareId = idFromWire(share.shareId);
  const senderId = idFromWire(share.sender.userId);
  // A v2 link's path is a link id the manifest never names: the recipient id is the server's
  // word, checked below against the link commitment. A v1 link's path is the recipient id.
  const rid = checked('untrusted', () => idFromWire(share.recipientId));
  const { senderKey, verified } = checked('untrusted', () => {
    if (link.version === 1 && !bytesEqual(rid, idFromWire(linkId))) throw new WorkerError('untrusted');
    const key = verifySender(officeSigningPublicKey, officeId, share);
    // The sender the link names: an older certificate or key of the sender (before a key
    // reset), or another member's, is refused even though the office signed it.
    if (link.version === 2 && !bytesEqual(identityFingerprint(key), link.senderFingerprint))
      throw new WorkerError('untrusted');
    const manifest = manifestOf(share, senderId, key);
    // A v2 link is only ever read with a manifest whose guest entries carry link commitments
    // (format 2 or 3): no downgrade to entries without them. Format 2 versus 3 is the signed
    // tag, so a server cannot turn a share's format-3 manifest into a format-2 one.
    if (link.version === 2 && manifest.manifest.format === 1) throw new WorkerError('untrusted');
    guestEntry(manifest.manifest, rid);
    return { senderKey: key, verified: manifest };
  });
  // An older manifest than one this browser verified before: the server replays it.
  if (minimumVersion !== undefined && verified.manifest.version < minimumVersion) throw new WorkerError('replayed');
  // Stretched first: a format-3 link commitment is over this key, not over the code itself.
  const accessCodeKey = code === undefined ? undefined : stretchAccessCode(code, shareId, rid);
  if (verified.manifest.format !== 1) {
    try {
      checkLinkCommitment(
        verified,
        { shareId, recipientId: rid },
        {
          linkSecret: link.linkSecret,
          ...(code !== undefined && accessCodeKey ? { accessCode: code, accessCodeKey } : {}),
        },
      );
    } catch {
      // The sender signed one S and one access code for this recipient. With a code typed, the
      // likely cause is a typo; without one, the server named a recipient (or S) it cannot have.
      wipe(link.linkSecret);
      if (accessCodeKey) wipe(accessCodeKey);
      throw new WorkerError(code !== undefined ? 'wrong_access_code' : 'untrusted');
    }
  }
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
        state,
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
              // open means the access code is wrong (or missing): a v1 share has no commitment.
              if (first && error instanceof DecryptError) throw new WorkerError('wrong_access_code');
              throw error;
            } finally {
              first = false;
            }
          },
        })),
      );
    });
    return { ...openedShare(share.shareId, result, senderKey), manifestVersion: verified.manifest.version };
  } finally {
    wipe(key);
    if (accessCodeKey) wipe(accessCodeKey);
    wipe(link.linkSecret);
  }
}

/** A sent share's manifest, as its sender or (taking over) a colleague checks it. */
export interface SentManifest {
  readonly senderKey: Uint8Array;
  readonly verified: VerifiedManifest;
  /** False when a colleague's manifest could only be checked against the key it names (a leaver). */
  readonly senderVerified: boolean;
}

/**
 * Verifies a sent share's manifest with the sender's key: one's own, or a colleague's as the
 * office certified it (`sender`, from the directory); without that, only against the key the
 * manifest names itself, and the answer says so.
 */
export function sentManifest(
  session: Session,
  share: Pick<ShareDetail, 'shareId' | 'senderId' | 'manifest'>,
  sender: { readonly certificate: string; readonly encryptionKeySignature: string } | undefined,
): SentManifest {
  const senderId = idFromWire(share.senderId);
  let senderKey: Uint8Array;
  let senderVerified = true;
  if (bytesEqual(senderId, session.userId)) senderKey = session.keys.identity.publicKey;
  else if (sender) {
    senderKey = verifyMember(
      session.officeSigningPublicKey,
      { officeId: session.officeId, userId: senderId },
      fromBase64Url(sender.certificate),
      fromBase64Url(sender.encryptionKeySignature, 64),
    ).identityPublicKey;
  } else {
    // A leaver is no longer in the directory: check the manifest against the key it names.
    senderKey = claimedSender(fromBase64Url(share.manifest)).senderIdentityPublicKey;
    senderVerified = false;
  }
  return { senderKey, verified: manifestOf(share, senderId, senderKey), senderVerified };
}

/**
 * A sent share as its sender (or, taking over, the office) opens it: the manifest checked with
 * `sentManifest`, each file key from the sender's or the office's sealed copy. With `keep`
 * the keys stay for `downloadFile`; without, they are wiped once the names are read.
 */
function openSent(
  state: WorkerState,
  { share, sender }: CheckedRequestOf<'openSent'>,
  keep: boolean,
): ReceivingAnswers['openSent'] {
  const session = requireSession(state);
  const mine = bytesEqual(idFromWire(share.senderId), session.userId);
  const officeKeys = session.officeKeys;
  if (!mine && !officeKeys) throw new WorkerError('locked');
  return checked('untrusted', () => {
    const { senderKey, verified, senderVerified } = sentManifest(session, share, sender);
    const holder: BoxKeyPair = mine || !officeKeys ? session.keys.encryption : officeKeys.encryption;
    const holderId = mine ? session.userId : session.officeId;
    const result = openFiles(
      state,
      share.shareId,
      verified.manifest,
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
      keep,
    );
    return {
      ...openedShare(share.shareId, result, senderKey),
      senderVerified,
      holder: mine ? ('sender' as const) : ('office' as const),
    };
  });
}

export function receivingOperations(state: WorkerState, deps: WorkerDeps): HandlersOf<keyof typeof RECEIVING_REQUESTS> {
  return {
    openReceived({ share }) {
      const session = requireSession(state);
      // The office key is the server's word until the user's pin of it (or a client's invitation
      // link) confirmed it in this worker: a member's office keys opening proves nothing, since a
      // server can seal a pair of its own making (docs/protocol.md §9, §22 step 3).
      if (!session.officePinned) throw new WorkerError('untrusted');
      return checked('untrusted', () => {
        if (
          !bytesEqual(idFromWire(share.office.officeId), session.officeId) ||
          !bytesEqual(key32(share.office.signingPublicKey), session.officeSigningPublicKey)
        ) {
          throw new WorkerError('untrusted');
        }
        const senderId = idFromWire(share.sender.userId);
        const senderKey = verifySender(session.officeSigningPublicKey, session.officeId, share);
        const { manifest } = manifestOf(share, senderId, senderKey);
        const recipientId = idFromWire(share.recipientId);
        const mine = manifest.recipients.find((r) => bytesEqual(r.recipientId, recipientId));
        if (
          mine?.kind !== 'account' ||
          !bytesEqual(mine.identityFingerprint, identityFingerprint(session.keys.identity.publicKey))
        )
          throw new WorkerError('untrusted');
        const result = openFiles(
          state,
          share.shareId,
          manifest,
          share.files.map((file) => ({
            ...file,
            fileKey: () =>
              openFileKeyForAccount(
                fromBase64Url(file.key),
                { fileId: idFromWire(file.fileId), holderId: session.userId },
                session.keys.encryption,
              ),
          })),
        );
        return openedShare(share.shareId, result, senderKey);
      });
    },

    openGuest: (request) => openGuest(state, request),

    openSent: (request) => openSent(state, request, true),

    sentNames(request) {
      // The list shows names only: the keys are wiped as soon as the metadata is read.
      const { files, message, missingFiles, senderVerified } = openSent(state, request, false);
      return {
        shareId: request.share.shareId,
        names: files.map((file) => file.name),
        ...(message !== undefined ? { message } : {}),
        missingFiles,
        senderVerified,
      };
    },

    async downloadFile({ shareId, fileId, url, grant, containerSize, sink: target }, _report, { signal, transfer }) {
      const file = state.opened.get(shareId)?.get(fileId);
      if (!file) throw new WorkerError('unknown_file');
      // A large file is never collected in memory, whatever the page asks.
      if (target.kind === 'blob' && file.plaintextSize > BLOB_LIMIT_BYTES) throw new WorkerError('stream_unavailable');
      let sink: Sink;
      try {
        sink = await sinkFor(deps, target, signal);
      } catch (error) {
        throw new WorkerError(failureCode(error));
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
          {
            transport: deps.transport,
            clock: deps.clock,
            ...(deps.retryWindowMs !== undefined ? { retryWindowMs: deps.retryWindowMs } : {}),
            ...(deps.hashThread ? { hashThread: deps.hashThread } : {}),
          },
          signal,
          transfer,
        );
      } catch (error) {
        if (error instanceof CryptoError) throw new WorkerError('tampered');
        throw new WorkerError(failureCode(error));
      }
      return { ...(sink.blob ? { blob: sink.blob() } : {}), size: file.plaintextSize };
    },

    forgetShare({ shareId }) {
      forgetOpened(state, shareId);
      return {};
    },
  };
}
