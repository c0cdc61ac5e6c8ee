// A large download's container hash computed on another thread than its decryption (the
// browser's hash worker, hash-thread.ts), so that the two run on two cores
// (docs/architecture.md, "Performance of downloads"). download.ts takes one where there is
// one; without it the decryptor hashes. Uploads hash in the crypto worker: measured, the copy
// of each part to another thread cost more than it saved.

/** Containers from this size on are hashed on another thread, where there is one. */
export const OFF_THREAD_HASH_MIN_BYTES = 32 * 1024 * 1024;
/** Container bytes that may wait for the other thread's hash before the download waits for it. */
export const OFF_THREAD_HASH_BACKLOG_BYTES = 16 * 1024 * 1024;
/** A download reads its container in buffers of this size (download.ts), which the other thread gives back. */
export const CONTAINER_READ_BYTES = 2 * 1024 * 1024;

/** A thread that hashes containers (client/src/crypto/hash-thread.ts in the browser). */
export interface HashThread {
  begin(): OffThreadHash;
  /** A read's buffer (CONTAINER_READ_BYTES) the thread gave back once it hashed it, to be read into again; undefined if none waits. */
  spare(): ArrayBuffer | undefined;
}

/** One container's hash on another thread, fed the container's bytes in order. */
export interface OffThreadHash {
  /**
   * Hashes the bytes after those given before. The array is given away (its buffer may be
   * transferred); with `owned`, the caller owns the whole buffer, which is transferred even
   * where the view is only part of it.
   */
  give(bytes: Uint8Array, owned?: boolean): void;
  /** Resolves once no more than `limit` given bytes wait to be hashed. */
  whenBelow(limit: number): Promise<void>;
  /** The digest of everything given; rejects if the thread stopped. */
  digest(): Promise<Uint8Array>;
  /** Gives the hash up. */
  drop(): void;
}
