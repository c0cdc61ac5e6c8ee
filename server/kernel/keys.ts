// The server's capability-signing key and the short-lived tokens it signs. A capability token
// is a stateless grant (for example a guest's download grant after a correct e-mail code):
// an EdDSA (Ed25519) JWT whose algorithm, type, issuer (PUBLIC_URL) and audience are pinned on
// verification, and which always expires. Nothing secret goes into one: JWT payloads are only
// signed, not encrypted.
//
// The private key lives at DATA_DIR/keys/capability-signing.jwk (folder 0700, file 0600) and is
// made on first start. Losing it only invalidates outstanding grants.
import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  jwtVerify,
  SignJWT,
  type CryptoKey,
  type JWK,
  type JWTPayload,
} from 'jose';
import type { Clock } from './clock.js';
import { dataPaths } from './paths.js';

const ALG = 'EdDSA';
const TYP = 'coffer-capability+jwt';

export interface CapabilityKey {
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
  /** RFC 7638 thumbprint of the public key, sent as `kid` so a later key rotation can tell keys apart. */
  readonly kid: string;
}

export class CapabilityKeyFileError extends Error {
  override readonly name = 'CapabilityKeyFileError';
}

/** Loads the signing key from DATA_DIR, or makes and stores one on first start. */
export async function loadOrCreateCapabilityKey(
  dataDir: string,
): Promise<CapabilityKey & { readonly created: boolean }> {
  const file = dataPaths(dataDir).capabilityKey;
  let text: string | undefined;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'ENOENT') throw error;
  }
  if (text !== undefined) return { ...(await importPrivateJwk(parseJwk(text, file))), created: false };

  const { privateKey } = await generateKeyPair(ALG, { extractable: true });
  const jwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(publicPart(jwk));
  await writeSecretFile(file, `${JSON.stringify({ ...jwk, alg: ALG, use: 'sig', kid }, null, 2)}\n`);
  return { ...(await importPrivateJwk(jwk)), created: true };
}

function parseJwk(text: string, file: string): JWK {
  let jwk: unknown;
  try {
    jwk = JSON.parse(text);
  } catch {
    throw new CapabilityKeyFileError(`${file} is not valid JSON`);
  }
  const { kty, crv, d, x } = (jwk ?? {}) as Record<string, unknown>;
  if (kty !== 'OKP' || crv !== 'Ed25519' || typeof d !== 'string' || typeof x !== 'string') {
    throw new CapabilityKeyFileError(`${file} is not an Ed25519 private key in JWK form`);
  }
  return jwk as JWK;
}

function publicPart(jwk: JWK): JWK {
  return { kty: jwk.kty, crv: jwk.crv, x: jwk.x };
}

async function importPrivateJwk(jwk: JWK): Promise<CapabilityKey> {
  const privateKey = await importJWK({ kty: jwk.kty, crv: jwk.crv, x: jwk.x, d: jwk.d }, ALG);
  const publicKey = await importJWK(publicPart(jwk), ALG);
  if (!isCryptoKey(privateKey) || !isCryptoKey(publicKey))
    throw new CapabilityKeyFileError('the capability key did not import');
  return { privateKey, publicKey, kid: await calculateJwkThumbprint(publicPart(jwk)) };
}

function isCryptoKey(key: unknown): key is CryptoKey {
  return typeof key === 'object' && key !== null && 'type' in key && 'algorithm' in key;
}

/** Writes a file only its owner can read, completely or not at all (temp file, fsync, rename). */
async function writeSecretFile(file: string, content: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(content, 'utf8');
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(temp, { force: true });
    throw error;
  }
  await handle.close();
  await rename(temp, file);
}

// ---- the server secret

export const SERVER_SECRET_BYTES = 32;

export class ServerSecretFileError extends Error {
  override readonly name = 'ServerSecretFileError';
}

/**
 * The server's own 32-byte key (DATA_DIR/keys/server-secret, 0600), made on first start. It
 * keys what the server must check but not reveal (docs/protocol.md §16): auth verifiers,
 * fake salts, backup-code hashes, TOTP secrets at rest, and the pseudonyms of rate-limit
 * buckets. It is not in the database, so a copy of the database alone gives none of them
 * away. Losing it means nobody can sign in: back it up with the database.
 */
export async function loadOrCreateServerSecret(
  dataDir: string,
): Promise<{ readonly key: Uint8Array; readonly created: boolean }> {
  const file = dataPaths(dataDir).serverSecret;
  const existing = await readServerSecret(file);
  if (existing !== undefined) return { key: existing, created: false };

  // Written beside the target and linked into place: link() fails if the file appeared in the
  // meantime (a server and the command line starting at once), so a secret already in use is
  // never replaced; the loser reads the winner's.
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(randomBytes(SERVER_SECRET_BYTES));
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await link(temp, file);
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'EEXIST') throw error;
  } finally {
    await rm(temp, { force: true });
  }
  const key = await readServerSecret(file);
  if (key === undefined) throw new ServerSecretFileError(`${file} could not be created`);
  return { key, created: true };
}

async function readServerSecret(file: string): Promise<Uint8Array | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return undefined;
    throw error;
  }
  if (bytes.length !== SERVER_SECRET_BYTES) {
    throw new ServerSecretFileError(`${file} must hold exactly ${SERVER_SECRET_BYTES} bytes; restore it from a backup`);
  }
  return new Uint8Array(bytes);
}

/** A capability token that is forged, tampered, expired, for another audience or issuer, or not EdDSA. */
export class CapabilityTokenError extends Error {
  override readonly name = 'CapabilityTokenError';
}

/** What a grant is for; each use gets its own audience so a grant for one never works for another. */
type CapabilityAudience = `coffer/${string}`;

interface CapabilityGrant {
  readonly audience: CapabilityAudience;
  /** What the grant is about (e.g. a recipient id). */
  readonly subject: string;
  readonly ttlSeconds: number;
  /** Further public claims; never secrets (a JWT payload is readable by anyone holding it). */
  readonly claims?: Readonly<Record<string, string | number | boolean>>;
}

interface VerifiedCapability {
  readonly subject: string;
  /** Milliseconds since the epoch. */
  readonly expiresAt: number;
  readonly payload: JWTPayload;
}

export interface CapabilityTokens {
  sign(grant: CapabilityGrant): Promise<string>;
  /** Throws CapabilityTokenError unless the token is valid now for exactly this audience. */
  verify(token: string, audience: CapabilityAudience): Promise<VerifiedCapability>;
}

export function createCapabilityTokens(
  key: CapabilityKey,
  options: { issuer: string; clock: Clock },
): CapabilityTokens {
  const { issuer, clock } = options;
  return {
    async sign(grant) {
      if (!Number.isInteger(grant.ttlSeconds) || grant.ttlSeconds <= 0)
        throw new RangeError('ttlSeconds must be a positive whole number');
      const now = Math.floor(clock.now() / 1000);
      return new SignJWT({ ...grant.claims })
        .setProtectedHeader({ alg: ALG, typ: TYP, kid: key.kid })
        .setIssuer(issuer)
        .setAudience(grant.audience)
        .setSubject(grant.subject)
        .setIssuedAt(now)
        .setExpirationTime(now + grant.ttlSeconds)
        .sign(key.privateKey);
    },

    async verify(token, audience) {
      try {
        const { payload } = await jwtVerify(token, key.publicKey, {
          algorithms: [ALG],
          typ: TYP,
          issuer,
          audience,
          currentDate: new Date(clock.now()),
          requiredClaims: ['iss', 'aud', 'sub', 'iat', 'exp'],
        });
        return { subject: payload.sub as string, expiresAt: (payload.exp as number) * 1000, payload };
      } catch {
        throw new CapabilityTokenError('capability token refused');
      }
    },
  };
}
