// A member's worker opening the office keys sealed to it (docs/protocol.md §9, §19 step 8),
// against a server that plays false. `Seal` is anonymous: a server that somehow holds the office
// signing seed (or one that just wants colleagues' copies of file keys to go nowhere) can seal
// to a member a box that pairs the right signing seed with an encryption key nobody certified.
// The worker must refuse it: both public keys derived from the box must be the office's, the
// encryption key the one the office signing key's statement names. Here the office is made
// with the real functions, the member's worker is the real one (client/src/crypto/operations),
// and the server's answers are written by hand.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  fromBase64Url,
  idFromWire,
  newId,
  newOfficeKeys,
  ready,
  sealOfficeKeys,
  signOfficeEncryptionKey,
  toBase64Url,
} from '../../shared/crypto/index.js';
import { call, newMemberWorker, sessionOfficeOf } from './support/accounts';

const b64 = toBase64Url;

beforeAll(async () => {
  await ready();
});

/** An office, a member it certified (a worker that just made its account), and what a server may answer. */
function scene() {
  const office = newOfficeKeys(newId());
  const rogue = newOfficeKeys(office.officeId);
  const member = newMemberWorker();
  return {
    ops: member.ops,
    pending: member.pending,
    certificate: member.certificateFrom(office),
    office: sessionOfficeOf(office),
    rogue,
    genuine: member.sealedOfficeKeysFrom(office),
    /** The office's own signing seed, with an encryption key the server made. */
    mixed: member.sealedOfficeKeysFrom({
      officeId: office.officeId,
      signing: office.signing,
      encryption: rogue.encryption,
    }),
    /** Signs in again in the same worker (the key-encryption key is used up by each unlock). */
    signInAgain: member.deriveSignIn,
  };
}

describe('a member opening the office keys refuses an encryption key the office did not name', () => {
  it('at sign-in: office keys with the right signing seed but another encryption key are refused', () => {
    const s = scene();
    expect(() =>
      call(s.ops, 'unlock', {
        keys: { ...s.pending, certificate: s.certificate, sealedOfficeKeys: s.mixed },
        office: s.office,
      }),
    ).toThrow('office_keys_invalid');
    // Nothing was unlocked: the worker holds no session to work with.
    expect(() => call(s.ops, 'pinOffice', { index: null, seen: {}, pins: [] })).toThrow('locked');

    // The same member, the same answers, the genuine box: opens.
    s.signInAgain();
    const unlocked = call(s.ops, 'unlock', {
      keys: { ...s.pending, certificate: s.certificate, sealedOfficeKeys: s.genuine },
      office: s.office,
    });
    expect(unlocked.officeKeys).toBe(true);
  });

  it('approved while signed in: the office keys picked up later are checked the same way', () => {
    const s = scene();
    expect(call(s.ops, 'unlock', { keys: s.pending, office: s.office }).officeKeys).toBe(false);
    const approved = (sealedOfficeKeys: string) => ({ ...s.pending, certificate: s.certificate, sealedOfficeKeys });
    expect(() => call(s.ops, 'openOffice', { keys: approved(s.mixed), office: s.office })).toThrow(
      'office_keys_invalid',
    );
    expect(call(s.ops, 'openOffice', { keys: approved(s.genuine), office: s.office }).officeKeys).toBe(true);
  });

  it("refuses sealed office keys without the office's statement, or with a key the statement does not name", () => {
    const s = scene();
    const keys = { ...s.pending, certificate: s.certificate, sealedOfficeKeys: s.genuine };
    const { encryptionPublicKey: _key, encryptionKeyStatement: _statement, ...sessionOffice } = s.office;
    const attempts = {
      'no statement at all': sessionOffice,
      'the rogue encryption key, with the genuine statement': {
        ...s.office,
        encryptionPublicKey: b64(s.rogue.encryption.publicKey),
      },
      'a statement signed by another key': {
        ...s.office,
        encryptionPublicKey: b64(s.rogue.encryption.publicKey),
        encryptionKeyStatement: b64(signOfficeEncryptionKey(s.rogue)),
      },
    };
    for (const [label, office] of Object.entries(attempts)) {
      s.signInAgain();
      expect(() => call(s.ops, 'unlock', { keys, office }), label).toThrow('office_keys_invalid');
    }
    // A box made entirely of the rogue keys, named with their own statement: the signing key
    // is not the session's, so it is refused too.
    s.signInAgain();
    expect(() =>
      call(s.ops, 'unlock', {
        keys: {
          ...keys,
          sealedOfficeKeys: b64(
            sealOfficeKeys(s.rogue, idFromWire(s.pending.userId), fromBase64Url(s.pending.encryptionPublicKey, 32)),
          ),
        },
        office: s.office,
      }),
    ).toThrow('office_keys_invalid');
  });
});
