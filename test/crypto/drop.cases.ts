import {
  authenticateDropUpload,
  checkDropKey,
  DecryptError,
  dropFingerprint,
  dropLinkFragment,
  FormatError,
  MAX_DROP_LABEL_LENGTH,
  MismatchError,
  newAccountKeys,
  newDropKeys,
  newFileKey,
  newId,
  openClientDropLink,
  openDropLabel,
  openDropSecrets,
  openFileKeyForDrop,
  parseDropLinkFragment,
  randomBytes,
  receiptCode,
  sealClientDropLink,
  SEALED_CLIENT_LINK_BYTES,
  sealDropLabel,
  sealDropSecrets,
  sealFileKeyForDrop,
  SignatureError,
  verifyDropUpload,
  type DropSecret,
  type DropUploadManifest,
} from '../../shared/crypto/index.js';
import { assert, assertBytes, assertEqual, assertThrows, defineSuite } from './harness.js';

function upload(dropId: DropUploadManifest['dropId']): DropUploadManifest {
  const file = () => ({
    fileId: newId(),
    ciphertextHash: randomBytes(32),
    metadataHash: randomBytes(32),
    keyCommitment: randomBytes(32),
  });
  return { dropId, uploadId: newId(), createdAt: 1_790_000_000_000, files: [file(), file()] };
}

export const dropCases = defineSuite('drops', {
  'the upload page refuses a drop key that does not match the link'() {
    const drop = newDropKeys(newId());
    const fragment = dropLinkFragment(dropFingerprint(drop.dropId, drop.keyPair.publicKey), drop.secret);
    const parsed = parseDropLinkFragment(`#${fragment}`);
    assertBytes(parsed.dropSecret, drop.secret, 'D from the fragment');
    checkDropKey(drop.dropId, drop.keyPair.publicKey, parsed.dropFingerprint);
    const swapped = newDropKeys(drop.dropId);
    assertThrows(
      () => checkDropKey(drop.dropId, swapped.keyPair.publicKey, parsed.dropFingerprint),
      MismatchError,
      'server swapped the key',
    );
    assertThrows(
      () => checkDropKey(newId(), drop.keyPair.publicKey, parsed.dropFingerprint),
      MismatchError,
      'key of another drop',
    );
  },

  "a client's personal drop link opens for that client only, bound to the drop and the client"() {
    const drop = newDropKeys(newId());
    const client = newAccountKeys();
    const clientId = newId();
    const link = { dropFingerprint: dropFingerprint(drop.dropId, drop.keyPair.publicKey), dropSecret: drop.secret };
    const sealed = sealClientDropLink(link, { dropId: drop.dropId, clientId }, client.encryption.publicKey);
    assertEqual(sealed.length, SEALED_CLIENT_LINK_BYTES, 'sealed length');
    const opened = openClientDropLink(sealed, { dropId: drop.dropId, clientId }, client.encryption);
    assertBytes(opened.dropSecret, drop.secret, 'D');
    assertBytes(opened.dropFingerprint, link.dropFingerprint, 'drop fingerprint');
    // The portal then checks the key the server lists against the fingerprint inside.
    checkDropKey(drop.dropId, drop.keyPair.publicKey, opened.dropFingerprint);
    assertThrows(
      () => checkDropKey(drop.dropId, newDropKeys(drop.dropId).keyPair.publicKey, opened.dropFingerprint),
      MismatchError,
      'swapped drop key',
    );
    assertThrows(
      () => openClientDropLink(sealed, { dropId: newId(), clientId }, client.encryption),
      MismatchError,
      'another drop',
    );
    assertThrows(
      () => openClientDropLink(sealed, { dropId: drop.dropId, clientId: newId() }, client.encryption),
      MismatchError,
      'another client',
    );
    assertThrows(
      () => openClientDropLink(sealed, { dropId: drop.dropId, clientId }, newAccountKeys().encryption),
      DecryptError,
      "another client's key",
    );
    const flipped = sealed.slice();
    flipped[60] = (flipped[60] ?? 0) ^ 1;
    assertThrows(
      () => openClientDropLink(flipped, { dropId: drop.dropId, clientId }, client.encryption),
      DecryptError,
      'a flipped bit',
    );
    // A drop's secrets sealed to the same key are not a client link (another purpose tag).
    const secrets = sealDropSecrets(drop, clientId, client.encryption.publicKey);
    assertThrows(
      () => openClientDropLink(secrets, { dropId: drop.dropId, clientId }, client.encryption),
      FormatError,
      'drop secrets as a client link',
    );
  },

  'drop secrets sealed to the owner and the office reopen for each'() {
    const drop = newDropKeys(newId());
    const owner = newAccountKeys();
    const ownerId = newId();
    const sealed = sealDropSecrets(drop, ownerId, owner.encryption.publicKey);
    const opened = openDropSecrets(sealed, { dropId: drop.dropId, holderId: ownerId }, owner.encryption);
    assertBytes(opened.keyPair.secretKey, drop.keyPair.secretKey, 'drop secret key');
    assertBytes(opened.keyPair.publicKey, drop.keyPair.publicKey, 'drop public key derived');
    assertBytes(opened.secret, drop.secret, 'D');
    assertThrows(
      () => openDropSecrets(sealed, { dropId: newId(), holderId: ownerId }, owner.encryption),
      MismatchError,
      'another drop',
    );
    assertThrows(
      () => openDropSecrets(sealed, { dropId: drop.dropId, holderId: ownerId }, newAccountKeys().encryption),
      DecryptError,
      'another holder key',
    );
  },

  'the label opens for the owner and the office only, bound to its drop and holder, its length hidden'() {
    const dropId = newId();
    const owner = newAccountKeys();
    const ownerId = newId();
    const office = newAccountKeys();
    const officeId = newId();
    const label = 'Bakkerij de Vries – loonadministratie';
    const forOwner = sealDropLabel(label, { dropId, holderId: ownerId }, owner.encryption.publicKey);
    const forOffice = sealDropLabel(label, { dropId, holderId: officeId }, office.encryption.publicKey);
    assertEqual(openDropLabel(forOwner, { dropId, holderId: ownerId }, owner.encryption), label, 'owner copy');
    assertEqual(openDropLabel(forOffice, { dropId, holderId: officeId }, office.encryption), label, 'office copy');
    // A colleague's own key opens neither copy: only the office key opens the office's.
    const colleague = newAccountKeys();
    assertThrows(
      () => openDropLabel(forOwner, { dropId, holderId: ownerId }, colleague.encryption),
      DecryptError,
      'owner copy, colleague key',
    );
    assertThrows(
      () => openDropLabel(forOffice, { dropId, holderId: officeId }, colleague.encryption),
      DecryptError,
      'office copy, colleague key',
    );
    assertThrows(
      () => openDropLabel(forOwner, { dropId: newId(), holderId: ownerId }, owner.encryption),
      MismatchError,
      'presented as another drop',
    );
    assertThrows(
      () => openDropLabel(forOffice, { dropId, holderId: ownerId }, office.encryption),
      MismatchError,
      'presented as another holder',
    );
    // Padded to 256-byte blocks: a one-letter label and a 200-letter one seal to the same length.
    const short = sealDropLabel('A', { dropId, holderId: ownerId }, owner.encryption.publicKey);
    const long = sealDropLabel(
      'x'.repeat(MAX_DROP_LABEL_LENGTH),
      { dropId, holderId: ownerId },
      owner.encryption.publicKey,
    );
    assertEqual(short.length, long.length, 'length hidden within a block');
    assertThrows(
      () => sealDropLabel('', { dropId, holderId: ownerId }, owner.encryption.publicKey),
      FormatError,
      'empty',
    );
    assertThrows(
      () =>
        sealDropLabel('x'.repeat(MAX_DROP_LABEL_LENGTH + 1), { dropId, holderId: ownerId }, owner.encryption.publicKey),
      FormatError,
      'too long',
    );
    assertThrows(
      () => sealDropLabel('two\nlines', { dropId, holderId: ownerId }, owner.encryption.publicKey),
      FormatError,
      'control character',
    );
    // Drop secrets are not a label: the purpose tag keeps them apart.
    const drop = newDropKeys(dropId);
    assertThrows(
      () =>
        openDropLabel(
          sealDropSecrets(drop, ownerId, owner.encryption.publicKey),
          { dropId, holderId: ownerId },
          owner.encryption,
        ),
      FormatError,
      'secrets opened as a label',
    );
  },

  'file keys sealed to the drop key'() {
    const drop = newDropKeys(newId());
    const fileId = newId();
    const fileKey = newFileKey();
    const sealed = sealFileKeyForDrop(fileKey, drop.dropId, fileId, drop.keyPair.publicKey);
    assertBytes(openFileKeyForDrop(sealed, { dropId: drop.dropId, fileId }, drop.keyPair), fileKey, 'opens');
    assertThrows(
      () => openFileKeyForDrop(sealed, { dropId: drop.dropId, fileId: newId() }, drop.keyPair),
      MismatchError,
      'another file',
    );
  },

  "an upload MAC'd with D verifies and both sides compute the same receipt code"() {
    const drop = newDropKeys(newId());
    const manifest = upload(drop.dropId);
    const envelope = authenticateDropUpload(manifest, drop.secret);
    const verified = verifyDropUpload(envelope, drop.secret, { dropId: drop.dropId, uploadId: manifest.uploadId });
    assertEqual(verified.files.length, 2, 'files');
    assertEqual(verified.createdAt, manifest.createdAt, 'time');
    const code = receiptCode(envelope);
    assert(/^\d{4}-\d{4}-\d{4}$/.test(code), `receipt code format ${code}`);
    assertEqual(receiptCode(envelope.slice()), code, 'same code from the same manifest');
    assert(
      receiptCode(authenticateDropUpload({ ...manifest, createdAt: manifest.createdAt + 1 }, drop.secret)) !== code,
      'another manifest, another code',
    );
  },

  'a drop upload whose MAC was made without D is refused'() {
    const drop = newDropKeys(newId());
    const manifest = upload(drop.dropId);
    const injected = authenticateDropUpload(manifest, randomBytes(32) as DropSecret);
    assertThrows(
      () => verifyDropUpload(injected, drop.secret, { dropId: drop.dropId, uploadId: manifest.uploadId }),
      SignatureError,
      'MAC without D',
    );
    const genuine = authenticateDropUpload(manifest, drop.secret);
    const tampered = genuine.slice();
    tampered[40] = (tampered[40] as number) ^ 1;
    assertThrows(
      () => verifyDropUpload(tampered, drop.secret, { dropId: drop.dropId, uploadId: manifest.uploadId }),
      SignatureError,
      'body changed after the MAC',
    );
    assertThrows(
      () => verifyDropUpload(genuine, drop.secret, { dropId: drop.dropId, uploadId: newId() }),
      MismatchError,
      'presented as another upload',
    );
    const otherDrop = newDropKeys(newId());
    const forOther = authenticateDropUpload(upload(otherDrop.dropId), drop.secret);
    assertThrows(
      () => verifyDropUpload(forOther, drop.secret, { dropId: drop.dropId, uploadId: newId() }),
      MismatchError,
      'manifest of another drop',
    );
  },
});
