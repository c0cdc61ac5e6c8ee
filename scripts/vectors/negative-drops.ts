// Negative cases of drops and the client's sealed drop link (docs/protocol.md §13): the drop
// key against the link's fingerprint, sealed secrets, labels and file keys, upload manifests.
import type { AccountContext } from './accounts.js';
import { negativesOf, c, flipBit, negative, otherId, setByte, withBodyLength, type VectorFiles } from './common.js';
import type { ExtraContext } from './extra.js';
import { sealRaw } from './raw.js';
import type { SharingContext } from './sharing.js';

export function dropNegatives(files: VectorFiles, a: AccountContext, s: SharingContext, x: ExtraContext): void {
  const { fileId, userId, account, office } = a;
  // §13 drops
  const drop = s.drop;
  const dropFile = files['drop.json'] as Record<string, unknown>;
  const sealedSecrets = c.fromHex((dropFile['owner'] as Record<string, string>)['sealedDropSecrets'] as string);
  const sealedKey = c.fromHex((dropFile['fileKeyForDrop'] as Record<string, string>)['sealed'] as string);
  const labelOwner = c.fromHex(
    ((dropFile['label'] as Record<string, Record<string, string>>)['owner'] as Record<string, string>)[
      'sealed'
    ] as string,
  );
  const label = negativesOf('openDropLabel', (input: Uint8Array) => ({
    sealed: input,
    dropId: drop.dropId,
    holderId: userId,
    holderSecretKey: account.encryption.secretKey,
  }));
  const rawLabel = (padded: Uint8Array) =>
    sealRaw([c.TAG.dropLabel, drop.dropId, userId, padded], account.encryption.publicKey);
  const pad = (text: string) =>
    c.concatBytes(c.utf8(text), new Uint8Array([0x80]), new Uint8Array(256 - ((c.utf8(text).length + 1) % 256 || 256)));
  const upload = negativesOf('verifyDropUpload', (input: Uint8Array) => ({
    envelope: input,
    dropSecret: drop.secret,
    dropId: drop.dropId,
    uploadId: s.upload.uploadId,
  }));
  const macKey = c.deriveKey(drop.secret, c.KDF_CONTEXT.drop, c.SUBKEY.drop.uploadMac);
  dropFile['negative'] = [
    negative(
      'server-key-swapped',
      'checkDropKey',
      { dropId: drop.dropId, dropPublicKey: s.recipientAccount.encryption.publicKey, fingerprint: s.dropFp },
      'MismatchError',
      'the server names another public key than the one whose fingerprint is in the link',
    ),
    negative(
      'fingerprint-other-drop',
      'checkDropKey',
      { dropId: otherId(drop.dropId), dropPublicKey: drop.keyPair.publicKey, fingerprint: s.dropFp },
      'MismatchError',
      'the fingerprint binds the drop id',
    ),
    negative(
      'secrets-other-holder',
      'openDropSecrets',
      {
        sealed: sealedSecrets,
        dropId: drop.dropId,
        holderId: office.officeId,
        holderSecretKey: account.encryption.secretKey,
      },
      'MismatchError',
      "the owner's copy read as the office's",
    ),
    negative(
      'secrets-wrong-key',
      'openDropSecrets',
      { sealed: sealedSecrets, dropId: drop.dropId, holderId: userId, holderSecretKey: office.encryption.secretKey },
      'DecryptError',
      "the office key on the owner's copy",
    ),
    negative(
      'file-key-other-file',
      'openFileKeyForDrop',
      { sealed: sealedKey, dropId: drop.dropId, fileId: otherId(fileId), dropSecretKey: drop.keyPair.secretKey },
      'MismatchError',
      'sealed for another file',
    ),
    negative(
      'file-key-other-drop',
      'openFileKeyForDrop',
      { sealed: sealedKey, dropId: otherId(drop.dropId), fileId, dropSecretKey: drop.keyPair.secretKey },
      'MismatchError',
      'sealed for another drop',
    ),
    upload('mac-flipped', flipBit(s.uploadEnvelope, -1), 'SignatureError', 'one bit of the MAC flipped'),
    upload('body-flipped', flipBit(s.uploadEnvelope, 50), 'SignatureError', 'one bit of the body flipped'),
    upload(
      'made-without-d',
      c.macBody(c.encodeDropUpload(s.upload), c.randomBytes(32)),
      'SignatureError',
      'MAC made with a key not derived from D (an upload the server injected)',
    ),
    upload('other-upload', s.uploadEnvelope, 'MismatchError', 'the manifest of another upload', {
      uploadId: otherId(s.upload.uploadId),
    }),
    upload(
      'other-drop',
      c.macBody(c.encodeDropUpload({ ...s.upload, dropId: otherId(drop.dropId) }), macKey),
      'MismatchError',
      'validly MACed with this D, but naming another drop',
    ),
    upload(
      'body-length-wrong',
      withBodyLength(s.uploadEnvelope, s.uploadEnvelope.length - 8 - 32 - 1),
      'FormatError',
      'the body length field says one byte less than there is',
    ),
    upload('wrong-kind', setByte(s.uploadEnvelope, 3, 0x73), 'FormatError', "kind 's' where 'a' is expected"),
    label('wrong-key', labelOwner, 'DecryptError', "the office key on the owner's copy", {
      holderSecretKey: office.encryption.secretKey,
    }),
    label('other-holder', labelOwner, 'MismatchError', 'sealed for another holder', { holderId: otherId(userId) }),
    label(
      'not-whole-blocks',
      rawLabel(c.concatBytes(c.utf8('Bakkerij'), new Uint8Array([0x80]), new Uint8Array(100))),
      'FormatError',
      'padded to 109 bytes: not a whole number of 256-byte blocks',
    ),
    label(
      'no-padding-marker',
      rawLabel(new Uint8Array(256).fill(0x41)),
      'FormatError',
      '256 bytes without the 0x80 marker',
    ),
    label('control-character', rawLabel(pad('Bakkerij\u000ade Vries')), 'FormatError', 'a line feed in the label'),
    label('empty', rawLabel(pad('')), 'FormatError', 'an empty label'),
    label('201-units', rawLabel(pad('a'.repeat(201))), 'FormatError', '201 UTF-16 code units'),
    label(
      'invalid-utf8',
      rawLabel(c.concatBytes(new Uint8Array([0x61, 0xff, 0x62, 0x80]), new Uint8Array(252))),
      'FormatError',
      'the byte 0xff is never UTF-8',
    ),
  ];

  // §13 the client's sealed link
  const client = negativesOf('openClientDropLink', (input: Uint8Array) => ({
    sealed: input,
    dropId: drop.dropId,
    clientId: x.clientId,
    clientSecretKey: x.client.encryption.secretKey,
  }));
  files['client-link.json'] = {
    ...files['client-link.json'],
    negative: [
      client('other-drop', x.clientLink, 'MismatchError', 'sealed for another drop id', {
        dropId: otherId(drop.dropId),
      }),
      client('other-client', x.clientLink, 'MismatchError', 'sealed for another client id', {
        clientId: otherId(x.clientId),
      }),
      client('wrong-key', x.clientLink, 'DecryptError', "another account's encryption key", {
        clientSecretKey: account.encryption.secretKey,
      }),
      client('flipped-bit', flipBit(x.clientLink, 100), 'DecryptError', 'one bit of the sealed box flipped'),
      client('wrong-version', setByte(x.clientLink, 2, 0x02), 'FormatError', 'format version 2'),
      client(
        'wrong-tag',
        sealRaw([c.TAG.dropSecrets, drop.dropId, x.clientId, s.dropFp, drop.secret], x.client.encryption.publicKey),
        'FormatError',
        'the same fields under the drop-secrets tag',
      ),
      client(
        'short-secret',
        sealRaw(
          [c.TAG.clientDropLink, drop.dropId, x.clientId, s.dropFp, drop.secret.subarray(0, 31)],
          x.client.encryption.publicKey,
        ),
        'FormatError',
        'a 31-byte D',
      ),
    ],
  };
}
