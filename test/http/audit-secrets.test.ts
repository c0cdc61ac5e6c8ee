// One office lives through the account flows (setup, invitations, approval, sign-ins with and
// without two-factor, backup codes, a password change, recovery, leavers, roles, a reset,
// settings and the logo), and a guest and a drop uploader whose browsers become trusted devices,
// are used and forgotten. Then: the audit log holds an entry for each and verifies, names
// nobody in clear and holds no secret; and neither the database file nor its WAL (nor the
// request log) holds any password, auth key, recovery key, key-encryption key, private key,
// TOTP secret, backup code, token or client invitation secret I (handed-over invitations,
// docs/protocol.md §13a), in any common encoding.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  deriveKey,
  fromBase64Url,
  idToWire,
  KDF_CONTEXT,
  normalizeBase32,
  SUBKEY,
  ready,
  toHex,
  type AccountKeys,
  type SplitKeys,
} from '../../shared/crypto/index.js';
import supertest from 'supertest';
import {
  ApiTokenCreated,
  ClientInviteResponse,
  RecoverResponse,
  type SessionList,
  InvitationCreateResponse,
} from '../../shared/wire/index.js';
import { handover, inviteClientByHandover } from '../helpers/clients.js';
import { enrolDevice } from '../helpers/devices.js';
import { verifyChain } from '../../server/kernel/audit/service.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import {
  b64,
  certify,
  changePassword,
  completeRecovery,
  derivePassword,
  fromRfc4648Base32,
  makeAccount,
  totpCode,
  type BrowserAccount,
} from '../helpers/browser.js';
import { guestPlan } from '../helpers/browser-shares.js';
import { tab } from '../helpers/client.js';
import { makeDrop } from '../helpers/drops.js';
import { codeFromMail, sendShare } from '../helpers/sharing.js';
import { inviteToken, startMailServer, type MailServer } from '../helpers/mail-server.js';
import {
  approve,
  enrolTotp,
  idOf,
  inviteAndAccept,
  passwordStep,
  setUpOffice,
  signIn,
  type Member,
  type Office,
  ticketOf,
} from '../helpers/office.js';
import { removeTempDirs } from '../helpers/tmp.js';

let mail: MailServer;
let t: TestApp;
let o: Office;
/** Every secret the flows below used, by a name for the failure message. */
const secrets = new Map<string, Uint8Array | string>();
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

/** Each step of the story must have done what it says. */
function must<T extends { status: number; body: unknown }>(res: T, status: number): T {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  return res;
}

function rememberSplit(name: string, keys: SplitKeys) {
  secrets.set(`${name} auth key`, keys.authKey);
  secrets.set(`${name} key-encryption key`, keys.keyEncryptionKey);
}

function rememberKeys(name: string, keys: AccountKeys) {
  secrets.set(`${name} identity seed`, keys.identity.seed);
  secrets.set(`${name} identity secret key`, keys.identity.secretKey);
  secrets.set(`${name} encryption secret key`, keys.encryption.secretKey);
  secrets.set(`${name} personal key`, keys.personalKey);
}

function rememberAccount(name: string, account: BrowserAccount) {
  secrets.set(`${name} password`, account.password);
  rememberSplit(`${name} password`, derivePassword(account.password, fromBase64Url(account.kdf.salt)));
  secrets.set(`${name} recovery key`, account.recoveryKey);
  secrets.set(`${name} recovery key text`, account.recoveryText);
  secrets.set(`${name} recovery key text, plain`, normalizeBase32(account.recoveryText));
  rememberSplit(`${name} recovery`, account.recoverySplit);
  rememberKeys(name, account.keys);
}

function rememberTotp(name: string, member: Member) {
  secrets.set(`${name} TOTP secret`, fromRfc4648Base32(member.totpSecret ?? ''));
  secrets.set(`${name} TOTP secret text`, member.totpSecret ?? '');
  for (const [i, code] of (member.backupCodes ?? []).entries()) {
    secrets.set(`${name} backup code ${i}`, code);
    secrets.set(`${name} backup code ${i}, plain`, code.replace('-', ''));
  }
}

function rememberToken(name: string, token: string | undefined) {
  if (token !== undefined) secrets.set(name, token);
}

beforeAll(async () => {
  await ready();
  mail = await startMailServer();
  t = await createTestApp({ env: mail.env });
  o = await setUpOffice(t, mail);
  rememberAccount('admin', o.admin.account);
  rememberToken('admin session', o.admin.tab.token);
  secrets.set('office signing seed', o.office.keys.signing.seed);
  secrets.set('office signing secret key', o.office.keys.signing.secretKey);
  secrets.set('office encryption secret key', o.office.keys.encryption.secretKey);

  // Invitations: one accepted, one resent then withdrawn.
  const bram = await inviteAndAccept(o, 'bram@kantoor.example');
  rememberAccount('bram (first password)', bram.account);
  const other = must(
    await o.admin.tab.post('/api/v1/admin/invitations', { email: 'carla@kantoor.example', role: 'staff' }),
    201,
  );
  rememberToken('carla invitation', inviteToken(await mail.latest('carla@kantoor.example')));
  must(
    await o.admin.tab.post(
      `/api/v1/admin/invitations/${InvitationCreateResponse.parse(other.body).invitationId}/resend`,
    ),
    200,
  );
  rememberToken('carla invitation resent', inviteToken(await mail.latest('carla@kantoor.example')));
  must(
    await o.admin.tab.post(
      `/api/v1/admin/invitations/${InvitationCreateResponse.parse(other.body).invitationId}/withdraw`,
    ),
    204,
  );
  await approve(o, bram);

  // Sign-ins: failures (known and unknown address), without and with two-factor, a backup code.
  must(
    await tab(t.app).post('/api/v1/auth/login', {
      email: 'bram@kantoor.example',
      authKey: Buffer.alloc(32, 1).toString('base64url'),
    }),
    401,
  );
  must(
    await tab(t.app).post('/api/v1/auth/login', {
      email: 'nobody@kantoor.example',
      authKey: Buffer.alloc(32, 1).toString('base64url'),
    }),
    401,
  );
  const plain = await signIn(o, bram);
  rememberToken('bram session', plain.tab.token);
  await enrolTotp(o, bram);
  rememberTotp('bram', bram);
  const withTotp = await signIn(o, bram);
  rememberToken('bram session (TOTP)', withTotp.tab.token);
  const ticketed = await passwordStep(t, bram.account);
  rememberToken('bram sign-in ticket', ticketOf(ticketed.res));
  must(
    await ticketed.tab.post('/api/v1/auth/second-factor', {
      ticket: ticketOf(ticketed.res),
      code: '000000' === totpCode(bram.totpSecret ?? '', t.clock.now()) ? '111111' : '000000',
    }),
    401,
  );
  must(
    await ticketed.tab.post('/api/v1/auth/second-factor', {
      ticket: ticketOf(ticketed.res),
      code: bram.backupCodes?.[0] ?? '',
    }),
    200,
  );
  rememberToken('bram session (backup code)', ticketed.tab.token);

  // A password change (with a code), then recovery with the recovery key and a backup code.
  const change = changePassword(bram.account, 'the second password of bram jansen');
  t.clock.advance(30_000);
  must(
    await bram.tab.post('/api/v1/me/password', {
      ...change.request,
      code: totpCode(bram.totpSecret ?? '', t.clock.now()),
    }),
    204,
  );
  change.commit();
  rememberAccount('bram (second password)', bram.account);
  const recovered = RecoverResponse.parse(
    must(
      await tab(t.app).post('/api/v1/auth/recover', {
        email: 'bram@kantoor.example',
        recoveryAuthKey: b64(bram.account.recoverySplit.authKey),
        code: bram.backupCodes?.[1] ?? '',
      }),
      200,
    ).body,
  );
  rememberToken('bram recovery ticket', recovered.ticket);
  const recovery = completeRecovery(bram.account, recovered.recoveryBundle, 'the third password, after recovery');
  const recoveryTab = tab(t.app);
  must(await recoveryTab.post('/api/v1/auth/recover/complete', { ticket: recovered.ticket, ...recovery.body }), 200);
  recovery.commit();
  rememberAccount('bram (after recovery)', bram.account);
  rememberToken('bram session (recovered)', recoveryTab.token);
  bram.tab = recoveryTab;

  // Two-factor off and on again, a session ended from the list, sign-out.
  t.clock.advance(30_000);
  must(
    await bram.tab.post('/api/v1/me/two-factor/disable', {
      authKey: b64(bram.account.passwordKeys.authKey),
      code: totpCode(bram.totpSecret ?? '', t.clock.now()),
    }),
    204,
  );
  await enrolTotp(o, bram);
  rememberTotp('bram (second enrolment)', bram);
  const extra = await signIn(o, bram);
  const sessions = (await bram.tab.get('/api/v1/sessions')).body as SessionList;
  const ended = sessions.sessions.find((s) => !s.current);
  must(await bram.tab.delete(`/api/v1/sessions/${ended?.sessionId ?? ''}`), 204);
  must(await extra.tab.post('/api/v1/auth/logout'), 401); // its session was the one ended from the list
  must(await bram.tab.post('/api/v1/auth/logout'), 204);
  bram.tab = (await signIn(o, bram)).tab;

  // Leavers, roles, reset, settings, logo.
  const dave = await inviteAndAccept(o, 'dave@kantoor.example', 'staff', 'dave has a long password too');
  rememberAccount('dave', dave.account);
  await approve(o, dave);
  must(await o.admin.tab.post(`/api/v1/admin/users/${idOf(dave)}/disable`), 204);
  must(await o.admin.tab.post(`/api/v1/admin/users/${idOf(dave)}/enable`), 204);
  must(
    await o.admin.tab.post(`/api/v1/admin/users/${idOf(dave)}/role`, {
      role: 'admin',
      certificate: certify(o.office, dave.account, 'admin', 2),
    }),
    204,
  );
  must(await o.admin.tab.post(`/api/v1/admin/users/${idOf(dave)}/reset`), 200);
  const resetToken = inviteToken(await mail.latest('dave@kantoor.example'));
  rememberToken('dave reset link', resetToken);
  const renewed = makeAccount({
    userId: dave.account.userId,
    email: 'dave@kantoor.example',
    name: 'Dave',
    password: 'dave picks a new long password',
  });
  must(
    await tab(t.app).post('/api/v1/invitations/accept', { token: resetToken, name: 'Dave', keys: renewed.wire }),
    200,
  );
  rememberAccount('dave (after reset)', renewed);
  // Trusted devices: a guest's browser after a right code, used for the next share; a drop
  // uploader's, used for a second session and then forgotten.
  const guest = guestPlan('gast@example.nl');
  await sendShare(o, bram, { guests: [guest] });
  const guestBrowser = tab(t.app);
  must(await guestBrowser.post(`/api/v1/links/${idToWire(guest.linkId)}/code`, {}), 200);
  const guestCode = await codeFromMail(mail, guest.email, 1);
  must(
    await guestBrowser.post(`/api/v1/links/${idToWire(guest.linkId)}/verify`, { code: guestCode, remember: true }),
    200,
  );
  rememberToken('guest trusted device', guestBrowser.trust);
  const nextShare = guestPlan(guest.email);
  await sendShare(o, bram, { guests: [nextShare] });
  must(await guestBrowser.post(`/api/v1/links/${idToWire(nextShare.linkId)}/trusted`, {}), 200);
  const drop = await makeDrop(o, bram, { email: 'uploader@example.nl' });
  const uploader = tab(t.app);
  must(await uploader.post(`/api/v1/d/${drop.dropId}/code`, {}), 200);
  const dropCode = await codeFromMail(mail, 'uploader@example.nl', 1);
  must(await uploader.post(`/api/v1/d/${drop.dropId}/verify`, { code: dropCode, remember: true }), 200);
  rememberToken('uploader trusted device', uploader.trust);
  must(await uploader.post(`/api/v1/d/${drop.dropId}/trusted`, {}), 200);
  must(await uploader.delete('/api/v1/trusted-device'), 204);

  must(
    await o.admin.tab.put('/api/v1/admin/settings', {
      name: 'Administratiekantoor De Boer',
      requireTwoFactor: false,
      maxExpiryDays: 10,
      retentionDays: 60,
    }),
    200,
  );
  must(await o.admin.tab.raw('put', '/api/v1/admin/logo').attach('logo', PNG, { filename: 'logo.png' }), 204);

  // Client invitations the advisor hands over (protocol §13a): I travels only in the link's
  // fragment; the server keeps it sealed to the office key. One activated, one handed over again.
  const handed = await inviteClientByHandover(o, o.admin, 'klant@voorbeeld.nl', 'Klant Overhand');
  rememberInvitationSecret('client invitation', handed.secret);
  rememberAccount('handed-over client', handed.client.account);
  rememberToken('handed-over client invitation', handed.token);
  const waiting = handover(o, 'wacht@voorbeeld.nl');
  const created = ClientInviteResponse.parse(
    must(
      await o.admin.tab.post('/api/v1/clients/invitations', {
        name: 'Wacht',
        email: 'wacht@voorbeeld.nl',
        handover: waiting.wire,
      }),
      201,
    ).body,
  );
  rememberInvitationSecret('waiting client invitation', waiting.secret);
  const again = handover(o, 'wacht@voorbeeld.nl', waiting.userId);
  must(
    await o.admin.tab.post(`/api/v1/clients/invitations/${created.invitationId}/resend`, { handover: again.wire }),
    200,
  );
  rememberInvitationSecret('waiting client invitation, handed over again', again.secret);

  // An enrolled device (docs/protocol.md "Devices"): its own keys, its bearer token and an API
  // token never reach the database or the log; the account keys it was handed only sealed.
  const { device, claimed } = await enrolDevice(t.app, o.admin, o.office.keys.officeId, t.clock.now());
  rememberToken('device token', claimed.token);
  secrets.set('device encryption secret key', device.keys.encryption.secretKey);
  secrets.set('device signing seed', device.keys.signing.seed);
  secrets.set('device signing secret key', device.keys.signing.secretKey);
  const apiToken = ApiTokenCreated.parse(
    must(
      await o.admin.tab.post(`/api/v1/devices/${claimed.deviceId}/tokens`, { label: 'Export', scopes: ['pull'] }),
      201,
    ).body,
  );
  rememberToken('API token', apiToken.token);
  must(await supertest(t.app).get('/api/v1/received').set('Authorization', `Bearer ${apiToken.token}`), 200);
  must(await o.admin.tab.delete(`/api/v1/devices/${claimed.deviceId}/tokens/${apiToken.tokenInfo.tokenId}`), 204);
  must(await o.admin.tab.delete(`/api/v1/devices/${claimed.deviceId}`), 204);
  must(await supertest(t.app).get('/api/v1/received').set('Authorization', `Bearer ${claimed.token}`), 401);
}, 120_000);

function rememberInvitationSecret(name: string, secret: Uint8Array) {
  secrets.set(`${name} secret I`, secret);
  secrets.set(`${name} key-proof key`, deriveKey(secret, KDF_CONTEXT.invitation, SUBKEY.invitation.keyProof));
}

afterAll(async () => {
  t.close();
  await mail.close();
  await removeTempDirs();
});

describe('the audit log', () => {
  it('holds an entry for each account event, and the chain verifies', () => {
    const actions = new Set(t.db.prepare('SELECT action FROM audit_log').pluck().all() as string[]);
    for (const action of [
      'setup.completed',
      'invitation.created',
      'invitation.resent',
      'invitation.withdrawn',
      'invitation.accepted',
      'user.approved',
      'sign_in.succeeded',
      'sign_in.failed',
      'second_factor.failed',
      'two_factor.enabled',
      'two_factor.disabled',
      'backup_code.used',
      'password.changed',
      'recovery.completed',
      'user.disabled',
      'user.enabled',
      'user.role_changed',
      'user.reset',
      'settings.changed',
      'logo.changed',
      'session.ended',
      'share.trusted_device_used',
      'drop.trusted_device_used',
      'device.enrolled',
      'device.claimed',
      'token.created',
      'token.revoked',
      'device.revoked',
    ]) {
      expect(actions, action).toContain(action);
    }
    expect(verifyChain(t.db)).toMatchObject({ ok: true });
  });

  it('names people only by pseudonym, records failure reasons by class, and an unknown address by nobody', () => {
    const failures = t.db
      .prepare("SELECT actor_ref, details FROM audit_log WHERE action = 'sign_in.failed' ORDER BY seq")
      .all() as { actor_ref: Uint8Array | null; details: string }[];
    expect(failures.map((f) => (JSON.parse(f.details) as { reason: string }).reason)).toEqual(
      expect.arrayContaining(['wrong_password', 'unknown_account']),
    );
    const unknown = failures.find((f) => (JSON.parse(f.details) as { reason: string }).reason === 'unknown_account');
    expect(unknown?.actor_ref).toBeNull();
    const log = JSON.stringify(t.db.prepare('SELECT at, action, object_type, details FROM audit_log').all());
    for (const text of ['@', 'kantoor', 'Bram', 'Anna', 'Dave', 'nobody']) expect(log).not.toContain(text);
    const people = t.db.prepare('SELECT kind, name, email FROM audit_people ORDER BY email').all();
    expect(people).toEqual(
      expect.arrayContaining([
        { kind: 'user', name: 'Anna de Boer', email: 'anna@kantoor.example' },
        { kind: 'user', name: 'Bram Jansen', email: 'bram@kantoor.example' },
        { kind: 'invitee', name: null, email: 'carla@kantoor.example' },
      ]),
    );
  });
});

describe('the database file and its WAL', () => {
  function encodings(value: Uint8Array | string): Buffer[] {
    if (typeof value === 'string') return [Buffer.from(value, 'utf8')];
    const raw = Buffer.from(value);
    return [
      raw,
      Buffer.from(toHex(value), 'utf8'),
      Buffer.from(toHex(value).toUpperCase(), 'utf8'),
      Buffer.from(raw.toString('base64'), 'utf8'),
      Buffer.from(raw.toString('base64').replace(/=+$/, ''), 'utf8'),
      Buffer.from(raw.toString('base64url'), 'utf8'),
    ];
  }

  it('hold no password, auth key, recovery key, key-encryption key, private key, TOTP secret, backup code, token or invitation secret', () => {
    const file = join(t.config.dataDir, 'coffer.db');
    const database = readFileSync(file);
    const wal = readFileSync(`${file}-wal`);
    // The test is only meaningful if the WAL holds the recent writes.
    expect(wal.length).toBeGreaterThan(4096);
    expect(secrets.size).toBeGreaterThan(60);
    const found: string[] = [];
    for (const [name, value] of secrets) {
      for (const needle of encodings(value)) {
        if (database.includes(needle)) found.push(`${name} in coffer.db`);
        if (wal.includes(needle)) found.push(`${name} in coffer.db-wal`);
      }
    }
    expect(found).toEqual([]);
    // Nor does the request log.
    const logs = t.logs.text();
    for (const [name, value] of secrets)
      if (typeof value === 'string' && logs.includes(value)) found.push(`${name} in the log`);
    expect(found).toEqual([]);
    // And the check itself works: a value that is stored is found.
    const stored = o.admin.account.keys.identity.publicKey;
    expect(database.includes(Buffer.from(stored)) || wal.includes(Buffer.from(stored))).toBe(true);
  });
});
