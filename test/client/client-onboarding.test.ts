// Client onboarding without a phone call (docs/threat-model.md, "Client onboarding"; protocol
// §13a), in the crypto worker with the real libsodium, played against a server that substitutes
// the client's keys: with a handed-over invitation the approving browser refuses to certify
// them; with a mailed one (certified without a check) the client's own browser refuses to sign
// in under a certificate that names other keys.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  fromBase64Url,
  idToWire,
  newId,
  officeFingerprint,
  ready,
  toBase64Url,
  verifyMemberCertificate,
} from '../../shared/crypto/index.js';
import { createOperations } from '../../client/src/crypto/operations';
import type { AnswerOf } from '../../client/src/crypto/protocol';
import { fakeServer } from './support/fake-server';
import { call, office, randomBytes, type Office } from './support/office';
import { PASSWORD } from './support/clients';

beforeAll(async () => {
  await ready();
});

const EMAIL = 'klant@voorbeeld.nl';

/** I from the fragment prepareHandover answers (`<office fingerprint>.<I>`), as the client's page reads it. */
const secretOf = (prepared: { fragment: string }): string => prepared.fragment.split('.')[1] ?? '';

/** A browser that makes an account's keys for `userId`: the client's, or the server's own stand-in. */
async function activate(o: Office, userId: string, handover?: { secret: string; email: string }) {
  const ops = createOperations(o.deps);
  const created = await call(ops, 'createAccount', { userId, password: PASSWORD, ...(handover ? { handover } : {}) });
  return { ops, created, listed: listed(userId, created) };
}

/** The client as the server lists them to an approving member. */
function listed(userId: string, created: AnswerOf<'createAccount'>) {
  return {
    userId,
    email: EMAIL,
    role: 'client' as const,
    identityPublicKey: created.keys.identityPublicKey,
    encryptionPublicKey: created.keys.encryptionPublicKey,
    encryptionKeySignature: created.keys.encryptionKeySignature,
  };
}

/** What the client's browser gets back at sign-in: their own keys, and whatever certificate the server hands out. */
function published(userId: string, created: AnswerOf<'createAccount'>, certificate: string) {
  const { keys } = created;
  return {
    userId,
    kdf: keys.kdf,
    passwordBundle: keys.passwordBundle,
    identityPublicKey: keys.identityPublicKey,
    encryptionPublicKey: keys.encryptionPublicKey,
    certificate,
  };
}

describe('a handed-over invitation (the advisor delivers the link)', () => {
  it('lets the approving browser certify the keys the client proved, with no fingerprint call', async () => {
    const o = await office(fakeServer());
    const handover = await call(o.anna.ops, 'prepareHandover', { email: EMAIL });
    const client = await activate(o, handover.userId, { secret: secretOf(handover), email: EMAIL });
    expect(client.created.keyProof).toMatch(/^[A-Za-z0-9_-]{43}$/);

    // A colleague (not the inviter) approves: the office key opens I for any member.
    const approved = await call(o.els.ops, 'certifyClient', {
      client: client.listed,
      currentVersion: 0,
      label: 'Bakkerij de Vries',
      handover: { statement: handover.statement, keyProof: client.created.keyProof as string },
    });
    const certificate = verifyMemberCertificate(
      fromBase64Url(o.officeRef.signingPublicKey),
      fromBase64Url(approved.certificate),
    );
    expect(certificate).toMatchObject({ role: 'client', email: EMAIL, version: 1 });
    expect(toBase64Url(certificate.identityPublicKey)).toBe(client.listed.identityPublicKey);
    // And the client's own browser signs in under it.
    await call(client.ops, 'deriveSignIn', { password: PASSWORD, kdf: client.created.keys.kdf });
    await call(client.ops, 'unlock', {
      keys: published(handover.userId, client.created, approved.certificate),
      office: o.officeRef,
    });
  });

  it('refuses to certify keys the server put in the client’s place, a statement the server made, or a proof for another address', async () => {
    const o = await office(fakeServer());
    const handover = await call(o.anna.ops, 'prepareHandover', { email: EMAIL });
    const client = await activate(o, handover.userId, { secret: secretOf(handover), email: EMAIL });
    const keyProof = client.created.keyProof as string;
    // The server made keys of its own for the client's user id, and lists those with the genuine proof.
    const server = await activate(o, handover.userId);
    const certify = (listedKeys: typeof client.listed, statement: string, proof: string) =>
      call(o.els.ops, 'certifyClient', {
        client: listedKeys,
        currentVersion: 0,
        label: 'Bakkerij de Vries',
        handover: { statement, keyProof: proof },
      });
    await expect(certify(server.listed, handover.statement, keyProof)).rejects.toThrow('key_proof_invalid');
    // The dialog's check before any click says the same, and says yes for the genuine keys.
    await expect(
      call(o.els.ops, 'checkClientProof', {
        client: server.listed,
        handover: { statement: handover.statement, keyProof },
      }),
    ).rejects.toThrow('key_proof_invalid');
    const genuine = await call(o.els.ops, 'checkClientProof', {
      client: client.listed,
      handover: { statement: handover.statement, keyProof },
    });
    expect(genuine.fingerprint).toBe(client.created.fingerprint);
    // Only the encryption key swapped (with the server's own signature over it): still refused.
    const mixed = {
      ...client.listed,
      encryptionPublicKey: server.listed.encryptionPublicKey,
      encryptionKeySignature: server.listed.encryptionKeySignature,
      identityPublicKey: server.listed.identityPublicKey,
    };
    await expect(certify(mixed, handover.statement, keyProof)).rejects.toThrow('key_proof_invalid');
    // The server cannot make a statement of its own: it has no office signing key. A statement
    // for another account (another invitation's) does not open for this one either.
    const other = await call(o.anna.ops, 'prepareHandover', { email: EMAIL });
    await expect(certify(client.listed, other.statement, keyProof)).rejects.toThrow('key_proof_invalid');
    const flipped = fromBase64Url(handover.statement);
    flipped[30] = (flipped[30] ?? 0) ^ 1;
    await expect(certify(client.listed, toBase64Url(flipped), keyProof)).rejects.toThrow('key_proof_invalid');
    await expect(certify(client.listed, handover.statement, toBase64Url(randomBytes(32)))).rejects.toThrow(
      'key_proof_invalid',
    );
    await expect(
      certify({ ...client.listed, email: 'ander@voorbeeld.nl' }, handover.statement, keyProof),
    ).rejects.toThrow('key_proof_invalid');
    // The genuine keys still go through.
    await expect(certify(client.listed, handover.statement, keyProof)).resolves.toHaveProperty('certificate');
  });

  it('makes a new I for a resend, for the same account', async () => {
    const o = await office(fakeServer());
    const first = await call(o.anna.ops, 'prepareHandover', { email: EMAIL });
    const again = await call(o.els.ops, 'prepareHandover', { email: EMAIL, userId: first.userId });
    expect(again.userId).toBe(first.userId);
    expect(secretOf(again)).not.toBe(secretOf(first));
    // The fragment names the office this worker trusts, as every invitation link does.
    const officeFp = toBase64Url(officeFingerprint(fromBase64Url(o.officeRef.signingPublicKey)));
    expect(first.fragment).toMatch(new RegExp(`^${officeFp}\\.[A-Za-z0-9_-]{43}$`));
    // A client who activated with the old link's I cannot be approved under the new statement.
    const client = await activate(o, first.userId, { secret: secretOf(first), email: EMAIL });
    await expect(
      call(o.anna.ops, 'certifyClient', {
        client: client.listed,
        currentVersion: 0,
        label: 'X',
        handover: { statement: again.statement, keyProof: client.created.keyProof as string },
      }),
    ).rejects.toThrow('key_proof_invalid');
  });

  it('needs the office keys to prepare a handover', async () => {
    const o = await office(fakeServer());
    const client = await activate(o, idToWire(newId()));
    await expect(call(client.ops, 'prepareHandover', { email: EMAIL })).rejects.toThrow('locked');
  });
});

describe('a mailed invitation, certified without a check', () => {
  it("stops the client's sign-in when the office's certificate names keys the server substituted", async () => {
    const o = await office(fakeServer());
    const userId = idToWire(newId());
    const client = await activate(o, userId);
    const server = await activate(o, userId);
    // The advisor's browser certifies what the server lists: the server's keys.
    const substituted = await call(o.anna.ops, 'certifyClient', {
      client: server.listed,
      currentVersion: 0,
      label: 'Bakkerij de Vries',
    });
    // The client signs in with their own password: their bundle opens, the certificate names other keys.
    await call(client.ops, 'deriveSignIn', { password: PASSWORD, kdf: client.created.keys.kdf });
    await expect(
      call(client.ops, 'unlock', {
        keys: published(userId, client.created, substituted.certificate),
        office: o.officeRef,
      }),
    ).rejects.toThrow('certificate_substituted');
    // Nothing was unlocked: an operation that needs the keys finds none.
    await expect(call(client.ops, 'pinOffice', { index: null, seen: {}, pins: [] })).rejects.toThrow('locked');
    // The honest certificate for the client's own keys signs in, and the office key gets pinned.
    const honest = await call(o.anna.ops, 'certifyClient', {
      client: client.listed,
      currentVersion: 0,
      label: 'Bakkerij de Vries',
    });
    const signIn = async (
      certificate: string,
      office: { officeId: string; signingPublicKey: string } = o.officeRef,
    ) => {
      await call(client.ops, 'deriveSignIn', { password: PASSWORD, kdf: client.created.keys.kdf });
      return call(client.ops, 'unlock', { keys: published(userId, client.created, certificate), office });
    };
    expect((await signIn(honest.certificate)).officeKeys).toBe(false);
    const pinned = await call(client.ops, 'pinOffice', { index: null, seen: {}, pins: [] });
    expect(pinned.pin).toBe('new');
    const pins = [{ subject: 'office' as const, subjectId: o.officeRef.officeId, envelope: pinned.envelope as string }];
    expect((await call(client.ops, 'pinOffice', { index: null, seen: {}, pins })).pin).toBe('same');

    // A certificate the office key does not verify (one byte changed): the unlock goes on (the
    // server may have swapped the office key instead), and once the office key matched the pin
    // the certificate is refused.
    const flipped = fromBase64Url(honest.certificate);
    flipped[40] = (flipped[40] ?? 0) ^ 1;
    await signIn(toBase64Url(flipped));
    await expect(call(client.ops, 'pinOffice', { index: null, seen: {}, pins })).rejects.toThrow(
      'certificate_substituted',
    );
    // The same without a pin to compare (a new browser pins the key now): refused all the same.
    await expect(call(client.ops, 'pinOffice', { index: null, seen: {}, pins: [] })).rejects.toThrow(
      'certificate_substituted',
    );
    // Whereas a swapped office key is told as such: the pin differs.
    const swapped = { officeId: o.officeRef.officeId, signingPublicKey: toBase64Url(randomBytes(32)) };
    await signIn(honest.certificate, swapped);
    await expect(call(client.ops, 'pinOffice', { index: null, seen: {}, pins })).rejects.toThrow('office_key_changed');
  });
});
