// Enrolled devices (docs/protocol.md "Devices"): a machine of the office (a scanner PC, the
// payroll server) that acts for one user through the command-line client.
//
// - The device makes an X25519 pair (it receives the handover) and an Ed25519 pair (it signs
//   its claim). Its code, shown to the user and typed into the user's browser, is a hash of
//   both public keys: the browser recomputes it from the keys the server hands out and approves
//   only the enrolment whose keys give the typed code, so a server that swaps the device's keys
//   for its own cannot be approved.
// - The handover is the user's account secret keys sealed to the device's X25519 key, bound to
//   the enrolment, the user, the office and both device keys. crypto_box_seal is anonymous, so
//   the device checks what it opened against the office: the public keys derived from the
//   handover must be the ones the office certified for that user (checkHandover).
// - The certificate is the user's identity key's signature over the device: its id, name,
//   scopes and keys. The server keeps it; anyone holding the user's identity key can check
//   which devices the user let in.
// - The claim is the device's signature over the enrolment id and a time in milliseconds; the
//   server accepts a time close to its own and later than any claim it accepted before, so a
//   copied claim cannot be replayed.
import { bytesEqual, fromUtf8, randomBytes, utf8, wipe } from './bytes.js';
import { toBase32, normalizeBase32 } from './base32.js';
import { encodeFields, FieldReader } from './encoding.js';
import { envelopeHeader, joinAead, KIND, NONCE_BYTES, splitAead } from './envelope.js';
import { FormatError, MismatchError } from './errors.js';
import { boxKeyPairFromSecret, signingKeyPairFromSeed, type AccountKeys } from './account.js';
import { asId, ID_BYTES } from './ids.js';
import { verifyMemberCertificate, type MemberCertificate } from './office.js';
import { aeadDecrypt, aeadEncrypt, hashFields, KEY_BYTES, sign, verifySignature } from './primitives.js';
import { openSealedFields, sealFields } from './sealed.js';
import { openSigned, signBody } from './signed.js';
import { TAG } from './tags.js';
import type { BoxKeyPair, Id, SealedBox, SignedEnvelope, SigningKeyPair } from './types.js';
import { DEVICE_SCOPES } from '../wire/patterns.js';

export type DeviceScope = (typeof DEVICE_SCOPES)[number];

/** The device's own two pairs; they never leave it. */
export interface DeviceKeys {
  readonly encryption: BoxKeyPair;
  readonly signing: SigningKeyPair;
}

export interface DevicePublicKeys {
  readonly encryptionPublicKey: Uint8Array;
  readonly signingPublicKey: Uint8Array;
}

/** Characters of a device code (50 bits), shown in two groups of five. */
const DEVICE_CODE_CHARACTERS = 10;

/**
 * Sealed handover length: header (4) + crypto_box_seal overhead (48) + enc(tag, enrolment id,
 * user id, office id, two device keys, identity seed, encryption secret key, personal key).
 */
export const SEALED_DEVICE_KEYS_BYTES = 4 + 48 + 9 * 4 + TAG.deviceKeys.length + 3 * ID_BYTES + 5 * KEY_BYTES;

/** How far a claim's time may be from the server's clock, either way. */
export const DEVICE_CLAIM_WINDOW_MS = 2 * 60 * 1000;

export function devicePublicKeysOf(device: DeviceKeys): DevicePublicKeys {
  return { encryptionPublicKey: device.encryption.publicKey, signingPublicKey: device.signing.publicKey };
}

/** The code a person reads off the device and types in the browser: "ABCDE-FGHJK". */
export function deviceCode(keys: DevicePublicKeys): string {
  const digest = hashFields([TAG.deviceCode, keys.encryptionPublicKey, keys.signingPublicKey]);
  const text = toBase32(digest.subarray(0, 7)).slice(0, DEVICE_CODE_CHARACTERS);
  return `${text.slice(0, 5)}-${text.slice(5)}`;
}

/**
 * A typed code in the shown form, forgiving case, spaces, hyphens and look-alikes (O→0, I/L→1);
 * null if it cannot be a device code.
 */
export function normalizeDeviceCode(typed: string): string | null {
  let cleaned: string;
  try {
    cleaned = normalizeBase32(typed);
  } catch {
    return null;
  }
  if (cleaned.length !== DEVICE_CODE_CHARACTERS) return null;
  return `${cleaned.slice(0, 5)}-${cleaned.slice(5)}`;
}

/** True if the keys give exactly the code the person typed. */
export function deviceCodeMatches(keys: DevicePublicKeys, typed: string): boolean {
  const normalized = normalizeDeviceCode(typed);
  return normalized !== null && normalized === deviceCode(keys);
}

/** What the handover is bound to. */
export interface DeviceHandoverBinding {
  readonly enrolmentId: Id;
  readonly userId: Id;
  readonly officeId: Id;
  readonly device: DevicePublicKeys;
}

/** Seals the user's account secret keys to the device (in the approving user's browser). */
export function sealDeviceKeys(account: AccountKeys, binding: DeviceHandoverBinding): SealedBox {
  return sealFields(
    [
      TAG.deviceKeys,
      binding.enrolmentId,
      binding.userId,
      binding.officeId,
      binding.device.encryptionPublicKey,
      binding.device.signingPublicKey,
      account.identity.seed,
      account.encryption.secretKey,
      account.personalKey,
    ],
    binding.device.encryptionPublicKey,
  );
}

export interface DeviceHandover {
  readonly userId: Id;
  readonly officeId: Id;
  readonly keys: AccountKeys;
}

/**
 * Opens the handover on the device. It must name this enrolment and both of this device's
 * public keys (a handover made for another enrolment or device is refused). What it opens is
 * not yet trusted: see checkHandover.
 */
export function openDeviceKeys(sealed: Uint8Array, enrolmentId: Id, device: DeviceKeys): DeviceHandover {
  const reader = openSealedFields(sealed, device.encryption, TAG.deviceKeys, 9);
  const boundEnrolment = reader.bytes(ID_BYTES);
  const userId = asId(reader.bytes(ID_BYTES).slice());
  const officeId = asId(reader.bytes(ID_BYTES).slice());
  const boundEncryption = reader.bytes(KEY_BYTES);
  const boundSigning = reader.bytes(KEY_BYTES);
  if (
    !bytesEqual(boundEnrolment, enrolmentId) ||
    !bytesEqual(boundEncryption, device.encryption.publicKey) ||
    !bytesEqual(boundSigning, device.signing.publicKey)
  ) {
    throw new MismatchError('device keys sealed for another enrolment or device');
  }
  const keys: AccountKeys = {
    identity: signingKeyPairFromSeed(reader.bytes(KEY_BYTES)),
    encryption: boxKeyPairFromSecret(reader.bytes(KEY_BYTES)),
    personalKey: reader.bytes(KEY_BYTES).slice(),
  };
  return { userId, officeId, keys };
}

/**
 * The device's trust decision: the office whose signing key the person pinned (by the
 * fingerprint in the address they copied from the Security page) certified this user with
 * exactly the public keys of the handed-over secrets (the member certificate the device reads
 * from GET /api/v1/me/keys). A handover the server sealed itself (its own keys, or another
 * user's certificate) fails here, and its secrets are wiped.
 */
export function checkHandover(
  handover: DeviceHandover,
  officeSigningPublicKey: Uint8Array,
  memberCertificate: Uint8Array,
): MemberCertificate {
  const refuse = (error: Error): never => {
    wipe(handover.keys.identity.secretKey);
    wipe(handover.keys.identity.seed);
    wipe(handover.keys.encryption.secretKey);
    wipe(handover.keys.personalKey);
    throw error;
  };
  let certified: MemberCertificate;
  try {
    certified = verifyMemberCertificate(officeSigningPublicKey, memberCertificate);
  } catch (error) {
    return refuse(error as Error);
  }
  const sameHolder = bytesEqual(certified.officeId, handover.officeId) && bytesEqual(certified.userId, handover.userId);
  const sameIdentity = bytesEqual(certified.identityPublicKey, handover.keys.identity.publicKey);
  const sameEncryption = bytesEqual(certified.encryptionPublicKey, handover.keys.encryption.publicKey);
  if (!sameHolder || !sameIdentity || !sameEncryption) {
    refuse(new MismatchError('handed-over keys are not the ones the office certified for this user'));
  }
  return certified;
}

export interface DeviceCertificate {
  readonly officeId: Id;
  readonly userId: Id;
  /** The device's id is its enrolment's id. */
  readonly deviceId: Id;
  /** The name at enrolment (renaming changes only the server's label). */
  readonly name: string;
  readonly scopes: readonly DeviceScope[];
  readonly encryptionPublicKey: Uint8Array;
  readonly signingPublicKey: Uint8Array;
  /** Milliseconds since 1970 UTC. */
  readonly issuedAt: number;
}

/** Scopes in the one order of DEVICE_SCOPES, each once; refuses an empty or unknown set. */
export function canonicalScopes(scopes: readonly string[]): DeviceScope[] {
  const chosen = DEVICE_SCOPES.filter((scope) => scopes.includes(scope));
  if (chosen.length === 0 || chosen.length !== new Set(scopes).size) throw new FormatError('unknown or empty scopes');
  return chosen;
}

/** The user's identity key vouches for the device (in the approving user's browser). */
export function signDeviceCertificate(identity: SigningKeyPair, certificate: DeviceCertificate): SignedEnvelope {
  return signBody(
    encodeFields([
      TAG.deviceCertificate,
      certificate.officeId,
      certificate.userId,
      certificate.deviceId,
      certificate.name,
      canonicalScopes(certificate.scopes),
      certificate.encryptionPublicKey,
      certificate.signingPublicKey,
      certificate.issuedAt,
    ]),
    identity.secretKey,
  );
}

export function verifyDeviceCertificate(identityPublicKey: Uint8Array, envelope: Uint8Array): DeviceCertificate {
  const reader = new FieldReader(openSigned(envelope, identityPublicKey), TAG.deviceCertificate, 9);
  return {
    officeId: asId(reader.bytes(ID_BYTES).slice()),
    userId: asId(reader.bytes(ID_BYTES).slice()),
    deviceId: asId(reader.bytes(ID_BYTES).slice()),
    name: reader.text(),
    scopes: canonicalScopes(reader.list().map(fromUtf8)),
    encryptionPublicKey: reader.bytes(KEY_BYTES).slice(),
    signingPublicKey: reader.bytes(KEY_BYTES).slice(),
    issuedAt: reader.number(),
  };
}

function claimStatement(enrolmentId: Id, time: number): Uint8Array {
  return encodeFields([TAG.deviceClaim, enrolmentId, time]);
}

/** The device's proof for one claim poll: a signature over the enrolment id and the time. */
export function signDeviceClaim(signing: SigningKeyPair, enrolmentId: Id, time: number): Uint8Array {
  return sign(claimStatement(enrolmentId, time), signing.secretKey);
}

/** On the server: the signature is the enrolling device's (its time window is the server's rule). */
export function verifyDeviceClaim(
  signingPublicKey: Uint8Array,
  enrolmentId: Id,
  time: number,
  signature: Uint8Array,
): void {
  verifySignature(signature, claimStatement(enrolmentId, time), signingPublicKey);
}

/**
 * The device's bearer token at rest (docs/protocol.md §31): sealed under the same key-encryption
 * key as the account keys in the client's state file, so the file alone lets nobody call the
 * server as the device. The additional data names the user the file is for.
 */
export function sealDeviceToken(keyEncryptionKey: Uint8Array, userId: Id, token: string): Uint8Array {
  const nonce = randomBytes(NONCE_BYTES);
  const plaintext = utf8(token);
  const ciphertext = aeadEncrypt(keyEncryptionKey, nonce, plaintext, tokenAd(envelopeHeader(KIND.keyBundle), userId));
  wipe(plaintext);
  return joinAead(KIND.keyBundle, nonce, ciphertext);
}

/** Opens a sealed device token: the same key-encryption key and user, or a DecryptError. */
export function openDeviceToken(keyEncryptionKey: Uint8Array, userId: Id, sealed: Uint8Array): string {
  const { header, nonce, ciphertext } = splitAead(sealed, KIND.keyBundle);
  const plaintext = aeadDecrypt(keyEncryptionKey, nonce, ciphertext, tokenAd(header, userId));
  try {
    return fromUtf8(plaintext);
  } finally {
    wipe(plaintext);
  }
}

function tokenAd(header: Uint8Array, userId: Id): Uint8Array {
  return encodeFields([TAG.deviceTokenAtRest, header, userId]);
}
