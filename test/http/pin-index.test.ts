// The pin index on the server (docs/protocol.md §14, §20): each user's own, read back as it was
// written, replaced only by a writer that names the counter it replaces (compare-and-swap), and
// never readable or writable by another user.
import { describe, expect, it } from 'vitest';
import { makePinIndex, newId, toBase64Url } from '../../shared/crypto/index.js';
import { PinIndexResponse } from '../../shared/wire/index.js';
import { expectError } from '../helpers/expect.js';
import type { Member } from '../helpers/office.js';
import { staffSuite } from './support/staff-suite.js';

const { office } = staffSuite();

function indexOf(member: Member, counter: number, entries = 0) {
  const ownerId = member.account.userId;
  const envelope = makePinIndex(
    {
      ownerId,
      counter,
      entries: Array.from({ length: entries }, () => ({
        subject: 'user' as const,
        subjectId: newId(),
        keyHash: new Uint8Array(32).fill(counter),
      })),
    },
    member.account.keys.personalKey,
  );
  return toBase64Url(envelope);
}

describe('the pin index', () => {
  it('is null until written, then answers exactly what its owner wrote', async () => {
    const s = await office();
    expect(PinIndexResponse.parse((await s.admin.tab.get('/api/v1/me/pin-index')).body)).toEqual({ index: null });
    const envelope = indexOf(s.admin, 1, 2);
    const put = await s.admin.tab.put('/api/v1/me/pin-index', { previousCounter: null, counter: 1, envelope });
    expect(put.status, JSON.stringify(put.body)).toBe(204);
    const got = await s.admin.tab.get('/api/v1/me/pin-index');
    expect(got.status).toBe(200);
    expect(PinIndexResponse.parse(got.body)).toEqual({ index: { counter: 1, envelope } });
  });

  it('replaces it only when the stored counter is the one the writer read (two tabs lose nothing)', async () => {
    const s = await office();
    const first = indexOf(s.admin, 1);
    expect(
      (await s.admin.tab.put('/api/v1/me/pin-index', { previousCounter: null, counter: 1, envelope: first })).status,
    ).toBe(204);
    // A second "first write" (another tab that read no index) is refused: an index exists now.
    expectError(
      await s.admin.tab.put('/api/v1/me/pin-index', {
        previousCounter: null,
        counter: 1,
        envelope: indexOf(s.admin, 1, 1),
      }),
      409,
      'pin_index_conflict',
    );
    // Tab A moves 1 → 2; tab B, which also read 1, is refused and must read again.
    const tabA = indexOf(s.admin, 2, 1);
    expect(
      (await s.admin.tab.put('/api/v1/me/pin-index', { previousCounter: 1, counter: 2, envelope: tabA })).status,
    ).toBe(204);
    expectError(
      await s.admin.tab.put('/api/v1/me/pin-index', {
        previousCounter: 1,
        counter: 2,
        envelope: indexOf(s.admin, 2, 3),
      }),
      409,
      'pin_index_conflict',
    );
    expect(PinIndexResponse.parse((await s.admin.tab.get('/api/v1/me/pin-index')).body)).toEqual({
      index: { counter: 2, envelope: tabA },
    });
    // The counter must grow, and the body must be whole.
    expectError(
      await s.admin.tab.put('/api/v1/me/pin-index', { previousCounter: 2, counter: 2, envelope: tabA }),
      400,
      'invalid_input',
    );
    expectError(
      await s.admin.tab.put('/api/v1/me/pin-index', { previousCounter: 2, counter: 3, envelope: 'short' }),
      400,
      'invalid_input',
    );
  });

  it('is per user: another user neither reads nor replaces it', async () => {
    const s = await office();
    const adminIndex = indexOf(s.admin, 5, 1);
    expect(
      (await s.admin.tab.put('/api/v1/me/pin-index', { previousCounter: null, counter: 5, envelope: adminIndex }))
        .status,
    ).toBe(204);
    // The staff member has none of their own, and never gets the admin's.
    expect(PinIndexResponse.parse((await s.staff.tab.get('/api/v1/me/pin-index')).body)).toEqual({ index: null });
    // Naming the admin's counter does not reach the admin's index: the staff member's own is empty.
    expectError(
      await s.staff.tab.put('/api/v1/me/pin-index', { previousCounter: 5, counter: 6, envelope: indexOf(s.staff, 6) }),
      409,
      'pin_index_conflict',
    );
    const own = indexOf(s.staff, 1);
    expect(
      (await s.staff.tab.put('/api/v1/me/pin-index', { previousCounter: null, counter: 1, envelope: own })).status,
    ).toBe(204);
    expect(PinIndexResponse.parse((await s.admin.tab.get('/api/v1/me/pin-index')).body)).toEqual({
      index: { counter: 5, envelope: adminIndex },
    });
    expect(PinIndexResponse.parse((await s.staff.tab.get('/api/v1/me/pin-index')).body)).toEqual({
      index: { counter: 1, envelope: own },
    });
  });
});
