// The worker's sending (docs/protocol.md §4–§6, §10, §11): encrypt and upload each file, then
// seal the share — metadata, the signed manifest, each file key sealed to every account
// recipient, the sender and the office, and for every guest a link secret, server half,
// optional access code and wrapped keys, with the link secret sealed to the sender and the
// office so the link can be shown again (`showLink`). Only keys checked in this worker
// (pins.ts) are sealed to.
import {
  bytesEqual,
  checkLinkCommitment,
  encodeManifest,
  fromBase64Url,
  guestLinkFragment,
  guestLinkFragmentV1,
  identityFingerprint,
  idFromWire,
  idToWire,
  linkCommitment,
  linkKey,
  manifestHash,
  newAccessCode,
  newId,
  newLinkSecret,
  newServerHalf,
  officeFingerprint,
  openContactCode,
  openLinkSecret,
  sealFileKeyForAccount,
  sealLinkSecret,
  signManifest,
  stretchAccessCode,
  wipe,
  wrapFileKeyForGuest,
  type FileEntry,
  type Id,
  type LinkSecret,
  type RecipientEntry,
  type ServerHalf,
  type ShareManifest,
} from '../../../../shared/crypto/index.js';
import type { ShareCreateRequest } from '../../../../shared/wire/shares.js';
import type { AnswerOf, CheckedRequestOf, GuestLink } from '../protocol';
import type { SENDING_REQUESTS } from '../protocol/sending';
import { checked, WorkerError } from './errors';
import { sealFiles, uploadWith } from './files';
import { b64 } from './keys';
import { checkedOffice, requireAccepted } from './pins';
import { sentManifest } from './receiving';
import { forgetUpload, requireOfficeKeys, requireSession, type WorkerState } from './state';
import type { HandlersOf, WorkerDeps } from './types';

/** An account recipient, checked and accepted in this worker. */
interface AccountRecipient {
  readonly userId: string;
  readonly holderId: Id;
  readonly identityPublicKey: Uint8Array;
  readonly encryptionPublicKey: Uint8Array;
  readonly recipientId: Id;
}

/** A guest recipient: the secrets made for them here, wiped once the share request is made. */
interface GuestRecipient {
  readonly email: string;
  readonly recipientId: Id;
  /** The id in the link's path: the guest's capability, never in the manifest. */
  readonly linkId: Id;
  readonly linkSecret: LinkSecret;
  readonly serverHalf: ServerHalf;
  readonly accessCode: string | undefined;
  /** The access code is the contact's standing one: the page is not shown it again. */
  readonly standing: boolean;
  readonly lang: 'nl' | 'en' | undefined;
  /** `stretchAccessCode(accessCode, …)`: in the link commitment and the link key. */
  readonly accessCodeKey: Uint8Array | undefined;
}

/**
 * A contact's standing access code, opened with the office key (docs/protocol.md §9): only a
 * box sealed by an office-key holder for this contact, in this office, by the member the server
 * names, opens; anything else (a box moved from another contact, or sealed by the server) stops
 * the send.
 */
function standingCodeOf(
  state: WorkerState,
  standing: { readonly contactId: string; readonly sealed: string; readonly sealedBy: string },
): string {
  const { session, office } = requireOfficeKeys(state);
  return checked('contact_code_invalid', () =>
    openContactCode(
      fromBase64Url(standing.sealed),
      {
        contactId: idFromWire(standing.contactId),
        officeFingerprint: officeFingerprint(session.officeSigningPublicKey),
        sealerId: idFromWire(standing.sealedBy),
      },
      office.encryption,
    ),
  );
}

function sealShare(state: WorkerState, request: CheckedRequestOf<'sealShare'>): AnswerOf<'sealShare'> {
  const session = requireSession(state);
  const office = checkedOffice(state);
  const shareId = newId();
  const shareIdWire = idToWire(shareId);

  // Files: metadata (the message goes with the first file), entries, sender and office copies.
  const files = sealFiles(state, request.files, request.message);
  const entries: FileEntry[] = files.map((file) => file.entry);

  // Account recipients: only keys checked (and accepted) in this worker.
  const accounts = request.accounts.map(({ userId }): AccountRecipient => {
    const entry = requireAccepted(state, 'user', userId);
    if (!entry.encryptionPublicKey) throw new WorkerError('keys_untrusted');
    return {
      userId,
      holderId: entry.subjectId,
      identityPublicKey: entry.publicKey,
      encryptionPublicKey: entry.encryptionPublicKey,
      recipientId: newId(),
    };
  });
  if (new Set(request.accounts.map((a) => a.userId)).size !== accounts.length) throw new WorkerError('bad_request');
  if (new Set(request.guests.map((g) => g.email)).size !== request.guests.length) throw new WorkerError('bad_request');
  if (accounts.length + request.guests.length === 0) throw new WorkerError('bad_request');

  const guests = request.guests.map((guest): GuestRecipient => {
    const recipientId = newId();
    const accessCode = guest.standingCode
      ? standingCodeOf(state, guest.standingCode)
      : guest.accessCode
        ? newAccessCode()
        : undefined;
    return {
      email: guest.email,
      recipientId,
      linkId: newId(),
      linkSecret: newLinkSecret(),
      serverHalf: newServerHalf(),
      accessCode,
      accessCodeKey: accessCode === undefined ? undefined : stretchAccessCode(accessCode, shareId, recipientId),
      standing: guest.standingCode !== undefined,
      lang: guest.lang,
    };
  });

  const recipients: RecipientEntry[] = [
    ...accounts.map((a): RecipientEntry => ({
      kind: 'account',
      recipientId: a.recipientId,
      identityFingerprint: identityFingerprint(a.identityPublicKey),
    })),
    // Each guest's entry commits to its S and stretched access code (protocol §11): the guest
    // checks it, and so do the sender and the office before they show the link again.
    ...guests.map((g): RecipientEntry => ({
      kind: 'guest',
      recipientId: g.recipientId,
      linkCommitment: linkCommitment({ shareId, recipientId: g.recipientId }, g.linkSecret, g.accessCodeKey),
    })),
  ];
  const manifest: ShareManifest = {
    format: 3,
    shareId,
    version: 1,
    senderId: session.userId,
    senderIdentityPublicKey: session.keys.identity.publicKey,
    files: entries,
    recipients,
  };
  const signed = signManifest(manifest, session.keys.identity);
  const boundHash = manifestHash(encodeManifest(manifest));
  const officeFp = officeFingerprint(session.officeSigningPublicKey);
  const senderFp = identityFingerprint(session.keys.identity.publicKey);

  /** A guest's entry: each file key wrapped with the link key, and the link secret sealed to sender and office. */
  const guestEntry = (g: GuestRecipient) => {
    const key = linkKey({
      linkSecret: g.linkSecret,
      serverHalf: g.serverHalf,
      shareId,
      recipientId: g.recipientId,
      ...(g.accessCodeKey ? { accessCodeKey: g.accessCodeKey } : {}),
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
    const record = {
      linkSecret: g.linkSecret,
      ...(g.accessCode !== undefined ? { accessCode: g.accessCode } : {}),
    };
    return {
      kind: 'guest' as const,
      recipientId: idToWire(g.recipientId),
      linkId: idToWire(g.linkId),
      email: g.email,
      ...(g.lang !== undefined ? { lang: g.lang } : {}),
      serverHalf: b64(g.serverHalf),
      accessCode: g.accessCode !== undefined,
      keys: wraps,
      linkSecret: {
        sender: b64(
          sealLinkSecret(
            { shareId, recipientId: g.recipientId, holderId: session.userId },
            record,
            session.keys.encryption.publicKey,
          ),
        ),
        office: b64(
          sealLinkSecret({ shareId, recipientId: g.recipientId, holderId: office.officeId }, record, office.publicKey),
        ),
      },
    };
  };

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
          sealFileKeyForAccount(upload.fileKey, upload.fileId, session.userId, session.keys.encryption.publicKey),
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
      ...guests.map(guestEntry),
    ],
  };

  const links: GuestLink[] = guests.map((g) => ({
    recipientId: idToWire(g.recipientId),
    linkId: idToWire(g.linkId),
    email: g.email,
    fragment: guestLinkFragment(officeFp, senderFp, g.linkSecret),
    ...(g.standing ? { standingCode: true as const } : g.accessCode !== undefined ? { accessCode: g.accessCode } : {}),
  }));
  for (const g of guests) {
    wipe(g.linkSecret);
    wipe(g.serverHalf);
    if (g.accessCodeKey) wipe(g.accessCodeKey);
  }
  return {
    request: shareRequest,
    guests: links,
    accounts: accounts.map((a) => ({ recipientId: idToWire(a.recipientId), userId: a.userId })),
  };
}

export function sendingOperations(state: WorkerState, deps: WorkerDeps): HandlersOf<keyof typeof SENDING_REQUESTS> {
  return {
    async uploadFile({ file }, _report, context) {
      requireSession(state);
      return uploadWith(state, deps, deps.transport, file, context);
    },

    sealShare: (request) => sealShare(state, request),

    forgetFiles({ fileIds }) {
      for (const fileId of fileIds) forgetUpload(state, fileId);
      return {};
    },

    showLink({ share, sender, recipientId }) {
      const session = requireSession(state);
      const mine = bytesEqual(idFromWire(share.senderId), session.userId);
      const officeKeys = session.officeKeys;
      if (!mine && !officeKeys) throw new WorkerError('locked');
      const sealed = share.linkSecrets.find((s) => s.recipientId === recipientId);
      if (!sealed) throw new WorkerError('not_found');
      const { senderKey, verified, senderVerified } = checked('untrusted', () => sentManifest(session, share, sender));
      const binding = { shareId: idFromWire(share.shareId), recipientId: idFromWire(recipientId) };
      const record = checked('untrusted', () =>
        openLinkSecret(
          fromBase64Url(mine ? sealed.sender : sealed.office),
          { ...binding, holderId: mine ? session.userId : session.officeId },
          mine || !officeKeys ? session.keys.encryption : officeKeys.encryption,
        ),
      );
      try {
        const officeFp = officeFingerprint(session.officeSigningPublicKey);
        let fragment: string;
        if (verified.manifest.format !== 1) {
          // The sealed copy is an anonymous box the server could have made: only an S (and
          // code) that the signed manifest commits to is shown (docs/threat-model.md promise 5).
          // In format 3 this check stretches the code once (one Argon2id run).
          checked('link_changed', () => checkLinkCommitment(verified, binding, record));
          fragment = guestLinkFragment(officeFp, identityFingerprint(senderKey), record.linkSecret);
        } else {
          fragment = guestLinkFragmentV1(officeFp, record.linkSecret);
        }
        const code = record.accessCode;
        return {
          fragment,
          ...(code !== undefined ? { accessCode: `${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8)}` } : {}),
          checked: verified.manifest.format !== 1 && senderVerified,
        };
      } finally {
        wipe(record.linkSecret);
      }
    },
  };
}
