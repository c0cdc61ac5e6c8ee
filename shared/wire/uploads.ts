// Resumable uploads of ciphertext: create an upload with its declared size, send
// parts of a fixed size as application/octet-stream (the last may be shorter), ask which
// parts arrived, complete. Parts are idempotent. The server never sees plaintext: what it
// receives is a content container (docs/protocol.md §4), whose length it checks.
import { z } from 'zod';
import { bytes, WireId, Time } from './common.js';

/** Every part but the last is exactly this long (8 MiB): large enough to keep two requests in flight busy, small enough to resend. */
export const UPLOAD_PART_BYTES = 8 * 1024 * 1024;

/** POST /api/v1/uploads */
export const UploadCreateRequest = z.object({
  /** The container's length in bytes (ciphertextLengthOf(plaintext length)). */
  size: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
});
export const UploadCreateResponse = z.object({
  uploadId: WireId,
  partSize: z.number().int().positive(),
  partCount: z.number().int().positive(),
  /** An upload not completed (or completed but not used in a share) by then is removed. */
  expiresAt: Time,
});
export type UploadCreateResponse = z.infer<typeof UploadCreateResponse>;

// PUT /api/v1/uploads/:uploadId/parts/:index — body: the part's bytes (application/octet-stream),
// exactly partSize bytes, or the rest for the last part. 204 when stored (and fsynced); sending a
// part again replaces it. 413 when the body is longer than the part, 400 when shorter.

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
  /** BLAKE2b container hash (protocol §4), as the server computed it; must equal the one the sender signs. */
  ciphertextHash: bytes(32),
});
export type UploadCompleteResponse = z.infer<typeof UploadCompleteResponse>;

// DELETE /api/v1/uploads/:uploadId: cancel; the parts are removed at once.
