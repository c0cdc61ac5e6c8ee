// A member receiving a share checks the office key against their own pin of it first
// (docs/protocol.md §9, §22 step 3), as a client does. A member's office keys opening proves
// nothing: `Seal` is anonymous, so a server can make an office key pair of its own, certify
// itself a member and a sender with it, seal that pair to the member and serve a share that is
// consistent from end to end. Only the member's pin of the real office key (MAC'd with their
// personal key) tells the two apart. The member's worker here is the real one
// (client/src/crypto/operations); the office, the rogue office and the server's answers are
// made with the real functions of shared/crypto.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  certifyMember,
  encryptContent,
  identityFingerprint,
  idToWire,
  keyCommitment,
  metadataHash,
  newAccountKeys,
  newFileKey,
  newId,
  newOfficeKeys,
  ready,
  sealFileKeyForAccount,
  sealMetadata,
  signEncryptionKey,
  signManifest,
  toBase64Url,
  type OfficeKeys,
} from '../../shared/crypto/index.js';
import type { ShareForRecipient } from '../../shared/wire/shares.js';
import { call, newMemberWorker, sessionOfficeOf } from './support/accounts';

const b64 = toBase64Url;

beforeAll(async () => {
  await ready();
});

function scene() {
  const genuine = newOfficeKeys(newId());
  // Same office id, keys the server made.
  const rogue = newOfficeKeys(genuine.officeId);
  const member = newMemberWorker();
  const { ops, identityPublicKey, pending } = member;
  /** Signs the member in against `office`: certified by it, its keys sealed to the member. */
  const signIn = (office: OfficeKeys) => {
    member.deriveSignIn();
    const keys = {
      ...pending,
      certificate: member.certificateFrom(office),
      sealedOfficeKeys: member.sealedOfficeKeysFrom(office),
    };
    expect(call(ops, 'unlock', { keys, office: sessionOfficeOf(office) }).officeKeys).toBe(true);
  };
  /** A share to the member from a sender `office` certified, complete and consistent. */
  const shareFrom = (office: OfficeKeys): ShareForRecipient => {
    const sender = newAccountKeys();
    const senderId = newId();
    const shareId = newId();
    const recipientId = newId();
    const fileId = newId();
    const fileKey = newFileKey();
    const plaintext = new TextEncoder().encode('jaarrekening 2025');
    const { ciphertext, summary } = encryptContent(fileKey, fileId, plaintext);
    const sealedMetadata = sealMetadata(fileKey, fileId, {
      name: 'jaarrekening.pdf',
      type: 'application/pdf',
      size: plaintext.length,
      lastModified: 1_790_000_000_000,
    });
    const manifest = signManifest(
      {
        format: 2,
        shareId,
        version: 1,
        senderId,
        senderIdentityPublicKey: sender.identity.publicKey,
        files: [
          {
            fileId,
            ciphertextHash: summary.ciphertextHash,
            metadataHash: metadataHash(sealedMetadata),
            keyCommitment: keyCommitment(fileKey, fileId),
          },
        ],
        recipients: [{ kind: 'account', recipientId, identityFingerprint: identityFingerprint(identityPublicKey) }],
      },
      sender.identity,
    );
    const certificate = certifyMember(office, {
      version: 1,
      userId: senderId,
      email: 'els@kantoor-jansen.nl',
      role: 'staff',
      identityPublicKey: sender.identity.publicKey,
      encryptionPublicKey: sender.encryption.publicKey,
      issuedAt: 1_790_000_000_000,
    });
    return {
      shareId: idToWire(shareId),
      recipientId: idToWire(recipientId),
      manifest: b64(manifest),
      sender: {
        userId: idToWire(senderId),
        name: 'Els Jansen',
        certificate: b64(certificate),
        encryptionKeySignature: b64(signEncryptionKey(senderId, sender)),
      },
      office: {
        officeId: idToWire(office.officeId),
        name: 'Kantoor Jansen',
        signingPublicKey: b64(office.signing.publicKey),
      },
      expiresAt: new Date(1_790_000_000_000).toISOString(),
      downloadsLeft: null,
      files: [
        {
          fileId: idToWire(fileId),
          size: ciphertext.length,
          sealedMetadata: b64(sealedMetadata),
          key: b64(sealFileKeyForAccount(fileKey, fileId, member.memberId, member.encryptionPublicKey)),
        },
      ],
    };
  };
  return { ops, genuine, rogue, signIn, shareFrom };
}

describe("a member's received share waits for the member's pin of the office key", () => {
  it('opens once the pin matches, and refuses a share under an office key the server made', () => {
    const s = scene();
    s.signIn(s.genuine);
    const genuineShare = s.shareFrom(s.genuine);
    // The office keys opened, but nothing is opened before the pin check.
    expect(() => call(s.ops, 'openReceived', { share: genuineShare })).toThrow('untrusted');
    const first = call(s.ops, 'pinOffice', { pins: [], index: null, seen: {} });
    expect(first.pin).toBe('new');
    const pins = [
      { subject: 'office' as const, subjectId: idToWire(s.genuine.officeId), envelope: first.envelope as string },
    ];
    const index = { counter: first.index?.counter as number, envelope: first.index?.envelope as string };
    expect(call(s.ops, 'openReceived', { share: genuineShare }).files.map((f) => f.name)).toEqual(['jaarrekening.pdf']);

    // The server now names its own office key, certifies a sender with it and seals the pair
    // to the member: every signature checks out against that key, and the office keys open.
    s.signIn(s.rogue);
    const rogueShare = s.shareFrom(s.rogue);
    expect(() => call(s.ops, 'openReceived', { share: rogueShare })).toThrow('untrusted');
    expect(() => call(s.ops, 'pinOffice', { pins, index, seen: {} })).toThrow('office_key_changed');
    // Refused again after the pin check: nothing of it was opened.
    expect(() => call(s.ops, 'openReceived', { share: rogueShare })).toThrow('untrusted');
  });
});
