// What Coffer's browser does with shared/crypto, done in Node so HTTP tests drive real flows
// with real keys: make the office and the first admin at setup, make an invitee's keys,
// derive auth keys from a password, open key bundles, certify members and seal the office
// keys to them, and compute TOTP codes (an implementation independent of the server's).
// Sending and opening files is in browser-shares.ts.
//
// Argon2id runs with format v1's floor (3 passes, 64 MiB), valid but the cheapest allowed.
// Each (password, salt) is derived once per test file and reused, which keeps the suite fast.
import { createHmac } from 'node:crypto';
import {
  certifyMember,
  DEFAULT_KDF_PARAMS,
  formatRecoveryKey,
  fromBase64Url,
  idFromWire,
  idToWire,
  newAccountKeys,
  newId,
  newOfficeKeys,
  newRecoveryKey,
  newSalt,
  openKeyBundle,
  openOfficeKeys,
  passwordKeys,
  recoveryKeys,
  sealKeyBundle,
  sealOfficeKeys,
  signEncryptionKey,
  signOfficeEncryptionKey,
  toBase64Url,
  toHex,
  type AccountKeys,
  type Id,
  type OfficeKeys,
  type RecoveryKey,
  type SplitKeys,
} from '../../shared/crypto/index.js';
import type { KdfParams, NewAccountKeys, Role, SetupCompleteRequest } from '../../shared/wire/index.js';

export const b64 = toBase64Url;

const derived = new Map<string, SplitKeys>();

/** Argon2id of `password` with `salt` at the floor parameters, derived once per file. */
export function derivePassword(password: string, salt: Uint8Array): SplitKeys {
  const key = `${password}\u0000${toHex(salt)}`;
  let keys = derived.get(key);
  if (keys === undefined) {
    keys = passwordKeys(password, salt, DEFAULT_KDF_PARAMS);
    derived.set(key, keys);
  }
  return keys;
}

/** The auth key the browser sends at sign-in, from the parameters pre-login returned. */
export function authKeyFor(password: string, kdf: KdfParams): string {
  return b64(derivePassword(password, fromBase64Url(kdf.salt)).authKey);
}

export interface PasswordSetup {
  readonly salt: Uint8Array;
  readonly keys: SplitKeys;
  readonly kdf: KdfParams;
}

/** A salt per password, fixed for the test file, so each password costs one Argon2id run. */
const salts = new Map<string, Uint8Array>();

function passwordSetup(password: string, options: { freshSalt?: boolean } = {}): PasswordSetup {
  let salt = options.freshSalt ? undefined : salts.get(password);
  if (salt === undefined) {
    salt = newSalt();
    if (!options.freshSalt) salts.set(password, salt);
  }
  const keys = derivePassword(password, salt);
  return {
    salt,
    keys,
    kdf: {
      algorithm: 'argon2id13',
      salt: b64(salt),
      opsLimit: DEFAULT_KDF_PARAMS.opsLimit,
      memLimit: DEFAULT_KDF_PARAMS.memLimit,
    },
  };
}

/** Everything one person's browser holds: the account keys and the secrets that open them. */
export interface BrowserAccount {
  readonly userId: Id;
  readonly email: string;
  readonly name: string;
  password: string;
  passwordKeys: SplitKeys;
  kdf: KdfParams;
  readonly keys: AccountKeys;
  recoveryKey: RecoveryKey;
  recoveryText: string;
  recoverySplit: SplitKeys;
  /** What the browser sends for a new account (setup, invitation, reset). */
  readonly wire: NewAccountKeys;
}

export function makeAccount(options: {
  userId?: Id | string;
  email: string;
  name: string;
  password: string;
}): BrowserAccount {
  const userId = typeof options.userId === 'string' ? idFromWire(options.userId) : (options.userId ?? newId());
  const keys = newAccountKeys();
  const password = passwordSetup(options.password);
  const recoveryKey = newRecoveryKey();
  const recoverySplit = recoveryKeys(recoveryKey);
  return {
    userId,
    email: options.email,
    name: options.name,
    password: options.password,
    passwordKeys: password.keys,
    kdf: password.kdf,
    keys,
    recoveryKey,
    recoveryText: formatRecoveryKey(recoveryKey),
    recoverySplit,
    wire: {
      kdf: password.kdf,
      authKey: b64(password.keys.authKey),
      recoveryAuthKey: b64(recoverySplit.authKey),
      identityPublicKey: b64(keys.identity.publicKey),
      encryptionPublicKey: b64(keys.encryption.publicKey),
      encryptionKeySignature: b64(signEncryptionKey(userId, keys)),
      passwordBundle: b64(sealKeyBundle(password.keys.keyEncryptionKey, userId, keys, 'password')),
      recoveryBundle: b64(sealKeyBundle(recoverySplit.keyEncryptionKey, userId, keys, 'recovery')),
    },
  };
}

/** The browser's side of a password change: new salt, new keys, the same private keys re-sealed. */
export function changePassword(account: BrowserAccount, newPassword: string) {
  const next = passwordSetup(newPassword, { freshSalt: true });
  const request = {
    authKey: b64(account.passwordKeys.authKey),
    kdf: next.kdf,
    newAuthKey: b64(next.keys.authKey),
    passwordBundle: b64(sealKeyBundle(next.keys.keyEncryptionKey, account.userId, account.keys, 'password')),
  };
  const commit = () => {
    account.password = newPassword;
    account.passwordKeys = next.keys;
    account.kdf = next.kdf;
  };
  return { request, commit };
}

/** The browser's side of recovery: open the recovery bundle, then a new password and a new recovery key. */
export function completeRecovery(account: BrowserAccount, recoveryBundle: string, newPassword: string) {
  const opened = openKeyBundle(
    account.recoverySplit.keyEncryptionKey,
    account.userId,
    fromBase64Url(recoveryBundle),
    'recovery',
    {
      identityPublicKey: account.keys.identity.publicKey,
      encryptionPublicKey: account.keys.encryption.publicKey,
    },
  );
  const next = passwordSetup(newPassword, { freshSalt: true });
  const recoveryKey = newRecoveryKey();
  const recoverySplit = recoveryKeys(recoveryKey);
  const body = {
    kdf: next.kdf,
    authKey: b64(next.keys.authKey),
    passwordBundle: b64(sealKeyBundle(next.keys.keyEncryptionKey, account.userId, opened, 'password')),
    recoveryAuthKey: b64(recoverySplit.authKey),
    recoveryBundle: b64(sealKeyBundle(recoverySplit.keyEncryptionKey, account.userId, opened, 'recovery')),
  };
  const commit = () => {
    account.password = newPassword;
    account.passwordKeys = next.keys;
    account.kdf = next.kdf;
    account.recoveryKey = recoveryKey;
    account.recoveryText = formatRecoveryKey(recoveryKey);
    account.recoverySplit = recoverySplit;
  };
  return { body, commit, opened };
}

/** Opens a password bundle the server returned, checking it holds this account's keys. */
export function openPasswordBundle(
  account: BrowserAccount,
  bundle: string,
  password = account.password,
  kdf = account.kdf,
): AccountKeys {
  const keys = derivePassword(password, fromBase64Url(kdf.salt));
  return openKeyBundle(keys.keyEncryptionKey, account.userId, fromBase64Url(bundle), 'password', {
    identityPublicKey: account.keys.identity.publicKey,
    encryptionPublicKey: account.keys.encryption.publicKey,
  });
}

export interface BrowserOffice {
  readonly name: string;
  readonly keys: OfficeKeys;
  readonly statement: Uint8Array;
}

export function makeOffice(name = 'Administratiekantoor De Boer'): BrowserOffice {
  const keys = newOfficeKeys(newId());
  return { name, keys, statement: signOfficeEncryptionKey(keys) };
}

export interface Certifiable {
  readonly userId: Id;
  readonly email: string;
  readonly keys: AccountKeys;
}

/** A member certificate by `office` (or by any other office's key, to test a forged one). */
export function certify(
  office: BrowserOffice,
  member: Certifiable,
  role: Role,
  version: number,
  issuedAt = Date.UTC(2026, 0, 15),
): string {
  return b64(
    certifyMember(office.keys, {
      version,
      userId: member.userId,
      email: member.email,
      role,
      identityPublicKey: member.keys.identity.publicKey,
      encryptionPublicKey: member.keys.encryption.publicKey,
      issuedAt,
    }),
  );
}

export function sealOfficeKeysTo(office: BrowserOffice, member: Certifiable): string {
  return b64(sealOfficeKeys(office.keys, member.userId, member.keys.encryption.publicKey));
}

/** The approval an admin's browser makes: certificate and the office keys sealed to the member. */
export function approval(office: BrowserOffice, member: Certifiable, role: Role, version = 1) {
  return { certificate: certify(office, member, role, version), sealedOfficeKeys: sealOfficeKeysTo(office, member) };
}

export function openSealedOfficeKeys(office: BrowserOffice, member: Certifiable, sealed: string): OfficeKeys {
  return openOfficeKeys(
    fromBase64Url(sealed),
    {
      officeId: office.keys.officeId,
      memberUserId: member.userId,
      officeSigningPublicKey: office.keys.signing.publicKey,
      officeEncryptionPublicKey: office.keys.encryption.publicKey,
    },
    member.keys.encryption,
  );
}

export function setupRequest(
  token: string,
  office: BrowserOffice,
  admin: BrowserAccount,
  options: { certificate?: string } = {},
): SetupCompleteRequest {
  return {
    token,
    office: {
      officeId: idToWire(office.keys.officeId),
      name: office.name,
      signingPublicKey: b64(office.keys.signing.publicKey),
      encryptionPublicKey: b64(office.keys.encryption.publicKey),
      encryptionKeyStatement: b64(office.statement),
    },
    admin: {
      userId: idToWire(admin.userId),
      name: admin.name,
      email: admin.email,
      keys: admin.wire,
      certificate: options.certificate ?? certify(office, admin, 'admin', 1),
      sealedOfficeKeys: sealOfficeKeysTo(office, admin),
    },
  };
}

// ---- TOTP as an authenticator app computes it (RFC 6238, written apart from the server's)

const RFC4648 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function fromRfc4648Base32(text: string): Uint8Array {
  const bytes: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const char of text.replace(/=+$/, '').toUpperCase()) {
    const value = RFC4648.indexOf(char);
    if (value < 0) throw new Error('not base32');
    buffer = (buffer << 5) | value;
    bits += 5;
    if (bits >= 8) {
      bytes.push((buffer >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return new Uint8Array(bytes);
}

export function totpCode(secretBase32: string, atMs: number): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(atMs / 30_000)));
  const mac = createHmac('sha1', fromRfc4648Base32(secretBase32)).update(counter).digest();
  const offset = (mac.at(-1) as number) & 0x0f;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}
