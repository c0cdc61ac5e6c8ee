// This computer's connection to Coffer, kept in the state folder (COFFER_HOME, else
// $XDG_CONFIG_HOME/coffer or ~/.config/coffer; %APPDATA%\coffer on Windows) as device.json,
// readable by its owner only. It holds the server's address, the credential the server gave
// this device, the office signing key pinned when the device was connected, the highest pin
// index counters this device verified, and the user's account keys sealed as a key bundle with
// purpose `device` (docs/protocol.md §31) under one of two key-encryption keys:
//   - keyring: 32 random bytes kept in the operating system's keyring (keyring.ts) under an
//     account label the file names; nothing to type, the keys open while the OS session can
//     reach its keyring;
//   - passphrase: Argon2id of a passphrase (COFFER_PASSPHRASE, else typed at the terminal).
// The file never holds a private key or a key-encryption key in the clear.
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
  sealKeyBundle,
  toBase64Url,
  wipe,
  type AccountKeys,
  type AccountPublicKeys,
} from '../shared/crypto/index.js';
import { Key32, KdfParams, WireId } from '../shared/wire/common.js';
import { KeyBundle } from '../shared/wire/accounts.js';
import { CliError, EXIT } from './errors.js';
import { keyringOf, newKeyringAccount, type Keyring } from './keyring.js';
import type { Messages } from './messages.js';

const DEVICE_FILE = 'device.json';

const DeviceState = z.object({
  version: z.literal(1),
  /** Where requests go, e.g. https://coffer.kantoor.nl. */
  server: z.string().url(),
  /** The server's public origin, for the links `send` prints; the same as `server` unless a proxy sits between. */
  origin: z.string().url(),
  userId: WireId,
  /** The device token of the approved enrolment (`Authorization: Bearer`). */
  credential: z.object({ kind: z.literal('bearer'), value: z.string().min(1).max(200) }),
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
});
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
export async function saveDevice(home: string, device: DeviceState): Promise<void> {
  await mkdir(home, { recursive: true, mode: 0o700 });
  const path = join(home, DEVICE_FILE);
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(DeviceState.parse(device), null, 2)}\n`, { mode: 0o600 });
  await chmod(temporary, 0o600);
  await rename(temporary, path);
}

/** The account keys sealed under a passphrase: Argon2id (format v1's default) with a new salt, then a key bundle. */
export function sealKeysAtRest(passphrase: string, userId: string, keys: AccountKeys): DeviceState['keys'] {
  const salt = newSalt();
  const split = passwordKeys(passphrase, salt, DEFAULT_KDF_PARAMS);
  wipe(split.authKey);
  const bundle = sealKeyBundle(split.keyEncryptionKey, idFromWire(userId), keys, 'device');
  wipe(split.keyEncryptionKey);
  return {
    kdf: { ...DEFAULT_KDF_PARAMS, algorithm: 'argon2id13', salt: toBase64Url(salt) },
    bundle: toBase64Url(bundle),
  };
}

/** The account keys sealed under a new random key that is stored in `keyring`. */
export async function sealKeysInKeyring(
  keyring: Keyring,
  userId: string,
  keys: AccountKeys,
): Promise<DeviceState['keys']> {
  const keyEncryptionKey = randomBytes(32);
  try {
    const account = newKeyringAccount();
    await keyring.store(account, toBase64Url(keyEncryptionKey));
    return {
      keyring: { version: 1, kind: keyring.kind, account },
      bundle: toBase64Url(sealKeyBundle(keyEncryptionKey, idFromWire(userId), keys, 'device')),
    };
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

/** Opens the sealed keys; they must be the keys the server publishes for the user. */
export async function openKeysAtRest(
  device: DeviceState,
  env: Readonly<Record<string, string | undefined>>,
  passphrase: () => Promise<string>,
  published: AccountPublicKeys,
  m: Messages,
): Promise<AccountKeys> {
  const keyEncryptionKey = await keyEncryptionKeyOf(device, env, passphrase, m);
  let keys: AccountKeys;
  try {
    keys = openKeyBundle(keyEncryptionKey, idFromWire(device.userId), fromBase64Url(device.keys.bundle), 'device');
  } catch {
    throw 'keyring' in device.keys
      ? new CliError(EXIT.auth, 'keyring_missing', m.keyringMissing)
      : new CliError(EXIT.auth, 'wrong_passphrase', m.wrongPassphrase);
  } finally {
    wipe(keyEncryptionKey);
  }
  if (
    !bytesEqual(keys.identity.publicKey, published.identityPublicKey) ||
    !bytesEqual(keys.encryption.publicKey, published.encryptionPublicKey)
  )
    throw new CliError(EXIT.refused, 'keys_mismatch', m.verifyFailed);
  return keys;
}
