// The crypto worker's drop operations (protocol.ts lists them; DESIGN §4; docs/protocol.md
// §13; shared/wire/drops.ts). Like sharing.ts they run only inside the worker (or in Node
// tests), and they reuse its uploads, sealing and opened files (`SharingParts`):
//
// - the office's side: a new drop's key pair and D, sealed to the advisor and to the office key
//   `checkKeys` verified; opening them again (the advisor's copy, or the office's for a
//   colleague's drop) to show the link and to check each upload's manifest MAC with D. An
//   upload whose MAC fails was not made by a holder of the link (the server, say) and is never
//   opened. The link's fingerprint is made here from the opened key, never taken from the server.
// - the uploader's side: the drop key the server names must have the link's fingerprint before
//   anything is encrypted; D stays here (by drop id) to MAC the upload manifest.
// - clients (issue 6): an approving member certifies a client (role client, no office keys) and
//   makes the client's personal drop, its link fragment sealed to the client's own key; the
//   client's portal opens that sealed link here and is then an uploader like any link holder.
import {
  authenticateDropUpload,
  bytesEqual,
  certifyMember,
  openClientDropLink,
  sealClientDropLink,
  verifyEncryptionKey,
  checkDropKey,
  checkDropLabel,
  dropFingerprint,
  dropLinkFragment,
  formatFingerprint,
  fromBase64Url,
  idFromWire,
  idToWire,
  newDropKeys,
  newId,
  openDropLabel,
  openDropSecrets,
  openFileKeyForDrop,
  parseDropLinkFragment,
  receiptCode,
  sealDropLabel,
  sealDropSecrets,
  sealFileKeyForDrop,
  toBase64Url,
  verifyDropUpload,
  wipe,
  type BoxKeyPair,
  type DropKeys,
  type DropSecret,
  type Id,
} from '../../../shared/crypto/index.js';
import type { DropUploadView } from '../../../shared/wire/drops.js';
import type { AnswerOf, OpenedDropUpload, RequestOf } from './protocol';
import {
  checked,
  SharingError,
  type CallContext,
  type SessionKeys,
  type SharingDeps,
  type SharingParts,
} from './sharing';
import { dropUploadTarget } from './transport';

export interface DropHandlers {
  createDrop(request: RequestOf<'createDrop'>): AnswerOf<'createDrop'>;
  openDropLabels(request: RequestOf<'openDropLabels'>): AnswerOf<'openDropLabels'>;
  openDrop(request: RequestOf<'openDrop'>): AnswerOf<'openDrop'>;
  openDropLink(request: RequestOf<'openDropLink'>): AnswerOf<'openDropLink'>;
  uploadDropFile(
    request: RequestOf<'uploadDropFile'>,
    report: unknown,
    context: CallContext,
  ): Promise<AnswerOf<'uploadDropFile'>>;
  sealDropUpload(request: RequestOf<'sealDropUpload'>): AnswerOf<'sealDropUpload'>;
  forgetDropLink(request: RequestOf<'forgetDropLink'>): AnswerOf<'forgetDropLink'>;
  certifyClient(request: RequestOf<'certifyClient'>): AnswerOf<'certifyClient'>;
  openClientDrop(request: RequestOf<'openClientDrop'>): AnswerOf<'openClientDrop'>;
}

const b64 = toBase64Url;

/** A drop link checked on this page: the drop key the server named matched the link. */
interface CheckedLink {
  readonly dropId: Id;
  readonly publicKey: Uint8Array;
  readonly secret: DropSecret;
}

/** Whose copy of a drop's sealed secrets and label this user opens. */
interface Holder {
  readonly holder: 'owner' | 'office';
  readonly holderId: Id;
  readonly keyPair: BoxKeyPair;
}

function wipeDropKeys(drop: DropKeys): void {
  wipe(drop.keyPair.secretKey);
  wipe(drop.secret);
}

export function createDrops(
  session: () => SessionKeys,
  deps: SharingDeps,
  parts: SharingParts,
): { readonly handlers: DropHandlers; forgetAll(): void } {
  const links = new Map<string, CheckedLink>();

  function forgetLink(dropId: string): void {
    const link = links.get(dropId);
    if (link) wipe(link.secret);
    links.delete(dropId);
  }

  /** Checks the drop key the server lists against the link's fingerprint, then keeps D for the uploads; wipes D on a mismatch. */
  function keepCheckedLink(
    dropId: string,
    link: { dropFingerprint: Uint8Array; dropSecret: CheckedLink['secret'] },
    publicKey: string,
  ): { fingerprint: string } {
    const id = idFromWire(dropId);
    const key = fromBase64Url(publicKey, 32);
    try {
      checkDropKey(id, key, link.dropFingerprint);
    } catch {
      wipe(link.dropSecret);
      throw new SharingError('drop_key_mismatch');
    }
    forgetLink(dropId);
    links.set(dropId, { dropId: id, publicKey: key, secret: link.dropSecret });
    return { fingerprint: formatFingerprint(link.dropFingerprint) };
  }

  function requireLink(dropId: string): CheckedLink {
    const link = links.get(dropId);
    if (!link) throw new SharingError('drop_unchecked');
    return link;
  }

  /** One's own drop opens with one's own key; a colleague's with the office key (takeover). */
  function holderOf(keys: SessionKeys, ownerId: string): Holder {
    if (bytesEqual(idFromWire(ownerId), keys.userId))
      return { holder: 'owner', holderId: keys.userId, keyPair: keys.keys.encryption };
    if (!keys.officeKeys) throw new SharingError('locked');
    return { holder: 'office', holderId: keys.officeId, keyPair: keys.officeKeys.encryption };
  }

  function openLabel(keys: SessionKeys, drop: RequestOf<'openDropLabels'>['drops'][number]): string | null {
    if (drop.label === null) return null;
    try {
      const who = holderOf(keys, drop.ownerId);
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
  function openUpload(drop: DropKeys, upload: DropUploadView): OpenedDropUpload {
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
          throw new SharingError('untrusted');
      }
      const result = parts.openFiles(
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
      parts.forgetOpened(dropUploadId);
      return { dropUploadId, state: 'rejected' };
    }
  }

  const handlers: DropHandlers = {
    // ---- the office's side

    createDrop({ label }) {
      const keys = session();
      const office = parts.checkedOffice();
      checked('bad_request', () => checkDropLabel(label));
      const dropId = newId();
      const drop = newDropKeys(dropId);
      try {
        const owner = { dropId, holderId: keys.userId };
        const forOffice = { dropId, holderId: office.officeId };
        return {
          parts: {
            dropId: idToWire(dropId),
            publicKey: b64(drop.keyPair.publicKey),
            secrets: {
              owner: b64(sealDropSecrets(drop, keys.userId, keys.keys.encryption.publicKey)),
              office: b64(sealDropSecrets(drop, office.officeId, office.publicKey)),
            },
            label: {
              owner: b64(sealDropLabel(label, owner, keys.keys.encryption.publicKey)),
              office: b64(sealDropLabel(label, forOffice, office.publicKey)),
            },
          },
          fragment: dropLinkFragment(dropFingerprint(dropId, drop.keyPair.publicKey), drop.secret),
        };
      } finally {
        wipeDropKeys(drop);
      }
    },

    openDropLabels({ drops }) {
      const keys = session();
      return { labels: drops.map((drop) => ({ dropId: drop.dropId, label: openLabel(keys, drop) })) };
    },

    openDrop({ drop }) {
      const keys = session();
      const who = holderOf(keys, drop.ownerId);
      const label = openLabel(keys, drop);
      if (drop.secrets === null) {
        return {
          dropId: drop.dropId,
          label,
          holder: who.holder,
          fragment: null,
          keyMatches: true,
          uploads: drop.uploads.map((u) => ({ dropUploadId: u.dropUploadId, state: 'unavailable' as const })),
        };
      }
      const sealed = drop.secrets;
      const secrets = checked('untrusted', () =>
        openDropSecrets(
          fromBase64Url(who.holder === 'owner' ? sealed.owner : sealed.office),
          { dropId: idFromWire(drop.dropId), holderId: who.holderId },
          who.keyPair,
        ),
      );
      try {
        return {
          dropId: drop.dropId,
          label,
          holder: who.holder,
          fragment: dropLinkFragment(dropFingerprint(secrets.dropId, secrets.keyPair.publicKey), secrets.secret),
          keyMatches: bytesEqual(secrets.keyPair.publicKey, fromBase64Url(drop.publicKey, 32)),
          uploads: drop.uploads.map((upload) => openUpload(secrets, upload)),
        };
      } finally {
        wipeDropKeys(secrets);
      }
    },

    // ---- the uploader's side

    openDropLink({ dropId, fragment, publicKey }) {
      const link = checked('bad_link', () => parseDropLinkFragment(fragment));
      return keepCheckedLink(dropId, link, publicKey);
    },

    async uploadDropFile({ dropId, grant, file }, _report, context) {
      requireLink(dropId);
      if (!deps.transportFor) throw new SharingError('internal');
      return parts.uploadWith(deps.transportFor(dropUploadTarget(dropId, grant)), file, context);
    },

    sealDropUpload({ dropId, files, message, receiptMail }) {
      const link = requireLink(dropId);
      const sealed = parts.sealFiles(files, message);
      const uploadId = newId();
      const envelope = authenticateDropUpload(
        { dropId: link.dropId, uploadId, createdAt: Date.now(), files: sealed.map((file) => file.entry) },
        link.secret,
      );
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
        },
        receiptCode: receiptCode(envelope),
      };
    },

    forgetDropLink({ dropId }) {
      forgetLink(dropId);
      return {};
    },

    // ---- clients

    certifyClient({ client, currentVersion, label }) {
      const keys = session();
      const office = keys.officeKeys;
      if (!office) throw new SharingError('locked');
      if (client.role !== 'client') throw new SharingError('bad_request');
      checked('bad_request', () => checkDropLabel(label));
      const clientId = idFromWire(client.userId);
      const identityPublicKey = fromBase64Url(client.identityPublicKey, 32);
      const encryptionPublicKey = fromBase64Url(client.encryptionPublicKey, 32);
      try {
        verifyEncryptionKey(
          clientId,
          { identityPublicKey, encryptionPublicKey },
          fromBase64Url(client.encryptionKeySignature, 64),
        );
      } catch {
        throw new SharingError('invalid_member');
      }
      const certificate = certifyMember(office, {
        version: currentVersion + 1,
        userId: clientId,
        email: client.email,
        role: 'client',
        identityPublicKey,
        encryptionPublicKey,
        issuedAt: Date.now(),
      });
      const dropId = newId();
      const drop = newDropKeys(dropId);
      try {
        const owner = { dropId, holderId: keys.userId };
        const forOffice = { dropId, holderId: office.officeId };
        const link = { dropFingerprint: dropFingerprint(dropId, drop.keyPair.publicKey), dropSecret: drop.secret };
        return {
          certificate: b64(certificate),
          drop: {
            dropId: idToWire(dropId),
            publicKey: b64(drop.keyPair.publicKey),
            secrets: {
              owner: b64(sealDropSecrets(drop, keys.userId, keys.keys.encryption.publicKey)),
              office: b64(sealDropSecrets(drop, office.officeId, office.encryption.publicKey)),
            },
            label: {
              owner: b64(sealDropLabel(label, owner, keys.keys.encryption.publicKey)),
              office: b64(sealDropLabel(label, forOffice, office.encryption.publicKey)),
            },
            clientLink: b64(sealClientDropLink(link, { dropId, clientId }, encryptionPublicKey)),
          },
        };
      } finally {
        wipeDropKeys(drop);
      }
    },

    openClientDrop({ dropId, publicKey, clientLink }) {
      const keys = session();
      const link = checked('bad_link', () =>
        openClientDropLink(
          fromBase64Url(clientLink),
          { dropId: idFromWire(dropId), clientId: keys.userId },
          keys.keys.encryption,
        ),
      );
      return keepCheckedLink(dropId, link, publicKey);
    },
  };

  return {
    handlers,
    forgetAll() {
      for (const dropId of [...links.keys()]) forgetLink(dropId);
    },
  };
}
