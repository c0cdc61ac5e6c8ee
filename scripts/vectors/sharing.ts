// The families from share manifests to pins (docs/protocol.md §10–§14): the positive vectors,
// made in a fixed order after the account families (scripts/vectors/accounts.ts).
import type { AccountContext } from './accounts.js';
import { c, hex, note, type VectorFiles } from './common.js';

export function sharingFamilies(files: VectorFiles, ctx: AccountContext) {
  const { fileKey, fileId, sealedMetadata, userId, account, office } = ctx;
  /** The file a share and a drop upload carry: content.json's 5-byte container. */
  const sharedFile = ctx.containers.get(5) as { container: Uint8Array; ciphertextHash: Uint8Array };
  // §10 share manifest
  const shareId = c.newId();
  const guestId = c.newId();
  const accountRecipientId = c.newId();
  const recipientAccount = c.newAccountKeys();
  // Format 1 (guest entries empty): the format of shares made before link commitments, which
  // readers keep reading. The format-2 manifest is in manifest.json's `v2` (scripts/vectors/guest-links.ts).
  const manifest: c.ShareManifest = {
    format: 1,
    shareId,
    version: 1,
    senderId: userId,
    senderIdentityPublicKey: account.identity.publicKey,
    files: [
      {
        fileId,
        ciphertextHash: sharedFile.ciphertextHash,
        metadataHash: c.metadataHash(sealedMetadata),
        keyCommitment: c.keyCommitment(fileKey, fileId),
      },
    ],
    recipients: [
      { kind: 'guest' as const, recipientId: guestId },
      {
        kind: 'account' as const,
        recipientId: accountRecipientId,
        identityFingerprint: c.identityFingerprint(recipientAccount.identity.publicKey),
      },
    ],
  };
  const manifestBody = c.encodeManifest(manifest);
  const manifestHash = c.manifestHash(manifestBody);
  files['manifest.json'] = {
    note,
    senderIdentitySeed: hex(account.identity.seed),
    manifest: {
      shareId: hex(shareId),
      version: 1,
      senderId: hex(userId),
      senderIdentityPublicKey: hex(account.identity.publicKey),
      files: manifest.files.map((f) => ({
        fileId: hex(f.fileId),
        ciphertextHash: hex(f.ciphertextHash),
        metadataHash: hex(f.metadataHash),
        keyCommitment: hex(f.keyCommitment),
      })),
      recipients: [
        { kind: 'guest', recipientId: hex(guestId) },
        {
          kind: 'account',
          recipientId: hex(accountRecipientId),
          identityFingerprint: hex(c.identityFingerprint(recipientAccount.identity.publicKey)),
        },
      ],
    },
    body: hex(manifestBody),
    signedEnvelope: hex(c.signManifest(manifest, account.identity)),
    manifestHash: hex(manifestHash),
  };

  // §11 wrapping
  const linkSecret = c.newLinkSecret();
  const serverHalf = c.newServerHalf();
  const accessCode = c.newAccessCode();
  const accessCodeKey = c.stretchAccessCode(accessCode, shareId, guestId);
  const linkKeyWithCode = c.linkKey({ linkSecret, serverHalf, shareId, recipientId: guestId, accessCodeKey });
  const linkKeyWithoutCode = c.linkKey({ linkSecret, serverHalf, shareId, recipientId: guestId });
  const guestBinding = { shareId, recipientId: guestId, fileId, manifestHash };
  files['wrap.json'] = {
    note,
    account: {
      fileKey: hex(fileKey),
      fileId: hex(fileId),
      holderId: hex(accountRecipientId),
      holderSecretKey: hex(recipientAccount.encryption.secretKey),
      holderPublicKey: hex(recipientAccount.encryption.publicKey),
      sealed: hex(c.sealFileKeyForAccount(fileKey, fileId, accountRecipientId, recipientAccount.encryption.publicKey)),
    },
    guest: {
      fileKey: hex(fileKey),
      shareId: hex(shareId),
      recipientId: hex(guestId),
      fileId: hex(fileId),
      manifestHash: hex(manifestHash),
      linkSecret: hex(linkSecret),
      serverHalf: hex(serverHalf),
      linkKeyWithoutCode: hex(linkKeyWithoutCode),
      wrappedWithoutCode: hex(c.wrapFileKeyForGuest(linkKeyWithoutCode, guestBinding, fileKey)),
      accessCode,
      accessCodeKey: hex(accessCodeKey),
      linkKeyWithCode: hex(linkKeyWithCode),
      wrappedWithCode: hex(c.wrapFileKeyForGuest(linkKeyWithCode, guestBinding, fileKey)),
      officeFingerprint: hex(c.officeFingerprint(office.signing.publicKey)),
      fragment: c.guestLinkFragmentV1(c.officeFingerprint(office.signing.publicKey), linkSecret),
    },
    linkSecretForSender: {
      holderId: hex(userId),
      holderSecretKey: hex(account.encryption.secretKey),
      sealed: hex(
        c.sealLinkSecret(
          { shareId, recipientId: guestId, holderId: userId },
          { linkSecret, accessCode },
          account.encryption.publicKey,
        ),
      ),
    },
  };

  // §13 drops
  const drop = c.newDropKeys(c.newId());
  const dropFp = c.dropFingerprint(drop.dropId, drop.keyPair.publicKey);
  const upload = {
    dropId: drop.dropId,
    uploadId: c.newId(),
    createdAt: 1790000000000,
    files: [
      {
        fileId,
        ciphertextHash: sharedFile.ciphertextHash,
        metadataHash: c.metadataHash(sealedMetadata),
        keyCommitment: c.keyCommitment(fileKey, fileId),
      },
    ],
  };
  const uploadEnvelope = c.authenticateDropUpload(upload, drop.secret);
  files['drop.json'] = {
    note,
    dropId: hex(drop.dropId),
    dropSecretKey: hex(drop.keyPair.secretKey),
    dropPublicKey: hex(drop.keyPair.publicKey),
    dropSecret: hex(drop.secret),
    dropFingerprint: hex(dropFp),
    fragment: c.dropLinkFragment(dropFp, drop.secret),
    owner: {
      holderId: hex(userId),
      holderSecretKey: hex(account.encryption.secretKey),
      sealedDropSecrets: hex(c.sealDropSecrets(drop, userId, account.encryption.publicKey)),
    },
    fileKeyForDrop: {
      fileKey: hex(fileKey),
      fileId: hex(fileId),
      sealed: hex(c.sealFileKeyForDrop(fileKey, drop.dropId, fileId, drop.keyPair.publicKey)),
    },
    upload: {
      uploadId: hex(upload.uploadId),
      createdAt: upload.createdAt,
      files: upload.files.map((f) => ({
        fileId: hex(f.fileId),
        ciphertextHash: hex(f.ciphertextHash),
        metadataHash: hex(f.metadataHash),
        keyCommitment: hex(f.keyCommitment),
      })),
      macKey: hex(c.deriveKey(drop.secret, c.KDF_CONTEXT.drop, c.SUBKEY.drop.uploadMac)),
      envelope: hex(uploadEnvelope),
      receiptCode: c.receiptCode(uploadEnvelope),
    },
  };

  // The drop's label, sealed to the owner and to the office. Made after everything above, so
  // the deterministic random bytes drawn for the older vectors stay the same.
  const dropLabel = 'Bakkerij de Vries – loonadministratie 2026';
  files['drop.json']['label'] = {
    text: dropLabel,
    owner: {
      holderId: hex(userId),
      sealed: hex(c.sealDropLabel(dropLabel, { dropId: drop.dropId, holderId: userId }, account.encryption.publicKey)),
    },
    office: {
      holderId: hex(office.officeId),
      holderSecretKey: hex(office.encryption.secretKey),
      sealed: hex(
        c.sealDropLabel(dropLabel, { dropId: drop.dropId, holderId: office.officeId }, office.encryption.publicKey),
      ),
    },
  };

  // §14 pins
  const pin = {
    ownerId: userId,
    subject: 'office' as const,
    subjectId: office.officeId,
    publicKey: office.signing.publicKey,
    firstSeenAt: 1790000000000,
  };
  files['pins.json'] = {
    note,
    personalKey: hex(account.personalKey),
    pinKey: hex(c.deriveKey(account.personalKey, c.KDF_CONTEXT.personal, c.SUBKEY.personal.pins)),
    pin: { ...pin, ownerId: hex(userId), subjectId: hex(office.officeId), publicKey: hex(office.signing.publicKey) },
    envelope: hex(c.makePin(pin, account.personalKey)),
    index: pinIndexVector(pin, colleaguePin(userId, recipientAccount.identity.publicKey), account.personalKey),
  };

  return {
    shareId,
    guestId,
    accountRecipientId,
    recipientAccount,
    manifest,
    manifestHash,
    linkSecret,
    serverHalf,
    accessCode,
    accessCodeKey,
    linkKeyWithCode,
    linkKeyWithoutCode,
    guestBinding,
    drop,
    dropFp,
    upload,
    uploadEnvelope,
    dropLabel,
    pin,
  };
}

/** A colleague's user id, fixed so that no random bytes are drawn (the files before stay put). */
const COLLEAGUE_ID = c.asId(c.fromHex('c011ea9e000000000000000000000001'));

/** A pin of a colleague's identity key, seen later than the office. */
function colleaguePin(ownerId: c.Id, publicKey: Uint8Array): c.Pin {
  return { ownerId, subject: 'user', subjectId: COLLEAGUE_ID, publicKey, firstSeenAt: 1790000500000 };
}

// §14 the pin index over both pins (deterministic: a MAC, no random bytes drawn).
function pinIndexVector(officePin: c.Pin, userPin: c.Pin, personalKey: Uint8Array) {
  const officeEntry = c.pinIndexEntryOf(officePin);
  const userEntry = c.pinIndexEntryOf(userPin);
  // Given out of order on purpose: the envelope sorts them (the office first, then users by id).
  const index: c.PinIndex = { ownerId: officePin.ownerId, counter: 7, entries: [userEntry, officeEntry] };
  const entryHex = (e: c.PinIndexEntry) => ({
    subject: e.subject,
    subjectId: hex(e.subjectId),
    keyHash: hex(e.keyHash),
  });
  return {
    userPin: {
      ...userPin,
      ownerId: hex(userPin.ownerId),
      subjectId: hex(userPin.subjectId),
      publicKey: hex(userPin.publicKey),
    },
    counter: index.counter,
    entries: [entryHex(officeEntry), entryHex(userEntry)],
    envelope: hex(c.makePinIndex(index, personalKey)),
  };
}

export type SharingContext = ReturnType<typeof sharingFamilies>;
