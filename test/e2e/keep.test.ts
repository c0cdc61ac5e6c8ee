// Keys that survive a reload (docs/protocol.md §29; docs/threat-model.md, "Keys kept in the
// browser"), in real Chromium against the real server program: unlock once, and a reload or a
// link into the app in a new tab opens unlocked; "Lock" and signing out leave nothing of the
// keys in the browser's storage (read here: every IndexedDB database of the origin,
// sessionStorage, localStorage); a session ended from another device, or a server that answers
// another half, falls back to sign-in or the password with the kept keys deleted. And the leak
// search: the local half, the kept key and the account keys reach no request, log, mail or file
// of the server; the server's half is only in its database. A password change whose answer was
// lost is read back, reported done, and the keys are kept again.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idFromWire, randomBytes, sessionKeepKey } from '../../shared/crypto/index.js';
import type { Db } from '../../server/kernel/db/open.js';
import { choosePassword, signIn, type Person } from './support/accounts.js';
import { acceptCutConnections, loseFirstAnswer } from './support/lost-answer.js';
import { memberKeysOf } from './support/keys.js';
import { everything, FlowTest, type Sessions } from './support/sessions.js';
import { findNeedles, forms } from './support/traces.js';

const ADMIN: Person = { name: 'Els Jansen', email: 'els@kantoor-jansen.nl', password: 'kaasboer-fietspomp-regenjas' };
const STAFF: Person = {
  name: 'Bram Bakker',
  email: 'bram@kantoor-jansen.nl',
  password: 'groene-tulpen-in-de-regen-42',
};

let db: Db;
let sessions: Sessions;
const flow = new FlowTest();
beforeAll(async () => {
  await flow.start('coffer-keep-e2e-', [], { name: 'Kantoor Jansen', admin: ADMIN, colleagues: [STAFF] });
  ({ db, sessions } = flow);
});
afterAll(() => flow.stop());

/** What the origin keeps in the browser: the IndexedDB databases, sessionStorage and localStorage. */
function storageOf(page: Page) {
  return page.evaluate(async () => ({
    databases: (await indexedDB.databases()).map((database) => database.name ?? ''),
    session: Object.fromEntries(Object.entries(sessionStorage)),
    local: Object.fromEntries(Object.entries(localStorage)),
  }));
}

/** Nothing kept that could open a key: no IndexedDB database, nothing in sessionStorage, no key-sized value in localStorage. */
async function expectNothingKept(page: Page): Promise<void> {
  const storage = await storageOf(page);
  expect(storage.databases).toEqual([]);
  expect(storage.session).toEqual({});
  for (const [name, value] of Object.entries(storage.local)) {
    expect(name).not.toMatch(/keep/i);
    expect(value, name).not.toMatch(/[A-Za-z0-9_-]{43}/);
  }
}

/**
 * Waits until nothing is loading (a lazily loaded chunk of the page before, e.g. the password
 * strength checker the sign-in page starts), so a reload or a new address aborts no request.
 */
const quiet = (page: Page) => page.waitForLoadState('networkidle');

/** The app shows `section` unlocked: the shell, and no password asked. */
async function expectUnlocked(page: Page, section: string): Promise<void> {
  await page.locator(`[data-testid="app-shell"][data-section="${section}"]`).waitFor({ timeout: 60_000 });
  expect(await page.getByTestId('unlock-page').count()).toBe(0);
}

async function fingerprintOn(page: Page): Promise<string> {
  await quiet(page);
  await page.goto(new URL('/app/security', page.url()).href);
  await expectUnlocked(page, 'security');
  return (await page.getByTestId('own-fingerprint').textContent()) ?? '';
}

/** The local half as the page's origin can open it (with the non-extractable key, which cannot leave). */
function localHalfIn(page: Page): Promise<{ userId: string; sessionId: string; localHalf: number[] }> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const opening = indexedDB.open('coffer-keep');
      opening.onsuccess = () => resolve(opening.result);
      opening.onerror = () => reject(new Error('no kept keys'));
    });
    const record = await new Promise<{
      userId: string;
      sessionId: string;
      wrappingKey: CryptoKey;
      iv: Uint8Array<ArrayBuffer>;
      wrappedLocalHalf: Uint8Array<ArrayBuffer>;
    }>((resolve, reject) => {
      const get = db.transaction('kept').objectStore('kept').get('session');
      get.onsuccess = () => resolve(get.result as never);
      get.onerror = () => reject(new Error('no record'));
    });
    db.close();
    const bytesOf = (wire: string) =>
      Uint8Array.from(atob(wire.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
    // enc(fields): each field as a 4-byte big-endian length and its bytes (docs/protocol.md §2).
    const fields = [
      new TextEncoder().encode('coffer/v1/session-keep'),
      new TextEncoder().encode('local-half'),
      bytesOf(record.userId),
      bytesOf(record.sessionId),
    ];
    const ad = new Uint8Array(fields.reduce((n, f) => n + 4 + f.length, 0));
    let at = 0;
    for (const field of fields) {
      new DataView(ad.buffer).setUint32(at, field.length);
      ad.set(field, at + 4);
      at += 4 + field.length;
    }
    const localHalf = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: record.iv, additionalData: ad },
      record.wrappingKey,
      record.wrappedLocalHalf,
    );
    return { userId: record.userId, sessionId: record.sessionId, localHalf: [...new Uint8Array(localHalf)] };
  });
}

const serverHalfOf = (sessionId: string) =>
  (
    db.prepare('SELECT keep_half FROM sessions WHERE id = ?').get(Buffer.from(idFromWire(sessionId))) as {
      keep_half: Buffer | null;
    }
  ).keep_half;

const userIdOf = (person: Person) =>
  (db.prepare('SELECT id FROM users WHERE email = ?').get(person.email) as { id: Buffer }).id.toString('base64url');

describe('keys kept for the session', () => {
  it('a reload and a link into the app in a new tab open unlocked; signing out leaves nothing kept; signing in asks once', async () => {
    const bram = await sessions.signedIn(STAFF);
    const fingerprint = await fingerprintOn(bram.page);
    expect(fingerprint).toMatch(/^\d{30}$/);
    expect((await storageOf(bram.page)).databases).toEqual(['coffer-keep']);

    await quiet(bram.page);

    await bram.page.reload();
    await expectUnlocked(bram.page, 'security');
    expect(await bram.page.getByTestId('own-fingerprint').textContent()).toBe(fingerprint);

    // A link into the app from a mail, opened in a new tab of the same browser.
    const tab = await bram.context.newPage();
    await tab.goto(`${flow.coffer.origin}/app/received`);
    await expectUnlocked(tab, 'received');
    await tab.close();

    // The leak search: the local half, the key they make, and the account's secret keys.
    const kept = await localHalfIn(bram.page);
    const serverHalf = serverHalfOf(kept.sessionId);
    expect(serverHalf).toHaveLength(32);
    const { userId, keys } = memberKeysOf(db, STAFF.email, STAFF.password);
    expect(kept.userId).toBe(Buffer.from(userId).toString('base64url'));
    const localHalf = new Uint8Array(kept.localHalf);
    const keepKey = sessionKeepKey(new Uint8Array(serverHalf!), localHalf, userId, idFromWire(kept.sessionId));
    const haystacks = await everything(sessions, flow.coffer);
    const needles = [
      ...forms('local half', localHalf),
      ...forms('kept-keys key', keepKey),
      ...forms('identity seed', keys.identity.seed),
      ...forms('encryption secret key', keys.encryption.secretKey),
      ...forms('personal key', keys.personalKey),
    ];
    expect(findNeedles(haystacks, needles)).toEqual([]);
    // The server's half: in its database only (the control that the search reads the database), never logged or sent.
    const halfSeen = findNeedles(haystacks, forms('server half', new Uint8Array(serverHalf!)));
    expect(halfSeen.some((hit) => / in coffer\.db(-wal)?$/.test(hit))).toBe(true);
    expect(halfSeen.filter((hit) => !/ in coffer\.db(-wal)?$/.test(hit))).toEqual([]);

    await bram.page.getByTestId('sign-out').click();
    await bram.page.getByTestId('login-page').waitFor();
    await expectNothingKept(bram.page);
    expect(db.prepare('SELECT count(*) AS n FROM sessions WHERE keep_half = ?').get(serverHalf)).toEqual({ n: 0 });

    // Signing in again asks for the password once: the reload after it does not.
    await signIn(bram.page, flow.coffer.origin, STAFF);
    await quiet(bram.page);
    await bram.page.reload();
    await expectUnlocked(bram.page, 'dashboard');
    await sessions.finish(bram);
  });

  it('"Lock" forgets the keys and keeps the session: the password unlocks again, once', async () => {
    const bram = await sessions.signedIn(STAFF);
    await bram.page.getByTestId('lock').click();
    await bram.page.getByTestId('unlock-page').waitFor();
    await expectNothingKept(bram.page);
    await quiet(bram.page);
    await bram.page.reload();
    await bram.page.getByTestId('unlock-page').waitFor({ timeout: 60_000 });
    expect(new URL(bram.page.url()).pathname).toBe('/app');
    await bram.page.getByTestId('unlock-password').fill(STAFF.password);
    await bram.page.getByTestId('unlock-submit').click();
    await expectUnlocked(bram.page, 'dashboard');
    await quiet(bram.page);
    await bram.page.reload();
    await expectUnlocked(bram.page, 'dashboard');
    await sessions.finish(bram);
  });

  it('a session ended from another device: a reload shows sign-in, and nothing kept remains', async () => {
    const desk = await sessions.signedIn(STAFF);
    const phone = await sessions.signedIn(STAFF);
    expect((await storageOf(desk.page)).databases).toEqual(['coffer-keep']);
    const ended = await phone.page.evaluate(async () => {
      const list = (await (await fetch('/api/v1/sessions')).json()) as {
        sessions: { sessionId: string; current: boolean }[];
      };
      const others = list.sessions.filter((s) => !s.current);
      for (const other of others) await fetch(`/api/v1/sessions/${other.sessionId}`, { method: 'DELETE' });
      return others.length;
    });
    expect(ended).toBeGreaterThan(0);
    await quiet(desk.page);
    await desk.page.reload();
    await desk.page.getByTestId('login-page').waitFor({ timeout: 60_000 });
    await expectNothingKept(desk.page);
    // The browser logs the session check's 401 that sent it to sign-in; nothing else may show.
    const expected = /status of 401 .*\(\/api\/v1\/session\)$/;
    expect(desk.problems.messages.filter((line) => expected.test(line))).toHaveLength(1);
    desk.problems.messages.splice(0, Infinity, ...desk.problems.messages.filter((line) => !expected.test(line)));
    await sessions.finish(desk, phone);
  });

  it('another account signing in in the same browser replaces what was kept: a reload opens that account', async () => {
    const bram = await sessions.signedIn(STAFF);
    expect((await localHalfIn(bram.page)).userId).toBe(userIdOf(STAFF));
    const tab = await bram.context.newPage();
    await signIn(tab, flow.coffer.origin, ADMIN);
    expect((await localHalfIn(tab)).userId).toBe(userIdOf(ADMIN));
    await tab.close();
    await quiet(bram.page);
    await bram.page.reload();
    await expectUnlocked(bram.page, 'dashboard');
    expect(await bram.page.getByTestId('account-name').textContent()).toBe(ADMIN.name);
    expect((await localHalfIn(bram.page)).userId).toBe(userIdOf(ADMIN));
    await sessions.finish(bram);
  });

  it('a password change destroys the old half, and the browser keeps the keys again under a new one, also when the answer was lost', async () => {
    const els = await sessions.signedIn(ADMIN);
    const before = await localHalfIn(els.page);
    const oldHalf = serverHalfOf(before.sessionId);
    await quiet(els.page);
    await els.page.goto(`${flow.coffer.origin}/app/security`);
    await expectUnlocked(els.page, 'security');
    await els.page.getByTestId('password-current').fill(ADMIN.password);
    await choosePassword(els.page, 'een-nieuwe-zin-voor-els-jansen-2026');
    await els.page.getByTestId('password-change-submit').click();
    await els.page.locator('[data-testid="password-change-status"][data-state="done"]').waitFor({ timeout: 60_000 });
    const after = serverHalfOf(before.sessionId);
    expect(after).toHaveLength(32);
    expect(Buffer.compare(after!, oldHalf!)).not.toBe(0);
    await quiet(els.page);
    await els.page.reload();
    await expectUnlocked(els.page, 'security');

    // Once more, with the answer lost: the server changes it; the page reads the keys back, says
    // it is done and keeps the keys again; the new password signs in.
    const newest = 'nog-een-zin-voor-els-in-december';
    const lost = await loseFirstAnswer(els.page, '**/api/v1/me/password');
    await els.page.getByTestId('password-current').fill('een-nieuwe-zin-voor-els-jansen-2026');
    await choosePassword(els.page, newest);
    await els.page.getByTestId('password-change-submit').click();
    await els.page.locator('[data-testid="password-change-status"][data-state="done"]').waitFor({ timeout: 60_000 });
    expect(lost.seen).toEqual(['dropped 204']);
    expect(await els.page.getByTestId('password-change-error').count()).toBe(0);
    expect(Buffer.compare(serverHalfOf(before.sessionId)!, after!)).not.toBe(0);
    await quiet(els.page);
    await els.page.reload();
    await expectUnlocked(els.page, 'security');
    acceptCutConnections(els.problems.messages);
    const fresh = await sessions.open('Els, elsewhere');
    await signIn(fresh.page, flow.coffer.origin, { ...ADMIN, password: newest });
    await sessions.finish(els, fresh);
  });

  it('a server that answers another half: the kept keys are refused and deleted, and the password is asked', async () => {
    const bram = await sessions.signedIn(STAFF);
    const { sessionId } = await localHalfIn(bram.page);
    db.prepare('UPDATE sessions SET keep_half = ? WHERE id = ?').run(
      Buffer.from(randomBytes(32)),
      Buffer.from(idFromWire(sessionId)),
    );
    await quiet(bram.page);
    await bram.page.reload();
    await bram.page.getByTestId('unlock-page').waitFor({ timeout: 60_000 });
    await expectNothingKept(bram.page);
    await sessions.finish(bram);
  });
});
