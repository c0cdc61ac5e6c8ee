// The signed drop record (docs/protocol.md §13, "Drop record"): positive values and the cases a
// reader must refuse (another signer, another drop, creator or client, and secrets, label or
// a client link that differ from what the record names). Drawn after every other family, so
// adding it changed no other file's bytes.
import type { AccountContext } from './accounts.js';
import { c, flipBit, hex, negative, note, otherId, type VectorFiles } from './common.js';
import type { ExtraContext } from './extra.js';
import type { SharingContext } from './sharing.js';

type ErrorName = Parameters<typeof negative>[3];

export function dropRecordFamily(files: VectorFiles, a: AccountContext, s: SharingContext, x: ExtraContext): void {
  const { userId, account } = a;
  const { drop, dropLabel } = s;
  const creatorKey = account.identity.publicKey;
  const record = c.signDropRecord(drop, dropLabel, { creatorId: userId, clientId: null }, account.identity);
  const personal = c.signDropRecord(drop, dropLabel, { creatorId: userId, clientId: x.clientId }, account.identity);
  const labelKey = c.deriveKey(drop.keyPair.secretKey, c.KDF_CONTEXT.dropKey, c.SUBKEY.dropKey.labelCommitment);
  // What a server would seal instead: its own key pair and D under the genuine drop id.
  const server = { ...c.newDropKeys(drop.dropId), dropId: drop.dropId };
  const serverSigner = c.newAccountKeys();

  const ids = { dropId: drop.dropId, creatorId: userId, creatorIdentityPublicKey: creatorKey };
  const verify = (name: string, envelope: Uint8Array, error: ErrorName, reason: string, over = {}) =>
    negative(name, 'verifyDropRecord', { envelope, ...ids, clientId: new Uint8Array(0), ...over }, error, reason);
  const holder = (name: string, reason: string, over: Record<string, Uint8Array | string>) =>
    negative(
      name,
      'checkDropRecordForHolder',
      {
        envelope: record,
        ...ids,
        clientId: new Uint8Array(0),
        dropSecretKey: drop.keyPair.secretKey,
        dropSecret: drop.secret,
        label: dropLabel,
        ...over,
      },
      'MismatchError',
      reason,
    );
  const client = (name: string, error: ErrorName, reason: string, over: Record<string, Uint8Array>) =>
    negative(
      name,
      'checkDropRecordForClient',
      {
        envelope: personal,
        ...ids,
        clientId: x.clientId,
        dropFingerprint: s.dropFp,
        dropSecret: drop.secret,
        ...over,
      },
      error,
      reason,
    );

  files['drop-record.json'] = {
    note,
    dropId: hex(drop.dropId),
    creatorId: hex(userId),
    creatorIdentityPublicKey: hex(creatorKey),
    dropSecretKey: hex(drop.keyPair.secretKey),
    dropPublicKey: hex(drop.keyPair.publicKey),
    dropSecret: hex(drop.secret),
    dropFingerprint: hex(s.dropFp),
    label: dropLabel,
    secretCommitment: hex(c.dropSecretCommitment(drop.dropId, drop.secret)),
    labelCommitmentKey: hex(labelKey),
    labelCommitment: hex(c.dropLabelCommitment(drop.dropId, drop.keyPair.secretKey, dropLabel)),
    record: hex(record),
    personal: { clientId: hex(x.clientId), record: hex(personal) },
    negative: [
      verify('another-signer', record, 'SignatureError', "checked with another member's identity key", {
        creatorIdentityPublicKey: s.recipientAccount.identity.publicKey,
      }),
      verify(
        'server-signed',
        c.signDropRecord(server, dropLabel, { creatorId: userId, clientId: null }, serverSigner.identity),
        'SignatureError',
        'a record of the server’s own keys, signed with a key the server made, naming the creator',
      ),
      verify('flipped-bit', flipBit(record, 40), 'SignatureError', 'one bit of the body flipped'),
      verify(
        'wrong-tag',
        c.signBody(
          c.encodeFields([
            c.TAG.dropSecrets,
            drop.dropId,
            userId,
            drop.keyPair.publicKey,
            new Uint8Array(32),
            new Uint8Array(32),
            new Uint8Array(0),
          ]),
          account.identity.secretKey,
        ),
        'FormatError',
        'the same shape under the drop-secrets tag',
      ),
      verify('other-drop', record, 'MismatchError', 'another drop id expected', { dropId: otherId(drop.dropId) }),
      verify('other-creator', record, 'MismatchError', 'another creator id expected', { creatorId: otherId(userId) }),
      verify('client-expected', record, 'MismatchError', 'a client expected, the record names none', {
        clientId: x.clientId,
      }),
      verify('wrong-client', personal, 'MismatchError', "another client's id expected", {
        clientId: otherId(x.clientId),
      }),
      verify('personal-as-other', personal, 'MismatchError', 'a personal drop’s record where none is expected'),
      holder('wrong-drop-key', 'the server’s drop key pair (and its D) sealed to the holder', {
        dropSecretKey: server.keyPair.secretKey,
        dropSecret: server.secret,
      }),
      holder('wrong-secret', 'the genuine drop key with another D', { dropSecret: server.secret }),
      holder('wrong-label', 'another label (the drop relabelled)', { label: 'Jansen Holding B.V.' }),
      client('client-wrong-key', 'MismatchError', 'the client link names the server’s drop key', {
        dropFingerprint: c.dropFingerprint(drop.dropId, server.keyPair.publicKey),
        dropSecret: server.secret,
      }),
      client('client-wrong-secret', 'MismatchError', 'the client link carries another D', {
        dropSecret: server.secret,
      }),
      client('client-other-client', 'MismatchError', 'the record names another client', {
        clientId: otherId(x.clientId),
      }),
    ],
  };
}
