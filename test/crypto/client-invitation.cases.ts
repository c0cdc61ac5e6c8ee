// The client invitation secret (docs/protocol.md §13a): the office's signed statement carries I
// sealed to the office key, and the client's key proof is a MAC with a key derived from I over
// exactly its keys, user id and address. Each binding is tampered with here and must fail.
import {
  clientKeyProof,
  deriveKey,
  KDF_CONTEXT,
  macFields,
  SUBKEY,
  encodeFields,
  FormatError,
  MismatchError,
  newAccountKeys,
  newId,
  newInvitationSecret,
  newOfficeKeys,
  openClientInvitation,
  openSigned,
  signBody,
  signClientInvitation,
  SignatureError,
  TAG,
  verifyClientKeyProof,
  type ClientKeysToProve,
} from '../../shared/crypto/index.js';
import { assertBytes, assertThrows, defineSuite } from './harness.js';

function invited() {
  const office = newOfficeKeys(newId());
  const secret = newInvitationSecret();
  const binding = { userId: newId(), email: 'klant@voorbeeld.nl' };
  const statement = signClientInvitation(office, binding, secret);
  const account = newAccountKeys();
  const keys: ClientKeysToProve = {
    ...binding,
    identityPublicKey: account.identity.publicKey,
    encryptionPublicKey: account.encryption.publicKey,
  };
  const opener = {
    officeId: office.officeId,
    signingPublicKey: office.signing.publicKey,
    encryption: office.encryption,
  };
  return { office, secret, binding, statement, keys, opener };
}

export const clientInvitationCases = defineSuite('client invitation', {
  'an approving member opens I from the statement, and the proof verifies for exactly the keys it was made for'() {
    const r = invited();
    const opened = openClientInvitation(r.statement, r.opener, r.binding);
    assertBytes(opened, r.secret, 'the same I');
    const proof = clientKeyProof(r.secret, r.keys);
    verifyClientKeyProof(opened, r.keys, proof);
  },

  'a proof over other keys, another account, another address or with another I fails'() {
    const r = invited();
    const proof = clientKeyProof(r.secret, r.keys);
    const server = newAccountKeys();
    const cases: [string, ClientKeysToProve][] = [
      ['identity key', { ...r.keys, identityPublicKey: server.identity.publicKey }],
      ['encryption key', { ...r.keys, encryptionPublicKey: server.encryption.publicKey }],
      ['user id', { ...r.keys, userId: newId() }],
      ['address', { ...r.keys, email: 'ander@voorbeeld.nl' }],
    ];
    for (const [what, keys] of cases)
      assertThrows(() => verifyClientKeyProof(r.secret, keys, proof), MismatchError, what);
    assertThrows(() => verifyClientKeyProof(newInvitationSecret(), r.keys, proof), MismatchError, 'another I');
    const flipped = proof.slice();
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    assertThrows(() => verifyClientKeyProof(r.secret, r.keys, flipped), MismatchError, 'flipped');
    assertThrows(() => verifyClientKeyProof(r.secret, r.keys, proof.subarray(0, 31)), MismatchError, 'short');
  },

  'the same MAC over the same fields under another tag, or with I itself as the key, is not a proof'() {
    const r = invited();
    const fields = [r.keys.userId, r.keys.email, r.keys.identityPublicKey, r.keys.encryptionPublicKey];
    const key = deriveKey(r.secret, KDF_CONTEXT.invitation, SUBKEY.invitation.keyProof);
    assertBytes(
      clientKeyProof(r.secret, r.keys),
      macFields(key, [TAG.clientKeyProof, ...fields]),
      'the documented MAC',
    );
    const otherTag = macFields(key, [TAG.dropUpload, ...fields]);
    assertThrows(() => verifyClientKeyProof(r.secret, r.keys, otherTag), MismatchError, 'another tag');
    const underI = macFields(r.secret, [TAG.clientKeyProof, ...fields]);
    assertThrows(() => verifyClientKeyProof(r.secret, r.keys, underI), MismatchError, 'I as the key');
  },

  'a statement the server made, altered, or for another account, address or office is refused'() {
    const r = invited();
    // The server seals its own I to the office key (anyone can) and signs with a key of its own.
    const server = newOfficeKeys(r.office.officeId);
    const own = signClientInvitation({ ...server, encryption: r.office.encryption }, r.binding, newInvitationSecret());
    assertThrows(() => openClientInvitation(own, r.opener, r.binding), SignatureError, 'server-signed');
    const flipped = r.statement.slice();
    flipped[20] = (flipped[20] ?? 0) ^ 1;
    assertThrows(() => openClientInvitation(flipped, r.opener, r.binding), SignatureError, 'flipped');
    assertThrows(
      () => openClientInvitation(r.statement, r.opener, { ...r.binding, userId: newId() }),
      MismatchError,
      'account',
    );
    assertThrows(
      () => openClientInvitation(r.statement, r.opener, { ...r.binding, email: 'ander@voorbeeld.nl' }),
      MismatchError,
      'address',
    );
    assertThrows(
      () => openClientInvitation(r.statement, { ...r.opener, officeId: newId() }, r.binding),
      MismatchError,
      'office',
    );
    // The same body signed under another purpose tag is not a statement.
    const body = openSigned(r.statement, r.office.signing.publicKey);
    const other = signBody(encodeFields([TAG.memberCertificate, body]), r.office.signing.secretKey);
    assertThrows(() => openClientInvitation(other, r.opener, r.binding), FormatError, 'another tag');
  },
});
