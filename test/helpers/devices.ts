// An enrolled device as the command-line client makes one (docs/protocol.md "Devices"): its
// keys, the enrolment it starts without a session, the approval a member's browser sends (the
// handover sealed to the device and the certificate), and the signed claim.
import type { Express } from 'express';
import request from 'supertest';
import { expect } from 'vitest';
import {
  devicePublicKeysOf,
  idFromWire,
  newBoxKeyPair,
  newSigningKeyPair,
  sealDeviceKeys,
  signDeviceCertificate,
  signDeviceClaim,
  toBase64Url,
  type DeviceKeys,
  type DeviceScope,
  type Id,
} from '../../shared/crypto/index.js';
import { DeviceClaimed, EnrolmentStarted, type EnrolmentApproveRequest } from '../../shared/wire/index.js';
import type { BrowserAccount } from './browser.js';
import type { Tab } from './client.js';

export interface Enrolling {
  readonly keys: DeviceKeys;
  readonly enrolmentId: string;
  readonly name: string;
  /** When the enrolment ends unless claimed (the server's answer). */
  readonly expiresAt: string;
}

export function newDeviceKeys(): DeviceKeys {
  return { encryption: newBoxKeyPair(), signing: newSigningKeyPair() };
}

/** What the device does first: start an enrolment with its public keys (no session, no Origin). */
export async function startEnrolment(
  app: Express,
  name = 'Scanner PC',
  options: { ip?: string } = {},
): Promise<Enrolling> {
  const keys = newDeviceKeys();
  let req = request(app).post('/api/v1/devices/enrolments');
  if (options.ip !== undefined) req = req.set('X-Forwarded-For', options.ip);
  const res = await req.send({
    encryptionPublicKey: toBase64Url(keys.encryption.publicKey),
    signingPublicKey: toBase64Url(keys.signing.publicKey),
    name,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const started = EnrolmentStarted.parse(res.body);
  return { keys, enrolmentId: started.enrolmentId, name, expiresAt: started.expiresAt };
}

/** What the approving member's browser sends. */
export function approvalBody(
  account: BrowserAccount,
  officeId: Id,
  device: Enrolling,
  scopes: DeviceScope[],
  issuedAt: number,
): EnrolmentApproveRequest {
  const enrolmentId = idFromWire(device.enrolmentId);
  const publicKeys = devicePublicKeysOf(device.keys);
  const binding = { enrolmentId, userId: account.userId, officeId };
  const sealed = sealDeviceKeys(account.keys, { ...binding, device: publicKeys });
  const certificate = signDeviceCertificate(account.keys.identity, {
    ...binding,
    deviceId: enrolmentId,
    name: device.name,
    scopes,
    ...publicKeys,
    issuedAt,
  });
  return { scopes, sealedKeys: toBase64Url(sealed), certificate: toBase64Url(certificate) };
}

/** One claim poll: the device's signature over the enrolment id and `time`. */
export function claimEnrolment(app: Express, device: Enrolling, time: number) {
  const signature = signDeviceClaim(device.keys.signing, idFromWire(device.enrolmentId), time);
  return request(app)
    .post(`/api/v1/devices/enrolments/${device.enrolmentId}/claim`)
    .send({ time, signature: toBase64Url(signature) });
}

/** Enrolment, the member's approval and the claim: the device and what it claimed. */
export async function enrolDevice(
  app: Express,
  member: { readonly account: BrowserAccount; readonly tab: Tab },
  officeId: Id,
  now: number,
  options: { scopes?: DeviceScope[]; name?: string } = {},
): Promise<{ device: Enrolling; claimed: DeviceClaimed }> {
  const device = await startEnrolment(app, options.name);
  const approved = await member.tab.post(
    `/api/v1/devices/enrolments/${device.enrolmentId}/approve`,
    approvalBody(member.account, officeId, device, options.scopes ?? ['send', 'pull'], now),
  );
  expect(approved.status, JSON.stringify(approved.body)).toBe(201);
  const res = await claimEnrolment(app, device, now);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return { device, claimed: DeviceClaimed.parse(res.body) };
}
