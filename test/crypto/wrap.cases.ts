import {
  checkKeyCommitment,
  DecryptError,
  FormatError,
  keyCommitment,
  linkKey,
  MismatchError,
  newAccessCode,
  newAccountKeys,
  newFileKey,
  newId,
  newLinkSecret,
  newServerHalf,
  normalizeAccessCode,
  openFileKeyForAccount,
  openLinkSecret,
  randomBytes,
  sealFileKeyForAccount,
  sealLinkSecret,
  stretchAccessCode,
  unwrapFileKeyForGuest,
  wrapFileKeyForGuest,
} from '../../shared/crypto/index.js';
import { assert, assertBytes, assertEqual, assertNotBytes, assertThrows, defineSuite } from './harness.js';

function guestSetup() {
  const shareId = newId();
  const recipientId = newId();
  const fileId = newId();
  const fileKey = newFileKey();
  const linkSecret = newLinkSecret();
  const serverHalf = newServerHalf();
  const manifestHash = randomBytes(32);
  const binding = { shareId, recipientId, fileId, manifestHash };
  const key = linkKey({ linkSecret, serverHalf, shareId, recipientId });
  return {
    shareId,
    recipientId,
    fileId,
    fileKey,
    linkSecret,
    serverHalf,
    manifestHash,
    binding,
    key,
    wrapped: wrapFileKeyForGuest(key, binding, fileKey),
  };
}

export const wrapCases = defineSuite('file key wrapping', {
  'sealed for an account: opens for that holder and file only'() {
    const recipient = newAccountKeys();
    const fileId = newId();
    const holderId = newId();
    const fileKey = newFileKey();
    const sealed = sealFileKeyForAccount(fileKey, fileId, holderId, recipient.encryption.publicKey);
    assertBytes(openFileKeyForAccount(sealed, { fileId, holderId }, recipient.encryption), fileKey, 'opens');
    assertThrows(
      () => openFileKeyForAccount(sealed, { fileId, holderId }, newAccountKeys().encryption),
      DecryptError,
      'wrong recipient key',
    );
    assertThrows(
      () => openFileKeyForAccount(sealed, { fileId: newId(), holderId }, recipient.encryption),
      MismatchError,
      'presented as another file',
    );
    assertThrows(
      () => openFileKeyForAccount(sealed, { fileId, holderId: newId() }, recipient.encryption),
      MismatchError,
      'presented as another holder',
    );
  },

  'a key the server sealed itself is caught by the commitment'() {
    const recipient = newAccountKeys();
    const fileId = newId();
    const holderId = newId();
    const realKey = newFileKey();
    const commitment = keyCommitment(realKey, fileId);
    // crypto_box_seal is anonymous: anyone can seal some key to the recipient.
    const substitute = sealFileKeyForAccount(newFileKey(), fileId, holderId, recipient.encryption.publicKey);
    const opened = openFileKeyForAccount(substitute, { fileId, holderId }, recipient.encryption);
    assertThrows(() => checkKeyCommitment(opened, fileId, commitment), MismatchError, 'substituted key');
    checkKeyCommitment(realKey, fileId, commitment);
    assertThrows(() => checkKeyCommitment(realKey, newId(), commitment), MismatchError, 'commitment is per file');
  },

  'guest: the link key opens the wrapped key'() {
    const g = guestSetup();
    assertBytes(unwrapFileKeyForGuest(g.key, g.binding, g.wrapped), g.fileKey, 'opens');
    assertEqual(g.wrapped.length, 4 + 24 + 32 + 16, 'wrap length');
  },

  'guest: a key wrapped for one recipient is refused for another'() {
    const g = guestSetup();
    const otherRecipient = newId();
    // The other recipient has their own S and Ks …
    const theirKey = linkKey({
      linkSecret: newLinkSecret(),
      serverHalf: newServerHalf(),
      shareId: g.shareId,
      recipientId: otherRecipient,
    });
    assertThrows(
      () => unwrapFileKeyForGuest(theirKey, { ...g.binding, recipientId: otherRecipient }, g.wrapped),
      DecryptError,
      "another recipient's link key",
    );
    // … and even holding this link's S and Ks, naming another recipient fails.
    const sameSecretsOtherId = linkKey({
      linkSecret: g.linkSecret,
      serverHalf: g.serverHalf,
      shareId: g.shareId,
      recipientId: otherRecipient,
    });
    assertThrows(
      () => unwrapFileKeyForGuest(sameSecretsOtherId, { ...g.binding, recipientId: otherRecipient }, g.wrapped),
      DecryptError,
      'same secrets, other recipient id',
    );
    assertThrows(
      () => unwrapFileKeyForGuest(g.key, { ...g.binding, recipientId: otherRecipient }, g.wrapped),
      DecryptError,
      'right key, other recipient in the binding',
    );
  },

  'guest: the link alone, the server half alone, another manifest or another file open nothing'() {
    const g = guestSetup();
    const withoutServerHalf = linkKey({
      linkSecret: g.linkSecret,
      serverHalf: newServerHalf(),
      shareId: g.shareId,
      recipientId: g.recipientId,
    });
    assertThrows(() => unwrapFileKeyForGuest(withoutServerHalf, g.binding, g.wrapped), DecryptError, 'wrong Ks');
    const withoutLinkSecret = linkKey({
      linkSecret: newLinkSecret(),
      serverHalf: g.serverHalf,
      shareId: g.shareId,
      recipientId: g.recipientId,
    });
    assertThrows(() => unwrapFileKeyForGuest(withoutLinkSecret, g.binding, g.wrapped), DecryptError, 'wrong S');
    assertThrows(
      () => unwrapFileKeyForGuest(g.key, { ...g.binding, manifestHash: randomBytes(32) }, g.wrapped),
      DecryptError,
      'another manifest',
    );
    assertThrows(
      () => unwrapFileKeyForGuest(g.key, { ...g.binding, fileId: newId() }, g.wrapped),
      DecryptError,
      'another file',
    );
    assertThrows(
      () => unwrapFileKeyForGuest(g.key, { ...g.binding, shareId: newId() }, g.wrapped),
      DecryptError,
      'another share',
    );
  },

  'guest with an access code: the mailbox alone opens nothing'() {
    const g = guestSetup();
    const code = newAccessCode();
    const withCode = linkKey({
      linkSecret: g.linkSecret,
      serverHalf: g.serverHalf,
      shareId: g.shareId,
      recipientId: g.recipientId,
      accessCodeKey: stretchAccessCode(code, g.shareId, g.recipientId),
    });
    const wrapped = wrapFileKeyForGuest(withCode, g.binding, g.fileKey);
    assertThrows(() => unwrapFileKeyForGuest(g.key, g.binding, wrapped), DecryptError, 'no code');
    const wrongCode = stretchAccessCode(newAccessCode(), g.shareId, g.recipientId);
    const withWrongCode = linkKey({
      linkSecret: g.linkSecret,
      serverHalf: g.serverHalf,
      shareId: g.shareId,
      recipientId: g.recipientId,
      accessCodeKey: wrongCode,
    });
    assertThrows(() => unwrapFileKeyForGuest(withWrongCode, g.binding, wrapped), DecryptError, 'wrong code');
    const typed = code.toLowerCase().replace(/-/g, ' ').replace(/0/g, 'o');
    const retyped = linkKey({
      linkSecret: g.linkSecret,
      serverHalf: g.serverHalf,
      shareId: g.shareId,
      recipientId: g.recipientId,
      accessCodeKey: stretchAccessCode(typed, g.shareId, g.recipientId),
    });
    assertBytes(unwrapFileKeyForGuest(retyped, g.binding, wrapped), g.fileKey, 'code typed as a person would');
  },

  'access codes: 12 characters, 60 bits, unambiguous'() {
    const code = newAccessCode();
    assert(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/.test(code), `format ${code}`);
    assertEqual(normalizeAccessCode(code.toLowerCase()), code.replace(/-/g, ''), 'normalised');
    assertThrows(() => normalizeAccessCode('ABCD-EFGH-JKM'), FormatError, '11 characters');
    assertThrows(() => normalizeAccessCode('ABCD-EFGH-JKMU'), FormatError, 'U is not in the alphabet');
    const seen = new Set(Array.from({ length: 200 }, () => newAccessCode()));
    assertEqual(seen.size, 200, 'no repeats in 200 codes');
  },

  'the access code key depends on share and recipient'() {
    const code = newAccessCode();
    const shareId = newId();
    const recipientId = newId();
    assertNotBytes(
      stretchAccessCode(code, shareId, recipientId),
      stretchAccessCode(code, shareId, newId()),
      'per recipient',
    );
  },

  'S and the access code sealed to the sender reopen for that holder only'() {
    const sender = newAccountKeys();
    const binding = { shareId: newId(), recipientId: newId(), holderId: newId() };
    const linkSecret = newLinkSecret();
    const code = newAccessCode();
    const sealed = sealLinkSecret(binding, { linkSecret, accessCode: code }, sender.encryption.publicKey);
    const opened = openLinkSecret(sealed, binding, sender.encryption);
    assertBytes(opened.linkSecret, linkSecret, 'S');
    assertEqual(opened.accessCode, code.replace(/-/g, ''), 'access code');
    const noCode = openLinkSecret(
      sealLinkSecret(binding, { linkSecret }, sender.encryption.publicKey),
      binding,
      sender.encryption,
    );
    assertEqual(noCode.accessCode, undefined, 'no code');
    assertThrows(
      () => openLinkSecret(sealed, { ...binding, recipientId: newId() }, sender.encryption),
      MismatchError,
      'another recipient',
    );
    assertThrows(
      () => openLinkSecret(sealed, binding, newAccountKeys().encryption),
      DecryptError,
      'another holder key',
    );
  },
});
