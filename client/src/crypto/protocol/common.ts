// Schemas and answer types that more than one area of the worker protocol uses (protocol.ts
// unions the areas): the session's office, an account's published keys, a member as the
// server lists them, a file to seal, where a download goes, and what an opened share shows.
//
// The page imports this module, so it imports only shared/wire (zod), never shared/crypto:
// that would put libsodium into the page's bundle. The limits below that repeat a rule of
// shared/crypto say so, and test/client/protocol-limits.test.ts holds them equal.
import { z } from 'zod';
import { WireId, KdfParams, Key32, Role, Signature, Email } from '../../../../shared/wire/common.js';
import { KeyBundle, SealedBox, SignedEnvelope } from '../../../../shared/wire/accounts.js';

/** A password as typed; Argon2id normalises it (NFC) in the worker. */
export const Password = z.string().min(1).max(4096);

/**
 * The office as the signed-in session names it: the key every certificate is checked against.
 * A member whose keys include sealed office keys also passes the office encryption key and the
 * signing key's statement about it (GET /api/v1/office/keys): the office keys open only when
 * both public keys inside are these (docs/protocol.md §9).
 */
export const OfficeRef = z.object({
  officeId: WireId,
  signingPublicKey: Key32,
  encryptionPublicKey: Key32.optional(),
  encryptionKeyStatement: SignedEnvelope.optional(),
});

/** An account's keys as the server publishes them to their owner. */
export const PublishedKeys = z.object({
  userId: WireId,
  kdf: KdfParams,
  passwordBundle: KeyBundle,
  identityPublicKey: Key32,
  encryptionPublicKey: Key32,
  certificate: SignedEnvelope.optional(),
  sealedOfficeKeys: SealedBox.optional(),
});

/** A member as the server lists them: the keys to check and certify. */
export const MemberKeys = z.object({
  userId: WireId,
  email: Email,
  role: Role,
  identityPublicKey: Key32,
  encryptionPublicKey: Key32,
  encryptionKeySignature: Signature,
});

/**
 * Files up to this size are decrypted into memory and saved from a Blob; larger ones are
 * streamed to disk (service worker or File System Access), or refused where the browser
 * cannot stream, never truncated (docs/threat-model.md, promise 6).
 */
export const BLOB_LIMIT_BYTES = 100 * 1024 * 1024;

/** The longest message a sender may add (it is sealed in the metadata, at most 8 KiB). */
export const MAX_MESSAGE_CHARACTERS = 2000;
/** Longest file name kept in the metadata (docs/protocol.md §5; shared/crypto MAX_NAME_LENGTH). */
export const MAX_FILE_NAME_CHARACTERS = 1024;
/** Longest media type kept in the metadata (shared/crypto MAX_TYPE_LENGTH). */
const MAX_FILE_TYPE_CHARACTERS = 255;

/** Longest label of a drop (shared/crypto MAX_DROP_LABEL_LENGTH: the worker checks it again). */
export const MAX_DROP_LABEL_CHARACTERS = 200;

/** A file of a share or a drop upload to seal: an upload in this worker, and what its metadata says. */
export const FileToSeal = z.object({
  fileId: WireId,
  name: z.string().min(1).max(MAX_FILE_NAME_CHARACTERS),
  type: z.string().max(MAX_FILE_TYPE_CHARACTERS),
  lastModified: z.number().int().min(0),
});

/** A file the page hands the worker to encrypt and upload. */
export const FileToUpload = z.custom<Blob>((value) => value instanceof Blob);

/** What the worker answers for an uploaded file; its key stays in the worker under `fileId`. */
export interface UploadedFileAnswer {
  readonly fileId: string;
  readonly uploadId: string;
  readonly size: number;
}

/** A pin check: the key's fingerprint, and how it compares with the pin. */
export interface KeyCheck {
  readonly fingerprint: string;
  /** `new`: never seen (pinned now, `envelope` to store); `same`; `changed`: stop until the user confirms. */
  readonly pin: 'new' | 'same' | 'changed';
  /**
   * For `changed` without a pin to compare (the pin index says so, protocol §20): `removed`, the
   * index lists a pin the server no longer has or has in another form; `rolledBack`, the index is
   * older than one this browser saw, or gone. The key itself may be the same as before.
   */
  readonly reason?: 'removed' | 'rolledBack';
  /** For `changed`: the fingerprint pinned before (absent when `removed`). */
  readonly pinnedFingerprint?: string;
  /** For `new`: the pin to store (PUT /api/v1/me/pins/…). */
  readonly envelope?: string;
}

export interface OpenedFile {
  readonly fileId: string;
  readonly name: string;
  readonly type: string;
  /** Plaintext bytes, from the signed metadata. */
  readonly size: number;
  readonly lastModified: number;
  /** The container's length as the server lists it (for the download's progress). */
  readonly containerSize: number;
}

export interface OpenedShare {
  readonly shareId: string;
  readonly files: readonly OpenedFile[];
  readonly message?: string;
  /** The sender's fingerprint, as certified by the office. */
  readonly senderFingerprint: string;
  /** Files the manifest names but the server did not list (or whose keys are gone). */
  readonly missingFiles: number;
}
