// The worker protocol repeats a few limits of shared/crypto, because the page imports the
// protocol and must not pull libsodium into its bundle: these checks hold them equal, so a
// request the schema lets through is one the worker can seal.
import { describe, expect, it } from 'vitest';
import { MAX_DROP_LABEL_LENGTH, MAX_NAME_LENGTH, MAX_PLAN_ITEMS, MAX_TYPE_LENGTH } from '../../shared/crypto/index.js';
import { MAX_BATCH_PLAN_ITEMS } from '../../client/src/crypto/protocol/batches';
import { MAX_DROP_LABEL_CHARACTERS, MAX_FILE_NAME_CHARACTERS } from '../../client/src/crypto/protocol';
import { FileToSeal } from '../../client/src/crypto/protocol/common';

describe('worker protocol limits', () => {
  it('match the metadata and drop label limits of shared/crypto', () => {
    expect(MAX_FILE_NAME_CHARACTERS).toBe(MAX_NAME_LENGTH);
    expect(MAX_DROP_LABEL_CHARACTERS).toBe(MAX_DROP_LABEL_LENGTH);
    expect(MAX_BATCH_PLAN_ITEMS).toBe(MAX_PLAN_ITEMS);
  });

  it('let through exactly the file types the metadata can hold', () => {
    const file = { fileId: 'AAAAAAAAAAAAAAAAAAAAAA', name: 'a.pdf', lastModified: 0 };
    expect(FileToSeal.safeParse({ ...file, type: 'x'.repeat(MAX_TYPE_LENGTH) }).success).toBe(true);
    expect(FileToSeal.safeParse({ ...file, type: 'x'.repeat(MAX_TYPE_LENGTH + 1) }).success).toBe(false);
  });
});
