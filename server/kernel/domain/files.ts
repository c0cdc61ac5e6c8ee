// A stored file as shares and drops both keep it (migrations/0004_shares.sql,
// migrations/0005_drops.sql): the container's size and hash, its sealed metadata, its blob.
import type { Id } from '../../../shared/crypto/index.js';

export interface StoredFile {
  readonly fileId: Id;
  readonly position: number;
  readonly size: number;
  readonly ciphertextHash: Uint8Array;
  readonly sealedMetadata: Uint8Array;
  readonly blobId: Id;
}
