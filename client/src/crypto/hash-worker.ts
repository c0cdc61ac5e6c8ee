// The hash worker: computes a container's hash (BLAKE2b, shared/crypto/content.ts) beside the
// crypto worker, which starts it (hash-thread.ts) for a large download and sends it the
// container's bytes as they arrive. Decrypting and hashing one file then run on two cores
// instead of one (docs/architecture.md, "Performance of downloads"). It holds no key and sees
// only ciphertext, which the server has as well; its answer gates the file's last chunk, so a
// wrong digest can only fail a download, never pass a tampered one (docs/threat-model.md).
import { createContainerHasher, ready, type ContainerHasher } from '../../../shared/crypto/index.js';
import type { FromHashWorker, ToHashWorker } from './hash-messages';

interface HashWorkerScope {
  postMessage(message: FromHashWorker, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<ToHashWorker>) => void): void;
}
const scope = globalThis as unknown as HashWorkerScope;

const jobs = new Map<number, ContainerHasher>();

void ready().then(
  () => scope.postMessage({ type: 'ready' }),
  () => scope.postMessage({ type: 'failed' }),
);

scope.addEventListener('message', (event) => {
  const message = event.data;
  switch (message.type) {
    case 'start':
      jobs.get(message.job)?.digest();
      jobs.set(message.job, createContainerHasher());
      return;
    case 'bytes': {
      // Copied into the hasher's reused heap buffer: the wrapper's update would allocate per call.
      const bytes = message.bytes;
      jobs.get(message.job)?.updateFrom(bytes.length, (target) => {
        target.set(bytes);
        return bytes.length;
      });
      // The buffer goes back, so the crypto worker reads the next bytes into memory it already has.
      scope.postMessage(
        { type: 'hashed', job: message.job, length: bytes.length, spent: bytes.buffer as ArrayBuffer },
        [bytes.buffer],
      );
      return;
    }
    case 'end': {
      const hasher = jobs.get(message.job);
      jobs.delete(message.job);
      if (hasher) scope.postMessage({ type: 'digest', job: message.job, hash: hasher.digest() });
      return;
    }
    case 'drop':
      jobs.get(message.job)?.digest();
      jobs.delete(message.job);
      return;
  }
});
