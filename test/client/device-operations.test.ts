// Adding a device in the crypto worker (client/src/crypto/operations/office.ts approveDevice and
// deviceAddress; docs/protocol.md §30), with the real libsodium: the worker approves only the
// listed enrolment whose keys give the typed code, the handover it seals opens on that device as
// the member's own keys under the office's certificate, and a list whose keys the server swapped,
// or which holds two enrolments with the typed code, gets nothing sealed.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  checkHandover,
  deviceCode,
  devicePublicKeysOf,
  fromBase64Url,
  idFromWire,
  idToWire,
  newBoxKeyPair,
  newId,
  officeFingerprint,
  openDeviceKeys,
  ready,
  toBase64Url,
  verifyDeviceCertificate,
  type DeviceKeys,
} from '../../shared/crypto/index.js';
import type { PendingEnrolment } from '../../shared/wire/devices.js';
import { newDeviceKeys } from '../helpers/devices.js';
import { fakeServer } from './support/fake-server';
import { call, office } from './support/office';

beforeAll(async () => {
  await ready();
});

function listed(keys: DeviceKeys, name = 'Scanner PC'): PendingEnrolment {
  return {
    enrolmentId: idToWire(newId()),
    name,
    encryptionPublicKey: toBase64Url(keys.encryption.publicKey),
    signingPublicKey: toBase64Url(keys.signing.publicKey),
    createdAt: '2026-01-15T09:00:00.000Z',
    expiresAt: '2026-01-15T09:10:00.000Z',
  };
}

describe('adding a device', () => {
  it('picks the enrolment with the typed code and seals the member’s own keys to it', async () => {
    const o = await office(fakeServer());
    const device = newDeviceKeys();
    const others = [listed(newDeviceKeys(), 'Other PC'), listed(newDeviceKeys(), 'Third PC')];
    const mine = listed(device);
    const typed = deviceCode(devicePublicKeysOf(device)).toLowerCase();
    const made = await call(o.anna.ops, 'approveDevice', {
      typedCode: typed,
      enrolments: [others[0]!, mine, others[1]!],
      scopes: ['pull'],
    });
    expect(made).toMatchObject({ enrolmentId: mine.enrolmentId, name: 'Scanner PC' });
    expect(fromBase64Url(made.sealedKeys)).toHaveLength(317);

    const handover = openDeviceKeys(fromBase64Url(made.sealedKeys), idFromWire(mine.enrolmentId), device);
    expect(idToWire(handover.userId)).toBe(o.anna.userId);
    const officeKey = fromBase64Url(o.officeRef.signingPublicKey);
    expect(checkHandover(handover, officeKey, fromBase64Url(o.anna.listed.certificate)).email).toBe(o.anna.email);
    const certificate = verifyDeviceCertificate(
      fromBase64Url(o.anna.listed.identityPublicKey),
      fromBase64Url(made.certificate),
    );
    expect(certificate).toMatchObject({ name: 'Scanner PC', scopes: ['pull'] });
    expect(idToWire(certificate.deviceId)).toBe(mine.enrolmentId);

    // The address the page shows carries the office fingerprint from the key this worker opened.
    const address = await call(o.anna.ops, 'deviceAddress', {});
    expect(address.officeFingerprint).toBe(toBase64Url(officeFingerprint(officeKey)));
  });

  it('seals nothing when the server swapped the device key, or lists two enrolments with the code', async () => {
    const o = await office(fakeServer());
    const device = newDeviceKeys();
    const code = deviceCode(devicePublicKeysOf(device));
    const swapped = { ...listed(device), encryptionPublicKey: toBase64Url(newBoxKeyPair().publicKey) };
    await expect(
      call(o.anna.ops, 'approveDevice', { typedCode: code, enrolments: [swapped], scopes: ['send', 'pull'] }),
    ).rejects.toThrow('device_code_unknown');
    await expect(
      call(o.anna.ops, 'approveDevice', {
        typedCode: code,
        enrolments: [listed(device), listed(device, 'Copy')],
        scopes: ['send'],
      }),
    ).rejects.toThrow('device_code_unknown');
    await expect(
      call(o.anna.ops, 'approveDevice', { typedCode: 'not a code', enrolments: [listed(device)], scopes: ['send'] }),
    ).rejects.toThrow('device_code_unknown');
  });
});
