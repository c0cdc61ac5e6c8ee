import {
  certifyMember,
  DecryptError,
  encodeFields,
  FormatError,
  MismatchError,
  newAccountKeys,
  newId,
  newOfficeKeys,
  openOfficeKeys,
  openSigned,
  signBody,
  SignatureError,
  signEncryptionKey,
  signManifest,
  signOfficeEncryptionKey,
  TAG,
  verifyManifest,
  verifyMember,
  verifyMemberCertificate,
  verifyOfficeEncryptionKey,
  sealOfficeKeys,
  type Id,
  type MemberCertificate,
} from '../../shared/crypto/index.js';
import { assertBytes, assertCryptoError, assertEqual, assertThrows, defineSuite } from './harness.js';

function member(officeId: Id) {
  const userId = newId();
  const keys = newAccountKeys();
  const fields: Omit<MemberCertificate, 'officeId'> = {
    version: 1,
    userId,
    email: 'anna.de.vries@kantoor-jansen.nl',
    role: 'staff',
    identityPublicKey: keys.identity.publicKey,
    encryptionPublicKey: keys.encryption.publicKey,
    issuedAt: 1_790_000_000_000,
  };
  return { userId, keys, fields, officeId };
}

export const officeCases = defineSuite('office key', {
  'a member certificate verifies and reads back every field'() {
    const office = newOfficeKeys(newId());
    const m = member(office.officeId);
    const certificate = certifyMember(office, m.fields);
    const verified = verifyMemberCertificate(office.signing.publicKey, certificate);
    assertBytes(verified.userId, m.userId, 'user id');
    assertEqual(verified.email, m.fields.email, 'email');
    assertEqual(verified.role, 'staff', 'role');
    assertEqual(verified.version, 1, 'version');
    assertEqual(verified.issuedAt, m.fields.issuedAt, 'issued at');
    assertBytes(verified.encryptionPublicKey, m.keys.encryption.publicKey, 'encryption key');
  },

  'the chain: office certified the member, the member signed the encryption key'() {
    const office = newOfficeKeys(newId());
    const m = member(office.officeId);
    const certificate = certifyMember(office, m.fields);
    const signature = signEncryptionKey(m.userId, m.keys);
    verifyMember(office.signing.publicKey, { officeId: office.officeId, userId: m.userId }, certificate, signature);
    assertThrows(
      () =>
        verifyMember(
          newOfficeKeys(office.officeId).signing.publicKey,
          { officeId: office.officeId, userId: m.userId },
          certificate,
          signature,
        ),
      SignatureError,
      'another office key',
    );
    assertThrows(
      () =>
        verifyMember(office.signing.publicKey, { officeId: office.officeId, userId: newId() }, certificate, signature),
      MismatchError,
      'another user',
    );
    assertThrows(
      () => verifyMember(office.signing.publicKey, { officeId: newId(), userId: m.userId }, certificate, signature),
      MismatchError,
      'another office',
    );
    const stranger = member(office.officeId);
    assertThrows(
      () =>
        verifyMember(
          office.signing.publicKey,
          { officeId: office.officeId, userId: m.userId },
          certificate,
          signEncryptionKey(m.userId, stranger.keys),
        ),
      SignatureError,
      'encryption key signed by another identity',
    );
  },

  'a tampered certificate is refused'() {
    const office = newOfficeKeys(newId());
    const certificate = certifyMember(office, member(office.officeId).fields);
    for (const position of [8, 60, 100, certificate.length - 1]) {
      const tampered = certificate.slice();
      tampered[position] = (tampered[position] as number) ^ 4;
      assertCryptoError(() => verifyMemberCertificate(office.signing.publicKey, tampered), `byte ${position}`);
    }
    const promoted = certifyMember(office, { ...member(office.officeId).fields, role: 'admin' });
    assertEqual(
      verifyMemberCertificate(office.signing.publicKey, promoted).role,
      'admin',
      'roles are part of what is signed',
    );
  },

  'signatures made for one purpose are refused for another'() {
    const office = newOfficeKeys(newId());
    // The office key's own statement about its encryption key is not a member certificate.
    const statement = signOfficeEncryptionKey(office);
    assertThrows(
      () => verifyMemberCertificate(office.signing.publicKey, statement),
      FormatError,
      'office key statement as certificate',
    );
    // A member certificate is not an office key statement.
    const certificate = certifyMember(office, member(office.officeId).fields);
    assertThrows(
      () => verifyOfficeEncryptionKey(office.signing.publicKey, office.officeId, certificate),
      FormatError,
      'certificate as office key statement',
    );
    // A manifest signed with the same key is not a certificate, and a certificate is not a manifest.
    const manifest = signManifest(
      {
        format: 2,
        shareId: newId(),
        version: 1,
        senderId: newId(),
        senderIdentityPublicKey: office.signing.publicKey,
        files: [
          {
            fileId: newId(),
            ciphertextHash: new Uint8Array(32),
            metadataHash: new Uint8Array(32),
            keyCommitment: new Uint8Array(32),
          },
        ],
        recipients: [{ kind: 'guest', recipientId: newId(), linkCommitment: new Uint8Array(32) }],
      },
      office.signing,
    );
    assertThrows(
      () => verifyMemberCertificate(office.signing.publicKey, manifest),
      FormatError,
      'manifest as certificate',
    );
    assertThrows(
      () =>
        verifyManifest(certificate, {
          shareId: newId(),
          senderId: newId(),
          senderIdentityPublicKey: office.signing.publicKey,
        }),
      FormatError,
      'certificate as manifest',
    );
    // The detached signature over an encryption-key statement cannot be replayed as a signed envelope of another kind.
    const m = member(office.officeId);
    const statementBody = encodeFields([TAG.encryptionKey, m.userId, m.keys.encryption.publicKey]);
    const replay = signBody(statementBody, m.keys.identity.secretKey);
    openSigned(replay, m.keys.identity.publicKey);
    assertThrows(
      () =>
        verifyManifest(replay, {
          shareId: newId(),
          senderId: m.userId,
          senderIdentityPublicKey: m.keys.identity.publicKey,
        }),
      FormatError,
      'encryption-key statement as manifest',
    );
    assertThrows(
      () => verifyMemberCertificate(m.keys.identity.publicKey, replay),
      FormatError,
      'encryption-key statement as certificate',
    );
  },

  'the office encryption key statement binds the office'() {
    const office = newOfficeKeys(newId());
    const statement = signOfficeEncryptionKey(office);
    assertBytes(
      verifyOfficeEncryptionKey(office.signing.publicKey, office.officeId, statement),
      office.encryption.publicKey,
      'encryption key',
    );
    assertThrows(
      () => verifyOfficeEncryptionKey(office.signing.publicKey, newId(), statement),
      MismatchError,
      'another office id',
    );
    assertThrows(
      () => verifyOfficeEncryptionKey(newOfficeKeys(office.officeId).signing.publicKey, office.officeId, statement),
      SignatureError,
      'another signer',
    );
  },

  'office secret keys sealed to a member open only for that member and the pinned office key'() {
    const office = newOfficeKeys(newId());
    const m = member(office.officeId);
    const sealed = sealOfficeKeys(office, m.userId, m.keys.encryption.publicKey);
    const expected = {
      officeId: office.officeId,
      memberUserId: m.userId,
      officeSigningPublicKey: office.signing.publicKey,
      officeEncryptionPublicKey: office.encryption.publicKey,
    };
    const opened = openOfficeKeys(sealed, expected, m.keys.encryption);
    assertBytes(opened.signing.secretKey, office.signing.secretKey, 'signing key');
    assertBytes(opened.encryption.secretKey, office.encryption.secretKey, 'encryption key');
    assertBytes(opened.encryption.publicKey, office.encryption.publicKey, 'encryption public key derived');
    assertThrows(
      () => openOfficeKeys(sealed, expected, member(office.officeId).keys.encryption),
      DecryptError,
      'another member key',
    );
    assertThrows(
      () => openOfficeKeys(sealed, { ...expected, memberUserId: newId() }, m.keys.encryption),
      MismatchError,
      'sealed for another member id',
    );
    const rogue = newOfficeKeys(office.officeId);
    const rogueSealed = sealOfficeKeys(rogue, m.userId, m.keys.encryption.publicKey);
    assertThrows(
      () => openOfficeKeys(rogueSealed, expected, m.keys.encryption),
      MismatchError,
      'an office key the member did not pin',
    );
    // The pinned signing seed with an encryption key the office's statement does not name.
    const mixed = sealOfficeKeys(
      { officeId: office.officeId, signing: office.signing, encryption: rogue.encryption },
      m.userId,
      m.keys.encryption.publicKey,
    );
    assertThrows(
      () => openOfficeKeys(mixed, expected, m.keys.encryption),
      MismatchError,
      'an office encryption key the statement does not name',
    );
  },
});
