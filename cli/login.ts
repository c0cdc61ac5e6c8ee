// `coffer login ADDRESS` connects this machine to a user (docs/integration.md, "Connecting a
// machine"), and `coffer logout` forgets the connection here. ADDRESS is what the Security page
// shows: `<origin>/#<office fingerprint>`.
//
//   1. the machine makes its own X25519 and Ed25519 pairs and starts an enrolment (no session);
//   2. it shows the device code (a hash of both public keys) and the Security page's address; the
//      person types the code there and approves: their browser seals their account keys to this
//      machine's X25519 key and certifies the machine (protocol "Devices");
//   3. the machine polls its claim, each poll signed with its Ed25519 key, until it is approved
//      (or the enrolment ends);
//   4. trust: the office signing key the server names must have the fingerprint in ADDRESS; the
//      handed-over keys must be the ones that office certified for the user (checkHandover), so a
//      handover the server sealed itself is refused (exit 3) and its secrets wiped;
//   5. the keys are sealed into device.json, with the token and the office key, under a random key
//      kept in the OS keyring when one works (a probe item stored, read back and removed), else
//      under a passphrase; --keyring insists on the keyring, --passphrase on the passphrase.
import { rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import {
  checkHandover,
  deviceCode,
  devicePublicKeysOf,
  fromBase64Url,
  idFromWire,
  newBoxKeyPair,
  newSigningKeyPair,
  openDeviceKeys,
  ready,
  signDeviceClaim,
  toBase64Url,
  wipe,
  type DeviceKeys,
} from '../shared/crypto/index.js';
import { KeyMaterial, OfficeKeysResponse } from '../shared/wire/accounts.js';
import { DeviceClaimed, EnrolmentStarted, EnrolmentWaiting } from '../shared/wire/devices.js';
import { officeFingerprintMatches } from '../client/src/crypto/operations/keys.js';
import { createApi } from './http.js';
import { loadDevice, saveDevice, sealAtRest, sealInKeyring, type DeviceState } from './device.js';
import { CliError, EXIT } from './errors.js';
import type { Io } from './io.js';
import { keyringOf, probeKeyring, type Keyring } from './keyring.js';

/** How often the machine asks whether it was approved. */
const POLL_MS = 3000;
/** A passphrase at least as long as Coffer asks of a password. */
const MIN_PASSPHRASE_CHARACTERS = 12;

const ClaimAnswer = z.discriminatedUnion('status', [EnrolmentWaiting, DeviceClaimed]);

export interface LoginOptions {
  readonly address: string;
  readonly name?: string;
  /** Where the key that seals the keys at rest lives: the OS keyring if one works (`auto`), or as asked. */
  readonly keysAt: 'auto' | 'keyring' | 'passphrase';
}

/** `<origin>/#<office fingerprint>`, as the Security page shows it. */
function parseAddress(address: string, io: Io): { origin: string; fingerprint: string } {
  try {
    const url = new URL(address);
    const fingerprint = url.hash.slice(1);
    if ((url.protocol === 'https:' || url.protocol === 'http:') && /^[A-Za-z0-9_-]{43}$/.test(fingerprint))
      return { origin: url.origin, fingerprint };
  } catch {
    // refused below
  }
  throw new CliError(EXIT.usage, 'usage', io.m.badOptions(io.m.loginAddress));
}

function wipeDeviceKeys(keys: DeviceKeys): void {
  wipe(keys.encryption.secretKey);
  wipe(keys.signing.secretKey);
  wipe(keys.signing.seed);
}

export async function login(
  io: Io,
  home: string,
  options: LoginOptions,
): Promise<{ userId: string; deviceId: string }> {
  const { m } = io;
  const { origin, fingerprint } = parseAddress(options.address, io);
  // Asked first: nobody should have to come back to the terminal after approving.
  const keyring = options.keysAt === 'passphrase' ? null : await probeKeyring(io.env);
  if (keyring === null && options.keysAt === 'keyring')
    throw new CliError(EXIT.usage, 'keyring_unavailable', m.keyringUnavailable);
  const sealWith: { readonly keyring: Keyring } | { readonly passphrase: string } =
    keyring !== null ? { keyring } : { passphrase: await askPassphrase(io) };
  await ready();

  const keys: DeviceKeys = { encryption: newBoxKeyPair(), signing: newSigningKeyPair() };
  try {
    const publicKeys = devicePublicKeysOf(keys);
    const anonymous = createApi({ server: origin, token: null });
    const started = await anonymous.post(
      '/api/v1/devices/enrolments',
      {
        encryptionPublicKey: toBase64Url(publicKeys.encryptionPublicKey),
        signingPublicKey: toBase64Url(publicKeys.signingPublicKey),
        name: (options.name ?? hostname()).slice(0, 60) || 'coffer',
      },
      EnrolmentStarted,
    );
    io.say(m.loginCode(deviceCode(publicKeys), `${origin}/app/security`));
    io.result({ status: 'waiting', code: deviceCode(publicKeys), approveAt: `${origin}/app/security` });

    const enrolmentId = idFromWire(started.enrolmentId);
    const ends = Date.parse(started.expiresAt);
    let claimed: DeviceClaimed | null = null;
    while (claimed === null) {
      if (Date.now() > ends) throw new CliError(EXIT.auth, 'enrolment_expired', m.loginExpired);
      const time = Date.now();
      const answer = await anonymous.post(
        `/api/v1/devices/enrolments/${encodeURIComponent(started.enrolmentId)}/claim`,
        { time, signature: toBase64Url(signDeviceClaim(keys.signing, enrolmentId, time)) },
        ClaimAnswer,
      );
      if (answer.status === 'approved') claimed = answer;
      else await sleep(POLL_MS);
    }

    const handover = openDeviceKeys(fromBase64Url(claimed.sealedKeys), enrolmentId, keys);
    const api = createApi({ server: origin, token: claimed.token });
    const office = await api.get('/api/v1/office/keys', OfficeKeysResponse);
    const signingPublicKey = fromBase64Url(office.signingPublicKey, 32);
    if (!officeFingerprintMatches(signingPublicKey, fingerprint) || office.officeId !== claimed.officeId)
      throw new CliError(EXIT.refused, 'office_key_mismatch', m.loginOfficeMismatch);
    const published = await api.get('/api/v1/me/keys', KeyMaterial);
    if (published.certificate === undefined || published.userId !== claimed.userId)
      throw new CliError(EXIT.refused, 'keys_untrusted', m.verifyFailed);
    try {
      checkHandover(handover, signingPublicKey, fromBase64Url(published.certificate));
    } catch {
      throw new CliError(EXIT.refused, 'keys_untrusted', m.verifyFailed);
    }

    const previous = await readDeviceQuietly(home, io);
    await saveDevice(home, {
      version: 2,
      server: origin,
      origin,
      userId: claimed.userId,
      office: { officeId: office.officeId, signingPublicKey: office.signingPublicKey },
      ...('keyring' in sealWith
        ? await sealInKeyring(sealWith.keyring, claimed.userId, handover.keys, claimed.token)
        : sealAtRest(sealWith.passphrase, claimed.userId, handover.keys, claimed.token)),
      seen: {},
    });
    // A machine connected again: the item of its previous connection opens nothing any more.
    if (previous !== null) await clearKeyringItem(previous, io);
    io.say('keyring' in sealWith ? m.loginKeyring : m.loginPassphrase);
    io.say(m.loginDone);
    return { userId: claimed.userId, deviceId: claimed.deviceId };
  } finally {
    wipeDeviceKeys(keys);
  }
}

async function askPassphrase(io: Io): Promise<string> {
  const { m } = io;
  const passphrase = await io.passphrase().catch(() => {
    throw new CliError(EXIT.auth, 'passphrase_needed', m.needsPassphrase);
  });
  if ([...passphrase].length < MIN_PASSPHRASE_CHARACTERS)
    throw new CliError(EXIT.usage, 'passphrase_short', m.badOptions(m.passphraseShort(MIN_PASSPHRASE_CHARACTERS)));
  return passphrase;
}

/** The device state already in the folder, or null (none, or not readable). */
function readDeviceQuietly(home: string, io: Io): Promise<DeviceState | null> {
  return loadDevice(home, io.m).catch(() => null);
}

/** Removes the keyring item a device state names, if it names one; a keyring out of reach is reported. */
async function clearKeyringItem(device: DeviceState, io: Io): Promise<void> {
  if (!('keyring' in device.keys)) return;
  const keyring: Keyring = keyringOf(device.keys.keyring.kind, io.env);
  await keyring.clear(device.keys.keyring.account).catch(() => io.warn(io.m.keyringNotCleared));
}

/** Forgets the connection on this machine (the keys, their keyring item and the token); the device is removed on the Security page. */
export async function logout(io: Io, home: string): Promise<void> {
  const device = await readDeviceQuietly(home, io);
  if (device !== null) await clearKeyringItem(device, io);
  await rm(join(home, 'device.json'), { force: true });
  io.say(io.m.loggedOut);
}
