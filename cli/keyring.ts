// The operating system's keyring, for the key that seals the device's account keys at rest
// (docs/protocol.md §31, docs/integration.md "Keys at rest"). Coffer adds no dependency for it:
// it runs the system's own tool, with the secret always on the tool's stdin, never on its command
// line (other users see that in `ps`) nor in its environment. The tools' environment is the
// command's own minus COFFER_PASSPHRASE.
//
//   linux   `secret-tool` (libsecret): the Secret Service over D-Bus (GNOME Keyring, KWallet,
//           KeePassXC). `store` reads the secret from stdin; `lookup` prints it; `clear` removes it.
//   darwin  `security -i` (the login keychain): `add-generic-password` takes the secret only as an
//           argument, so the commands are written to `security`'s interactive mode on stdin.
//
// Windows has no tool that stores a secret by name without it appearing as an argument, so
// `coffer` uses the passphrase there. Every item is the service "coffer" and an account label
// kept in device.json; the probe stores, reads back and removes an item of its own.
import { execFile } from 'node:child_process';
import { randomBytes, toBase64Url } from '../shared/crypto/index.js';

/** How long one call of the tool may take (a keyring that shows an unlock prompt waits for a person). */
const TOOL_TIMEOUT_MS = 60_000;
const SERVICE = 'coffer';

export type KeyringKind = 'secret-service' | 'macos-keychain';

export interface Keyring {
  readonly kind: KeyringKind;
  store(account: string, secret: string): Promise<void>;
  /** The secret, or null when there is no such item (or the keyring cannot be reached). */
  lookup(account: string): Promise<string | null>;
  clear(account: string): Promise<void>;
}

type Env = Readonly<Record<string, string | undefined>>;

function run(command: string, args: readonly string[], env: Env, input: string): Promise<string> {
  const childEnv: Record<string, string> = {};
  for (const [name, value] of Object.entries(env))
    if (value !== undefined && name !== 'COFFER_PASSPHRASE') childEnv[name] = value;
  return new Promise((resolve, reject) => {
    const child = execFile(
      command,
      [...args],
      { env: childEnv, timeout: TOOL_TIMEOUT_MS, encoding: 'utf8', windowsHide: true },
      (error, stdout) => (error ? reject(new Error(`${command} failed`)) : resolve(stdout)),
    );
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(input);
  });
}

function secretService(env: Env): Keyring {
  const attributes = (account: string): string[] => ['service', SERVICE, 'account', account];
  return {
    kind: 'secret-service',
    async store(account, secret) {
      await run(
        'secret-tool',
        ['store', `--label=Coffer device key (${account})`, ...attributes(account)],
        env,
        secret,
      );
    },
    async lookup(account) {
      const secret = await run('secret-tool', ['lookup', ...attributes(account)], env, '').catch(() => '');
      return secret === '' ? null : secret;
    },
    async clear(account) {
      await run('secret-tool', ['clear', ...attributes(account)], env, '');
    },
  };
}

function macosKeychain(env: Env): Keyring {
  // Account labels and secrets are base64url (checked), so they need no quoting in `security -i`.
  const plain = (value: string): string => {
    if (!/^[A-Za-z0-9_-]+$/.test(value)) throw new Error('not a plain value');
    return value;
  };
  return {
    kind: 'macos-keychain',
    async store(account, secret) {
      await run(
        'security',
        ['-i'],
        env,
        `add-generic-password -U -s ${SERVICE} -a ${plain(account)} -w ${plain(secret)}\n`,
      );
    },
    async lookup(account) {
      const found = await run('security', ['find-generic-password', '-s', SERVICE, '-a', plain(account), '-w'], env, '')
        .then((out) => out.trim())
        .catch(() => '');
      return found === '' ? null : found;
    },
    async clear(account) {
      await run('security', ['delete-generic-password', '-s', SERVICE, '-a', plain(account)], env, '');
    },
  };
}

/** The keyring of `kind` on this system (no check that it works: `probeKeyring` does that). */
export function keyringOf(kind: KeyringKind, env: Env): Keyring {
  return kind === 'secret-service' ? secretService(env) : macosKeychain(env);
}

/** A new account label for a keyring item. */
export function newKeyringAccount(): string {
  return `device-${toBase64Url(randomBytes(12))}`;
}

/** This system's keyring if storing, reading back and removing a test item works; else null. */
export async function probeKeyring(env: Env): Promise<Keyring | null> {
  const kind: KeyringKind | null =
    process.platform === 'linux' ? 'secret-service' : process.platform === 'darwin' ? 'macos-keychain' : null;
  if (kind === null) return null;
  const keyring = keyringOf(kind, env);
  const account = `probe-${toBase64Url(randomBytes(12))}`;
  const secret = toBase64Url(randomBytes(16));
  try {
    await keyring.store(account, secret);
    const found = await keyring.lookup(account);
    await keyring.clear(account);
    return found === secret ? keyring : null;
  } catch {
    return null;
  }
}
