// Enrolled devices (docs/protocol.md "Devices"): the code the person types binds both device
// keys; the handover opens only on the device it was sealed for, for its enrolment, and is
// trusted only when the office certified its keys for the user; the certificate and the claim
// verify only with the key that made them and for what they name.
import {
  bytesEqual,
  canonicalScopes,
  certifyMember,
  checkHandover,
  DecryptError,
  deviceCode,
  deviceCodeMatches,
  devicePublicKeysOf,
  encodeFields,
  FormatError,
  MismatchError,
  newAccountKeys,
  newBoxKeyPair,
  newId,
  newOfficeKeys,
  newSigningKeyPair,
  normalizeDeviceCode,
  openDeviceKeys,
  openDeviceToken,
  randomBytes,
  sealDeviceToken,
  sealKeyBundle,
  toBase64Url,
  toHex,
  utf8,
  sealDeviceKeys,
  SEALED_DEVICE_KEYS_BYTES,
  signDeviceCertificate,
  signDeviceClaim,
  SignatureError,
  TAG,
  verifyDeviceCertificate,
  verifyDeviceClaim,
  type DeviceKeys,
} from '../../shared/crypto/index.js';
import { sodium } from '../../shared/crypto/sodium.js';
import { assert, assertEqual, assertThrows, defineSuite } from './harness.js';

function newDevice(): DeviceKeys {
  return { encryption: newBoxKeyPair(), signing: newSigningKeyPair() };
}

function made() {
  const office = newOfficeKeys(newId());
  const account = newAccountKeys();
  const userId = newId();
  const device = newDevice();
  const enrolmentId = newId();
  const binding = { enrolmentId, userId, officeId: office.officeId, device: devicePublicKeysOf(device) };
  const member = certifyMember(office, {
    version: 1,
    userId,
    email: 'anna@office.example',
    role: 'staff',
    identityPublicKey: account.identity.publicKey,
    encryptionPublicKey: account.encryption.publicKey,
    issuedAt: 1_700_000_000_000,
  });
  return { office, account, userId, device, enrolmentId, binding, member, sealed: sealDeviceKeys(account, binding) };
}

export const deviceCases = defineSuite('device', {
  'the code is ten base32 characters in two groups and follows both keys'() {
    const device = newDevice();
    const code = deviceCode(devicePublicKeysOf(device));
    assert(/^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/.test(code), `shape of ${code}`);
    assertEqual(deviceCode(devicePublicKeysOf(device)), code, 'deterministic');
    const otherEncryption = { ...devicePublicKeysOf(device), encryptionPublicKey: newBoxKeyPair().publicKey };
    const otherSigning = { ...devicePublicKeysOf(device), signingPublicKey: newSigningKeyPair().publicKey };
    assert(deviceCode(otherEncryption) !== code, 'another encryption key gives another code');
    assert(deviceCode(otherSigning) !== code, 'another signing key gives another code');
    const swapped = {
      encryptionPublicKey: device.signing.publicKey,
      signingPublicKey: device.encryption.publicKey,
    };
    assert(deviceCode(swapped) !== code, 'the keys are not interchangeable');
  },

  'a typed code matches in any case, spacing or look-alike, and nothing else does'() {
    const keys = devicePublicKeysOf(newDevice());
    const code = deviceCode(keys);
    assert(deviceCodeMatches(keys, code), 'as shown');
    assert(deviceCodeMatches(keys, code.toLowerCase().replace('-', ' ')), 'lower case with a space');
    assert(deviceCodeMatches(keys, code.replace('-', '').replace(/0/g, 'O').replace(/1/g, 'l')), 'look-alikes');
    assert(!deviceCodeMatches(keys, code.slice(0, -1)), 'one character short');
    assert(!deviceCodeMatches(keys, `${code}X`), 'one character more');
    assertEqual(normalizeDeviceCode('abc!!-12345'), null, 'not base32');
    const last = code.at(-1) === '0' ? '1' : '0';
    assert(!deviceCodeMatches(keys, code.slice(0, -1) + last), 'one character differs');
  },

  'the handover opens on its device, for its enrolment, with the account keys'() {
    const r = made();
    assertEqual(r.sealed.length, SEALED_DEVICE_KEYS_BYTES, 'sealed length');
    assertEqual(SEALED_DEVICE_KEYS_BYTES, 317, 'the length the wire schema and the protocol state');
    const handover = openDeviceKeys(r.sealed, r.enrolmentId, r.device);
    assert(bytesEqual(handover.userId, r.userId), 'user id');
    assert(bytesEqual(handover.officeId, r.office.officeId), 'office id');
    assert(bytesEqual(handover.keys.identity.publicKey, r.account.identity.publicKey), 'identity key');
    assert(bytesEqual(handover.keys.encryption.publicKey, r.account.encryption.publicKey), 'encryption key');
    assert(bytesEqual(handover.keys.personalKey, r.account.personalKey), 'personal key');
    const certified = checkHandover(handover, r.office.signing.publicKey, r.member);
    assertEqual(certified.email, 'anna@office.example', 'the certificate it checked against');
  },

  "another device's key cannot open it"() {
    const r = made();
    const other = newDevice();
    assertThrows(() => openDeviceKeys(r.sealed, r.enrolmentId, other), DecryptError, 'another device');
  },

  'a handover bound to another enrolment or another signing key is refused'() {
    const r = made();
    assertThrows(() => openDeviceKeys(r.sealed, newId(), r.device), MismatchError, 'another enrolment');
    // The same encryption pair with another signing key: the server swapped the key that claims.
    const swapped: DeviceKeys = { encryption: r.device.encryption, signing: newSigningKeyPair() };
    assertThrows(() => openDeviceKeys(r.sealed, r.enrolmentId, swapped), MismatchError, 'another signing key');
  },

  "a handover the server sealed with keys of its own fails the office's certificate"() {
    const r = made();
    // crypto_box_seal is anonymous: the server can seal any keys to the device's public key.
    const serverKeys = newAccountKeys();
    const forged = sealDeviceKeys(serverKeys, r.binding);
    const handover = openDeviceKeys(forged, r.enrolmentId, r.device);
    assertThrows(
      () => checkHandover(handover, r.office.signing.publicKey, r.member),
      MismatchError,
      "the server's keys under the user's certificate",
    );
    assert(
      handover.keys.identity.seed.every((byte) => byte === 0),
      'the refused secrets are wiped',
    );
    // Its own keys with a certificate of its own office: the pinned office key refuses it.
    const serverOffice = newOfficeKeys(r.office.officeId);
    const serverMember = certifyMember(serverOffice, {
      version: 1,
      userId: r.userId,
      email: 'anna@office.example',
      role: 'staff',
      identityPublicKey: serverKeys.identity.publicKey,
      encryptionPublicKey: serverKeys.encryption.publicKey,
      issuedAt: 1_700_000_000_000,
    });
    const again = openDeviceKeys(sealDeviceKeys(serverKeys, r.binding), r.enrolmentId, r.device);
    assertThrows(
      () => checkHandover(again, r.office.signing.publicKey, serverMember),
      SignatureError,
      "a certificate of the server's own office",
    );
    // The right certificate of another user of the same office: the handover names this user.
    const colleague = newAccountKeys();
    const colleagueId = newId();
    const colleagueCertificate = certifyMember(r.office, {
      version: 1,
      userId: colleagueId,
      email: 'bram@office.example',
      role: 'staff',
      identityPublicKey: colleague.identity.publicKey,
      encryptionPublicKey: colleague.encryption.publicKey,
      issuedAt: 1_700_000_000_000,
    });
    const colleagueHandover = openDeviceKeys(sealDeviceKeys(colleague, r.binding), r.enrolmentId, r.device);
    assertThrows(
      () => checkHandover(colleagueHandover, r.office.signing.publicKey, colleagueCertificate),
      MismatchError,
      "another user's keys and certificate under this user's id",
    );
  },

  'the certificate verifies with the user identity key and names the device'() {
    const r = made();
    const certificate = {
      officeId: r.office.officeId,
      userId: r.userId,
      deviceId: r.enrolmentId,
      name: 'Scanner PC',
      scopes: ['pull', 'send'] as const,
      encryptionPublicKey: r.device.encryption.publicKey,
      signingPublicKey: r.device.signing.publicKey,
      issuedAt: 1_700_000_000_000,
    };
    const envelope = signDeviceCertificate(r.account.identity, certificate);
    const verified = verifyDeviceCertificate(r.account.identity.publicKey, envelope);
    assertEqual(verified.name, 'Scanner PC', 'name');
    assertEqual(verified.scopes.join(','), 'send,pull', 'scopes in canonical order');
    assert(bytesEqual(verified.deviceId, r.enrolmentId), 'device id');
    assert(bytesEqual(verified.signingPublicKey, r.device.signing.publicKey), 'signing key');
    assertThrows(
      () => verifyDeviceCertificate(newSigningKeyPair().publicKey, envelope),
      SignatureError,
      'another identity key',
    );
    const flipped = envelope.slice();
    flipped[20] = (flipped[20] as number) ^ 1;
    assertThrows(() => verifyDeviceCertificate(r.account.identity.publicKey, flipped), SignatureError, 'flipped bit');
    assertThrows(() => canonicalScopes([]), FormatError, 'no scope');
    assertThrows(() => canonicalScopes(['send', 'admin']), FormatError, 'unknown scope');
  },

  'a claim verifies only for its enrolment, time and device'() {
    const device = newDevice();
    const enrolmentId = newId();
    const signature = signDeviceClaim(device.signing, enrolmentId, 1_700_000_000_000);
    verifyDeviceClaim(device.signing.publicKey, enrolmentId, 1_700_000_000_000, signature);
    assertThrows(
      () => verifyDeviceClaim(device.signing.publicKey, enrolmentId, 1_700_000_000_001, signature),
      SignatureError,
      'another time',
    );
    assertThrows(
      () => verifyDeviceClaim(device.signing.publicKey, newId(), 1_700_000_000_000, signature),
      SignatureError,
      'another enrolment',
    );
    assertThrows(
      () => verifyDeviceClaim(newSigningKeyPair().publicKey, enrolmentId, 1_700_000_000_000, signature),
      SignatureError,
      'another device',
    );
    // A claim signature is not a signature over anything else the key could be asked to sign.
    const statement = encodeFields([TAG.deviceClaim, enrolmentId, 1_700_000_000_000]);
    assert(sodium().crypto_sign_verify_detached(signature, statement, device.signing.publicKey), 'the stated bytes');
  },
  'the token at rest opens with its key for its user only, and never shows the token'() {
    const key = randomBytes(32);
    const userId = newId();
    const token = toBase64Url(randomBytes(32));
    const sealed = sealDeviceToken(key, userId, token);
    assertEqual(openDeviceToken(key, userId, sealed), token, 'opened');
    assert(!toHex(sealed).includes(toHex(utf8(token))), 'the token is not in the sealed bytes');
    assert(!bytesEqual(sealed, sealDeviceToken(key, userId, token)), 'a new nonce each time');
    assertThrows(() => openDeviceToken(key, newId(), sealed), DecryptError, 'another user');
    assertThrows(() => openDeviceToken(randomBytes(32), userId, sealed), DecryptError, 'another key');
    // A key bundle under the same key is not a token (the additional data differs).
    const bundle = sealKeyBundle(key, userId, newAccountKeys(), 'device');
    assertThrows(() => openDeviceToken(key, userId, bundle), DecryptError, 'a key bundle');
  },
});
