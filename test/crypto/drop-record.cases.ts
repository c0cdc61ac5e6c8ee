// The signed drop record (docs/protocol.md §13, "Drop record"): the creator's signature binds
// the drop key, a commitment to D, a keyed commitment to the label and (for a personal drop) the
// client, so the sealed boxes the server could forge are caught: secrets, label, client link.
import {
  checkClientLinkAgainstRecord,
  checkDropLabelAgainstRecord,
  checkDropSecretsAgainstRecord,
  dropFingerprint,
  DROP_RECORD_BYTES,
  dropLabelCommitment,
  FormatError,
  MismatchError,
  newAccountKeys,
  newDropKeys,
  newId,
  openSigned,
  randomBytes,
  signBody,
  signDropRecord,
  SignatureError,
  TAG,
  encodeFields,
  verifyDropRecord,
  type DropKeys,
  type DropSecret,
  type Id,
} from '../../shared/crypto/index.js';
import { assertEqual, assertNotBytes, assertThrows, defineSuite } from './harness.js';

const LABEL = 'Bakkerij de Vries';

function made(clientId: Id | null = null) {
  const drop = newDropKeys(newId());
  const creator = newAccountKeys();
  const creatorId = newId();
  const envelope = signDropRecord(drop, LABEL, { creatorId, clientId }, creator.identity);
  return { drop, creator, creatorId, clientId, envelope };
}

/** The server's own drop keys under the genuine drop id: what it would seal to the holders. */
function forged(drop: DropKeys): DropKeys {
  return { ...newDropKeys(drop.dropId), dropId: drop.dropId };
}

export const dropRecordCases = defineSuite('drop record', {
  'a record verifies for its creator, drop and client, and checks the unsealed secrets, label and link'() {
    const r = made();
    assertEqual(r.envelope.length, DROP_RECORD_BYTES.other, 'length without a client');
    const record = verifyDropRecord(r.envelope, r.creator.identity.publicKey, {
      dropId: r.drop.dropId,
      creatorId: r.creatorId,
      clientId: null,
    });
    checkDropSecretsAgainstRecord(record, r.drop);
    checkDropLabelAgainstRecord(record, r.drop, LABEL);
    const personal = made(newId());
    assertEqual(personal.envelope.length, DROP_RECORD_BYTES.personal, 'length with a client');
    const clientRecord = verifyDropRecord(personal.envelope, personal.creator.identity.publicKey, {
      dropId: personal.drop.dropId,
      creatorId: personal.creatorId,
      clientId: personal.clientId,
    });
    checkClientLinkAgainstRecord(clientRecord, {
      dropFingerprint: dropFingerprint(personal.drop.dropId, personal.drop.keyPair.publicKey),
      dropSecret: personal.drop.secret,
    });
  },

  'a record signed by another key, or altered, is refused'() {
    const r = made();
    const expected = { dropId: r.drop.dropId, creatorId: r.creatorId, clientId: null };
    assertThrows(
      () => verifyDropRecord(r.envelope, newAccountKeys().identity.publicKey, expected),
      SignatureError,
      'another signer',
    );
    // The server signs a record of its own with a key it made: it verifies only with that key.
    const server = newAccountKeys();
    const own = signDropRecord(forged(r.drop), LABEL, { creatorId: r.creatorId, clientId: null }, server.identity);
    assertThrows(() => verifyDropRecord(own, r.creator.identity.publicKey, expected), SignatureError, 'server-made');
    const flipped = r.envelope.slice();
    flipped[40] = (flipped[40] ?? 0) ^ 1;
    assertThrows(() => verifyDropRecord(flipped, r.creator.identity.publicKey, expected), SignatureError, 'flipped');
    // The same fields signed under another purpose tag are not a record.
    const body = openSigned(r.envelope, r.creator.identity.publicKey);
    const other = signBody(encodeFields([TAG.shareManifest, body]), r.creator.identity.secretKey);
    assertThrows(() => verifyDropRecord(other, r.creator.identity.publicKey, expected), FormatError, 'another tag');
  },

  'a record for another drop, creator or client is refused'() {
    const r = made();
    const key = r.creator.identity.publicKey;
    const ids = { dropId: r.drop.dropId, creatorId: r.creatorId, clientId: null };
    assertThrows(() => verifyDropRecord(r.envelope, key, { ...ids, dropId: newId() }), MismatchError, 'drop');
    assertThrows(() => verifyDropRecord(r.envelope, key, { ...ids, creatorId: newId() }), MismatchError, 'creator');
    // A drop that is not personal is not any client's; a personal drop is only its own client's.
    assertThrows(() => verifyDropRecord(r.envelope, key, { ...ids, clientId: newId() }), MismatchError, 'no client');
    const p = made(newId());
    const pIds = { dropId: p.drop.dropId, creatorId: p.creatorId };
    const pKey = p.creator.identity.publicKey;
    assertThrows(() => verifyDropRecord(p.envelope, pKey, { ...pIds, clientId: newId() }), MismatchError, 'client');
    assertThrows(() => verifyDropRecord(p.envelope, pKey, { ...pIds, clientId: null }), MismatchError, 'personal');
    // A member opening a personal drop expects some client; a drop listed as personal whose record names none is refused.
    verifyDropRecord(p.envelope, pKey, { ...pIds, clientId: 'anyClient' });
    assertThrows(() => verifyDropRecord(r.envelope, key, { ...ids, clientId: 'anyClient' }), MismatchError, 'any');
  },

  'secrets, a label or a client link the server made do not match the record'() {
    const r = made();
    const record = verifyDropRecord(r.envelope, r.creator.identity.publicKey, {
      dropId: r.drop.dropId,
      creatorId: r.creatorId,
      clientId: null,
    });
    const server = forged(r.drop);
    assertThrows(() => checkDropSecretsAgainstRecord(record, server), MismatchError, 'swapped key pair and D');
    // The genuine key pair with another D (the server cannot know D, but it can seal any).
    const otherD = { ...r.drop, secret: randomBytes(32) as DropSecret };
    assertThrows(() => checkDropSecretsAgainstRecord(record, otherD), MismatchError, 'swapped D');
    assertThrows(() => checkDropLabelAgainstRecord(record, r.drop, 'Jansen Holding'), MismatchError, 'relabelled');
    // The label commitment is keyed with the drop's secret key: it hides a guessable label.
    assertNotBytes(
      dropLabelCommitment(r.drop.dropId, server.keyPair.secretKey, LABEL),
      record.labelCommitment,
      'keyed commitment',
    );
    const p = made(newId());
    const pRecord = verifyDropRecord(p.envelope, p.creator.identity.publicKey, {
      dropId: p.drop.dropId,
      creatorId: p.creatorId,
      clientId: p.clientId,
    });
    const serverDrop = forged(p.drop);
    assertThrows(
      () =>
        checkClientLinkAgainstRecord(pRecord, {
          dropFingerprint: dropFingerprint(serverDrop.dropId, serverDrop.keyPair.publicKey),
          dropSecret: serverDrop.secret,
        }),
      MismatchError,
      "the server's drop key in the client link",
    );
    assertThrows(
      () =>
        checkClientLinkAgainstRecord(pRecord, {
          dropFingerprint: dropFingerprint(p.drop.dropId, p.drop.keyPair.publicKey),
          dropSecret: serverDrop.secret,
        }),
      MismatchError,
      "the server's D in the client link",
    );
  },
});
