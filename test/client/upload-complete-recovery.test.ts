// The upload engine (client/src/crypto/upload.ts) when a completion meets a server that was
// killed mid-completion: the first attempt gets no answer, the restarted server answers 404
// (or 409) once before it finishes the interrupted completion. The engine asks the status
// before it takes such an answer as final: while the upload is there with every part it keeps
// trying; once the status is 404 too, the upload fails.
import { describe, expect, it } from 'vitest';
import { newFileKey, newId, ready } from '../../shared/crypto/index.js';
import { encryptAndUpload } from '../../client/src/crypto/upload.js';
import { HttpFailure, NetworkFailure, type Transport } from '../../client/src/crypto/transport.js';
import { fakeServer } from './support/fake-server.js';

async function uploadWith(answers: (Error | 'server')[], statusGone = false) {
  await ready();
  const server = fakeServer();
  const completes: string[] = [];
  const transport: Transport = {
    ...server.transport,
    async completeUpload(uploadId, signal) {
      const next = answers.shift() ?? 'server';
      completes.push(next === 'server' ? 'server' : next.message);
      if (next !== 'server') throw next;
      return server.transport.completeUpload(uploadId, signal);
    },
    async uploadStatus(uploadId, signal) {
      if (statusGone) throw new HttpFailure(404, 'not_found');
      return server.transport.uploadStatus(uploadId, signal);
    },
  };
  const file = new Blob([new Uint8Array(200_000).fill(7)]);
  const uploading = encryptAndUpload(
    file,
    newFileKey(),
    newId(),
    { transport, clock: server.clock },
    new AbortController().signal,
    () => undefined,
  );
  return { uploading, completes };
}

describe('completing after the server restarted mid-completion', () => {
  it('a 404 after a lost answer, while the status has every part, is retried and the upload completes', async () => {
    const { uploading, completes } = await uploadWith([
      new NetworkFailure('no answer'),
      new HttpFailure(404, 'not_found'),
    ]);
    const result = await uploading;
    expect(result.summary.plaintextLength).toBe(200_000);
    expect(completes).toEqual(['no answer', 'HTTP 404 not_found', 'server']);
  });

  it('a 409 after a lost answer (the completion still running) is retried the same way', async () => {
    const { uploading, completes } = await uploadWith([
      new NetworkFailure('no answer'),
      new HttpFailure(409, 'upload_incomplete'),
    ]);
    await uploading;
    expect(completes).toEqual(['no answer', 'HTTP 409 upload_incomplete', 'server']);
  });

  it('a 404 whose status is 404 as well is final', async () => {
    const { uploading, completes } = await uploadWith(
      [new NetworkFailure('no answer'), new HttpFailure(404, 'not_found')],
      true,
    );
    await expect(uploading).rejects.toMatchObject({ status: 404 });
    expect(completes).toEqual(['no answer', 'HTTP 404 not_found']);
  });

  it('a 404 at the first attempt is final (no retry was under way)', async () => {
    const { uploading, completes } = await uploadWith([new HttpFailure(404, 'not_found')]);
    await expect(uploading).rejects.toMatchObject({ status: 404 });
    expect(completes).toEqual(['HTTP 404 not_found']);
  });
});
