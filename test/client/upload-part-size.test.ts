// The part size the upload engine asks for (client/src/crypto/upload.ts): from the speed the
// last upload measured, the largest allowed size that takes about PART_SECONDS, the smallest
// on a slow link; the server's default before any measurement. The engine asks for it at
// create, sends parts of the size the server answered, and measures the upload's speed for
// the next one.
import { describe, expect, it } from 'vitest';
import { newFileKey, newId, ready } from '../../shared/crypto/index.js';
import { UPLOAD_PART_BYTES, UPLOAD_PART_SIZES } from '../../shared/wire/index.js';
import {
  choosePartSize,
  createLinkSpeed,
  encryptAndUpload,
  FIRST_PART_BYTES,
  PART_SECONDS,
} from '../../client/src/crypto/upload.js';
import type { Transport } from '../../client/src/crypto/transport.js';
import { fakeServer } from './support/fake-server.js';

const KIB = 1024;

describe('the part size of an upload', () => {
  it('fits the measured speed: the smallest below 256 KiB per PART_SECONDS, the largest above 8 MiB', () => {
    expect(FIRST_PART_BYTES).toBe(UPLOAD_PART_BYTES);
    expect(choosePartSize(null)).toBe(UPLOAD_PART_BYTES);
    expect(PART_SECONDS).toBe(10);
    // 16 KiB/s, the slow uplink of the fault report: the smallest part, 16 s a part.
    expect(choosePartSize(16 * KIB)).toBe(256 * KIB);
    expect(choosePartSize(1)).toBe(256 * KIB);
    expect(choosePartSize(60 * KIB)).toBe(512 * KIB);
    expect(choosePartSize(110 * KIB)).toBe(1024 * KIB);
    expect(choosePartSize(500 * KIB)).toBe(4096 * KIB);
    expect(choosePartSize(100 * 1024 * KIB)).toBe(8192 * KIB);
    for (const speed of [1, 1000, 30_000, 300_000, 3e6, 3e9])
      expect(UPLOAD_PART_SIZES as readonly number[]).toContain(choosePartSize(speed));
  });

  it('is asked for at create, taken from the answer, and the upload’s speed chooses the next one', async () => {
    await ready();
    const server = fakeServer(256 * KIB);
    const asked: (number | undefined)[] = [];
    // Each part takes a second of the (fake) clock: 256 KiB/s measured.
    const transport: Transport = {
      ...server.transport,
      createUpload(size, signal, partSize) {
        asked.push(partSize);
        return server.transport.createUpload(size, signal, partSize);
      },
      async putPart(uploadId, index, bytes, onSent, signal) {
        await server.clock.sleep(1000, signal);
        return server.transport.putPart(uploadId, index, bytes, onSent, signal);
      },
    };
    const linkSpeed = createLinkSpeed();
    const upload = () =>
      encryptAndUpload(
        new Blob([new Uint8Array(1024 * KIB).fill(3)]),
        newFileKey(),
        newId(),
        { transport, clock: server.clock, linkSpeed, partsInFlight: 1 },
        new AbortController().signal,
        () => undefined,
      );
    await upload();
    expect(asked).toEqual([UPLOAD_PART_BYTES]);
    // Five parts of 256 KiB (the server's answer) over five seconds: 2 MiB in PART_SECONDS.
    const measured = linkSpeed.estimate() as number;
    expect(measured).toBeGreaterThan(200 * KIB);
    expect(measured).toBeLessThan(300 * KIB);
    await upload();
    expect(asked).toEqual([UPLOAD_PART_BYTES, 2048 * KIB]);
  });
});
