import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateKeyPair, generateSecret, SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CapabilityKeyFileError,
  CapabilityTokenError,
  createCapabilityTokens,
  loadOrCreateCapabilityKey,
  loadOrCreateServerSecret,
  ServerSecretFileError,
  type CapabilityKey,
} from '../../server/kernel/keys.js';
import { testClock } from '../helpers/clock.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

afterAll(removeTempDirs);

const ISSUER = 'https://files.office.example';
const AUDIENCE = 'coffer/guest-download';

async function newKey(): Promise<CapabilityKey> {
  return loadOrCreateCapabilityKey(await tempDir());
}

describe('loadOrCreateCapabilityKey', () => {
  it('makes an Ed25519 private JWK (folder 0700, file 0600) once and loads it afterwards', async () => {
    const dataDir = await tempDir();
    const first = await loadOrCreateCapabilityKey(dataDir);
    expect(first.created).toBe(true);

    const file = join(dataDir, 'keys', 'capability-signing.jwk');
    expect((await stat(join(dataDir, 'keys'))).mode & 0o777).toBe(0o700);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const jwk = JSON.parse(await readFile(file, 'utf8')) as Record<string, string>;
    expect(jwk).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', kid: first.kid });
    expect(typeof jwk.d).toBe('string');

    const second = await loadOrCreateCapabilityKey(dataDir);
    expect(second.created).toBe(false);
    expect(second.kid).toBe(first.kid);

    // A token signed before a restart verifies after it.
    const clock = testClock();
    const token = await createCapabilityTokens(first, { issuer: ISSUER, clock }).sign({
      audience: AUDIENCE,
      subject: 'r1',
      ttlSeconds: 60,
    });
    await expect(
      createCapabilityTokens(second, { issuer: ISSUER, clock }).verify(token, AUDIENCE),
    ).resolves.toMatchObject({ subject: 'r1' });
  });

  it('refuses a key file that is not an Ed25519 private JWK', async () => {
    const dataDir = await tempDir();
    await loadOrCreateCapabilityKey(dataDir);
    const file = join(dataDir, 'keys', 'capability-signing.jwk');
    await writeFile(file, JSON.stringify({ kty: 'oct', k: 'AAAA' }));
    await expect(loadOrCreateCapabilityKey(dataDir)).rejects.toBeInstanceOf(CapabilityKeyFileError);
    await writeFile(file, 'not json');
    await expect(loadOrCreateCapabilityKey(dataDir)).rejects.toBeInstanceOf(CapabilityKeyFileError);
  });
});

describe('capability tokens', () => {
  it('signs a grant that verifies for its audience until it expires', async () => {
    const key = await newKey();
    const clock = testClock();
    const tokens = createCapabilityTokens(key, { issuer: ISSUER, clock });
    const token = await tokens.sign({
      audience: AUDIENCE,
      subject: 'recipient-1',
      ttlSeconds: 300,
      claims: { share: 's1' },
    });

    const header = JSON.parse(Buffer.from(token.split('.')[0] as string, 'base64url').toString()) as Record<
      string,
      string
    >;
    expect(header).toEqual({ alg: 'EdDSA', typ: 'coffer-capability+jwt', kid: key.kid });

    const verified = await tokens.verify(token, AUDIENCE);
    expect(verified.subject).toBe('recipient-1');
    expect(verified.expiresAt).toBe(Math.floor(clock.now() / 1000) * 1000 + 300_000);
    expect(verified.payload).toMatchObject({ iss: ISSUER, aud: AUDIENCE, share: 's1' });

    clock.advance(299_000);
    await expect(tokens.verify(token, AUDIENCE)).resolves.toBeDefined();
    clock.advance(2_000);
    await expect(tokens.verify(token, AUDIENCE)).rejects.toBeInstanceOf(CapabilityTokenError);
  });

  it('refuses a token for another audience or issuer', async () => {
    const key = await newKey();
    const clock = testClock();
    const tokens = createCapabilityTokens(key, { issuer: ISSUER, clock });
    const token = await tokens.sign({ audience: AUDIENCE, subject: 'r', ttlSeconds: 60 });
    await expect(tokens.verify(token, 'coffer/admin')).rejects.toBeInstanceOf(CapabilityTokenError);
    const otherOffice = createCapabilityTokens(key, { issuer: 'https://other.example', clock });
    await expect(otherOffice.verify(token, AUDIENCE)).rejects.toBeInstanceOf(CapabilityTokenError);
  });

  it('refuses tokens with another algorithm, no signature, another key, or a changed payload', async () => {
    const key = await newKey();
    const clock = testClock();
    const tokens = createCapabilityTokens(key, { issuer: ISSUER, clock });
    const now = Math.floor(clock.now() / 1000);
    const claims = () =>
      new SignJWT({})
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setSubject('r')
        .setIssuedAt(now)
        .setExpirationTime(now + 60);

    const hmac = await claims()
      .setProtectedHeader({ alg: 'HS256', typ: 'coffer-capability+jwt' })
      .sign(await generateSecret('HS256'));
    await expect(tokens.verify(hmac, AUDIENCE)).rejects.toBeInstanceOf(CapabilityTokenError);

    const es256 = await generateKeyPair('ES256');
    const ecdsa = await claims()
      .setProtectedHeader({ alg: 'ES256', typ: 'coffer-capability+jwt' })
      .sign(es256.privateKey);
    await expect(tokens.verify(ecdsa, AUDIENCE)).rejects.toBeInstanceOf(CapabilityTokenError);

    const unsecured = new UnsecuredJWT({})
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject('r')
      .setIssuedAt(now)
      .setExpirationTime(now + 60)
      .encode();
    await expect(tokens.verify(unsecured, AUDIENCE)).rejects.toBeInstanceOf(CapabilityTokenError);

    const stranger = await generateKeyPair('EdDSA');
    const foreign = await claims()
      .setProtectedHeader({ alg: 'EdDSA', typ: 'coffer-capability+jwt' })
      .sign(stranger.privateKey);
    await expect(tokens.verify(foreign, AUDIENCE)).rejects.toBeInstanceOf(CapabilityTokenError);

    const untyped = await claims().setProtectedHeader({ alg: 'EdDSA' }).sign(key.privateKey);
    await expect(tokens.verify(untyped, AUDIENCE)).rejects.toBeInstanceOf(CapabilityTokenError);

    const genuine = await tokens.sign({ audience: AUDIENCE, subject: 'r', ttlSeconds: 60 });
    const [head, , signature] = genuine.split('.');
    const payload = Buffer.from(
      JSON.stringify({ iss: ISSUER, aud: AUDIENCE, sub: 'someone-else', iat: now, exp: now + 60 }),
    ).toString('base64url');
    await expect(tokens.verify(`${head}.${payload}.${signature}`, AUDIENCE)).rejects.toBeInstanceOf(
      CapabilityTokenError,
    );
  });

  it('refuses to sign a grant without a positive lifetime', async () => {
    const tokens = createCapabilityTokens(await newKey(), { issuer: ISSUER, clock: testClock() });
    await expect(tokens.sign({ audience: AUDIENCE, subject: 'r', ttlSeconds: 0 })).rejects.toBeInstanceOf(RangeError);
  });
});

describe('loadOrCreateServerSecret', () => {
  it('makes 32 random bytes (folder 0700, file 0600) once and loads them afterwards', async () => {
    const dataDir = await tempDir();
    const first = await loadOrCreateServerSecret(dataDir);
    expect(first.created).toBe(true);
    expect(first.key).toHaveLength(32);
    const file = join(dataDir, 'keys', 'server-secret');
    expect((await stat(join(dataDir, 'keys'))).mode & 0o777).toBe(0o700);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(new Uint8Array(await readFile(file))).toEqual(first.key);

    const second = await loadOrCreateServerSecret(dataDir);
    expect(second.created).toBe(false);
    expect(second.key).toEqual(first.key);
    // Another data folder gets another secret.
    expect((await loadOrCreateServerSecret(await tempDir())).key).not.toEqual(first.key);
  });

  it('never replaces a secret when two processes start at once', async () => {
    const dataDir = await tempDir();
    const results = await Promise.all(Array.from({ length: 8 }, () => loadOrCreateServerSecret(dataDir)));
    const keys = new Set(results.map((result) => Buffer.from(result.key).toString('hex')));
    expect(keys.size).toBe(1);
    expect(new Uint8Array(await readFile(join(dataDir, 'keys', 'server-secret')))).toEqual(results[0]?.key);
  });

  it('refuses a secret file of the wrong length instead of making a new one', async () => {
    const dataDir = await tempDir();
    await loadOrCreateServerSecret(dataDir);
    const file = join(dataDir, 'keys', 'server-secret');
    await writeFile(file, new Uint8Array(31));
    await expect(loadOrCreateServerSecret(dataDir)).rejects.toBeInstanceOf(ServerSecretFileError);
    expect((await readFile(file)).length).toBe(31);
  });
});
