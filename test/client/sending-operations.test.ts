// The crypto worker's sending (client/src/crypto/operations/pins.ts, sending.ts, upload.ts),
// run in Node with the real libsodium against an in-memory server that fails on purpose: keys
// checked against the office and the pins, and a streamed upload that survives dropped
// connections, server errors and lost answers, or is cancelled, or gives up in time.
import { beforeAll, describe, expect, it } from 'vitest';
import { ready } from '../../shared/crypto/index.js';
import type { TransferProgress } from '../../client/src/crypto/protocol';
import { fakeServer } from './support/fake-server';
import { call, checkAndPin, office, pinStore, randomBytes, upload } from './support/office';

beforeAll(async () => {
  await ready();
});

describe('sending', () => {
  it('checks recipients against the office and pins first-seen keys; a pinned key is the same next time', async () => {
    const server = fakeServer();
    const o = await office(server);
    const pins = pinStore();
    const first = await checkAndPin(o, o.els, pins, [o.bob.listed, o.anna.listed]);
    expect(first.office.pin).toBe('new');
    expect(first.accounts.map((a) => [a.check, a.pin])).toEqual([
      ['verified', 'new'],
      ['verified', 'new'],
    ]);
    expect(first.accounts[0]?.fingerprint).toMatch(/^\d{5}( \d{5}){5}$/);
    const again = await call(o.els.ops, 'checkKeys', {
      index: null,
      seen: {},
      accounts: [o.bob.listed],
      pins: pins.list(),
      office: o.officeKeys,
    });
    expect([again.office.pin, again.accounts[0]?.pin]).toEqual(['same', 'same']);
    expect(again.accounts[0]?.envelope).toBeUndefined();
  });

  it('flags keys the office did not certify for that person and address', async () => {
    const server = fakeServer();
    const o = await office(server);
    const checks = await call(o.els.ops, 'checkKeys', {
      index: null,
      seen: {},
      accounts: [
        // Anna's certified keys offered as Bob's
        { ...o.anna.listed, userId: o.bob.userId, email: o.bob.email },
        // Bob's certificate, but the server names another address
        { ...o.bob.listed, email: 'someone@else.nl' },
        // swapped encryption key
        { ...o.bob.listed, encryptionPublicKey: o.anna.listed.encryptionPublicKey },
      ],
      pins: [],
      office: o.officeKeys,
    });
    expect(checks.accounts.map((a) => a.check)).toEqual(['failed', 'failed', 'failed']);
    // An office encryption key the office did not sign is refused outright.
    await expect(
      call(o.els.ops, 'checkKeys', {
        index: null,
        seen: {},
        accounts: [],
        pins: [],
        office: { ...o.officeKeys, encryptionPublicKey: o.bob.listed.encryptionPublicKey },
      }),
    ).rejects.toThrow('keys_untrusted');
  });

  it('uploads in parts, two at a time, through dropped connections, server errors and lost answers', async () => {
    const server = fakeServer(64 * 1024);
    const o = await office(server);
    const plaintext = randomBytes(700_000);
    server.partFaults.set(1, ['network']);
    server.partFaults.set(2, ['server-error', 'server-error']);
    server.partFaults.set(4, ['lost-answer']);
    const progress: TransferProgress[] = [];
    const uploaded = await upload(o.els, plaintext, progress);
    const stored = server.uploads.get(uploaded.uploadId);
    expect(stored?.completed).toBe(true);
    expect(uploaded.size).toBe(plaintext.length);
    expect(server.stats.maxConcurrentPuts).toBeLessThanOrEqual(2);
    expect(server.stats.maxConcurrentPuts).toBe(2);
    // The part whose answer was lost was found on the server, not sent again.
    expect(server.stats.statusChecks).toBeGreaterThan(0);
    expect(progress.some((p) => p.phase === 'retrying')).toBe(true);
    expect(progress.at(-1)).toMatchObject({ phase: 'verifying', percent: 100 });
    const percents = progress.filter((p) => p.phase !== 'retrying').map((p) => p.percent);
    expect([...percents].sort((a, b) => a - b)).toEqual(percents);
  });

  it('cancels an upload and removes it from the server', async () => {
    const server = fakeServer(64 * 1024);
    const o = await office(server);
    const controller = new AbortController();
    const running = call(
      o.els.ops,
      'uploadFile',
      { file: new Blob([randomBytes(600_000) as BlobPart]) },
      { signal: controller.signal, transfer: () => controller.abort() },
    );
    await expect(running).rejects.toThrow('cancelled');
    expect(server.uploads.size).toBe(1);
    expect([...server.uploads.values()].every((u) => u.deleted)).toBe(true);
  });

  it('gives up after the retry window when the server stays away', async () => {
    const server = fakeServer(64 * 1024);
    const o = await office(server);
    server.partFaults.set(
      0,
      Array.from({ length: 100 }, () => 'network' as const),
    );
    await expect(upload(o.els, randomBytes(100_000))).rejects.toThrow('network');
  });
});
