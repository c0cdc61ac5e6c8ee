// The running container hash of uploads (server/kernel/uploads/hash.ts) over the real disk store:
// parts stored out of order, a hashed part sent again with other bytes, a "restart" (a new
// instance with nothing in memory), a cancel; every result equals the hash of the whole file
// (the container hash the manifest signs). And the event loop stays free while it hashes.
import { randomFillSync } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createContainerHasher, newId, ready, toHex, type Id } from '../../shared/crypto/index.js';
import { createDiskBlobStore } from '../../server/kernel/blobs/disk.js';
import type { BlobStore } from '../../server/kernel/blobs/store.js';
import { systemClock } from '../../server/kernel/clock.js';
import { createUploadHashes, type HashedUpload } from '../../server/kernel/uploads/hash.js';
import { Readable } from 'node:stream';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

afterAll(removeTempDirs);

const PART = 256 * 1024;

function hashOf(bytes: Uint8Array): string {
  const hasher = createContainerHasher();
  hasher.update(bytes);
  return toHex(hasher.digest());
}

async function uploadOf(size: number): Promise<{ blobs: BlobStore; upload: HashedUpload; bytes: Uint8Array }> {
  await ready();
  const blobs = createDiskBlobStore(await tempDir());
  const id: Id = newId();
  await blobs.createUpload(id, size);
  const upload = { id, size, partSize: PART, partCount: Math.ceil(size / PART), expiresAt: Date.now() + 60_000 };
  return { blobs, upload, bytes: new Uint8Array(randomFillSync(Buffer.alloc(size))) };
}

function partOf(bytes: Uint8Array, index: number): Uint8Array {
  return bytes.subarray(index * PART, Math.min(bytes.length, (index + 1) * PART));
}

async function write(blobs: BlobStore, upload: HashedUpload, index: number, part: Uint8Array): Promise<void> {
  await blobs.writePart(upload.id, index * PART, part.length, Readable.from([Buffer.from(part)]));
}

describe('the running hash of an upload', () => {
  it('hashes parts stored out of order, one sent again with other bytes, and equals the whole file’s hash', async () => {
    const { blobs, upload, bytes } = await uploadOf(5 * PART + 1234);
    const hashes = createUploadHashes({ blobs, clock: systemClock });
    const stored = new Set<number>();
    const store = async (index: number, part: Uint8Array) => {
      stored.delete(index);
      hashes.partWriting(upload, index);
      await write(blobs, upload, index, part);
      stored.add(index);
      hashes.partStored(upload, (i) => stored.has(i));
    };
    for (const index of [3, 1, 0, 5]) await store(index, partOf(bytes, index));
    // Part 1 is in the hash now; it is sent again with other bytes, then the right ones.
    await new Promise((resolve) => setTimeout(resolve, 50));
    await store(1, new Uint8Array(PART).fill(9));
    await store(1, partOf(bytes, 1));
    for (const index of [4, 2]) await store(index, partOf(bytes, index));
    const done = await hashes.finish(upload);
    expect(done.length).toBe(bytes.length);
    expect(toHex(done.hash)).toBe(hashOf(bytes));
    expect(hashes.size).toBe(0);
  });

  it('after a restart (nothing in memory) hashes the stored parts from the file', async () => {
    const { blobs, upload, bytes } = await uploadOf(3 * PART);
    for (let index = 0; index < 3; index++) await write(blobs, upload, index, partOf(bytes, index));
    const restarted = createUploadHashes({ blobs, clock: systemClock });
    const done = await restarted.finish(upload);
    expect(toHex(done.hash)).toBe(hashOf(bytes));
  });

  it('forgets a cancelled upload, and one past its expiry when another part arrives', async () => {
    const { blobs, upload, bytes } = await uploadOf(2 * PART);
    const hashes = createUploadHashes({ blobs, clock: systemClock });
    await write(blobs, upload, 0, partOf(bytes, 0));
    hashes.partStored(upload, (i) => i === 0);
    expect(hashes.size).toBe(1);
    hashes.forget(upload.id);
    expect(hashes.size).toBe(0);
    const expired = { ...upload, expiresAt: Date.now() - 1 };
    hashes.partStored(expired, () => false);
    await new Promise((resolve) => setTimeout(resolve, 10));
    const other = await uploadOf(PART);
    hashes.partStored(other.upload, () => false);
    expect(hashes.size).toBe(1);
  });

  it('keeps the event loop free while it hashes 64 MiB', async () => {
    const size = 64 * 1024 * 1024;
    const { blobs, upload } = await uploadOf(PART);
    const big = { ...upload, id: newId(), size, partCount: size / PART };
    await blobs.createUpload(big.id, size);
    const piece = new Uint8Array(randomFillSync(Buffer.alloc(PART)));
    for (let index = 0; index < big.partCount; index++) await write(blobs, big, index, piece);
    const hashes = createUploadHashes({ blobs, clock: systemClock });
    let worst = 0;
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      worst = Math.max(worst, now - last);
      last = now;
    }, 5);
    try {
      await hashes.finish(big);
    } finally {
      clearInterval(timer);
    }
    // One chunk (1 MiB) is about a millisecond of hashing; allow for a busy machine.
    expect(worst).toBeLessThan(100);
  });
});
