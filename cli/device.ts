// This computer's connection to Coffer, kept in the state folder (COFFER_HOME, else
// $XDG_CONFIG_HOME/coffer or ~/.config/coffer; %APPDATA%\coffer on Windows) as device.json,
// readable by its owner only. It holds the server's address, the office signing key pinned when
// the device was connected, the highest pin index counters this device verified, and, sealed
// under one key-encryption key (docs/protocol.md §31), the user's account keys (a key bundle
// with purpose `device`) and the bearer token the server gave this device. That key is one of:
//   - keyring: 32 random bytes kept in the operating system's keyring (keyring.ts) under an
//     account label the file names; nothing to type, the keys open while the OS session can
//     reach its keyring;
//   - passphrase: Argon2id of a passphrase (COFFER_PASSPHRASE, else typed at the terminal).
// The file never holds a private key, the token or a key-encryption key in the clear. A file of
// version 1 (the token in the clear) is still read, and written again as version 2 by the first
// command that opens it.
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import {
  bytesEqual,
  DEFAULT_KDF_PARAMS,
  randomBytes,
  fromBase64Url,
  idFromWire,
  newSalt,
  openKeyBundle,
  passwordKeys,
  openDeviceToken,
  sealDeviceToken,
  sealKeyBundle,
  toBase64Url,
  wipe,
  type AccountKeys,
  type AccountPublicKeys,
} from '../shared/crypto/index.js';
import { Key32, KdfParams, WireId } from '../shared/wire/common.js';
import { KeyBundle } from '../shared/wire/accounts.js';
import { wipeAccountKeys } from '../client/src/crypto/operations/state.js';
import { CliError, EXIT } from './errors.js';
import { keyringOf, newKeyringAccount, type Keyring } from './keyring.js';
import type { Messages } from './messages.js';

const DEVICE_FILE = 'device.json';

const Bearer = z.string().min(1).max(200);

const stateFields = {
  /** Where requests go, e.g. https://coffer.kantoor.nl. */
  server: z.string().url(),
  /** The server's public origin, for the links `send` prints; the same as `server` unless a proxy sits between. */
  origin: z.string().url(),
  userId: WireId,
  /** The office signing key as first seen: a server naming another is refused (exit 3). */
  office: z.object({ officeId: WireId, signingPublicKey: Key32 }),
  keys: z.union([
    z.object({ kdf: KdfParams, bundle: KeyBundle }),
    z.object({
      keyring: z.object({
        version: z.literal(1),
        kind: z.enum(['secret-service', 'macos-keychain']),
        account: z.string().regex(/^device-[A-Za-z0-9_-]{16}$/),
      }),
      bundle: KeyBundle,
    }),
  ]),
  /** The highest pin index counter verified per slot (the browser keeps these in localStorage). */
  seen: z.record(z.string().max(100), z.number().int().min(1)),
};

/** What `coffer` writes: the device token (`Authorization: Bearer`) sealed beside the keys. */
const SealedDeviceState = z.object({
  version: z.literal(2),
  ...stateFields,
  credential: z.object({ kind: z.literal('bearer'), sealed: z.string().min(1).max(400) }),
});
export type SealedDeviceState = z.infer<typeof SealedDeviceState>;

/** Version 1, as written before the token was sealed: read, and replaced by version 2 when opened. */
const ClearTokenDeviceState = z.object({
  version: z.literal(1),
  ...stateFields,
  credential: z.object({ kind: z.literal('bearer'), value: Bearer }),
});

const DeviceState = z.union([SealedDeviceState, ClearTokenDeviceState]);
export type DeviceState = z.infer<typeof DeviceState>;

/** The state folder, from the environment. */
export function stateHome(env: Readonly<Record<string, string | undefined>>): string {
  if (env['COFFER_HOME']) return env['COFFER_HOME'];
  if (process.platform === 'win32' && env['APPDATA']) return join(env['APPDATA'], 'coffer');
  return join(env['XDG_CONFIG_HOME'] || join(homedir(), '.config'), 'coffer');
}

export async function loadDevice(home: string, m: Messages): Promise<DeviceState> {
  let text: string;
  try {
    text = await readFile(join(home, DEVICE_FILE), 'utf8');
  } catch {
    throw new CliError(EXIT.auth, 'not_connected', m.notSignedIn);
  }
  try {
    return DeviceState.parse(JSON.parse(text));
  } catch {
    throw new CliError(EXIT.auth, 'bad_state', m.badState);
  }
}

/** Writes device.json whole or not at all (a temporary file renamed over it), mode 0600. */
export async function saveDevice(home: string, device: SealedDeviceState): Promise<void> {
  await mkdir(home, { recursive: true, mode: 0o700 });
  const path = join(home, DEVICE_FILE);
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(SealedDeviceState.parse(device), null, 2)}\n`, { mode: 0o600 });
  await chmod(temporary, 0o600);
  await rename(temporary, path);
}

/** What is sealed under the key-encryption key: the keys and the token, and how that key is found. */
type AtRest = Pick<SealedDeviceState, 'keys' | 'credential'>;

function sealUnder(
  keyEncryptionKey: Uint8Array,
  userId: string,
  keys: AccountKeys,
  token: string,
): { bundle: string; credential: SealedDeviceState['credential'] } {
  const user = idFromWire(userId);
  return {
    bundle: toBase64Url(sealKeyBundle(keyEncryptionKey, user, keys, 'device')),
    credential: { kind: 'bearer', sealed: toBase64Url(sealDeviceToken(keyEncryptionKey, user, token)) },
  };
}

/** The account keys and the token sealed under a passphrase: Argon2id (format v1's default) with a new salt. */
export function sealAtRest(passphrase: string, userId: string, keys: AccountKeys, token: string): AtRest {
  const salt = newSalt();
  const split = passwordKeys(passphrase, salt, DEFAULT_KDF_PARAMS);
  wipe(split.authKey);
  try {
    const { bundle, credential } = sealUnder(split.keyEncryptionKey, userId, keys, token);
    return {
      keys: { kdf: { ...DEFAULT_KDF_PARAMS, algorithm: 'argon2id13', salt: toBase64Url(salt) }, bundle },
      credential,
    };
  } finally {
    wipe(split.keyEncryptionKey);
  }
}

/** The account keys and the token sealed under a new random key that is stored in `keyring`. */
export async function sealInKeyring(
  keyring: Keyring,
  userId: string,
  keys: AccountKeys,
  token: string,
): Promise<AtRest> {
  const keyEncryptionKey = randomBytes(32);
  try {
    const account = newKeyringAccount();
    await keyring.store(account, toBase64Url(keyEncryptionKey));
    const { bundle, credential } = sealUnder(keyEncryptionKey, userId, keys, token);
    return { keys: { keyring: { version: 1, kind: keyring.kind, account }, bundle }, credential };
  } finally {
    wipe(keyEncryptionKey);
  }
}

/** The key-encryption key: from the keyring item the file names, or from the passphrase. */
async function keyEncryptionKeyOf(
  device: DeviceState,
  env: Readonly<Record<string, string | undefined>>,
  passphrase: () => Promise<string>,
  m: Messages,
): Promise<Uint8Array> {
  const keys = device.keys;
  if ('keyring' in keys) {
    const stored = await keyringOf(keys.keyring.kind, env).lookup(keys.keyring.account);
    let key: Uint8Array | null = null;
    try {
      if (stored !== null) key = fromBase64Url(stored.trim(), 32);
    } catch {
      key = null;
    }
    if (key === null) throw new CliError(EXIT.auth, 'keyring_missing', m.keyringMissing);
    return key;
  }
  const given = await passphrase().catch(() => {
    throw new CliError(EXIT.auth, 'passphrase_needed', m.needsPassphrase);
  });
  const split = passwordKeys(given, fromBase64Url(keys.kdf.salt, 16), {
    algorithm: keys.kdf.algorithm,
    opsLimit: keys.kdf.opsLimit,
    memLimit: keys.kdf.memLimit,
  });
  wipe(split.authKey);
  return split.keyEncryptionKey;
}

export interface Unlocked {
  readonly keys: AccountKeys;
  readonly token: string;
  /** The state as version 2: the file's own, or a version 1 file's with its token sealed now. */
  readonly device: SealedDeviceState;
  /** The file was version 1: `device` is to be written in its place. */
  readonly sealedNow: boolean;
}

/**
 * Opens what the file keeps sealed: the account keys (a wrong passphrase or keyring key fails
 * here, before anything else) and the token. A version 1 file's token is sealed under the same
 * key now, for the caller to write back. Nothing is asked of the server.
 */
export async function unlockDevice(
  device: DeviceState,
  env: Readonly<Record<string, string | undefined>>,
  passphrase: () => Promise<string>,
  m: Messages,
): Promise<Unlocked> {
  const keyEncryptionKey = await keyEncryptionKeyOf(device, env, passphrase, m);
  const user = idFromWire(device.userId);
  let keys: AccountKeys | null = null;
  try {
    keys = openKeyBundle(keyEncryptionKey, user, fromBase64Url(device.keys.bundle), 'device');
    if (device.version === 2) {
      const token = openDeviceToken(keyEncryptionKey, user, fromBase64Url(device.credential.sealed));
      return { keys, token, device, sealedNow: false };
    }
    const token = device.credential.value;
    const sealed = toBase64Url(sealDeviceToken(keyEncryptionKey, user, token));
    return { keys, token, device: { ...device, version: 2, credential: { kind: 'bearer', sealed } }, sealedNow: true };
  } catch {
    if (keys !== null) wipeAccountKeys(keys);
    throw 'keyring' in device.keys
      ? new CliError(EXIT.auth, 'keyring_missing', m.keyringMissing)
      : new CliError(EXIT.auth, 'wrong_passphrase', m.wrongPassphrase);
  } finally {
    wipe(keyEncryptionKey);
  }
}

/** The opened keys must be the keys the server publishes for the user; else they are wiped and refused. */
export function checkPublishedKeys(keys: AccountKeys, published: AccountPublicKeys, m: Messages): void {
  if (
    bytesEqual(keys.identity.publicKey, published.identityPublicKey) &&
    bytesEqual(keys.encryption.publicKey, published.encryptionPublicKey)
  )
    return;
  wipeAccountKeys(keys);
  throw new CliError(EXIT.refused, 'keys_mismatch', m.verifyFailed);
}
