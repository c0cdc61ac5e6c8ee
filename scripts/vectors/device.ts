// Enrolled devices (docs/protocol.md §30): a device's two pairs, its code, the member's keys of
// account.json sealed to it for an enrolment in the office of office.json, the certificate the
// member's identity key signs over it, and one claim. Made after the older families, so they
// keep their bytes; the command-line client's token at rest (§31) is drawn after every family.
import type { AccountContext } from './accounts.js';
import { c, flipBit, hex, negative, note, otherId, type VectorFiles } from './common.js';

export function deviceFamily(files: VectorFiles, a: AccountContext): void {
  const { userId, account, office } = a;
  const device = { encryption: c.newBoxKeyPair(), signing: c.newSigningKeyPair() };
  const publicKeys = c.devicePublicKeysOf(device);
  const enrolmentId = c.newId();
  const binding = { enrolmentId, userId, officeId: office.officeId };
  const certificate = {
    ...binding,
    deviceId: enrolmentId,
    name: 'Scanner PC',
    scopes: ['send', 'pull'] as const,
    ...publicKeys,
    issuedAt: 1790000000000,
  };
  const claimTime = 1790000060000;
  const sealedKeys = c.sealDeviceKeys(account, { ...binding, device: publicKeys });
  const signed = c.signDeviceCertificate(account.identity, certificate);
  const claimSignature = c.signDeviceClaim(device.signing, enrolmentId, claimTime);
  const opening = (sealed: Uint8Array, over: Record<string, Uint8Array> = {}) => ({
    sealed,
    enrolmentId,
    encryptionSecretKey: device.encryption.secretKey,
    signingSeed: device.signing.seed,
    ...over,
  });
  const other = { encryption: c.newBoxKeyPair(), signing: c.newSigningKeyPair() };
  files['device.json'] = {
    note,
    encryptionSecretKey: hex(device.encryption.secretKey),
    encryptionPublicKey: hex(device.encryption.publicKey),
    signingSeed: hex(device.signing.seed),
    signingPublicKey: hex(device.signing.publicKey),
    code: c.deviceCode(publicKeys),
    enrolmentId: hex(enrolmentId),
    userId: hex(userId),
    officeId: hex(office.officeId),
    sealedKeys: hex(sealedKeys),
    certificate: {
      name: certificate.name,
      scopes: [...certificate.scopes],
      issuedAt: certificate.issuedAt,
      signed: hex(signed),
    },
    claim: { time: claimTime, signature: hex(claimSignature) },
    negative: [
      negative(
        'handover for another enrolment',
        'openDeviceKeys',
        opening(sealedKeys, { enrolmentId: otherId(enrolmentId) }),
        'MismatchError',
        'the handover names the enrolment it was sealed for',
      ),
      negative(
        "another device's key",
        'openDeviceKeys',
        opening(sealedKeys, { encryptionSecretKey: other.encryption.secretKey }),
        'DecryptError',
        'only the device it was sealed to opens it',
      ),
      negative(
        'another signing key',
        'openDeviceKeys',
        opening(sealedKeys, { signingSeed: other.signing.seed }),
        'MismatchError',
        "the handover names both of the device's public keys",
      ),
      negative(
        'flipped ciphertext byte',
        'openDeviceKeys',
        opening(flipBit(sealedKeys, 80)),
        'DecryptError',
        'a sealed box is authenticated',
      ),
      negative(
        'certificate with a flipped signature bit',
        'verifyDeviceCertificate',
        { identityPublicKey: account.identity.publicKey, envelope: flipBit(signed, -1) },
        'SignatureError',
        "the member's identity key signed exactly these bytes",
      ),
      negative(
        'certificate checked with another identity key',
        'verifyDeviceCertificate',
        { identityPublicKey: other.signing.publicKey, envelope: signed },
        'SignatureError',
        "only the member's identity key vouches for the device",
      ),
      negative(
        'claim at another time',
        'verifyDeviceClaim',
        { signingPublicKey: device.signing.publicKey, enrolmentId, time: claimTime + 1, signature: claimSignature },
        'SignatureError',
        'the claim signs its time, so it cannot be moved',
      ),
    ],
  };
}

/**
 * §31: a device token sealed under a state file's key-encryption key, bound to device.json's
 * user. Added to device.json after every other family drew its values.
 */
export function deviceTokenFamily(files: VectorFiles, a: AccountContext): void {
  const { userId } = a;
  const file = files['device.json'] as Record<string, unknown>;
  const keyEncryptionKey = c.randomBytes(32);
  const token = c.toBase64Url(c.randomBytes(32));
  const sealed = c.sealDeviceToken(keyEncryptionKey, userId, token);
  const opening = (over: Record<string, Uint8Array> = {}) => ({ keyEncryptionKey, userId, sealed, ...over });
  file['tokenAtRest'] = { keyEncryptionKey: hex(keyEncryptionKey), token, sealed: hex(sealed) };
  (file['negative'] as unknown[]).push(
    negative(
      'token at rest for another user',
      'openDeviceToken',
      opening({ userId: otherId(userId) }),
      'DecryptError',
      'the sealed token names the user of the state file',
    ),
    negative(
      'token at rest under another key',
      'openDeviceToken',
      opening({ keyEncryptionKey: flipBit(keyEncryptionKey, 0) }),
      'DecryptError',
      'only the key-encryption key of the state file opens it',
    ),
    negative(
      'token at rest with a flipped ciphertext byte',
      'openDeviceToken',
      opening({ sealed: flipBit(sealed, 40) }),
      'DecryptError',
      'the sealed token is authenticated',
    ),
    negative(
      'token at rest as another kind of envelope',
      'openDeviceToken',
      opening({ sealed: c.concatBytes(sealed.subarray(0, 3), new Uint8Array([0x6d]), sealed.subarray(4)) }),
      'FormatError',
      'the envelope is a key-encryption-key kind (k)',
    ),
  );
}
