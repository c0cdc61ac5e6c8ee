// Enrolled devices and API tokens (shared/wire/devices.ts, docs/protocol.md "Devices"): a device
// enrols with its keys, a member approves it with what the browser sealed and signed, the device
// claims exactly once with its signature, and its bearer token then acts for the member on the
// routes of its scopes only. Foreign ids answer 404, a revoked device 401 device_revoked.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import {
  bytesEqual,
  checkHandover,
  deviceCode,
  deviceCodeMatches,
  devicePublicKeysOf,
  fromBase64Url,
  idFromWire,
  idToWire,
  newBoxKeyPair,
  newId,
  newSigningKeyPair,
  openDeviceKeys,
  toBase64Url,
  type DeviceScope,
} from '../../shared/crypto/index.js';
import {
  ApiTokenCreated,
  Device,
  DeviceClaimed,
  DeviceList,
  EnrolmentWaiting,
  GrantResponse,
  KeyMaterial,
  PendingEnrolments,
  ReceivedList,
} from '../../shared/wire/index.js';
import { createServices } from '../../server/compose.js';
import { routeTable } from '../../server/routes.js';
import {
  approvalBody,
  claimEnrolment,
  enrolDevice,
  startEnrolment as startDeviceEnrolment,
  type Enrolling,
} from '../helpers/devices.js';
import { expectError } from '../helpers/expect.js';
import { exportOf } from './support/privacy.js';
import type { Member } from '../helpers/office.js';
import { sendShare, type SendingOffice } from '../helpers/sharing.js';
import { staffSuite } from './support/staff-suite.js';

const { office } = staffSuite();

const MINUTE = 60_000;

/** Starts an enrolment and checks its 10 minutes. */
async function startEnrolment(s: SendingOffice, name = 'Scanner PC', ip?: string): Promise<Enrolling> {
  const device = await startDeviceEnrolment(s.t.app, name, ip === undefined ? {} : { ip });
  expect(Date.parse(device.expiresAt)).toBe(s.t.clock.now() + 10 * MINUTE);
  return device;
}

function approval(s: SendingOffice, member: Member, device: Enrolling, scopes: DeviceScope[]) {
  return approvalBody(member.account, s.office.keys.officeId, device, scopes, s.t.clock.now());
}

async function approve(s: SendingOffice, member: Member, device: Enrolling, scopes: DeviceScope[] = ['send', 'pull']) {
  const res = await member.tab.post(
    `/api/v1/devices/enrolments/${device.enrolmentId}/approve`,
    approval(s, member, device, scopes),
  );
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return Device.parse(res.body);
}

function claim(s: SendingOffice, device: Enrolling, time = s.t.clock.now()) {
  return claimEnrolment(s.t.app, device, time);
}

function enrolled(s: SendingOffice, member: Member, scopes: DeviceScope[] = ['send', 'pull'], name?: string) {
  return enrolDevice(s.t.app, member, s.office.keys.officeId, s.t.clock.now(), {
    scopes,
    ...(name !== undefined ? { name } : {}),
  });
}

/** A request as the device makes it: its bearer token, no cookie, no Origin. */
function asDevice(s: SendingOffice, token: string, method: 'get' | 'post' | 'put' | 'delete', path: string) {
  return request(s.t.app)[method](path).set('Authorization', `Bearer ${token}`);
}

function auditOf(s: SendingOffice): { action: string; details: string }[] {
  return s.t.db
    .prepare("SELECT action, details FROM audit_log WHERE action LIKE 'device.%' OR action LIKE 'token.%' ORDER BY seq")
    .all() as { action: string; details: string }[];
}

describe('device enrolment', () => {
  it('a member finds the enrolment by its code, approves it, and the device claims its keys and token once', async () => {
    const s = await office();
    const device = await startEnrolment(s);
    // Before approval the device is told to wait.
    const waiting = await claim(s, device);
    expect(waiting.status).toBe(202);
    expect(EnrolmentWaiting.parse(waiting.body).status).toBe('waiting');

    // The browser lists what waits and keeps only the enrolment whose keys give the typed code.
    const pending = PendingEnrolments.parse((await s.staff.tab.get('/api/v1/devices/enrolments')).body);
    const typed = deviceCode(devicePublicKeysOf(device.keys)).toLowerCase();
    const chosen = pending.enrolments.filter((e) =>
      deviceCodeMatches(
        {
          encryptionPublicKey: fromBase64Url(e.encryptionPublicKey),
          signingPublicKey: fromBase64Url(e.signingPublicKey),
        },
        typed,
      ),
    );
    expect(chosen.map((e) => e.enrolmentId)).toEqual([device.enrolmentId]);
    expect(chosen[0]?.name).toBe('Scanner PC');

    const approved = await approve(s, s.staff, device, ['pull']);
    expect(approved).toMatchObject({ deviceId: device.enrolmentId, name: 'Scanner PC', scopes: ['pull'], tokens: [] });
    // Approved: no longer pending for anyone.
    const after = PendingEnrolments.parse((await s.admin.tab.get('/api/v1/devices/enrolments')).body);
    expect(after.enrolments).toEqual([]);

    s.t.clock.advance(1000);
    const res = await claim(s, device);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const claimed = DeviceClaimed.parse(res.body);
    expect(claimed).toMatchObject({ deviceId: device.enrolmentId, scopes: ['pull'] });
    expect(claimed.userId).toBe(toBase64Url(s.staff.account.userId));

    // The device opens the handover and checks it against the office it pinned.
    const handover = openDeviceKeys(fromBase64Url(claimed.sealedKeys), idFromWire(device.enrolmentId), device.keys);
    const mine = KeyMaterial.parse((await asDevice(s, claimed.token, 'get', '/api/v1/me/keys')).body);
    const certified = checkHandover(handover, s.office.keys.signing.publicKey, fromBase64Url(mine.certificate!));
    expect(certified.email).toBe(s.staff.account.email);
    expect(bytesEqual(handover.keys.identity.publicKey, s.staff.account.keys.identity.publicKey)).toBe(true);

    // Exactly once: the enrolment is gone for a second claim, and the server no longer holds the handover.
    s.t.clock.advance(1000);
    expectError(await claim(s, device), 404, 'not_found');
    const stored = s.t.db.prepare('SELECT sealed_keys, claimed_at FROM devices').get() as {
      sealed_keys: Uint8Array | null;
      claimed_at: number | null;
    };
    expect(stored.sealed_keys).toBeNull();
    expect(stored.claimed_at).not.toBeNull();
    // Only the token's hash is kept.
    const hashes = s.t.db.prepare('SELECT token_hash FROM device_tokens').pluck().all() as Uint8Array[];
    expect(hashes).toHaveLength(1);
    expect(Buffer.from(hashes[0]!).toString('base64url')).not.toBe(claimed.token);

    const list = DeviceList.parse((await s.staff.tab.get('/api/v1/devices')).body);
    expect(list.devices.map((d) => [d.name, d.scopes, d.tokens.length])).toEqual([['Scanner PC', ['pull'], 1]]);
    expect(list.devices[0]?.lastUsedAt).not.toBeNull();
    expect(auditOf(s).map((row) => row.action)).toEqual(['device.enrolled', 'device.claimed']);
    expect(JSON.parse(auditOf(s)[0]!.details)).toEqual({ name: 'Scanner PC', scopes: ['pull'] });
  });

  it('refuses a claim that is not signed by the device, replayed, or from a clock far off', async () => {
    const s = await office();
    const device = await startEnrolment(s);
    const time = s.t.clock.now();
    expect((await claim(s, device, time)).status).toBe(202);
    // The same signed claim again is a replay.
    expectError(await claim(s, device, time), 401, 'invalid_credentials');
    const other: Enrolling = { ...device, keys: { ...device.keys, signing: newSigningKeyPair() } };
    expectError(await claim(s, other, time + 1), 401, 'invalid_credentials');
    expectError(await claim(s, device, time + 3 * MINUTE), 401, 'invalid_credentials');
    expectError(await claim(s, device, time - 3 * MINUTE), 401, 'invalid_credentials');
    expect((await claim(s, device, time + 1)).status).toBe(202);
    // Bad input is a clear 4xx.
    expectError(
      await request(s.t.app).post(`/api/v1/devices/enrolments/${device.enrolmentId}/claim`).send({ time: 'now' }),
      400,
      'invalid_input',
    );
    expectError(
      await request(s.t.app)
        .post('/api/v1/devices/enrolments')
        .send({ encryptionPublicKey: 'x', signingPublicKey: 'y', name: '' }),
      400,
      'invalid_input',
    );
  });

  it('an enrolment expires after 10 minutes: not listed, not approvable, not claimable', async () => {
    const s = await office();
    const device = await startEnrolment(s);
    s.t.clock.advance(10 * MINUTE);
    const pending = PendingEnrolments.parse((await s.staff.tab.get('/api/v1/devices/enrolments')).body);
    expect(pending.enrolments).toEqual([]);
    expectError(
      await s.staff.tab.post(
        `/api/v1/devices/enrolments/${device.enrolmentId}/approve`,
        approval(s, s.staff, device, ['send']),
      ),
      404,
      'not_found',
    );
    expectError(await claim(s, device), 404, 'not_found');

    // Approved in time but never claimed: gone at the end as well, and pruned with its handover.
    const late = await startEnrolment(s, 'Late PC');
    await approve(s, s.staff, late);
    s.t.clock.advance(10 * MINUTE);
    expectError(await claim(s, late), 404, 'not_found');
    expect(DeviceList.parse((await s.staff.tab.get('/api/v1/devices')).body).devices).toEqual([]);
    await startEnrolment(s, 'Next PC');
    expect(s.t.db.prepare('SELECT name FROM devices').pluck().all()).toEqual(['Next PC']);
  });

  it('refuses a certificate that is not the approver’s over exactly this device', async () => {
    const s = await office();
    const device = await startEnrolment(s);
    const body = approval(s, s.staff, device, ['send']);
    // Signed by someone else (the admin's key), or naming other scopes than the ones asked for.
    const admins = approval(s, s.admin, device, ['send']);
    expectError(
      await s.staff.tab.post(`/api/v1/devices/enrolments/${device.enrolmentId}/approve`, {
        ...body,
        certificate: admins.certificate,
      }),
      400,
      'invalid_certificate',
    );
    expectError(
      await s.staff.tab.post(`/api/v1/devices/enrolments/${device.enrolmentId}/approve`, { ...body, scopes: ['pull'] }),
      400,
      'invalid_certificate',
    );
    expectError(
      await s.staff.tab.post(`/api/v1/devices/enrolments/${toBase64Url(newId())}/approve`, body),
      404,
      'not_found',
    );
    expect((await claim(s, device)).status).toBe(202);
  });

  it('limits enrolments per client address', async () => {
    const s = await office({ TRUST_PROXY: '1' });
    for (let i = 0; i < 10; i++) await startEnrolment(s, `PC ${i}`, '203.0.113.7');
    const res = await request(s.t.app)
      .post('/api/v1/devices/enrolments')
      .set('X-Forwarded-For', '203.0.113.7')
      .send({
        encryptionPublicKey: toBase64Url(newBoxKeyPair().publicKey),
        signingPublicKey: toBase64Url(newSigningKeyPair().publicKey),
        name: 'One too many',
      });
    expectError(res, 429, 'rate_limited');
    // Another address is not held up.
    await startEnrolment(s, 'Elsewhere', '198.51.100.1');
  });
});

describe('bearer tokens', () => {
  it('reach exactly these routes, by scope (every other route answers 403 token_scope)', async () => {
    const s = await office();
    const table = routeTable(
      createServices({
        config: s.t.config,
        db: s.t.db,
        mailer: s.t.mailer,
        clock: s.t.clock,
        log: s.t.logs.log,
        serverKey: s.t.serverKey,
        clientDir: s.t.clientDir,
      }),
    );
    const scoped = table
      .filter((spec) => spec.scopes !== undefined)
      .map((spec) => `${spec.method} ${spec.path} ${spec.scopes!.join('+')}`);
    expect(scoped).toEqual([
      'GET /api/v1/office/keys send+pull',
      'GET /api/v1/me/keys send+pull',
      'GET /api/v1/directory send',
      'POST /api/v1/uploads send',
      'GET /api/v1/uploads/:uploadId send',
      'PUT /api/v1/uploads/:uploadId/parts/:index send',
      'POST /api/v1/uploads/:uploadId/complete send',
      'DELETE /api/v1/uploads/:uploadId send',
      'POST /api/v1/recipients/lookup send',
      'POST /api/v1/shares send',
      'GET /api/v1/shares send',
      'GET /api/v1/shares/:shareId send',
      'POST /api/v1/shares/:shareId/revoke send',
      'POST /api/v1/shares/:shareId/recipients/:recipientId/mail-link send',
      'GET /api/v1/shares/:shareId/files/:fileId send',
      'GET /api/v1/received pull',
      'GET /api/v1/received/:shareId pull',
      'POST /api/v1/received/:shareId/grant pull',
      'GET /api/v1/received/:shareId/files/:fileId pull',
      'GET /api/v1/drops pull',
      'GET /api/v1/drops/:dropId pull',
      'GET /api/v1/drops/:dropId/uploads/:dropUploadId/files/:fileId pull',
      'GET /api/v1/clients send+pull',
      'GET /api/v1/clients/:userId send+pull',
      'GET /api/v1/contacts send',
      'GET /api/v1/recipients/suggestions send',
      'POST /api/v1/devices/:deviceId/tokens send+pull',
      'DELETE /api/v1/devices/:deviceId/tokens/:tokenId send+pull',
      'GET /api/v1/me/pins send+pull',
      'PUT /api/v1/me/pins/:subject/:subjectId send+pull',
      'GET /api/v1/me/pin-index send+pull',
      'PUT /api/v1/me/pin-index send+pull',
    ]);
  });

  it('a pull token lists the member’s received shares but cannot send; a send token the reverse', async () => {
    const s = await office();
    const sent = await sendShare(s, s.admin, { accounts: [s.staff] });
    const pull = await enrolled(s, s.staff, ['pull'], 'Archive PC');
    const send = await enrolled(s, s.staff, ['send'], 'Payroll PC');

    const received = await asDevice(s, pull.claimed.token, 'get', '/api/v1/received');
    expect(received.status, JSON.stringify(received.body)).toBe(200);
    expect(ReceivedList.parse(received.body).shares.map((share) => share.shareId)).toEqual([sent.shareId]);
    // It downloads the file as the member: a grant, sent beside its token in Coffer-Grant.
    const granted = await asDevice(s, pull.claimed.token, 'post', `/api/v1/received/${sent.shareId}/grant`).send({});
    expect(granted.status, JSON.stringify(granted.body)).toBe(200);
    const { grant } = GrantResponse.parse(granted.body);
    const file = sent.files[0]!;
    const download = await asDevice(
      s,
      pull.claimed.token,
      'get',
      `/api/v1/received/${sent.shareId}/files/${idToWire(file.fileId)}`,
    )
      .set('Coffer-Grant', grant)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(download.status).toBe(200);
    expect(bytesEqual(new Uint8Array(download.body as Buffer), file.container)).toBe(true);
    expectError(await asDevice(s, pull.claimed.token, 'get', '/api/v1/shares'), 403, 'token_scope');
    expectError(
      await asDevice(s, pull.claimed.token, 'post', '/api/v1/uploads').send({ size: 100 }),
      403,
      'token_scope',
    );

    expect((await asDevice(s, send.claimed.token, 'get', '/api/v1/shares')).status).toBe(200);
    expectError(await asDevice(s, send.claimed.token, 'get', '/api/v1/received'), 403, 'token_scope');
    // A state-changing request with a bearer token needs no Origin (it carries no cookie).
    const upload = await asDevice(s, send.claimed.token, 'post', '/api/v1/uploads').send({ size: 1000 });
    expect(upload.status, JSON.stringify(upload.body)).toBe(201);

    // Routes in no token's scope: the account, the sessions, administration, devices themselves.
    for (const [method, path] of [
      ['get', '/api/v1/sessions'],
      ['get', '/api/v1/session'],
      ['post', '/api/v1/me/password'],
      ['get', '/api/v1/admin/users'],
      ['get', '/api/v1/devices'],
      ['post', '/api/v1/devices/enrolments/x/approve'],
    ] as const) {
      const req = asDevice(s, send.claimed.token, method, path);
      expectError(await (method === 'post' ? req.send({}) : req), 403, 'token_scope');
    }
    // An unknown token is simply not signed in.
    expectError(await asDevice(s, 'A'.repeat(43), 'get', '/api/v1/shares'), 401, 'signed_out');
  });

  it('a request with both a session cookie and a bearer token is refused, not guessed', async () => {
    const s = await office();
    const { claimed } = await enrolled(s, s.staff);
    const both = s.staff.tab.raw('get', '/api/v1/received').set('Authorization', `Bearer ${claimed.token}`);
    expectError(await both, 400, 'ambiguous_credentials');
    const bothPost = s.staff.tab.raw('post', '/api/v1/uploads').set('Authorization', `Bearer ${claimed.token}`);
    expectError(await bothPost.send({ size: 10 }), 400, 'ambiguous_credentials');
  });

  it('revoking a device stops it and its tokens at once with device_revoked; so does disabling its member', async () => {
    const s = await office();
    const { device, claimed } = await enrolled(s, s.staff);
    const made = await s.staff.tab.post(`/api/v1/devices/${device.enrolmentId}/tokens`, {
      label: 'Export job',
      scopes: ['pull'],
    });
    const api = ApiTokenCreated.parse(made.body);
    expect((await asDevice(s, api.token, 'get', '/api/v1/received')).status).toBe(200);

    expect((await s.staff.tab.delete(`/api/v1/devices/${device.enrolmentId}`)).status).toBe(204);
    const revoked = await asDevice(s, claimed.token, 'get', '/api/v1/received');
    expect(expectError(revoked, 401, 'device_revoked').error.message).toMatch(/removed/);
    expectError(await asDevice(s, api.token, 'get', '/api/v1/received'), 401, 'device_revoked');
    expect(DeviceList.parse((await s.staff.tab.get('/api/v1/devices')).body).devices).toEqual([]);
    expectError(await s.staff.tab.delete(`/api/v1/devices/${device.enrolmentId}`), 404, 'not_found');

    const second = await enrolled(s, s.staff, ['pull'], 'Second PC');
    const disabled = await s.admin.tab.post(`/api/v1/admin/users/${toBase64Url(s.staff.account.userId)}/disable`, {});
    expect(disabled.status, JSON.stringify(disabled.body)).toBe(204);
    expectError(await asDevice(s, second.claimed.token, 'get', '/api/v1/received'), 401, 'device_revoked');
    expect(auditOf(s).map((row) => row.action)).toEqual([
      'device.enrolled',
      'device.claimed',
      'token.created',
      'device.revoked',
      'device.enrolled',
      'device.claimed',
    ]);
  });

  it('API tokens: a subset of the device’s scopes, made in the browser or by the device, revocable', async () => {
    const s = await office();
    const { device, claimed } = await enrolled(s, s.staff, ['pull']);
    const path = `/api/v1/devices/${device.enrolmentId}/tokens`;
    expectError(await s.staff.tab.post(path, { label: 'Too much', scopes: ['send'] }), 403, 'token_scope');
    expectError(await s.staff.tab.post(path, { label: '', scopes: ['pull'] }), 400, 'invalid_input');

    // The device makes one for a job of its own, with its own token.
    const byDevice = await asDevice(s, claimed.token, 'post', path).send({ label: 'Nightly pull', scopes: ['pull'] });
    expect(byDevice.status, JSON.stringify(byDevice.body)).toBe(201);
    const job = ApiTokenCreated.parse(byDevice.body);
    expect(job.tokenInfo).toMatchObject({ label: 'Nightly pull', scopes: ['pull'], lastUsedAt: null });
    expect((await asDevice(s, job.token, 'get', '/api/v1/received')).status).toBe(200);

    const listed = DeviceList.parse((await s.staff.tab.get('/api/v1/devices')).body).devices[0]!;
    expect(listed.tokens.map((t) => t.label)).toEqual([null, 'Nightly pull']);

    // Revoking the job's token leaves the device's own token working.
    const revoke = await s.staff.tab.delete(`${path}/${job.tokenInfo.tokenId}`);
    expect(revoke.status).toBe(204);
    expectError(await asDevice(s, job.token, 'get', '/api/v1/received'), 401, 'device_revoked');
    expect((await asDevice(s, claimed.token, 'get', '/api/v1/received')).status).toBe(200);
    expectError(await s.staff.tab.delete(`${path}/${job.tokenInfo.tokenId}`), 404, 'not_found');
    const actions = auditOf(s).map((row) => row.action);
    expect(actions.slice(-2)).toEqual(['token.created', 'token.revoked']);
    expect(JSON.parse(auditOf(s).at(-2)!.details)).toEqual({
      name: 'Scanner PC',
      label: 'Nightly pull',
      scopes: ['pull'],
    });
  });

  it('another member’s device or token is not found; a device acts only on itself', async () => {
    const s = await office();
    const staffs = await enrolled(s, s.staff, ['send', 'pull'], 'Bram PC');
    const admins = await enrolled(s, s.admin, ['send', 'pull'], 'Anna PC');
    const foreign = `/api/v1/devices/${admins.device.enrolmentId}`;
    expectError(await s.staff.tab.put(foreign, { name: 'Mine now' }), 404, 'not_found');
    expectError(await s.staff.tab.delete(foreign), 404, 'not_found');
    expectError(await s.staff.tab.post(`${foreign}/tokens`, { label: 'x', scopes: ['pull'] }), 404, 'not_found');
    const adminToken = DeviceList.parse((await s.admin.tab.get('/api/v1/devices')).body).devices[0]!.tokens[0]!;
    expectError(await s.staff.tab.delete(`${foreign}/tokens/${adminToken.tokenId}`), 404, 'not_found');
    // A token id of the admin's device under the staff member's own device id: not found either.
    expectError(
      await s.staff.tab.delete(`/api/v1/devices/${staffs.device.enrolmentId}/tokens/${adminToken.tokenId}`),
      404,
      'not_found',
    );
    // With its token, the staff member's device cannot reach the admin's device (nor another of its own member's).
    expectError(
      await asDevice(s, staffs.claimed.token, 'post', `${foreign}/tokens`).send({ label: 'x', scopes: ['pull'] }),
      404,
      'not_found',
    );
    // The admin's device still works; its name is unchanged.
    expect(DeviceList.parse((await s.admin.tab.get('/api/v1/devices')).body).devices[0]?.name).toBe('Anna PC');
    const renamed = await s.staff.tab.put(`/api/v1/devices/${staffs.device.enrolmentId}`, { name: 'Scanner 2' });
    expect(Device.parse(renamed.body).name).toBe('Scanner 2');
    expect((await asDevice(s, admins.claimed.token, 'get', '/api/v1/received')).status).toBe(200);
  });

  it('the member’s privacy export lists their devices, removed ones too, never a token', async () => {
    const s = await office();
    const kept = await enrolled(s, s.staff, ['pull'], 'Archive PC');
    s.t.clock.advance(1000);
    const gone = await enrolled(s, s.staff, ['send'], 'Old PC');
    s.t.clock.advance(MINUTE);
    expect((await s.staff.tab.delete(`/api/v1/devices/${gone.device.enrolmentId}`)).status).toBe(204);
    const { document, text } = await exportOf(s.admin.tab, s.staff.account.email);
    expect(document.account?.devices).toEqual([
      expect.objectContaining({
        deviceId: kept.device.enrolmentId,
        name: 'Archive PC',
        scopes: ['pull'],
        removedAt: null,
        tokens: 1,
      }),
      expect.objectContaining({ deviceId: gone.device.enrolmentId, name: 'Old PC', scopes: ['send'], tokens: 1 }),
    ]);
    expect(document.account?.devices[1]?.removedAt).not.toBeNull();
    for (const token of [kept.claimed.token, gone.claimed.token]) expect(text).not.toContain(token);
  });
});
