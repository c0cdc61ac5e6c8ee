// The keys kept for a session (client/src/crypto/operations/keep.ts, docs/protocol.md §29), run
// in Node with the real libsodium and WebCrypto: a worker keeps its unlocked keys, a new worker
// (the page after a reload) opens them with the session's half, and every lie of the server —
// another half, another session's half, other published keys, a changed record — is refused
// with the kept record deleted, so the page falls back to the password.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  fromBase64Url,
  idFromWire,
  idToWire,
  newId,
  openKeyBundle,
  passwordKeys,
  ready,
  toBase64Url,
  toHex,
} from '../../shared/crypto/index.js';
import type { KeepStore, KeptKeys } from '../../client/src/crypto/keep-store';
import { createOperations, type Handlers } from '../../client/src/crypto/operations';
import { systemClock } from '../../client/src/crypto/transport';
import { fakeServer } from './support/fake-server';
import { call } from './support/office';
import { ADMIN } from './support/accounts';

beforeAll(async () => {
  await ready();
});

/** A browser's IndexedDB, as far as the worker sees it: one record, or none. */
function memoryKeep(): KeepStore & { kept: KeptKeys | undefined } {
  const store = {
    kept: undefined as KeptKeys | undefined,
    read: () => Promise.resolve(store.kept),
    write: (kept: KeptKeys) => {
      store.kept = kept;
      return Promise.resolve();
    },
    forget: () => {
      store.kept = undefined;
      return Promise.resolve();
    },
  };
  return store;
}

const workerWith = (keep: KeepStore): Handlers =>
  createOperations({ transport: fakeServer().transport, clock: systemClock, keep });

const randomHalf = () => toBase64Url(crypto.getRandomValues(new Uint8Array(32)));

/** An admin who set up the office and unlocked, in a worker that keeps its keys in `keep`. */
async function unlockedAdmin(keep: KeepStore) {
  const worker = workerWith(keep);
  const created = await call(worker, 'createOffice', {
    officeName: 'Kantoor Jansen',
    adminName: 'Els Jansen',
    email: ADMIN.email,
    password: ADMIN.password,
  });
  const { office, admin } = created.request;
  const officeRef = {
    officeId: office.officeId,
    signingPublicKey: office.signingPublicKey,
    encryptionPublicKey: office.encryptionPublicKey,
    encryptionKeyStatement: office.encryptionKeyStatement,
  };
  const published = {
    userId: admin.userId,
    kdf: admin.keys.kdf,
    passwordBundle: admin.keys.passwordBundle,
    identityPublicKey: admin.keys.identityPublicKey,
    encryptionPublicKey: admin.keys.encryptionPublicKey,
    certificate: admin.certificate,
    sealedOfficeKeys: admin.sealedOfficeKeys,
  };
  const unlocked = await call(worker, 'unlock', { keys: published, office: officeRef });
  return { worker, officeRef, published, unlocked };
}

/** The same, after `keepKeys` with a new session half: what the browser holds before a reload. */
async function keptAdmin() {
  const keep = memoryKeep();
  const admin = await unlockedAdmin(keep);
  const half = { sessionId: idToWire(newId()), half: randomHalf() };
  expect(await call(admin.worker, 'keepKeys', { half })).toEqual({});
  return { keep, half, ...admin };
}

const flipped = (bytes: Uint8Array, at: number) => {
  const copy = bytes.slice();
  copy[at] = (copy[at] ?? 0) ^ 1;
  return copy;
};

describe('keys kept for the session', () => {
  it('after a reload, a new worker opens them with the session half: unlocked as after the password', async () => {
    const { keep, half, officeRef, published, unlocked } = await keptAdmin();
    for (let reload = 0; reload < 2; reload++) {
      const reloaded = workerWith(keep);
      // The office keys opened too (officeKeys: true), which needs the account's encryption secret key.
      expect(await call(reloaded, 'resumeKept', { half, keys: published, office: officeRef })).toEqual(unlocked);
      expect(unlocked.officeKeys).toBe(true);
    }
    expect(keep.kept).toBeDefined();
  });

  it('what the browser keeps holds no key in the clear, and its wrapping key cannot be read out', async () => {
    const { keep, published } = await keptAdmin();
    const kept = keep.kept!;
    expect(kept.wrappingKey.extractable).toBe(false);
    await expect(crypto.subtle.exportKey('raw', kept.wrappingKey)).rejects.toThrow();
    const { keyEncryptionKey } = passwordKeys(ADMIN.password, fromBase64Url(published.kdf.salt), published.kdf);
    const keys = openKeyBundle(
      keyEncryptionKey,
      idFromWire(published.userId),
      fromBase64Url(published.passwordBundle),
      'password',
    );
    const held = toHex(new Uint8Array([...kept.iv, ...kept.wrappedLocalHalf, ...kept.bundle]));
    for (const secret of [keys.identity.seed, keys.identity.secretKey, keys.encryption.secretKey, keys.personalKey])
      expect(held).not.toContain(toHex(secret));
  });

  it('a locked worker keeps nothing', async () => {
    const keep = memoryKeep();
    await expect(
      call(workerWith(keep), 'keepKeys', { half: { sessionId: idToWire(newId()), half: randomHalf() } }),
    ).rejects.toThrow('locked');
    expect(keep.kept).toBeUndefined();
  });

  type Kept = Awaited<ReturnType<typeof keptAdmin>>;
  const lies: [string, (k: Kept) => void][] = [
    ['the server answers another half for this session', (k) => (k.half = { ...k.half, half: randomHalf() })],
    [
      'the server answers another session (its id and half)',
      (k) => (k.half = { sessionId: idToWire(newId()), half: randomHalf() }),
    ],
    ["the server answers another user's keys", (k) => (k.published = { ...k.published, userId: idToWire(newId()) })],
    [
      'the server publishes another identity key for this user',
      (k) => (k.published = { ...k.published, identityPublicKey: randomHalf() }),
    ],
    [
      'the kept bundle was changed',
      (k) => (k.keep.kept = { ...k.keep.kept!, bundle: flipped(k.keep.kept!.bundle, 40) }),
    ],
    [
      'the wrapped local half was changed',
      (k) => (k.keep.kept = { ...k.keep.kept!, wrappedLocalHalf: flipped(k.keep.kept!.wrappedLocalHalf, 3) }),
    ],
    ['nothing was kept (another browser, or cleared)', (k) => (k.keep.kept = undefined)],
  ];
  it.each(lies)('refuses when %s: the record is deleted and the worker stays locked', async (_what, lie) => {
    const k = await keptAdmin();
    lie(k);
    const reloaded = workerWith(k.keep);
    await expect(
      call(reloaded, 'resumeKept', { half: k.half, keys: k.published, office: k.officeRef }),
    ).rejects.toThrow('keep_refused');
    expect(k.keep.kept).toBeUndefined();
    // Nothing was unlocked: an operation that needs the keys is refused.
    await expect(call(reloaded, 'keepKeys', { half: k.half })).rejects.toThrow('locked');
  });

  it("refuses kept keys that the session's office does not certify (office_keys_invalid), and deletes the record", async () => {
    const k = await keptAdmin();
    const office = { ...k.officeRef, signingPublicKey: randomHalf() };
    await expect(call(workerWith(k.keep), 'resumeKept', { half: k.half, keys: k.published, office })).rejects.toThrow(
      'office_keys_invalid',
    );
    expect(k.keep.kept).toBeUndefined();
  });
});
