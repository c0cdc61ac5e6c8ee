// Envelopes made from raw parts, for negative cases whose bytes are authentic but whose content
// a reader must refuse (JSON a writer would never emit, a label with a control character, a
// manifest out of canonical order): the public writers refuse to make these.
import { sodium } from '../../shared/crypto/sodium.js';
import { c } from './common.js';

const MAGIC = [0x43, 0x46, 0x01];

function header(kind: number): Uint8Array {
  return new Uint8Array([...MAGIC, kind]);
}

/** Kind b: crypto_box_seal of enc(fields) to `publicKey`. */
export function sealRaw(fields: readonly c.Field[], publicKey: Uint8Array): Uint8Array {
  return c.concatBytes(header(c.KIND.sealed), sodium().crypto_box_seal(c.encodeFields(fields), publicKey));
}

/** Kind m: `padded` sealed under the file key's metadata key, exactly as sealMetadata does after padding. */
export function sealMetadataBytes(fileKey: Uint8Array, fileId: Uint8Array, padded: Uint8Array): Uint8Array {
  const h = header(c.KIND.metadata);
  const key = c.deriveKey(fileKey, c.KDF_CONTEXT.file, c.SUBKEY.file.metadata);
  const nonce = c.randomBytes(24);
  const ad = c.encodeFields([c.TAG.metadata, h, fileId]);
  return c.concatBytes(h, nonce, sodium().crypto_aead_xchacha20poly1305_ietf_encrypt(padded, ad, null, nonce, key));
}

/** Kind m over JSON text a writer would never emit, padded as a writer pads. */
export function sealMetadataText(fileKey: Uint8Array, fileId: Uint8Array, json: string): Uint8Array {
  return sealMetadataBytes(fileKey, fileId, sodium().pad(c.utf8(json), 256));
}

/**
 * A content container from explicit chunks: each plaintext with its secretstream tag
 * (0 MESSAGE, 1 PUSH, 3 FINAL), so a case can break the rules of docs/protocol.md §4 step 4.
 */
export function containerFromChunks(
  fileKey: Uint8Array,
  fileId: Uint8Array,
  chunks: readonly { plaintext: Uint8Array; tag: number }[],
): Uint8Array {
  const s = sodium();
  const { state, header: streamHeader } = s.crypto_secretstream_xchacha20poly1305_init_push(
    c.contentKey(fileKey as c.FileKey),
  );
  const prefix = c.concatBytes(header(c.KIND.content), new Uint8Array([16]), streamHeader);
  const ad = c.encodeFields([c.TAG.contentChunk, prefix, fileId]);
  const parts = chunks.map((chunk) =>
    s.crypto_secretstream_xchacha20poly1305_push(state, chunk.plaintext, ad, chunk.tag),
  );
  return c.concatBytes(prefix, ...parts);
}
