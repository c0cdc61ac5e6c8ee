// The server's half of a session's kept keys (docs/protocol.md §29): 32 random bytes, made on the
// session's first POST, answered only to that live session (never to another session of the
// same user), and destroyed with the session: sign-out, ending it from another session, expiry,
// a password change (the current session's half too), disabling. It never reaches a log line.
import { describe, expect, it } from 'vitest';
import { fromBase64Url, idToWire, toHex } from '../../shared/crypto/index.js';
import { SessionKeepHalf, SessionList } from '../../shared/wire/index.js';
import { changePassword } from '../helpers/browser.js';
import { tab, type Tab } from '../helpers/client.js';
import { expectError } from '../helpers/expect.js';
import { signIn, type Office } from '../helpers/office.js';
import { staffSuite } from './support/staff-suite.js';

const { office } = staffSuite();

const PATH = '/api/v1/session/keep-half';

async function made(into: Tab): Promise<SessionKeepHalf> {
  const res = await into.post(PATH, {});
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.headers['cache-control']).toBe('no-store');
  return SessionKeepHalf.parse(res.body);
}

async function read(into: Tab): Promise<SessionKeepHalf> {
  const res = await into.get(PATH);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.headers['cache-control']).toBe('no-store');
  return SessionKeepHalf.parse(res.body);
}

/** How many session rows hold this half (0 once it is destroyed). */
function rowsHolding(o: Office, half: SessionKeepHalf): number {
  return o.t.db
    .prepare('SELECT count(*) FROM sessions WHERE keep_half = ?')
    .pluck()
    .get(fromBase64Url(half.half, 32)) as number;
}

describe('the session key half', () => {
  it('is made once per session, answered again only to that session, with its id, and never logged', async () => {
    const o = await office();
    expectError(await o.staff.tab.get(PATH), 404, 'not_found');
    const first = await made(o.staff.tab);
    expect(fromBase64Url(first.half)).toHaveLength(32);
    // Asking again (a second tab of the same session, a reload) answers the same half.
    expect(await made(o.staff.tab)).toEqual(first);
    expect(await read(o.staff.tab)).toEqual(first);
    const current = SessionList.parse((await o.staff.tab.get('/api/v1/sessions')).body).sessions.find((s) => s.current);
    expect(first.sessionId).toBe(current?.sessionId);

    // The same user signed in elsewhere: that session has no half of its own yet and never gets this one.
    const { tab: laptop } = await signIn(o, o.staff);
    expectError(await laptop.get(PATH), 404, 'not_found');
    const second = await made(laptop);
    expect(second.half).not.toBe(first.half);
    expect(second.sessionId).not.toBe(first.sessionId);
    expect(await read(o.staff.tab)).toEqual(first);
    // Another user, and nobody at all.
    expect((await made(o.admin.tab)).half).not.toBe(first.half);
    expectError(await tab(o.t.app).get(PATH), 401, 'signed_out');
    expectError(await tab(o.t.app).post(PATH, {}), 401, 'signed_out');
    expectError(await o.staff.tab.post(PATH, { half: first.half }), 400, 'invalid_input');

    const logged = o.t.logs.text();
    for (const half of [first, second]) {
      expect(logged).not.toContain(half.half);
      expect(logged).not.toContain(toHex(fromBase64Url(half.half)));
    }
  });

  it('is destroyed with the session: sign-out, ended from another session, expiry', async () => {
    const o = await office({ SESSION_IDLE_MINUTES: '10' });
    const half = await made(o.staff.tab);
    expect((await o.staff.tab.post('/api/v1/auth/logout', {})).status).toBe(204);
    expect(rowsHolding(o, half)).toBe(0);

    const { tab: desk } = await signIn(o, o.staff);
    const { tab: phone } = await signIn(o, o.staff);
    const deskHalf = await made(desk);
    const phoneHalf = await made(phone);
    const deskId = deskHalf.sessionId;
    expect((await phone.delete(`/api/v1/sessions/${deskId}`)).status).toBe(204);
    expectError(await desk.get(PATH), 401, 'signed_out');
    expect(rowsHolding(o, deskHalf)).toBe(0);

    o.t.clock.advance(10 * 60_000);
    expectError(await phone.get(PATH), 401, 'signed_out');
    expect(rowsHolding(o, phoneHalf)).toBe(0);
  });

  it('is destroyed by a password change, in the session that made it as well, and by disabling', async () => {
    const o = await office();
    const { tab: laptop } = await signIn(o, o.staff);
    const laptopHalf = await made(laptop);
    const ownHalf = await made(o.staff.tab);
    const { request, commit } = changePassword(o.staff.account, 'een nieuwe lange zin als wachtwoord');
    expect((await o.staff.tab.post('/api/v1/me/password', request)).status).toBe(204);
    commit();
    expectError(await laptop.get(PATH), 401, 'signed_out');
    expect(rowsHolding(o, laptopHalf)).toBe(0);
    // The session that changed the password stays signed in, but what its browser kept no longer opens.
    expectError(await o.staff.tab.get(PATH), 404, 'not_found');
    expect(rowsHolding(o, ownHalf)).toBe(0);
    const fresh = await made(o.staff.tab);
    expect(fresh.half).not.toBe(ownHalf.half);

    const disable = await o.admin.tab.post(`/api/v1/admin/users/${idToWire(o.staff.account.userId)}/disable`, {});
    expect(disable.status, JSON.stringify(disable.body)).toBe(204);
    expectError(await o.staff.tab.get(PATH), 401, 'signed_out');
    expect(rowsHolding(o, fresh)).toBe(0);
  });
});
