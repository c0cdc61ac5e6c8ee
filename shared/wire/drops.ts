// Drops (docs/protocol.md §13): a link /d/<dropId>#<fingerprint>.<D> through which
// someone without an account (usually a client) uploads files for the office, encrypted in
// their browser to the drop's own key. The server stores opaque bytes: the drop's secrets and
// label sealed to the owner and the office, each file's key sealed to the drop key, sealed
// metadata, and the upload manifest the uploader's browser MAC'd with a key from D.
//
// Two sides:
// - the office (approved staff and admins, guard 'office'): create, list, open, close, unlock,
//   delete a drop or one upload, mark an upload rejected, download an upload's containers.
//   Every member holding the office key sees the office's drops (takeover, audited).
// - the link holder (public, /api/v1/d/:dropId): read what the page shows (changes nothing);
//   for a bound drop prove the address with an e-mail code, for an open drop just start (no
//   mail is ever sent for an open drop); either way get a grant for one upload session; upload
//   containers with the resumable protocol of shared/wire/uploads.ts; submit once.
//
// Answers: an unknown drop id, upload id or file id is 404. A closed or expired drop is 410
// `drop_closed` / `drop_expired` for link holders (the office still sees it and its uploads).
import { z } from 'zod';
import { bytes, bytesBetween, Email, Language, WireId, Key32, Signature, Time } from './common.js';
import { hasControlCharacter } from './patterns.js';
import { SignedEnvelope } from './accounts.js';
import { Grant, SealedMetadata } from './shares.js';

/** Files in one submission, at most. */
export const MAX_DROP_FILES = 100;
export const MAX_DROP_TITLE_LENGTH = 200;
export const MAX_DROP_INSTRUCTIONS_LENGTH = 2000;
/**
 * A personal drop (a standing drop for one client) may run this many days; any other drop at
 * most the office's `maxExpiryDays` (shared/wire/admin.ts), as shares do.
 */
export const PERSONAL_DROP_MAX_DAYS = 365;
/** An upload session (and its grant) lasts this long from its start; it submits once. */
export const DROP_SESSION_HOURS = 24;

/** The drop's secret key and D sealed to the owner or the office (kind b): 4 + 48 + 138 bytes. */
const SealedDropSecrets = bytes(190);
/** The label sealed to the owner or the office (kind b, protocol §13): 120 + 256·k bytes, k = 1, 2 or 3. */
export const SealedDropLabel = bytesBetween(376, 888);
/** A file key sealed to the drop key (kind b): 4 + 48 + 103 bytes. */
const SealedDropFileKey = bytes(155);
/**
 * The drop record (protocol §13, "Drop record"), signed by the member who made the drop: the drop
 * key, commitments to D and to the label, and the client for a personal drop. 249 bytes, 265
 * with a client id.
 */
export const DropRecordEnvelope = bytesBetween(249, 265);
/** The signer of a drop record, as a reader must check them: certificate chain against the office key. */
export const DropCreator = z.object({ userId: WireId, certificate: SignedEnvelope, encryptionKeySignature: Signature });
export type DropCreator = z.infer<typeof DropCreator>;
/** The upload manifest MAC'd with a key from D (kind a); about 132 bytes per file. */
const DropManifestEnvelope = bytesBetween(72, 32 * 1024);
/**
 * A portal upload's names record (protocol §13, "Names record"), sealed to the uploading client's
 * own key (kind b): 178 bytes + the names padded to 256-byte blocks, at most 100 names of 200
 * characters (shared/crypto/upload-names.ts, UPLOAD_NAMES_BYTES).
 */
export const UploadNamesRecord = bytesBetween(434, 62_386);

/** Shown to the uploader, and stored readable by the server (the form must say so). */
export const DropTitle = z
  .string()
  .trim()
  .min(1)
  .max(MAX_DROP_TITLE_LENGTH)
  .refine((text) => !hasControlCharacter(text), 'no control characters');
/** Shown to the uploader, stored readable; line breaks and tabs allowed. */
export const DropInstructions = z
  .string()
  .trim()
  .max(MAX_DROP_INSTRUCTIONS_LENGTH)
  .refine((text) => !hasControlCharacter(text, '\t\n'), 'no control characters but line breaks and tabs');

export const DropState = z.enum(['active', 'closed', 'expired']);
export type DropState = z.infer<typeof DropState>;

// ---- the office's side

/**
 * POST /api/v1/drops (guard 'office') → 201 DropCreateResponse. The browser makes the id, the
 * key pair and D (newDropKeys), seals the secrets (sealDropSecrets) and the label
 * (sealDropLabel) for the caller (holder = caller's user id) and the office (holder = office id).
 * 400 `invalid_input` for an expiry in the past or past the allowed maximum, a personal drop
 * without an address or single-use, a limit the office does not allow; 409 `already_exists`
 * for an id in use.
 */
export const DropCreateRequest = z.object({
  dropId: WireId,
  title: DropTitle,
  instructions: DropInstructions,
  /** Bind the drop to this address: the uploader proves it with an e-mail code first. Absent: an open drop, which never sends mail. */
  email: Email.optional(),
  /** A personal, long-lived drop for one client: needs `email`, is not single-use, may run PERSONAL_DROP_MAX_DAYS. */
  personal: z.boolean(),
  /** Closed by its first submission. */
  singleUse: z.boolean(),
  /** Files per submission. */
  maxFiles: z.number().int().min(1).max(MAX_DROP_FILES),
  /** Plaintext bytes per submission, all files together; at most the office's storage quota per member. */
  maxTotalBytes: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  expiresAt: Time,
  /** The drop's X25519 public key; its fingerprint goes into the link. */
  publicKey: Key32,
  secrets: z.object({ owner: SealedDropSecrets, office: SealedDropSecrets }),
  label: z.object({ owner: SealedDropLabel, office: SealedDropLabel }),
  /** signDropRecord by the caller's identity key. The server stores it as it is; every reader checks it (protocol §13). */
  record: DropRecordEnvelope,
});
export type DropCreateRequest = z.infer<typeof DropCreateRequest>;
export const DropCreateResponse = z.object({ dropId: WireId, expiresAt: Time });
export type DropCreateResponse = z.infer<typeof DropCreateResponse>;

export const DropSummary = z.object({
  dropId: WireId,
  ownerId: WireId,
  ownerName: z.string(),
  createdAt: Time,
  expiresAt: Time,
  state: DropState,
  personal: z.boolean(),
  singleUse: z.boolean(),
  title: z.string(),
  /** The bound address; null for an open drop. */
  email: z.string().nullable(),
  maxFiles: z.number().int(),
  maxTotalBytes: z.number().int(),
  /** Bound drops: when a code was last asked for and first confirmed (never "opened": a GET changes nothing). */
  codeRequestedAt: Time.nullable(),
  codeConfirmedAt: Time.nullable(),
  /** 10 wrong codes in all lock a bound drop until a member unlocks it. */
  locked: z.boolean(),
  /** The last code mail could not be delivered. */
  deliveryFailed: z.boolean(),
  uploadCount: z.number().int(),
  lastUploadAt: Time.nullable(),
  /**
   * The label sealed to the owner (holder = ownerId) and to the office (holder = office id): a
   * colleague opens the office copy with the office key. Null once an ended drop was swept.
   */
  label: z.object({ owner: SealedDropLabel, office: SealedDropLabel }).nullable(),
});
export type DropSummary = z.infer<typeof DropSummary>;

/**
 * One upload of a listed drop, as an inbox lists it: no file, name or key of it (those are on
 * the drop's page, GET /api/v1/drops/:dropId).
 */
export const DropUploadBrief = z.object({
  dropUploadId: WireId,
  dropId: WireId,
  receivedAt: Time,
  /** Set once the office's browser reported a failed MAC. */
  rejectedAt: Time.nullable(),
  fileCount: z.number().int(),
});
export type DropUploadBrief = z.infer<typeof DropUploadBrief>;

/**
 * GET /api/v1/drops?scope=mine|office (default mine): the caller's drops, or all of the office's,
 * and the uploads those drops received, newest first.
 */
export const DropList = z.object({ drops: z.array(DropSummary), uploads: z.array(DropUploadBrief) });
export type DropList = z.infer<typeof DropList>;

/** One file of a drop upload, as stored. */
const DropFileView = z.object({
  fileId: WireId,
  /** The container's length in bytes (plaintextLengthOf gives the file's own size). */
  size: z.number().int(),
  /** BLAKE2b container hash the server computed (protocol §4): compare with the manifest's. */
  ciphertextHash: bytes(32),
  sealedMetadata: SealedMetadata,
  /** The file key sealed to the drop key (openFileKeyForDrop). */
  sealedKey: SealedDropFileKey,
});

/** One submission. `dropUploadId` is the `uploadId` inside its manifest. */
export const DropUploadView = z.object({
  dropUploadId: WireId,
  receivedAt: Time,
  /** Set once the office's browser reported a failed MAC: show it rejected, never open it. */
  rejectedAt: Time.nullable(),
  /** A receipt was mailed to the bound address. */
  receiptMailed: z.boolean(),
  /** Verify with verifyDropUpload(manifest, D, { dropId, uploadId: dropUploadId }); receiptCode(manifest) is the uploader's code. */
  manifest: DropManifestEnvelope,
  files: z.array(DropFileView),
});
export type DropUploadView = z.infer<typeof DropUploadView>;

/**
 * GET /api/v1/drops/:dropId: everything a member's browser needs to show the link again (open
 * the secrets: D and the key whose fingerprint is in the link) and to open the uploads.
 * Opening a colleague's drop is audited as a takeover.
 */
export const DropDetail = DropSummary.extend({
  instructions: z.string(),
  publicKey: Key32,
  /** Null once an ended drop was swept. */
  secrets: z.object({ owner: SealedDropSecrets, office: SealedDropSecrets }).nullable(),
  /** The signed drop record; null for a drop made before records (shown as unverified). */
  record: DropRecordEnvelope.nullable(),
  /** The owner's certificate, to check the record's signer; null when the server has none. */
  creator: DropCreator.nullable(),
  /**
   * The certificate the creator held when the record was stored (protocol §13): after a reset of
   * the creator's keys, a record valid under it was made before the reset. Null for older drops.
   */
  recordCertificate: SignedEnvelope.nullable(),
  uploads: z.array(DropUploadView),
});
export type DropDetail = z.infer<typeof DropDetail>;

// POST /api/v1/drops/:dropId/close ({}) → 204: no more uploads; unsubmitted uploads are removed
//   at once. 410 drop_closed / drop_expired when it already ended.
// POST /api/v1/drops/:dropId/unlock ({}) → 204: clears a bound drop's lock; 409 wrong_state if not locked.
// DELETE /api/v1/drops/:dropId → 204: the drop, its uploads, blobs and keys, at once.
// DELETE /api/v1/drops/:dropId/uploads/:dropUploadId → 204: one upload, its blobs and keys.
// POST /api/v1/drops/:dropId/uploads/:dropUploadId/reject ({}) → 204: the office's browser found
//   the manifest MAC wrong; audited; its files are refused from then on (409 upload_rejected).
//   409 wrong_state if it was already rejected.
// GET /api/v1/drops/:dropId/uploads/:dropUploadId/files/:fileId → the container,
//   application/octet-stream, attachment, Range supported (as share downloads). A request that
//   starts at byte 0 is audited as a download; resumes are not.

// ---- the link holder's side: /d/<dropId>#<drop fingerprint>.<D>

/**
 * GET /api/v1/d/:dropId → what the upload page shows; changes nothing. The office's name and
 * logo come from GET /api/v1/office. The page must check `publicKey` against the link's
 * fingerprint (checkDropKey) before encrypting anything. 404 unknown, 410 closed or expired.
 */
export const DropPublicInfo = z.object({
  dropId: WireId,
  title: z.string(),
  instructions: z.string(),
  publicKey: Key32,
  /** True: prove the address with a code (POST …/code, …/verify). False: POST …/start; nothing is mailed. */
  bound: z.boolean(),
  /** The bound address, masked (a***@example.nl); absent for an open drop. */
  maskedEmail: z.string().optional(),
  /** Too many wrong codes: the office must unlock the drop. */
  locked: z.boolean(),
  /** The office unlocked the drop and no code was asked for since. */
  unlocked: z.boolean(),
  /** This browser is a trusted device for the bound address: POST …/trusted starts a session without a code. */
  trusted: z.boolean(),
  /** How long a right code may make this browser a trusted device, in days (0: not offered). */
  trustedDeviceDays: z.number().int().min(0),
  singleUse: z.boolean(),
  /** Per submission. */
  maxFiles: z.number().int(),
  /** Plaintext bytes per submission, all files together. */
  maxTotalBytes: z.number().int(),
  /** Plaintext bytes per file (the office's MAX_FILE_MIB). */
  maxFileBytes: z.number().int(),
  expiresAt: Time,
});
export type DropPublicInfo = z.infer<typeof DropPublicInfo>;

/** POST /api/v1/d/:dropId/code: the upload page's language, for the code mail (the office's language when left out). */
export const DropCodeRequest = z.object({ lang: Language.optional() }).strict();

// POST /api/v1/d/:dropId/code (DropCodeRequest) → CodeSentResponse (shared/wire/shares.ts): bound drops only
//   (409 wrong_state for an open drop). Mails a six-digit code to the bound address: valid 10
//   minutes, single use, 5 tries; at most 6 an hour (429); 10 wrong in all lock the drop (423
//   drop_locked) and the owner is mailed. 502 delivery_failed if the mail server refused it.
// POST /api/v1/d/:dropId/verify (CodeVerifyRequest: { code, remember? }) → DropGrantResponse; 401
//   invalid_credentials with `triesLeft` for a wrong code, 401 code_spent when the newest code
//   can no longer succeed (used, expired or out of tries). `remember` makes this browser a
//   trusted device for the bound address (cookie), as for a guest (shared/wire/shares.ts).
// POST /api/v1/d/:dropId/trusted ({}) with a trusted-device cookie for the bound address →
//   DropGrantResponse without a code; 401 device_not_trusted otherwise.
// POST /api/v1/d/:dropId/start ({}) → DropGrantResponse: open drops only (409 wrong_state for a
//   bound one). Rate limited per client address and per drop (429 with Retry-After).

/** A grant for one upload session: send it as `Authorization: Bearer <grant>` on every request below. */
export const DropGrantResponse = z.object({
  grant: Grant,
  expiresAt: Time,
  /** Present when this browser just became a trusted device for the bound address: until when. */
  trustedUntil: Time.optional(),
});
export type DropGrantResponse = z.infer<typeof DropGrantResponse>;

// With the grant (401 grant_invalid when missing, expired, for another drop, or already used
// for a submission; 410 when the drop ended meanwhile), exactly the protocol of
// shared/wire/uploads.ts under /api/v1/d/:dropId/uploads:
//   POST   /api/v1/d/:dropId/uploads                            UploadCreateRequest → 201 UploadCreateResponse
//   GET    /api/v1/d/:dropId/uploads/:uploadId                  → UploadStatus
//   PUT    /api/v1/d/:dropId/uploads/:uploadId/parts/:index     octet-stream → 204
//   POST   /api/v1/d/:dropId/uploads/:uploadId/complete         {} → UploadCompleteResponse
//   DELETE /api/v1/d/:dropId/uploads/:uploadId                  → 204
// Creating an upload is refused before any byte is stored when one more file would pass
// maxFiles (413 drop_too_many_files), when the declared sizes would pass maxTotalBytes (413
// drop_too_large), when the file passes maxFileBytes (413 quota_exceeded), or when the owner's
// storage is full (507 quota_exceeded). The declared size is enforced by the protocol itself.

/**
 * POST /api/v1/d/:dropId/submit (with the grant) → 201 DropSubmitResponse. The session's
 * completed uploads become the drop upload, atomically; the grant is used up. A single-use
 * drop closes. A bound drop mails its owner that something arrived (no names), and the
 * receipt to the proven address if asked. 404 for an upload id that is not this session's.
 */
export const DropSubmitRequest = z.object({
  /** The `uploadId` the manifest names (a new random id from the uploader's browser). */
  dropUploadId: WireId,
  /** authenticateDropUpload({ dropId, uploadId: dropUploadId, createdAt, files }, D). */
  manifest: DropManifestEnvelope,
  files: z
    .array(
      z.object({
        fileId: WireId,
        /** A completed upload of this session. */
        uploadId: WireId,
        sealedMetadata: SealedMetadata,
        /** sealFileKeyForDrop(FK, dropId, fileId, drop public key). */
        sealedKey: SealedDropFileKey,
      }),
    )
    .min(1)
    .max(MAX_DROP_FILES),
  /** Bound drops only (400 for an open one): mail the receipt (code, file sizes, time; no names) to the proven address. */
  receiptMail: z.boolean(),
  /** The upload page's language, for the receipt mail (the office's language when left out). */
  lang: Language.optional(),
  /**
   * Portal uploads only (400 through a drop link): the file names and sizes sealed to the client's
   * own key, returned only to that client in their upload history.
   */
  clientNames: UploadNamesRecord.optional(),
});
export type DropSubmitRequest = z.infer<typeof DropSubmitRequest>;
export const DropSubmitResponse = z.object({
  dropUploadId: WireId,
  receivedAt: Time,
  /** receiptCode(manifest) as the server computes it; each browser computes and shows its own. */
  receiptCode: z.string().regex(/^\d{4}-\d{4}-\d{4}$/),
  receiptMailed: z.boolean(),
});
export type DropSubmitResponse = z.infer<typeof DropSubmitResponse>;
