// First-run setup: the first admin creates the office with keys made in the browser.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { idToWire, verifyMemberCertificate, fromBase64Url } from '../../shared/crypto/index.js';
import { OfficePublic, SessionInfo, SignedIn, ErrorBody } from '../../shared/wire/index.js';
import { createSetupRepo } from '../../server/setup/repo.js';
import { createSetupService, SETUP_LINK_LIFETIME_MS } from '../../server/setup/service.js';
import { AppError } from '../../server/kernel/http/errors.js';
import type { TestApp } from '../helpers/app.js';
import {
  certify,
  makeAccount,
  makeOffice,
  openPasswordBundle,
  openSealedOfficeKeys,
  setupRequest,
} from '../helpers/browser.js';
import { tab } from '../helpers/client.js';
import { expectError } from '../helpers/expect.js';
import { ADMIN_PASSWORD, issueSetupToken } from '../helpers/office.js';
import { httpSuite } from '../helpers/suite.js';

const suite = httpSuite();
const app = (): Promise<TestApp> => suite.app();

const COMPLETE = '/api/v1/setup/complete';
const admin = () => makeAccount({ email: 'anna@kantoor.example', name: 'Anna de Boer', password: ADMIN_PASSWORD });

describe('POST /api/v1/setup/complete', () => {
  it('creates the office and the approved admin, signs in, and releases the keys', async () => {
    const t = await app();
    const before = await request(t.app).get('/api/v1/office');
    expect(OfficePublic.parse(before.body)).toEqual({ setUp: false });

    const token = await issueSetupToken(t);
    const office = makeOffice();
    const account = admin();
    const browser = tab(t.app);
    const res = await browser.post(COMPLETE, setupRequest(token, office, account));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const signedIn = SignedIn.parse(res.body);
    expect(browser.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const cookie = (res.headers['set-cookie'] as unknown as string[])[0] ?? '';
    expect(cookie).toMatch(
      /^__Host-coffer-session=[A-Za-z0-9_-]{43}; Max-Age=43200; Path=\/; Secure; HttpOnly; SameSite=Strict$/,
    );

    expect(signedIn.session.me).toEqual({
      userId: idToWire(account.userId),
      name: 'Anna de Boer',
      email: 'anna@kantoor.example',
      role: 'admin',
      approval: 'approved',
      twoFactor: false,
      mustEnrolTwoFactor: false,
    });
    expect(signedIn.session.office.name).toBe(office.name);
    expect(signedIn.session.idleSeconds).toBe(3600);
    expect(signedIn.session.expiresAt).toBe(new Date(t.clock.now() + 12 * 3600_000).toISOString());
    // The browser can open what it got back.
    const opened = openPasswordBundle(account, signedIn.keys.passwordBundle);
    expect(opened.identity.publicKey).toEqual(account.keys.identity.publicKey);
    const certificate = verifyMemberCertificate(
      office.keys.signing.publicKey,
      fromBase64Url(signedIn.keys.certificate ?? ''),
    );
    expect(certificate).toMatchObject({ version: 1, role: 'admin', email: 'anna@kantoor.example' });
    const officeKeys = openSealedOfficeKeys(office, account, signedIn.keys.sealedOfficeKeys ?? '');
    expect(officeKeys.signing.publicKey).toEqual(office.keys.signing.publicKey);

    const session = await browser.get('/api/v1/session');
    expect(SessionInfo.parse(session.body).me.role).toBe('admin');
    const after = OfficePublic.parse((await request(t.app).get('/api/v1/office')).body);
    expect(after).toEqual({
      setUp: true,
      officeId: idToWire(office.keys.officeId),
      name: office.name,
      signingPublicKey: Buffer.from(office.keys.signing.publicKey).toString('base64url'),
    });
    expect((await browser.get('/api/v1/office/keys')).status).toBe(200);
  });

  it('refuses a reused setup link, and afterwards the link no longer verifies and no new one can be issued', async () => {
    const t = await app();
    const token = await issueSetupToken(t);
    // A second link issued before setup is withdrawn by it too.
    expect((await tab(t.app).post(COMPLETE, setupRequest(token, makeOffice(), admin()))).status).toBe(200);

    const again = await tab(t.app).post(COMPLETE, setupRequest(token, makeOffice(), admin()));
    expectError(again, 404, 'setup_link_invalid');
    expectError(await tab(t.app).post('/api/v1/setup/verify', { token }), 404, 'setup_link_invalid');
    const setup = createSetupService({ repo: createSetupRepo(t.db), clock: t.clock, publicUrl: t.config.publicUrl });
    const refused = await setup.issueLink().catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).code).toBe('setup_finished');
    expect(t.db.prepare('SELECT count(*) FROM users').pluck().get()).toBe(1);
  });

  it('withdraws other unused setup links when setup completes', async () => {
    const t = await app();
    const setup = createSetupService({ repo: createSetupRepo(t.db), clock: t.clock, publicUrl: t.config.publicUrl });
    const first = await setup.issueLink();
    const second = await setup.issueLink();
    // The first was already withdrawn by the second.
    expectError(
      await tab(t.app).post(COMPLETE, setupRequest(first.token, makeOffice(), admin())),
      404,
      'setup_link_invalid',
    );
    expect((await tab(t.app).post(COMPLETE, setupRequest(second.token, makeOffice(), admin()))).status).toBe(200);
    expect(t.db.prepare('SELECT count(*) FROM setup_tokens WHERE used_at IS NULL').pluck().get()).toBe(0);
  });

  it('refuses an expired setup link', async () => {
    const t = await app();
    const token = await issueSetupToken(t);
    t.clock.advance(SETUP_LINK_LIFETIME_MS);
    expectError(await tab(t.app).post(COMPLETE, setupRequest(token, makeOffice(), admin())), 404, 'setup_link_invalid');
    expect(t.db.prepare('SELECT count(*) FROM office').pluck().get()).toBe(0);
  });

  it('refuses a certificate signed by another key, or naming something else', async () => {
    const t = await app();
    const token = await issueSetupToken(t);
    const office = makeOffice();
    const account = admin();
    const stranger = makeOffice();
    const other = makeAccount({ email: 'anna@kantoor.example', name: 'x', password: ADMIN_PASSWORD });
    const bad = [
      certify(stranger, account, 'admin', 1), // another office key
      certify(office, account, 'staff', 1), // not an admin
      certify(office, account, 'admin', 2), // not version 1
      certify(office, { ...account, email: 'someone@else.example' }, 'admin', 1),
      certify(office, { ...account, userId: other.userId }, 'admin', 1),
      certify(office, { ...account, keys: other.keys }, 'admin', 1),
    ];
    for (const certificate of bad) {
      expectError(
        await tab(t.app).post(COMPLETE, setupRequest(token, office, account, { certificate })),
        400,
        'invalid_certificate',
      );
    }
    // An office key statement for another key.
    const swapped = setupRequest(token, office, account);
    swapped.office.encryptionPublicKey = Buffer.from(stranger.keys.encryption.publicKey).toString('base64url');
    expectError(await tab(t.app).post(COMPLETE, swapped), 400, 'invalid_certificate');
    // Nothing was stored and the link still works.
    expect(t.db.prepare('SELECT count(*) FROM users').pluck().get()).toBe(0);
    expect((await tab(t.app).post(COMPLETE, setupRequest(token, office, account))).status).toBe(200);
  });

  it('refuses Argon2id parameters outside the floor and ceiling, and a bad encryption-key signature', async () => {
    const t = await app();
    const token = await issueSetupToken(t);
    const office = makeOffice();
    const account = admin();
    for (const kdf of [
      { ...account.wire.kdf, opsLimit: 2 },
      { ...account.wire.kdf, memLimit: 32 * 1024 * 1024 },
      { ...account.wire.kdf, opsLimit: 11 },
      { ...account.wire.kdf, memLimit: 512 * 1024 * 1024 },
    ]) {
      const body = setupRequest(token, office, account);
      body.admin.keys = { ...body.admin.keys, kdf };
      const res = await tab(t.app).post(COMPLETE, body);
      expectError(res, 400, 'invalid_input');
      expect(ErrorBody.parse(res.body).error.fields).toEqual(['admin.keys.kdf']);
    }
    const body = setupRequest(token, office, account);
    body.admin.keys = { ...body.admin.keys, encryptionKeySignature: Buffer.alloc(64, 1).toString('base64url') };
    const res = await tab(t.app).post(COMPLETE, body);
    expectError(res, 400, 'invalid_input');
    expect(ErrorBody.parse(res.body).error.fields).toEqual(['admin.keys.encryptionKeySignature']);
  });
});
