// Share manifests (docs/protocol.md §10): one per share, signed by the sender, naming
// every file (ciphertext hash, metadata hash, key commitment) and every recipient (with the
// identity fingerprint of the account key used, or a guest's link commitment). Recipients
// verify it, and the sender's certification, before they decrypt anything. The encoding is
// canonical: files and recipients sorted by id, no duplicates, so one manifest has exactly one
// byte string. Format 3 (tag coffer/v3/share-manifest) is what new shares are signed with: its
// guest entries commit to the access code only through its Argon2id key. Format 2 (commitment
// over the raw code) and format 1 (guest entries empty) stay readable for shares made before.
import { bytesEqual, compareBytes, wipe } from './bytes.js';
import { encodeFields, FieldReader, decodeFields, type Field } from './encoding.js';
import { FormatError, MismatchError } from './errors.js';
import { asId, ID_BYTES } from './ids.js';
import { HASH_BYTES, hashFields, KEY_BYTES } from './primitives.js';
import { openSigned, peekSignedBody, signBody } from './signed.js';
import { TAG } from './tags.js';
import type { Id, SignedEnvelope, SigningKeyPair } from './types.js';
import { linkCommitment, linkCommitmentV2, stretchAccessCode, type LinkProof } from './wrap.js';

const MAX_MANIFEST_FILES = 1000;
const MAX_MANIFEST_RECIPIENTS = 500;

/** What a signed manifest or a MAC'd drop upload says about one file. */
export interface FileEntry {
  readonly fileId: Id;
  readonly ciphertextHash: Uint8Array;
  readonly metadataHash: Uint8Array;
  readonly keyCommitment: Uint8Array;
}

export type RecipientEntry =
  | { readonly kind: 'account'; readonly recipientId: Id; readonly identityFingerprint: Uint8Array }
  /** `linkCommitment` (protocol §11) in format 3, `linkCommitmentV2` in format 2, absent in format 1. */
  | { readonly kind: 'guest'; readonly recipientId: Id; readonly linkCommitment?: Uint8Array };

/**
 * 1: guest entries carry nothing (shares made before link commitments); 2: each carries a link
 * commitment over the raw access code; 3: over the access code's Argon2id key (new shares).
 */
type ManifestFormat = 1 | 2 | 3;

const MANIFEST_TAG: Record<ManifestFormat, string> = {
  1: TAG.shareManifest,
  2: TAG.shareManifestV2,
  3: TAG.shareManifestV3,
};

export interface ShareManifest {
  readonly format: ManifestFormat;
  readonly shareId: Id;
  /** Starts at 1; increases with every change the sender signs (a recipient added, a file removed). */
  readonly version: number;
  readonly senderId: Id;
  readonly senderIdentityPublicKey: Uint8Array;
  readonly files: readonly FileEntry[];
  readonly recipients: readonly RecipientEntry[];
}

function sortedById<T>(items: readonly T[], id: (item: T) => Uint8Array): T[] {
  const sorted = [...items].sort((a, b) => compareBytes(id(a), id(b)));
  for (let i = 1; i < sorted.length; i++) {
    if (compareBytes(id(sorted[i - 1] as T), id(sorted[i] as T)) === 0) throw new FormatError('duplicate id');
  }
  return sorted;
}

export function encodeFileEntries(files: readonly FileEntry[]): Field[] {
  if (files.length === 0 || files.length > MAX_MANIFEST_FILES) throw new FormatError('file count out of range');
  return sortedById(files, (file) => file.fileId).map((file) => {
    if (
      file.fileId.length !== ID_BYTES ||
      file.ciphertextHash.length !== HASH_BYTES ||
      file.metadataHash.length !== HASH_BYTES ||
      file.keyCommitment.length !== HASH_BYTES
    ) {
      throw new FormatError('wrong file entry length');
    }
    return [file.fileId, file.ciphertextHash, file.metadataHash, file.keyCommitment];
  });
}

/** Parses a list of file entries; they must already be in canonical order. */
export function decodeFileEntries(list: readonly Uint8Array[]): FileEntry[] {
  const files = list.map((bytes) => {
    const fields = decodeFields(bytes);
    const [fileId, ciphertextHash, metadataHash, keyCommitment] = fields;
    if (
      fields.length !== 4 ||
      fileId?.length !== ID_BYTES ||
      ciphertextHash?.length !== HASH_BYTES ||
      metadataHash?.length !== HASH_BYTES ||
      keyCommitment?.length !== HASH_BYTES
    ) {
      throw new FormatError('malformed file entry');
    }
    return { fileId: asId(fileId), ciphertextHash, metadataHash, keyCommitment };
  });
  requireCanonical(files.map((file) => file.fileId));
  if (files.length === 0 || files.length > MAX_MANIFEST_FILES) throw new FormatError('file count out of range');
  return files;
}

function requireCanonical(ids: readonly Uint8Array[]): void {
  for (let i = 1; i < ids.length; i++) {
    if (compareBytes(ids[i - 1] as Uint8Array, ids[i] as Uint8Array) >= 0)
      throw new FormatError('entries out of canonical order');
  }
}

function encodeRecipients(recipients: readonly RecipientEntry[], format: ManifestFormat): Field[] {
  if (recipients.length === 0 || recipients.length > MAX_MANIFEST_RECIPIENTS)
    throw new FormatError('recipient count out of range');
  return sortedById(recipients, (r) => r.recipientId).map((r) => {
    if (r.recipientId.length !== ID_BYTES) throw new FormatError('wrong recipient id length');
    if (r.kind === 'account') {
      if (r.identityFingerprint.length !== HASH_BYTES) throw new FormatError('wrong fingerprint length');
      return ['account', r.recipientId, r.identityFingerprint];
    }
    const commitment = r.linkCommitment ?? new Uint8Array(0);
    if (commitment.length !== (format === 1 ? 0 : HASH_BYTES)) throw new FormatError('wrong link commitment length');
    return ['guest', r.recipientId, commitment];
  });
}

function decodeRecipients(list: readonly Uint8Array[], format: ManifestFormat): RecipientEntry[] {
  const recipients = list.map((bytes): RecipientEntry => {
    const fields = decodeFields(bytes);
    const [kindBytes, recipientId, fingerprint] = fields;
    if (
      fields.length !== 3 ||
      recipientId?.length !== ID_BYTES ||
      kindBytes === undefined ||
      fingerprint === undefined
    ) {
      throw new FormatError('malformed recipient entry');
    }
    const kind = String.fromCharCode(...kindBytes);
    if (kind === 'account' && fingerprint.length === HASH_BYTES) {
      return { kind, recipientId: asId(recipientId), identityFingerprint: fingerprint };
    }
    if (kind === 'guest' && format === 1 && fingerprint.length === 0) return { kind, recipientId: asId(recipientId) };
    if (kind === 'guest' && format !== 1 && fingerprint.length === HASH_BYTES)
      return { kind, recipientId: asId(recipientId), linkCommitment: fingerprint };
    throw new FormatError('malformed recipient entry');
  });
  requireCanonical(recipients.map((r) => r.recipientId));
  if (recipients.length === 0 || recipients.length > MAX_MANIFEST_RECIPIENTS)
    throw new FormatError('recipient count out of range');
  return recipients;
}

/** The canonical manifest body (the bytes that are signed and hashed). */
export function encodeManifest(manifest: ShareManifest): Uint8Array {
  if (!Number.isSafeInteger(manifest.version) || manifest.version < 1)
    throw new FormatError('manifest version must be at least 1');
  if (!(manifest.format in MANIFEST_TAG)) throw new FormatError('unknown manifest format');
  return encodeFields([
    MANIFEST_TAG[manifest.format],
    manifest.shareId,
    manifest.version,
    manifest.senderId,
    manifest.senderIdentityPublicKey,
    encodeFileEntries(manifest.files),
    encodeRecipients(manifest.recipients, manifest.format),
  ]);
}

/** The format a manifest body's tag names; any other tag is refused. */
function formatOf(body: Uint8Array): ManifestFormat {
  const tagField = decodeFields(body)[0];
  const tag = tagField === undefined ? '' : String.fromCharCode(...tagField);
  const format = ([3, 2, 1] as const).find((candidate) => MANIFEST_TAG[candidate] === tag);
  if (format === undefined) throw new FormatError('wrong purpose tag');
  return format;
}

export function decodeManifest(body: Uint8Array): ShareManifest {
  const format = formatOf(body);
  const reader = new FieldReader(body, MANIFEST_TAG[format], 7);
  const manifest: ShareManifest = {
    format,
    shareId: asId(reader.bytes(ID_BYTES)),
    version: reader.number(),
    senderId: asId(reader.bytes(ID_BYTES)),
    senderIdentityPublicKey: reader.bytes(KEY_BYTES),
    files: decodeFileEntries(reader.list()),
    recipients: decodeRecipients(reader.list(), format),
  };
  if (manifest.version < 1) throw new FormatError('manifest version must be at least 1');
  return manifest;
}

export function signManifest(manifest: ShareManifest, sender: SigningKeyPair): SignedEnvelope {
  if (!bytesEqual(manifest.senderIdentityPublicKey, sender.publicKey))
    throw new MismatchError('manifest names another sender key');
  return signBody(encodeManifest(manifest), sender.secretKey);
}

/** Binds guest key wraps to one exact manifest. */
export function manifestHash(body: Uint8Array): Uint8Array {
  return hashFields([TAG.manifestHash, body]);
}

/** The sender a manifest claims, before verifying it (to look up that sender's certificate). */
export function claimedSender(envelope: Uint8Array): { senderId: Id; senderIdentityPublicKey: Uint8Array } {
  const manifest = decodeManifest(peekSignedBody(envelope));
  return { senderId: manifest.senderId, senderIdentityPublicKey: manifest.senderIdentityPublicKey };
}

export interface VerifiedManifest {
  readonly manifest: ShareManifest;
  readonly manifestHash: Uint8Array;
}

/**
 * Verifies a manifest against the sender's identity key (taken from a certificate the caller
 * has verified against the office key) and the share it is expected to describe.
 */
export function verifyManifest(
  envelope: Uint8Array,
  expected: {
    readonly shareId: Id;
    readonly senderId: Id;
    readonly senderIdentityPublicKey: Uint8Array;
    readonly minimumVersion?: number;
  },
): VerifiedManifest {
  const body = openSigned(envelope, expected.senderIdentityPublicKey);
  const manifest = decodeManifest(body);
  if (!bytesEqual(manifest.shareId, expected.shareId)) throw new MismatchError('manifest is for another share');
  if (
    !bytesEqual(manifest.senderId, expected.senderId) ||
    !bytesEqual(manifest.senderIdentityPublicKey, expected.senderIdentityPublicKey)
  ) {
    throw new MismatchError('manifest names another sender');
  }
  if (expected.minimumVersion !== undefined && manifest.version < expected.minimumVersion)
    throw new MismatchError('manifest is older than one already seen');
  return { manifest, manifestHash: manifestHash(body) };
}

export function findFile(manifest: { readonly files: readonly FileEntry[] }, fileId: Id): FileEntry {
  const entry = manifest.files.find((file) => bytesEqual(file.fileId, fileId));
  if (entry === undefined) throw new MismatchError('file is not in the manifest');
  return entry;
}

/** A guest's own entry in a verified manifest (protocol §10 step 4): of kind guest, or refused. */
export function guestEntry(
  manifest: { readonly recipients: readonly RecipientEntry[] },
  recipientId: Id,
): Extract<RecipientEntry, { kind: 'guest' }> {
  const entry = manifest.recipients.find((r) => bytesEqual(r.recipientId, recipientId));
  if (entry?.kind !== 'guest') throw new MismatchError('no guest entry for this recipient');
  return entry;
}

/**
 * Checks a guest's link secret and access code against the link commitment of its entry in a
 * verified format-2 or format-3 manifest (protocol §11, §21 step 8, §22): the guest with the S
 * of its link and the code it typed, the sender or the office with the S it opened from its
 * sealed copy. Format 3 commits to the stretched code: without `accessCodeKey`, this runs
 * `stretchAccessCode` once (one Argon2id run).
 */
export function checkLinkCommitment(
  verified: { readonly manifest: ShareManifest },
  binding: { readonly shareId: Id; readonly recipientId: Id },
  proof: LinkProof,
): void {
  const { manifest } = verified;
  if (manifest.format === 1) throw new MismatchError('the manifest has no link commitments');
  if (!bytesEqual(manifest.shareId, binding.shareId)) throw new MismatchError('manifest is for another share');
  if (proof.accessCodeKey !== undefined && proof.accessCode === undefined)
    throw new FormatError('an access code key without its access code');
  const entry = guestEntry(manifest, binding.recipientId);
  let expected: Uint8Array;
  if (manifest.format === 2) expected = linkCommitmentV2(binding, proof);
  else if (proof.accessCode === undefined || proof.accessCodeKey !== undefined)
    expected = linkCommitment(binding, proof.linkSecret, proof.accessCodeKey);
  else {
    const accessCodeKey = stretchAccessCode(proof.accessCode, binding.shareId, binding.recipientId);
    expected = linkCommitment(binding, proof.linkSecret, accessCodeKey);
    wipe(accessCodeKey);
  }
  if (entry.linkCommitment === undefined || !bytesEqual(entry.linkCommitment, expected))
    throw new MismatchError('link commitment differs');
}
