// The worker's drops (docs/protocol.md §13; shared/wire/drops.ts).
//
// - The office's side: a new drop's key pair and D, sealed to the advisor and to the office
//   key `checkKeys` verified; opening them again (the advisor's copy, or the office's for a
//   colleague's drop) to show the link and to check each upload's manifest MAC with D. An
//   upload whose MAC fails was not made by a holder of the link (the server, say) and is never
//   opened. The link's fingerprint is made here from the opened key, never taken from the server.
// - The uploader's side: the drop key the server names must have the link's fingerprint before
//   anything is encrypted; D stays in the worker state (by drop id) to MAC the upload manifest.
//   A client's portal gets its personal drop's link sealed to the client's own key
//   (`openClientDrop`) and is then an uploader like any link holder.
// - The drop record (docs/protocol.md §13, "Drop record"): every sealed box above could have been
//   made by the server, so the member who makes a drop signs a record of its key, D and label
//   (and the client of a personal drop). The owner, the office and the portal check the record's
//   signer against the office key and compare what they unsealed with it before they open,
//   verify or encrypt anything; a mismatch is `drop_record_invalid` and nothing is kept.
import {
  authenticateDropUpload,
  bytesEqual,
  checkClientLinkAgainstRecord,
  checkDropKey,
  checkDropLabelAgainstRecord,
  checkDropSecretsAgainstRecord,
  checkDropLabel,
  dropFingerprint,
  dropLinkFragment,
  formatFingerprint,
  fromBase64Url,
  idFromWire,
  idToWire,
  newDropKeys,
  MAX_UPLOAD_NAME_CHARACTERS,
  newId,
  openClientDropLink,
  openUploadNames as openUploadNamesRecord,
  openDropLabel,
  openDropSecrets,
  openFileKeyForDrop,
  parseDropLinkFragment,
  receiptCode,
  sealDropLabel,
  sealDropSecrets,
  sealFileKeyForDrop,
  sealUploadNames,
  signDropRecord,
  verifyDropRecord,
  verifyDropUpload,
  verifyMember,
  verifyMemberCertificate,
  wipe,
  type BoxKeyPair,
  type DropKeys,
  type DropRecord,
  type DropSecret,
  type Id,
  type SigningKeyPair,
} from '../../../../shared/crypto/index.js';
import type { DropCreateRequest, DropCreator, DropUploadView } from '../../../../shared/wire/drops.js';
import type { CheckedRequestOf, OpenedDropUpload, OpenedUploadNames } from '../protocol';
import type { DROP_REQUESTS } from '../protocol/drops';
import { dropUploadTarget } from '../transport';
import { checked, WorkerError } from './errors';
import { openFiles, sealFiles, uploadWith } from './files';
import { b64 } from './keys';
import { checkedOffice } from './pins';
import {
  forgetDropLink,
  forgetOpened,
  officeTrusted,
  requireSession,
  type CheckedDropLink,
  type Session,
  type WorkerState,
} from './state';
import type { HandlersOf, WorkerDeps } from './types';

/** Whose copy of a drop's sealed secrets and label this user opens. */
interface Holder {
  readonly holder: 'owner' | 'office';
  readonly holderId: Id;
  readonly keyPair: BoxKeyPair;
}

type DropParts = Pick<DropCreateRequest, 'dropId' | 'publicKey' | 'secrets' | 'label' | 'record'>;

export function wipeDropKeys(drop: DropKeys): void {
  wipe(drop.keyPair.secretKey);
  wipe(drop.secret);
}

/**
 * A new drop's public key, its secrets and label sealed to its owner and to the office key, and
 * its record signed by the owner's identity key (naming the client of a personal drop).
 */
export function sealNewDrop(
  drop: DropKeys,
  label: string,
  owner: { readonly userId: Id; readonly publicKey: Uint8Array; readonly identity: SigningKeyPair },
  office: { readonly officeId: Id; readonly publicKey: Uint8Array },
  clientId: Id | null = null,
): DropParts {
  const { dropId } = drop;
  return {
    record: b64(signDropRecord(drop, label, { creatorId: owner.userId, clientId }, owner.identity)),
    dropId: idToWire(dropId),
    publicKey: b64(drop.keyPair.publicKey),
    secrets: {
      owner: b64(sealDropSecrets(drop, owner.userId, owner.publicKey)),
      office: b64(sealDropSecrets(drop, office.officeId, office.publicKey)),
    },
    label: {
      owner: b64(sealDropLabel(label, { dropId, holderId: owner.userId }, owner.publicKey)),
      office: b64(sealDropLabel(label, { dropId, holderId: office.officeId }, office.publicKey)),
    },
  };
}

/** Checks the drop key the server lists against the link's fingerprint, then keeps D for the uploads; wipes D on a mismatch. */
function keepCheckedLink(
  state: WorkerState,
  dropId: string,
  link: { dropFingerprint: Uint8Array; dropSecret: DropSecret },
  publicKey: string,
  clientId: Id | null,
): { fingerprint: string } {
  const id = idFromWire(dropId);
  const key = fromBase64Url(publicKey, 32);
  try {
    checkDropKey(id, key, link.dropFingerprint);
  } catch {
    wipe(link.dropSecret);
    throw new WorkerError('drop_key_mismatch');
  }
  forgetDropLink(state, dropId);
  state.dropLinks.set(dropId, { dropId: id, publicKey: key, secret: link.dropSecret, clientId });
  return { fingerprint: formatFingerprint(link.dropFingerprint) };
}

/**
 * §13 "Drop record" steps 1 and 2: the creator certified by the office key this worker trusts, as
 * a member (clients never make drops), then the record's signature and ids. Any failure is
 * `drop_record_invalid`, except one: a record that verifies with the key of the certificate its
 * creator held when it was stored (signed by the same office key, for the same member), where
 * that key is no longer the one certified now. Then the creator's keys were reset after the drop
 * was made: `drop_record_stale`. Neither opens anything (docs/threat-model.md, promise 5).
 */
function verifiedRecord(
  session: Session,
  envelope: string,
  creator: DropCreator | null,
  expected: { readonly dropId: Id; readonly creatorId: Id; readonly clientId: Id | null | 'anyClient' },
  recordCertificate: string | null,
): DropRecord {
  if (!officeTrusted(session)) throw new WorkerError('untrusted');
  let current: Uint8Array | null = null;
  try {
    return checked('drop_record_invalid', () => {
      if (creator === null || !bytesEqual(idFromWire(creator.userId), expected.creatorId))
        throw new WorkerError('drop_record_invalid');
      const certificate = verifyMember(
        session.officeSigningPublicKey,
        { officeId: session.officeId, userId: expected.creatorId },
        fromBase64Url(creator.certificate),
        fromBase64Url(creator.encryptionKeySignature, 64),
      );
      if (certificate.role === 'client') throw new WorkerError('drop_record_invalid');
      current = certificate.identityPublicKey;
      return verifyDropRecord(fromBase64Url(envelope), certificate.identityPublicKey, expected);
    });
  } catch (error) {
    if (recordCertificate !== null && madeBeforeReset(session, envelope, expected, recordCertificate, current))
      throw new WorkerError('drop_record_stale');
    throw error;
  }
}

/** The record is genuine under the creator's earlier certified key, which is not their current one. */
function madeBeforeReset(
  session: Session,
  envelope: string,
  expected: Parameters<typeof verifiedRecord>[3],
  recordCertificate: string,
  currentKey: Uint8Array | null,
): boolean {
  try {
    const earlier = verifyMemberCertificate(session.officeSigningPublicKey, fromBase64Url(recordCertificate));
    if (
      !bytesEqual(earlier.officeId, session.officeId) ||
      !bytesEqual(earlier.userId, expected.creatorId) ||
      earlier.role === 'client' ||
      (currentKey !== null && bytesEqual(earlier.identityPublicKey, currentKey))
    )
      return false;
    verifyDropRecord(fromBase64Url(envelope), earlier.identityPublicKey, expected);
    return true;
  } catch {
    return false;
  }
}

function requireLink(state: WorkerState, dropId: string): CheckedDropLink {
  const link = state.dropLinks.get(dropId);
  if (!link) throw new WorkerError('drop_unchecked');
  return link;
}

/** One's own drop opens with one's own key; a colleague's with the office key (takeover). */
function holderOf(session: Session, ownerId: string): Holder {
  if (bytesEqual(idFromWire(ownerId), session.userId))
    return { holder: 'owner', holderId: session.userId, keyPair: session.keys.encryption };
  if (!session.officeKeys) throw new WorkerError('locked');
  return { holder: 'office', holderId: session.officeId, keyPair: session.officeKeys.encryption };
}

function openLabel(session: Session, drop: CheckedRequestOf<'openDropLabels'>['drops'][number]): string | null {
  if (drop.label === null) return null;
  try {
    const who = holderOf(session, drop.ownerId);
    return openDropLabel(
      fromBase64Url(who.holder === 'owner' ? drop.label.owner : drop.label.office),
      { dropId: idFromWire(drop.dropId), holderId: who.holderId },
      who.keyPair,
    );
  } catch {
    return null;
  }
}

/**
 * The manifest's MAC with D (this drop, this upload), then each listed file against it: its
 * container hash as the server computed it, its key (sealed to the drop key), commitment and
 * metadata. Any failure rejects the whole upload; its keys are not kept.
 */
function openUpload(state: WorkerState, drop: DropKeys, upload: DropUploadView): OpenedDropUpload {
  const { dropUploadId } = upload;
  try {
    const envelope = fromBase64Url(upload.manifest);
    const manifest = verifyDropUpload(envelope, drop.secret, {
      dropId: drop.dropId,
      uploadId: idFromWire(dropUploadId),
    });
    for (const file of upload.files) {
      const entry = manifest.files.find((candidate) => bytesEqual(candidate.fileId, idFromWire(file.fileId)));
      if (!entry || !bytesEqual(entry.ciphertextHash, fromBase64Url(file.ciphertextHash, 32)))
        throw new WorkerError('untrusted');
    }
    const result = openFiles(
      state,
      dropUploadId,
      manifest,
      upload.files.map((file) => ({
        ...file,
        fileKey: () =>
          openFileKeyForDrop(
            fromBase64Url(file.sealedKey),
            { dropId: drop.dropId, fileId: idFromWire(file.fileId) },
            drop.keyPair,
          ),
      })),
    );
    return {
      dropUploadId,
      state: 'opened',
      receiptCode: receiptCode(envelope),
      createdAt: manifest.createdAt,
      files: result.files,
      ...(result.message !== undefined ? { message: result.message } : {}),
      missingFiles: result.missing,
    };
  } catch {
    forgetOpened(state, dropUploadId);
    return { dropUploadId, state: 'rejected' };
  }
}

export function dropOperations(state: WorkerState, deps: WorkerDeps): HandlersOf<keyof typeof DROP_REQUESTS> {
  return {
    // ---- the office's side

    createDrop({ label }) {
      const session = requireSession(state);
      const office = checkedOffice(state);
      checked('bad_request', () => checkDropLabel(label));
      const drop = newDropKeys(newId());
      try {
        return {
          parts: sealNewDrop(
            drop,
            label,
            {
              userId: session.userId,
              publicKey: session.keys.encryption.publicKey,
              identity: session.keys.identity,
            },
            office,
          ),
          fragment: dropLinkFragment(dropFingerprint(drop.dropId, drop.keyPair.publicKey), drop.secret),
        };
      } finally {
        wipeDropKeys(drop);
      }
    },

    openDropLabels({ drops }) {
      const session = requireSession(state);
      return { labels: drops.map((drop) => ({ dropId: drop.dropId, label: openLabel(session, drop) })) };
    },

    openDrop({ drop }) {
      const session = requireSession(state);
      const who = holderOf(session, drop.ownerId);
      const dropId = idFromWire(drop.dropId);
      // The record first (steps 1 and 2): nothing sealed is trusted before its signer is.
      const record =
        drop.record === null
          ? null
          : verifiedRecord(
              session,
              drop.record,
              drop.creator,
              { dropId, creatorId: idFromWire(drop.ownerId), clientId: drop.personal ? 'anyClient' : null },
              drop.recordCertificate,
            );
      const label = openLabel(session, drop);
      if (drop.secrets === null) {
        return {
          dropId: drop.dropId,
          label,
          holder: who.holder,
          fragment: null,
          keyMatches: true,
          verified: false,
          forClient: record !== null && record.clientId !== null,
          uploads: drop.uploads.map((u) => ({ dropUploadId: u.dropUploadId, state: 'unavailable' as const })),
        };
      }
      const sealed = drop.secrets;
      const secrets = checked(record === null ? 'untrusted' : 'drop_record_invalid', () =>
        openDropSecrets(
          fromBase64Url(who.holder === 'owner' ? sealed.owner : sealed.office),
          { dropId, holderId: who.holderId },
          who.keyPair,
        ),
      );
      try {
        // Step 3: the unsealed key pair, D and label are the ones the creator signed, before any
        // upload's MAC is checked with D or any file key opened with the secret key.
        if (record !== null)
          checked('drop_record_invalid', () => {
            checkDropSecretsAgainstRecord(record, secrets);
            if (label === null) throw new WorkerError('drop_record_invalid');
            checkDropLabelAgainstRecord(record, secrets, label);
          });
        return {
          dropId: drop.dropId,
          label,
          holder: who.holder,
          verified: record !== null,
          forClient: record !== null && record.clientId !== null,
          fragment: dropLinkFragment(dropFingerprint(secrets.dropId, secrets.keyPair.publicKey), secrets.secret),
          keyMatches: bytesEqual(secrets.keyPair.publicKey, fromBase64Url(drop.publicKey, 32)),
          uploads: drop.uploads.map((upload) => openUpload(state, secrets, upload)),
        };
      } finally {
        wipeDropKeys(secrets);
      }
    },

    // ---- the uploader's side

    openDropLink({ dropId, fragment, publicKey }) {
      const link = checked('bad_link', () => parseDropLinkFragment(fragment));
      return keepCheckedLink(state, dropId, link, publicKey, null);
    },

    openClientDrop({ dropId, publicKey, clientLink, record, creator, recordCertificate }) {
      const session = requireSession(state);
      // A personal drop without a record could be the server's own: encrypt nothing to it.
      if (record === null) throw new WorkerError('drop_record_missing');
      if (creator === null) throw new WorkerError('drop_record_invalid');
      const id = idFromWire(dropId);
      const verified = verifiedRecord(
        session,
        record,
        creator,
        { dropId: id, creatorId: idFromWire(creator.userId), clientId: session.userId },
        recordCertificate ?? null,
      );
      const link = checked('bad_link', () =>
        openClientDropLink(
          fromBase64Url(clientLink),
          { dropId: id, clientId: session.userId },
          session.keys.encryption,
        ),
      );
      try {
        checkClientLinkAgainstRecord(verified, link);
      } catch {
        wipe(link.dropSecret);
        throw new WorkerError('drop_record_invalid');
      }
      return keepCheckedLink(state, dropId, link, publicKey, session.userId);
    },

    async uploadDropFile({ dropId, grant, file }, _report, context) {
      requireLink(state, dropId);
      if (!deps.transportFor) throw new WorkerError('internal');
      return uploadWith(state, deps, deps.transportFor(dropUploadTarget(dropId, grant)), file, context);
    },

    sealDropUpload({ dropId, files, message, receiptMail }) {
      const link = requireLink(state, dropId);
      const sealed = sealFiles(state, files, message);
      const uploadId = newId();
      const envelope = authenticateDropUpload(
        { dropId: link.dropId, uploadId, createdAt: Date.now(), files: sealed.map((file) => file.entry) },
        link.secret,
      );
      // A client's own upload: the names for their history, sealed to themselves (protocol §13, "Names record").
      const clientNames =
        link.clientId === null
          ? {}
          : {
              clientNames: b64(
                sealUploadNames(
                  sealed.map(({ upload }, index) => ({
                    name: recordName(files[index]?.name ?? ''),
                    size: upload.summary.plaintextLength,
                  })),
                  { dropId: link.dropId, uploadId, clientId: link.clientId },
                  clientKeys(state, link.clientId),
                ),
              ),
            };
      return {
        request: {
          dropUploadId: idToWire(uploadId),
          manifest: b64(envelope),
          files: sealed.map(({ upload, sealed: metadata }) => ({
            fileId: idToWire(upload.fileId),
            uploadId: upload.uploadId,
            sealedMetadata: b64(metadata),
            sealedKey: b64(sealFileKeyForDrop(upload.fileKey, link.dropId, upload.fileId, link.publicKey)),
          })),
          receiptMail,
          ...clientNames,
        },
        receiptCode: receiptCode(envelope),
      };
    },

    forgetDropLink({ dropId }) {
      forgetDropLink(state, dropId);
      return {};
    },

    openUploadNames({ uploads }) {
      const session = requireSession(state);
      return {
        uploads: uploads.map(({ dropUploadId, dropId, names }): OpenedUploadNames => {
          if (names === null) return { dropUploadId, state: 'none' };
          try {
            const files = openUploadNamesRecord(
              fromBase64Url(names),
              { dropId: idFromWire(dropId), uploadId: idFromWire(dropUploadId), clientId: session.userId },
              session.keys,
            );
            return { dropUploadId, state: 'opened', files };
          } catch {
            // Moved from another upload or client, made by the server, or damaged: never shown.
            return { dropUploadId, state: 'invalid' };
          }
        }),
      };
    },
  };
}

/** The signed-in client's own keys, for the upload whose link they opened (and no one else's). */
function clientKeys(state: WorkerState, clientId: Id): Session['keys'] {
  const session = requireSession(state);
  if (!bytesEqual(session.userId, clientId)) throw new WorkerError('drop_unchecked');
  return session.keys;
}

/** A name as the names record holds it: at most MAX_UPLOAD_NAME_CHARACTERS, the extension kept. */
function recordName(name: string): string {
  const trimmed = name.trim() === '' ? 'file' : name;
  if (trimmed.length <= MAX_UPLOAD_NAME_CHARACTERS) return trimmed;
  const dot = trimmed.lastIndexOf('.');
  const extension = dot > 0 && trimmed.length - dot <= 16 ? trimmed.slice(dot) : '';
  return `${trimmed.slice(0, MAX_UPLOAD_NAME_CHARACTERS - extension.length - 1)}…${extension}`;
}
