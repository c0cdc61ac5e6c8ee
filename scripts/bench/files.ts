// The benchmark's plaintext: random files written in 8 MiB pieces from Node's generator
// (libsodium's randombytes_buf in WebAssembly manages about 1 MiB/s, far too slow for a
// gigabyte), with their SHA-256 computed on the way; and the SHA-256 of a file on disk,
// streamed, to check what the browser saved.
import { createHash, randomFillSync } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';

export const MIB = 1024 * 1024;
const PIECE = 8 * MIB;

/** Writes `bytes` random bytes to `path`; returns their SHA-256 (hex). */
export async function writeRandomFile(path: string, bytes: number): Promise<string> {
  const hash = createHash('sha256');
  const piece = Buffer.alloc(PIECE);
  const file = await open(path, 'wx');
  try {
    for (let written = 0; written < bytes;) {
      const length = Math.min(PIECE, bytes - written);
      const chunk = piece.subarray(0, length);
      randomFillSync(chunk);
      hash.update(chunk);
      await file.write(chunk);
      written += length;
    }
  } finally {
    await file.close();
  }
  return hash.digest('hex');
}

/** SHA-256 (hex) of the file at `path`, streamed. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: PIECE })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
