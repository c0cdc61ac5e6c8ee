// Coffer's crypto core, format v1. The whole public surface; docs/protocol.md describes
// every byte it reads and writes.
export { ready, libraryVersion } from './sodium.js';
export * from './errors.js';
export type * from './types.js';
export {
  concatBytes,
  bytesEqual,
  compareBytes,
  randomBytes,
  utf8,
  toBase64Url,
  fromBase64Url,
  toHex,
  fromHex,
  wipe,
} from './bytes.js';
export { encodeFields, decodeFields, FieldReader, tag, type Field } from './encoding.js';
export { TAG, KDF_CONTEXT, SUBKEY } from './tags.js';
export { KIND, CONTENT_CHUNK_BYTES, CONTENT_PREFIX_BYTES, checkLibraryConstants } from './envelope.js';
export { newId, idToWire, idFromWire, asId, asIdOrNull } from './ids.js';
export * from './content.js';
export * from './metadata.js';
export * from './filekey.js';
export * from './password.js';
export * from './account.js';
export * from './session-keep.js';
export * from './office.js';
export * from './manifest.js';
export * from './wrap.js';
export * from './drop.js';
export * from './client-link.js';
export * from './client-invitation.js';
export * from './contact-code.js';
export * from './drop-record.js';
export * from './device.js';
export * from './fingerprint.js';
export * from './pins.js';
export * from './links.js';
export { CROCKFORD, toBase32, normalizeBase32 } from './base32.js';
export { signBody, openSigned, macBody } from './signed.js';
export { hashFields, macFields, deriveKey } from './primitives.js';
export * from './tokens.js';
export * from './server-secrets.js';
