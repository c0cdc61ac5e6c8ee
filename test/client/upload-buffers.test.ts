// The part buffers of an upload (client/src/crypto/upload.ts): a confirmed part's buffer fills
// a later part, so a file of many parts goes up through at most four buffers (two in flight,
// one full waiting for a slot, one filling); a part sent again after a failure, or whose answer was lost, still carries its
// own bytes, and the container the server stored decrypts to the file.
import { randomFillSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decryptContent, newFileKey, newId, ready } from '../../shared/crypto/index.js';
import { encryptAndUpload } from '../../client/src/crypto/upload.js';
import type { Transport } from '../../client/src/crypto/transport.js';
import { fakeServer } from './support/fake-server.js';

const PART = 64 * 1024;

describe('the part buffers of an upload', () => {
  it('carries 40 parts in four buffers, retries included, and the stored container decrypts to the file', async () => {
    await ready();
    const server = fakeServer(PART);
    // A failed part and a part whose answer was lost are each sent again (or asked after).
    server.partFaults.set(3, ['network']);
    server.partFaults.set(7, ['lost-answer']);
    server.partFaults.set(20, ['server-error', 'network']);
    const buffers = new Set<ArrayBufferLike>();
    const transport: Transport = {
      ...server.transport,
      putPart(uploadId, index, bytes, onSent, signal) {
        buffers.add(bytes.buffer);
        return server.transport.putPart(uploadId, index, bytes, onSent, signal);
      },
    };
    const plaintext = new Uint8Array(randomFillSync(Buffer.alloc(40 * PART - 5000)));
    const fileKey = newFileKey();
    const fileId = newId();
    // Read in 64 KiB pieces, as a browser reads a file (Node's Blob yields one piece per part).
    const pieces: Uint8Array[] = [];
    for (let at = 0; at < plaintext.length; at += 64 * 1024) pieces.push(plaintext.subarray(at, at + 64 * 1024));
    const { uploadId, summary } = await encryptAndUpload(
      new Blob(pieces as BlobPart[]),
      fileKey,
      fileId,
      { transport, clock: server.clock, partsInFlight: 2 },
      new AbortController().signal,
      () => undefined,
    );

    const upload = server.uploads.get(uploadId);
    expect(upload?.partCount).toBe(40);
    // Part 3 once more, part 20 twice more; part 7 was stored (the status says so), not resent.
    expect(server.stats.puts).toBe(43);
    expect(buffers.size).toBeLessThanOrEqual(4);
    const stored = decryptContent(fileKey, fileId, server.container(uploadId), summary.ciphertextHash);
    expect(Buffer.compare(stored, plaintext)).toBe(0);
  });
});
