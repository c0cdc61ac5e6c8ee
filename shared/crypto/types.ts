// Branded byte types: at run time all are Uint8Array; at compile time a file key cannot be
// passed where a link secret is expected, nor a ciphertext where plaintext is.
declare const brand: unique symbol;
type Brand<T, B extends string> = T & { readonly [brand]: B };

/** 16 random bytes naming a share, file, user, drop, recipient, upload or office. */
export type Id = Brand<Uint8Array, 'Id'>;
/** 32 random bytes per file; opens its content, metadata and commitment. */
export type FileKey = Brand<Uint8Array, 'FileKey'>;
/** `S`: 32 bytes that travel only in a guest link's fragment. */
export type LinkSecret = Brand<Uint8Array, 'LinkSecret'>;
/** `Ks`: the server's 32-byte half of a guest's link key, released after the address is proven. */
export type ServerHalf = Brand<Uint8Array, 'ServerHalf'>;
/** `D`: a drop's 32-byte secret, in the drop link's fragment. */
export type DropSecret = Brand<Uint8Array, 'DropSecret'>;
/** The 32-byte secret of a client invitation the advisor delivers; only ever in the link's fragment (protocol §13a). */
export type InvitationSecret = Brand<Uint8Array, 'InvitationSecret'>;
/** The 32 random bytes behind a recovery key. */
export type RecoveryKey = Brand<Uint8Array, 'RecoveryKey'>;

/** Envelope kinds as types, so a sealed box is not a signature is not a metadata envelope. */
export type SealedMetadata = Brand<Uint8Array, 'SealedMetadata'>;
export type KeyBundle = Brand<Uint8Array, 'KeyBundle'>;
export type GuestWrappedKey = Brand<Uint8Array, 'GuestWrappedKey'>;
export type SealedBox = Brand<Uint8Array, 'SealedBox'>;
export type SignedEnvelope = Brand<Uint8Array, 'SignedEnvelope'>;
export type AuthenticatedEnvelope = Brand<Uint8Array, 'AuthenticatedEnvelope'>;

/** Ed25519 identity or signing pair; `secretKey` is libsodium's 64-byte form (seed ‖ public key). */
export interface SigningKeyPair {
  readonly publicKey: Uint8Array;
  readonly secretKey: Uint8Array;
  readonly seed: Uint8Array;
}

/** X25519 pair for crypto_box_seal. */
export interface BoxKeyPair {
  readonly publicKey: Uint8Array;
  readonly secretKey: Uint8Array;
}
