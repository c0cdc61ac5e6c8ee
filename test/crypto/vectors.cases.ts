// Known-answer tests: the committed vectors (test/fixtures/vectors, described field by field
// in docs/protocol.md) must open, verify and, where the operation is deterministic,
// be reproduced byte for byte by this implementation.
import {
  asId,
  deviceCode,
  openDeviceToken,
  openDeviceKeys,
  signDeviceCertificate,
  signDeviceClaim,
  verifyDeviceCertificate,
  verifyDeviceClaim,
  authVerifier,
  checkClientLinkAgainstRecord,
  checkDropLabelAgainstRecord,
  checkDropSecretsAgainstRecord,
  dropLabelCommitment,
  dropSecretCommitment,
  signDropRecord,
  verifyDropRecord,
  boxKeyPairFromSecret,
  certifyMember,
  decryptContent,
  deriveKey,
  encodeFields,
  encodeManifest,
  fakeSalt,
  formatFingerprint,
  formatRecoveryKey,
  fromHex,
  identityFingerprint,
  KDF_CONTEXT,
  keyCommitment,
  linkKey,
  makePin,
  manifestHash,
  metadataHash,
  metadataJson,
  officeFingerprint,
  openDropLabel,
  openDropSecrets,
  openFileKeyForAccount,
  openFileKeyForDrop,
  openKeyBundle,
  openLinkSecret,
  openMetadata,
  openOfficeKeys,
  openPin,
  openBatchPlan,
  openPinIndex,
  makePinIndex,
  pinIndexEntryOf,
  parseDropLinkFragment,
  parseGuestLinkFragment,
  parseRecoveryKey,
  passwordKeys,
  receiptCode,
  recoveryKeys,
  signingKeyPairFromSeed,
  signManifest,
  signOfficeEncryptionKey,
  stretchAccessCode,
  SUBKEY,
  authenticateDropUpload,
  unwrapFileKeyForGuest,
  verifyDropUpload,
  verifyEncryptionKey,
  verifyManifest,
  checkLinkCommitment,
  linkCommitment,
  linkCommitmentV2,
  toBase64Url,
  verifyMemberCertificate,
  verifyOfficeEncryptionKey,
  dropFingerprint,
  sessionKeepKey,
  DecryptError,
  ciphertextLengthOf,
  type DropSecret,
  type Field,
  type FileKey,
  type KdfParams,
  type LinkSecret,
  type RecoveryKey,
  type ServerHalf,
} from '../../shared/crypto/index.js';
import account from '../fixtures/vectors/account.json' with { type: 'json' };
import batchPlan from '../fixtures/vectors/batch-plan.json' with { type: 'json' };
import content from '../fixtures/vectors/content.json' with { type: 'json' };
import device from '../fixtures/vectors/device.json' with { type: 'json' };
import drop from '../fixtures/vectors/drop.json' with { type: 'json' };
import dropRecord from '../fixtures/vectors/drop-record.json' with { type: 'json' };
import encoding from '../fixtures/vectors/encoding.json' with { type: 'json' };
import filekey from '../fixtures/vectors/filekey.json' with { type: 'json' };
import manifestVector from '../fixtures/vectors/manifest.json' with { type: 'json' };
import metadata from '../fixtures/vectors/metadata.json' with { type: 'json' };
import office from '../fixtures/vectors/office.json' with { type: 'json' };
import password from '../fixtures/vectors/password.json' with { type: 'json' };
import pins from '../fixtures/vectors/pins.json' with { type: 'json' };
import wrap from '../fixtures/vectors/wrap.json' with { type: 'json' };
import links from '../fixtures/vectors/links.json' with { type: 'json' };
import { assertBytes, assertEqual, assertThrows, defineSuite } from './harness.js';

const b = fromHex;
const id = (text: string) => asId(fromHex(text));

type FieldSpec = { utf8: string } | { hex: string } | { u64: number } | { list: FieldSpec[] };
function toField(spec: FieldSpec): Field {
  if ('utf8' in spec) return spec.utf8;
  if ('hex' in spec) return fromHex(spec.hex);
  if ('u64' in spec) return spec.u64;
  return spec.list.map(toField);
}

function fileEntries(list: { fileId: string; ciphertextHash: string; metadataHash: string; keyCommitment: string }[]) {
  return list.map((f) => ({
    fileId: id(f.fileId),
    ciphertextHash: b(f.ciphertextHash),
    metadataHash: b(f.metadataHash),
    keyCommitment: b(f.keyCommitment),
  }));
}

export const vectorCases = defineSuite('known-answer vectors', {
  'field encoding'() {
    for (const vector of encoding.cases) {
      assertBytes(
        encodeFields((vector.fields as FieldSpec[]).map(toField)),
        b(vector.encoded),
        vector.encoded.slice(0, 16),
      );
    }
  },

  'file key subkeys and commitment'() {
    const fk = b(filekey.fileKey) as FileKey;
    assertBytes(deriveKey(fk, KDF_CONTEXT.file, SUBKEY.file.content), b(filekey.contentKey), 'content key');
    assertBytes(deriveKey(fk, KDF_CONTEXT.file, SUBKEY.file.metadata), b(filekey.metadataKey), 'metadata key');
    assertBytes(deriveKey(fk, KDF_CONTEXT.file, SUBKEY.file.commitment), b(filekey.commitmentKey), 'commitment key');
    assertBytes(keyCommitment(fk, id(filekey.fileId)), b(filekey.keyCommitment), 'commitment');
  },

  'content containers decrypt to the plaintext and hash as recorded'() {
    for (const vector of content.cases) {
      const container = b(vector.container);
      assertEqual(container.length, ciphertextLengthOf(vector.plaintextLength), 'container length');
      const plaintext = decryptContent(
        b(content.fileKey) as FileKey,
        id(content.fileId),
        container,
        b(vector.ciphertextHash),
      );
      assertBytes(plaintext, b(vector.plaintext), `plaintext of ${vector.plaintextLength} bytes`);
    }
  },

  'metadata opens, and its JSON and hash are as recorded'() {
    const opened = openMetadata(b(metadata.fileKey) as FileKey, id(metadata.fileId), b(metadata.sealed));
    assertEqual(JSON.stringify(opened), JSON.stringify(metadata.metadata), 'fields');
    assertEqual(metadataJson(opened), metadata.json, 'JSON text');
    assertBytes(metadataHash(b(metadata.sealed)), b(metadata.metadataHash), 'hash');
  },

  'password split, auth verifier, fake salt and recovery key'() {
    const split = passwordKeys(password.password, b(password.salt), password.params as KdfParams);
    assertBytes(split.authKey, b(password.authKey), 'auth key');
    assertBytes(split.keyEncryptionKey, b(password.keyEncryptionKey), 'key-encryption key');
    assertBytes(
      authVerifier(b(password.serverKey), id(password.userId), split.authKey),
      b(password.authVerifier),
      'auth verifier',
    );
    assertBytes(fakeSalt(b(password.serverKey), password.email), b(password.fakeSalt), 'fake salt');
    const recoveryKey = b(password.recovery.recoveryKey) as RecoveryKey;
    assertEqual(formatRecoveryKey(recoveryKey), password.recovery.text, 'recovery key text');
    assertBytes(parseRecoveryKey(password.recovery.text), recoveryKey, 'recovery key parsed');
    const recovery = recoveryKeys(recoveryKey);
    assertBytes(recovery.authKey, b(password.recovery.authKey), 'recovery auth key');
    assertBytes(recovery.keyEncryptionKey, b(password.recovery.keyEncryptionKey), 'recovery key-encryption key');
  },

  'account keys, key bundles, encryption-key signature and fingerprint'() {
    const identity = signingKeyPairFromSeed(b(account.identitySeed));
    assertBytes(identity.publicKey, b(account.identityPublicKey), 'identity public key');
    assertBytes(
      boxKeyPairFromSecret(b(account.encryptionSecretKey)).publicKey,
      b(account.encryptionPublicKey),
      'encryption public key',
    );
    const expected = {
      identityPublicKey: b(account.identityPublicKey),
      encryptionPublicKey: b(account.encryptionPublicKey),
    };
    const opened = openKeyBundle(
      b(account.keyEncryptionKey),
      id(account.userId),
      b(account.passwordBundle),
      'password',
      expected,
    );
    assertBytes(opened.personalKey, b(account.personalKey), 'personal key from the password bundle');
    const recovered = openKeyBundle(
      b(account.recoveryKeyEncryptionKey),
      id(account.userId),
      b(account.recoveryBundle),
      'recovery',
      expected,
    );
    assertBytes(
      recovered.encryption.secretKey,
      b(account.encryptionSecretKey),
      'encryption key from the recovery bundle',
    );
    verifyEncryptionKey(id(account.userId), expected, b(account.encryptionKeySignature));
    assertBytes(identityFingerprint(identity.publicKey), b(account.identityFingerprint), 'fingerprint');
    assertEqual(
      formatFingerprint(b(account.identityFingerprint)),
      account.identityFingerprintText,
      'fingerprint digits',
    );
  },

  'keys kept for a session: the key from both halves, and the account keys sealed under it'() {
    const kept = account.sessionKeep;
    const userId = id(account.userId);
    const sessionId = id(kept.sessionId);
    const key = sessionKeepKey(b(kept.serverHalf), b(kept.localHalf), userId, sessionId);
    assertBytes(key, b(kept.key), 'key of the kept keys');
    const expected = {
      identityPublicKey: b(account.identityPublicKey),
      encryptionPublicKey: b(account.encryptionPublicKey),
    };
    const opened = openKeyBundle(key, userId, b(kept.bundle), 'session', expected);
    assertBytes(opened.identity.seed, b(account.identitySeed), 'identity seed from the kept bundle');
    assertBytes(opened.personalKey, b(account.personalKey), 'personal key from the kept bundle');
    // Another server half, or another session, makes another key; the bundle is no password bundle.
    const otherHalf = sessionKeepKey(b(kept.localHalf), b(kept.localHalf), userId, sessionId);
    assertThrows(() => openKeyBundle(otherHalf, userId, b(kept.bundle), 'session'), DecryptError, 'another half');
    const otherSession = sessionKeepKey(b(kept.serverHalf), b(kept.localHalf), userId, id(account.userId));
    assertThrows(() => openKeyBundle(otherSession, userId, b(kept.bundle), 'session'), DecryptError, 'another session');
    assertThrows(() => openKeyBundle(key, userId, b(kept.bundle), 'password'), DecryptError, 'as a password bundle');
  },

  'office key statement, member certificate (reproduced exactly) and sealed office keys'() {
    const signing = signingKeyPairFromSeed(b(office.signingSeed));
    assertBytes(signing.publicKey, b(office.signingPublicKey), 'office signing key');
    const officeKeys = {
      officeId: id(office.officeId),
      signing,
      encryption: boxKeyPairFromSecret(b(office.encryptionSecretKey)),
    };
    assertBytes(officeFingerprint(signing.publicKey), b(office.officeFingerprint), 'office fingerprint');
    assertEqual(
      formatFingerprint(b(office.officeFingerprint)),
      office.officeFingerprintText,
      'office fingerprint digits',
    );
    assertBytes(signOfficeEncryptionKey(officeKeys), b(office.officeEncryptionKeyStatement), 'statement reproduced');
    assertBytes(
      verifyOfficeEncryptionKey(signing.publicKey, officeKeys.officeId, b(office.officeEncryptionKeyStatement)),
      b(office.encryptionPublicKey),
      'statement verifies',
    );
    const m = office.member;
    const fields = {
      version: m.version,
      userId: id(m.userId),
      email: m.email,
      role: m.role as 'staff',
      identityPublicKey: b(m.identityPublicKey),
      encryptionPublicKey: b(m.encryptionPublicKey),
      issuedAt: m.issuedAt,
    };
    assertBytes(certifyMember(officeKeys, fields), b(m.certificate), 'certificate reproduced');
    assertEqual(verifyMemberCertificate(signing.publicKey, b(m.certificate)).email, m.email, 'certificate verifies');
    const memberKeys = boxKeyPairFromSecret(b(m.encryptionSecretKey));
    const opened = openOfficeKeys(
      b(m.sealedOfficeKeys),
      {
        officeId: officeKeys.officeId,
        memberUserId: id(m.userId),
        officeSigningPublicKey: signing.publicKey,
        officeEncryptionPublicKey: officeKeys.encryption.publicKey,
      },
      memberKeys,
    );
    assertBytes(opened.encryption.secretKey, b(office.encryptionSecretKey), 'office keys open');
  },

  'share manifest: body, signature (reproduced exactly) and hash'() {
    const v = manifestVector.manifest;
    const sender = signingKeyPairFromSeed(b(manifestVector.senderIdentitySeed));
    const manifest = {
      format: 1 as const,
      shareId: id(v.shareId),
      version: v.version,
      senderId: id(v.senderId),
      senderIdentityPublicKey: b(v.senderIdentityPublicKey),
      files: fileEntries(v.files),
      recipients: v.recipients.map((r) =>
        r.kind === 'account' && r.identityFingerprint !== undefined
          ? { kind: 'account' as const, recipientId: id(r.recipientId), identityFingerprint: b(r.identityFingerprint) }
          : { kind: 'guest' as const, recipientId: id(r.recipientId) },
      ),
    };
    assertBytes(encodeManifest(manifest), b(manifestVector.body), 'canonical body');
    assertBytes(signManifest(manifest, sender), b(manifestVector.signedEnvelope), 'signed envelope reproduced');
    const verified = verifyManifest(b(manifestVector.signedEnvelope), {
      shareId: manifest.shareId,
      senderId: manifest.senderId,
      senderIdentityPublicKey: sender.publicKey,
    });
    assertBytes(verified.manifestHash, b(manifestVector.manifestHash), 'manifest hash');
    assertBytes(manifestHash(b(manifestVector.body)), b(manifestVector.manifestHash), 'hash of the body');
  },

  'guest links v2: a format-2 manifest, the link commitment and a three-value link'() {
    const sender = signingKeyPairFromSeed(b(manifestVector.senderIdentitySeed));
    const v = manifestVector.manifest;
    const verified = verifyManifest(b(manifestVector.v2.signedEnvelope), {
      shareId: id(v.shareId),
      senderId: id(v.senderId),
      senderIdentityPublicKey: sender.publicKey,
    });
    assertEqual(verified.manifest.format, 2, 'format 2');
    assertBytes(encodeManifest(verified.manifest), b(manifestVector.v2.body), 'canonical body');
    assertBytes(signManifest(verified.manifest, sender), b(manifestVector.v2.signedEnvelope), 'signature reproduced');
    assertBytes(verified.manifestHash, b(manifestVector.v2.manifestHash), 'manifest hash');
    const commitment = wrap.linkCommitmentV2;
    const binding = { shareId: id(commitment.shareId), recipientId: id(commitment.recipientId) };
    const linkSecret = b(commitment.linkSecret) as LinkSecret;
    assertBytes(
      linkCommitmentV2(binding, { linkSecret, accessCode: commitment.accessCode }),
      b(commitment.withCode),
      'with the access code',
    );
    assertBytes(linkCommitmentV2(binding, { linkSecret }), b(commitment.withoutCode), 'without');
    checkLinkCommitment(verified, binding, { linkSecret, accessCode: commitment.accessCode });
    const link = links.guestV2;
    const parsed = parseGuestLinkFragment(new URL(link.url).hash);
    assertEqual(parsed.version, 2, 'a v2 link');
    if (parsed.version === 2) assertBytes(parsed.senderFingerprint, identityFingerprint(sender.publicKey), 'sender');
    assertBytes(parsed.linkSecret, linkSecret, 'S');
    assertEqual(new URL(link.url).pathname, `/s/${toBase64Url(b(link.linkId))}`, 'the path is the link id');
  },

  'manifest format 3: the link commitment over the stretched access code'() {
    const sender = signingKeyPairFromSeed(b(manifestVector.senderIdentitySeed));
    const v = manifestVector.manifest;
    const verified = verifyManifest(b(manifestVector.v3.signedEnvelope), {
      shareId: id(v.shareId),
      senderId: id(v.senderId),
      senderIdentityPublicKey: sender.publicKey,
    });
    assertEqual(verified.manifest.format, 3, 'format 3');
    assertBytes(encodeManifest(verified.manifest), b(manifestVector.v3.body), 'canonical body');
    assertBytes(signManifest(verified.manifest, sender), b(manifestVector.v3.signedEnvelope), 'signature reproduced');
    assertBytes(verified.manifestHash, b(manifestVector.v3.manifestHash), 'manifest hash');
    const commitment = wrap.linkCommitment;
    const binding = { shareId: id(commitment.shareId), recipientId: id(commitment.recipientId) };
    const linkSecret = b(commitment.linkSecret) as LinkSecret;
    const accessCodeKey = stretchAccessCode(commitment.accessCode, binding.shareId, binding.recipientId);
    assertBytes(accessCodeKey, b(commitment.accessCodeKey), 'the stretched access code');
    assertBytes(linkCommitment(binding, linkSecret, accessCodeKey), b(commitment.withCode), 'with the access code');
    assertBytes(linkCommitment(binding, linkSecret, undefined), b(commitment.withoutCode), 'without');
    checkLinkCommitment(verified, binding, { linkSecret, accessCode: commitment.accessCode, accessCodeKey });
  },

  'file keys wrapped for an account and for a guest, with and without access code'() {
    const a = wrap.account;
    assertBytes(
      openFileKeyForAccount(
        b(a.sealed),
        { fileId: id(a.fileId), holderId: id(a.holderId) },
        boxKeyPairFromSecret(b(a.holderSecretKey)),
      ),
      b(a.fileKey),
      'account wrap',
    );
    const g = wrap.guest;
    const base = {
      linkSecret: b(g.linkSecret) as LinkSecret,
      serverHalf: b(g.serverHalf) as ServerHalf,
      shareId: id(g.shareId),
      recipientId: id(g.recipientId),
    };
    const binding = {
      shareId: id(g.shareId),
      recipientId: id(g.recipientId),
      fileId: id(g.fileId),
      manifestHash: b(g.manifestHash),
    };
    assertBytes(linkKey(base), b(g.linkKeyWithoutCode), 'link key without code');
    assertBytes(
      unwrapFileKeyForGuest(b(g.linkKeyWithoutCode), binding, b(g.wrappedWithoutCode)),
      b(g.fileKey),
      'guest wrap without code',
    );
    const codeKey = stretchAccessCode(g.accessCode, id(g.shareId), id(g.recipientId));
    assertBytes(codeKey, b(g.accessCodeKey), 'access code key');
    assertBytes(linkKey({ ...base, accessCodeKey: codeKey }), b(g.linkKeyWithCode), 'link key with code');
    assertBytes(
      unwrapFileKeyForGuest(b(g.linkKeyWithCode), binding, b(g.wrappedWithCode)),
      b(g.fileKey),
      'guest wrap with code',
    );
    const fragment = parseGuestLinkFragment(g.fragment);
    assertBytes(fragment.linkSecret, b(g.linkSecret), 'S from the fragment');
    assertBytes(fragment.officeFingerprint, b(g.officeFingerprint), 'office fingerprint from the fragment');
    const s = wrap.linkSecretForSender;
    const record = openLinkSecret(
      b(s.sealed),
      { shareId: id(g.shareId), recipientId: id(g.recipientId), holderId: id(s.holderId) },
      boxKeyPairFromSecret(b(s.holderSecretKey)),
    );
    assertBytes(record.linkSecret, b(g.linkSecret), 'S sealed to the sender');
    assertEqual(record.accessCode, g.accessCode.replace(/-/g, ''), 'access code sealed to the sender');
  },

  'drop: fingerprint, fragment, sealed secrets, upload MAC (reproduced exactly), receipt code and sealed label'() {
    const dropId = id(drop.dropId);
    assertBytes(dropFingerprint(dropId, b(drop.dropPublicKey)), b(drop.dropFingerprint), 'fingerprint');
    const fragment = parseDropLinkFragment(drop.fragment);
    assertBytes(fragment.dropSecret, b(drop.dropSecret), 'D from the fragment');
    const owner = boxKeyPairFromSecret(b(drop.owner.holderSecretKey));
    const secrets = openDropSecrets(
      b(drop.owner.sealedDropSecrets),
      { dropId, holderId: id(drop.owner.holderId) },
      owner,
    );
    assertBytes(secrets.keyPair.secretKey, b(drop.dropSecretKey), 'drop secret key');
    assertBytes(secrets.secret, b(drop.dropSecret), 'D');
    const f = drop.fileKeyForDrop;
    assertBytes(
      openFileKeyForDrop(b(f.sealed), { dropId, fileId: id(f.fileId) }, secrets.keyPair),
      b(f.fileKey),
      'file key for the drop',
    );
    const u = drop.upload;
    const upload = { dropId, uploadId: id(u.uploadId), createdAt: u.createdAt, files: fileEntries(u.files) };
    assertBytes(deriveKey(b(drop.dropSecret), KDF_CONTEXT.drop, SUBKEY.drop.uploadMac), b(u.macKey), 'MAC key');
    assertBytes(
      authenticateDropUpload(upload, b(drop.dropSecret) as DropSecret),
      b(u.envelope),
      'upload envelope reproduced',
    );
    verifyDropUpload(b(u.envelope), b(drop.dropSecret) as DropSecret, { dropId, uploadId: upload.uploadId });
    assertEqual(receiptCode(b(u.envelope)), u.receiptCode, 'receipt code');
    const l = drop.label;
    assertEqual(
      openDropLabel(b(l.owner.sealed), { dropId, holderId: id(l.owner.holderId) }, owner),
      l.text,
      'label sealed to the owner',
    );
    const office = boxKeyPairFromSecret(b(l.office.holderSecretKey));
    assertEqual(
      openDropLabel(b(l.office.sealed), { dropId, holderId: id(l.office.holderId) }, office),
      l.text,
      'label sealed to the office',
    );
    assertEqual(b(l.office.sealed).length, 4 + 48 + 4 * 4 + 20 + 16 + 16 + 256, 'one padded block');
  },

  'drop record: commitments, label commitment key and both records (reproduced exactly)'() {
    const r = dropRecord;
    const dropId = id(r.dropId);
    const creatorId = id(r.creatorId);
    const keys = { dropId, keyPair: boxKeyPairFromSecret(b(r.dropSecretKey)), secret: b(r.dropSecret) as DropSecret };
    assertBytes(keys.keyPair.publicKey, b(r.dropPublicKey), 'drop public key');
    assertBytes(dropSecretCommitment(dropId, keys.secret), b(r.secretCommitment), 'D commitment');
    assertBytes(
      deriveKey(keys.keyPair.secretKey, KDF_CONTEXT.dropKey, SUBKEY.dropKey.labelCommitment),
      b(r.labelCommitmentKey),
      'label commitment key',
    );
    assertBytes(dropLabelCommitment(dropId, keys.keyPair.secretKey, r.label), b(r.labelCommitment), 'label commitment');
    const creator = signingKeyPairFromSeed(b(account.identitySeed));
    assertBytes(creator.publicKey, b(r.creatorIdentityPublicKey), 'creator key');
    assertBytes(signDropRecord(keys, r.label, { creatorId, clientId: null }, creator), b(r.record), 'record');
    const clientId = id(r.personal.clientId);
    assertBytes(signDropRecord(keys, r.label, { creatorId, clientId }, creator), b(r.personal.record), 'personal');
    const record = verifyDropRecord(b(r.record), creator.publicKey, { dropId, creatorId, clientId: null });
    checkDropSecretsAgainstRecord(record, keys);
    checkDropLabelAgainstRecord(record, keys, r.label);
    const personal = verifyDropRecord(b(r.personal.record), creator.publicKey, { dropId, creatorId, clientId });
    checkClientLinkAgainstRecord(personal, { dropFingerprint: b(r.dropFingerprint), dropSecret: keys.secret });
  },

  'pin: MAC key and envelope (reproduced exactly)'() {
    assertBytes(deriveKey(b(pins.personalKey), KDF_CONTEXT.personal, SUBKEY.personal.pins), b(pins.pinKey), 'pin key');
    const pin = {
      ...pins.pin,
      ownerId: id(pins.pin.ownerId),
      subject: pins.pin.subject as 'office',
      subjectId: id(pins.pin.subjectId),
      publicKey: b(pins.pin.publicKey),
    };
    assertBytes(makePin(pin, b(pins.personalKey)), b(pins.envelope), 'envelope reproduced');
    assertEqual(openPin(b(pins.envelope), b(pins.personalKey), pin.ownerId).firstSeenAt, pins.pin.firstSeenAt, 'opens');
  },

  'batch plan: key, and the envelope opens to the recorded items'() {
    assertBytes(
      deriveKey(b(batchPlan.personalKey), KDF_CONTEXT.personal, SUBKEY.personal.batchPlan),
      b(batchPlan.planKey),
      'plan key',
    );
    const opened = openBatchPlan(b(batchPlan.envelope), b(batchPlan.personalKey), {
      batchId: id(batchPlan.batchId),
      userId: id(batchPlan.userId),
    });
    assertEqual(JSON.stringify(opened.items), JSON.stringify(batchPlan.items), 'items');
  },

  'pin index: key hashes and envelope (reproduced exactly)'() {
    const v = pins.index;
    const ownerId = id(pins.pin.ownerId);
    const officePin = {
      ...pins.pin,
      ownerId,
      subject: 'office' as const,
      subjectId: id(pins.pin.subjectId),
      publicKey: b(pins.pin.publicKey),
    };
    const userPin = {
      ...v.userPin,
      ownerId,
      subject: 'user' as const,
      subjectId: id(v.userPin.subjectId),
      publicKey: b(v.userPin.publicKey),
    };
    const entries = [pinIndexEntryOf(officePin), pinIndexEntryOf(userPin)];
    entries.forEach((entry, i) => {
      const expected = v.entries[i];
      assertEqual(entry.subject, expected?.subject, `entry ${i} subject`);
      assertBytes(entry.subjectId, b(expected?.subjectId ?? ''), `entry ${i} subject id`);
      assertBytes(entry.keyHash, b(expected?.keyHash ?? ''), `entry ${i} key hash`);
    });
    assertBytes(
      makePinIndex({ ownerId, counter: v.counter, entries }, b(pins.personalKey)),
      b(v.envelope),
      'envelope reproduced',
    );
    const opened = openPinIndex(b(v.envelope), b(pins.personalKey), ownerId);
    assertEqual(opened.counter, v.counter, 'counter');
    assertEqual(opened.entries.length, 2, 'both entries');
  },
  'device: the code, the handover opened as the account keys, the certificate and the claim (reproduced exactly)'() {
    const keys = {
      encryption: boxKeyPairFromSecret(b(device.encryptionSecretKey)),
      signing: signingKeyPairFromSeed(b(device.signingSeed)),
    };
    assertBytes(keys.encryption.publicKey, b(device.encryptionPublicKey), 'device encryption key');
    assertBytes(keys.signing.publicKey, b(device.signingPublicKey), 'device signing key');
    const publicKeys = { encryptionPublicKey: keys.encryption.publicKey, signingPublicKey: keys.signing.publicKey };
    assertEqual(deviceCode(publicKeys), device.code, 'code');
    const enrolmentId = id(device.enrolmentId);
    const handover = openDeviceKeys(b(device.sealedKeys), enrolmentId, keys);
    assertBytes(handover.userId, b(device.userId), 'user id');
    assertBytes(handover.officeId, b(device.officeId), 'office id');
    assertBytes(handover.keys.identity.seed, b(account.identitySeed), 'identity seed');
    assertBytes(handover.keys.encryption.secretKey, b(account.encryptionSecretKey), 'encryption secret key');
    assertBytes(handover.keys.personalKey, b(account.personalKey), 'personal key');
    const certificate = verifyDeviceCertificate(b(account.identityPublicKey), b(device.certificate.signed));
    assertEqual(certificate.name, device.certificate.name, 'name');
    assertEqual(certificate.scopes.join(','), device.certificate.scopes.join(','), 'scopes');
    assertBytes(
      signDeviceCertificate(handover.keys.identity, certificate),
      b(device.certificate.signed),
      'certificate reproduced',
    );
    verifyDeviceClaim(keys.signing.publicKey, enrolmentId, device.claim.time, b(device.claim.signature));
    assertBytes(
      signDeviceClaim(keys.signing, enrolmentId, device.claim.time),
      b(device.claim.signature),
      'claim reproduced',
    );
  },
  'device: the token at rest opens with its key for its user (the nonce is random, so it is opened, not reproduced)'() {
    const opened = openDeviceToken(
      b(device.tokenAtRest.keyEncryptionKey),
      id(device.userId),
      b(device.tokenAtRest.sealed),
    );
    assertEqual(opened, device.tokenAtRest.token, 'token');
  },
});
