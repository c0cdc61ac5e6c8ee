// Resumable uploads of ciphertext (docs/protocol.md, "Uploads"): create an upload with its
// declared size and a part size, send parts of that size as application/octet-stream (the
// last may be shorter), ask which parts arrived, complete. Parts are idempotent. The server
// never sees plaintext: what it receives is a content container (docs/protocol.md §4), whose
// length it checks.
import { z } from 'zod';
import { bytes, WireId, Time } from './common.js';

const KIB = 1024;
const MIB = 1024 * KIB;

/**
 * The part sizes a client may ask for: small ones for a slow link (a part should arrive
 * within seconds, so a failed one costs little to resend and progress moves), large ones for
 * a fast link (fewer requests and fsyncs).
 */
export const UPLOAD_PART_SIZES = [256 * KIB, 512 * KIB, 1 * MIB, 2 * MIB, 4 * MIB, 8 * MIB] as const;

/** The part size when the create request names none (8 MiB, the largest allowed). */
export const UPLOAD_PART_BYTES = 8 * MIB;

/** POST /api/v1/uploads */
export const UploadCreateRequest = z.object({
  /** The container's length in bytes (ciphertextLengthOf(plaintext length)). */
  size: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  /** Every part but the last is exactly this long: one of UPLOAD_PART_SIZES (default UPLOAD_PART_BYTES). */
  partSize: z
    .number()
    .int()
    .refine((value) => (UPLOAD_PART_SIZES as readonly number[]).includes(value))
    .optional(),
});
export type UploadCreateRequest = z.infer<typeof UploadCreateRequest>;
export const UploadCreateResponse = z.object({
  uploadId: WireId,
  /** The part size asked for (or the default): every part but the last is exactly this long. */
  partSize: z.number().int().positive(),
  partCount: z.number().int().positive(),
  /** An upload not completed (or completed but not used in a share) by then is removed. */
  expiresAt: Time,
});
export type UploadCreateResponse = z.infer<typeof UploadCreateResponse>;

// PUT /api/v1/uploads/:uploadId/parts/:index — body: the part's bytes (application/octet-stream),
// exactly partSize bytes, or the rest for the last part. 204 when stored (and fsynced); sending a
// part again replaces it. 413 when the body is longer than the part, 400 when shorter. A part
// has no time limit as a whole, only an idle one: the connection is closed when no byte of it
// arrives for a minute (docs/operations.md).

/** GET /api/v1/uploads/:uploadId: where to resume. */
export const UploadStatus = z.object({
  uploadId: WireId,
  size: z.number().int().positive(),
  partSize: z.number().int().positive(),
  partCount: z.number().int().positive(),
  /** Indices of the parts stored, ascending. */
  received: z.array(z.number().int().min(0)),
  completed: z.boolean(),
  expiresAt: Time,
});
export type UploadStatus = z.infer<typeof UploadStatus>;

/** POST /api/v1/uploads/:uploadId/complete (body `{}`): all parts present, size exact; the server hashes the container. */
export const UploadCompleteResponse = z.object({
  uploadId: WireId,
  /** BLAKE2b container hash (docs/protocol.md §4), as the server computed it; must equal the one the sender signs. */
  ciphertextHash: bytes(32),
});
export type UploadCompleteResponse = z.infer<typeof UploadCompleteResponse>;

// DELETE /api/v1/uploads/:uploadId: cancel; the parts are removed at once.
