// This computer's connection to Coffer, kept in the state folder (COFFER_HOME, else
// $XDG_CONFIG_HOME/coffer or ~/.config/coffer; %APPDATA%\coffer on Windows) as device.json,
// readable by its owner only. It holds the server's address, the credential the server gave
// this device, the office signing key pinned when the device was connected, the highest pin
// index counters this device verified, and the user's account keys sealed as a key bundle with
// purpose `device` under a key-encryption key that Argon2id makes from a passphrase
// (docs/protocol.md §31). No OS keyring is used: the passphrase comes from COFFER_PASSPHRASE or
// is typed at the terminal. The file never holds a private key in the clear.
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import {
  bytesEqual,
  DEFAULT_KDF_PARAMS,
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
  keys: z.object({ kdf: KdfParams, bundle: KeyBundle }),
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

/** Opens the sealed keys; they must be the keys the server publishes for the user. */
export function openKeysAtRest(
  device: DeviceState,
  passphrase: string,
  published: AccountPublicKeys,
  m: Messages,
): AccountKeys {
  const { kdf, bundle } = device.keys;
  const split = passwordKeys(passphrase, fromBase64Url(kdf.salt, 16), {
    algorithm: kdf.algorithm,
    opsLimit: kdf.opsLimit,
    memLimit: kdf.memLimit,
  });
  wipe(split.authKey);
  let keys: AccountKeys;
  try {
    keys = openKeyBundle(split.keyEncryptionKey, idFromWire(device.userId), fromBase64Url(bundle), 'device');
  } catch {
    throw new CliError(EXIT.auth, 'wrong_passphrase', m.wrongPassphrase);
  } finally {
    wipe(split.keyEncryptionKey);
  }
  if (
    !bytesEqual(keys.identity.publicKey, published.identityPublicKey) ||
    !bytesEqual(keys.encryption.publicKey, published.encryptionPublicKey)
  )
    throw new CliError(EXIT.refused, 'keys_mismatch', m.verifyFailed);
  return keys;
}
