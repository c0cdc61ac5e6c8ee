// A large download's container hash computed on another thread than its decryption (the
// browser's hash worker, hash-thread.ts), so that the two run on two cores
// (docs/architecture.md, "Performance of downloads"). download.ts takes one where there is
// one; without it the decryptor hashes. Uploads hash in the crypto worker: measured, the copy
// of each part to another thread cost more than it saved.

/** Containers from this size on are hashed on another thread, where there is one. */
export const OFF_THREAD_HASH_MIN_BYTES = 32 * 1024 * 1024;
/** Container bytes that may wait for the other thread's hash before the download waits for it. */
export const OFF_THREAD_HASH_BACKLOG_BYTES = 16 * 1024 * 1024;

/** A thread that hashes containers (client/src/crypto/hash-thread.ts in the browser). */
export interface HashThread {
  begin(): OffThreadHash;
}

/** One container's hash on another thread, fed the container's bytes in order. */
export interface OffThreadHash {
  /** Hashes the bytes after those given before. The array is given away (its buffer may be transferred). */
  give(bytes: Uint8Array): void;
  /** Resolves once no more than `limit` given bytes wait to be hashed. */
  whenBelow(limit: number): Promise<void>;
  /** The digest of everything given; rejects if the thread stopped. */
  digest(): Promise<Uint8Array>;
  /** Gives the hash up. */
  drop(): void;
}
