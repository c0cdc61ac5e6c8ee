// The worker's receiving (docs/protocol.md §10, §11, §15; docs/threat-model.md promises 5 and
// 6): opening a share as an account recipient, as a guest, or as its sender (or the office,
// for a colleague's share) — the office key, the sender's certificate and the signed manifest
// are checked before any file key is trusted — and downloading a file of an opened share into
// a Blob, the download service worker or a file the user chose.
import {
  bytesEqual,
  claimedSender,
  CryptoError,
  DecryptError,
  fromBase64Url,
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
import type { ShareForRecipient } from '../../../../shared/wire/shares.js';
import { blobSink, downloadAndDecrypt, fileSink, portSink, type PlaintextSink } from '../download';
import { BLOB_LIMIT_BYTES, type CheckedRequestOf } from '../protocol';
import type { RECEIVING_REQUESTS } from '../protocol/receiving';
import { failureCode } from '../transport';
import { checked, WorkerError } from './errors';
import { openedShare, openFiles } from './files';
import { key32 } from './keys';
import { forgetOpened, requireSession, type WorkerState } from './state';
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
  const { recipientId, fragment, accessCode, serverHalf, share } = request;
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
  const rid = idFromWire(recipientId);
  const shareId = idFromWire(share.shareId);
  const senderId = idFromWire(share.sender.userId);
  const { senderKey, verified } = checked('untrusted', () => {
    if (!bytesEqual(idFromWire(share.recipientId), rid)) throw new WorkerError('untrusted');
    const key = verifySender(officeSigningPublicKey, officeId, share);
    const manifest = manifestOf(share, senderId, key);
    const mine = manifest.manifest.recipients.find((r) => bytesEqual(r.recipientId, rid));
    if (mine?.kind !== 'guest') throw new WorkerError('untrusted');
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
              // open means the access code is wrong (or missing).
              if (first && error instanceof DecryptError) throw new WorkerError('wrong_access_code');
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

    openSent({ share, sender }) {
      const session = requireSession(state);
      const senderId = idFromWire(share.senderId);
      const mine = bytesEqual(senderId, session.userId);
      const officeKeys = session.officeKeys;
      if (!mine && !officeKeys) throw new WorkerError('locked');
      return checked('untrusted', () => {
        let senderKey: Uint8Array;
        let senderVerified = true;
        if (mine) senderKey = session.keys.identity.publicKey;
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
        const { manifest } = manifestOf(share, senderId, senderKey);
        const holder: BoxKeyPair = mine || !officeKeys ? session.keys.encryption : officeKeys.encryption;
        const holderId = mine ? session.userId : session.officeId;
        const result = openFiles(
          state,
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
