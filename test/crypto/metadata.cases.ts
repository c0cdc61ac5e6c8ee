import {
  checkMetadata,
  DecryptError,
  FormatError,
  metadataHash,
  newFileKey,
  newId,
  openMetadata,
  sealMetadata,
} from '../../shared/crypto/index.js';
import { assertBytes, assertEqual, assertNotBytes, assertThrows, defineSuite } from './harness.js';

const sample = {
  name: 'Loonstrook juni 2026 – Jansen & Zn. ✓.pdf',
  type: 'application/pdf',
  size: 183_204,
  lastModified: 1_780_000_000_000,
  message: 'Graag ondertekenen vóór vrijdag.',
};

export const metadataCases = defineSuite('metadata', {
  'round trip keeps every field, message optional'() {
    const fileKey = newFileKey();
    const fileId = newId();
    const opened = openMetadata(fileKey, fileId, sealMetadata(fileKey, fileId, sample));
    assertEqual(JSON.stringify(opened), JSON.stringify(sample), 'all fields');
    const { message: _message, ...withoutMessage } = sample;
    const plain = openMetadata(fileKey, fileId, sealMetadata(fileKey, fileId, withoutMessage));
    assertEqual(plain.message, undefined, 'no message');
  },

  'padded to 256-byte blocks: short names give the same length'() {
    const fileKey = newFileKey();
    const fileId = newId();
    const a = sealMetadata(fileKey, fileId, { name: 'a.pdf', type: 'application/pdf', size: 1, lastModified: 0 });
    const b = sealMetadata(fileKey, fileId, {
      name: 'paspoort-kopie.jpg',
      type: 'image/jpeg',
      size: 99,
      lastModified: 0,
    });
    assertEqual(a.length, 4 + 24 + 256 + 16, 'one block');
    assertEqual(a.length, b.length, 'same length');
    const long = sealMetadata(fileKey, fileId, { name: 'x'.repeat(300), type: '', size: 0, lastModified: 0 });
    assertEqual((long.length - 4 - 24 - 16) % 256, 0, 'a multiple of the block');
  },

  'the wrong file id, the wrong key or a flipped bit fail'() {
    const fileKey = newFileKey();
    const fileId = newId();
    const sealed = sealMetadata(fileKey, fileId, sample);
    assertThrows(() => openMetadata(fileKey, newId(), sealed), DecryptError, 'another file id');
    assertThrows(() => openMetadata(newFileKey(), fileId, sealed), DecryptError, 'another key');
    for (const position of [10, 40, sealed.length - 1]) {
      const tampered = sealed.slice();
      tampered[position] = (tampered[position] as number) ^ 0x20;
      assertThrows(() => openMetadata(fileKey, fileId, tampered), DecryptError, `byte ${position}`);
    }
  },

  'an unknown version or kind is refused'() {
    const fileKey = newFileKey();
    const fileId = newId();
    const sealed = sealMetadata(fileKey, fileId, sample);
    const version = sealed.slice();
    version[2] = 2;
    assertThrows(() => openMetadata(fileKey, fileId, version), FormatError, 'version 2');
    const kind = sealed.slice();
    kind[3] = 0x6b;
    assertThrows(() => openMetadata(fileKey, fileId, kind), FormatError, 'key-bundle kind');
    assertThrows(() => openMetadata(fileKey, fileId, sealed.subarray(0, 40)), FormatError, 'too short');
  },

  'only the v1 shape is accepted'() {
    assertThrows(
      () => checkMetadata({ v: 1, name: 'a', type: '', size: 1, lastModified: 0, script: 'x' }),
      FormatError,
      'unknown field',
    );
    assertThrows(
      () => checkMetadata({ v: 2, name: 'a', type: '', size: 1, lastModified: 0 }),
      FormatError,
      'version 2',
    );
    assertThrows(
      () => checkMetadata({ v: 1, name: '', type: '', size: 1, lastModified: 0 }),
      FormatError,
      'empty name',
    );
    assertThrows(
      () => checkMetadata({ v: 1, name: 'a', type: '', size: -1, lastModified: 0 }),
      FormatError,
      'negative size',
    );
    assertThrows(
      () => checkMetadata({ v: 1, name: 'a', type: '', size: 1.5, lastModified: 0 }),
      FormatError,
      'fractional size',
    );
    assertThrows(() => checkMetadata([]), FormatError, 'an array');
  },

  'the metadata hash covers the sealed bytes'() {
    const fileKey = newFileKey();
    const fileId = newId();
    const one = sealMetadata(fileKey, fileId, sample);
    const two = sealMetadata(fileKey, fileId, sample);
    assertBytes(metadataHash(one), metadataHash(one.slice()), 'deterministic');
    assertNotBytes(metadataHash(one), metadataHash(two), 'fresh nonce, fresh hash');
  },
});
