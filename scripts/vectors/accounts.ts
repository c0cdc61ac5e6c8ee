// The format v1 families from field encoding to the office key (docs/protocol.md §2–§9): the
// positive vectors, made from fixed inputs in a fixed order so the deterministic random values
// each draws stay the same when later families are added.
import { c, hex, note, patternBytes, type VectorFiles } from './common.js';

export function accountFamilies(files: VectorFiles) {
  // §2 field encoding
  files['encoding.json'] = {
    note,
    cases: [
      {
        fields: [{ utf8: 'coffer/v1/example' }, { hex: '00ff' }, { u64: 1790000000000 }],
        encoded: hex(c.encodeFields(['coffer/v1/example', new Uint8Array([0, 255]), 1790000000000])),
      },
      {
        fields: [{ utf8: 'é' }, { list: [{ utf8: 'a' }, { hex: '' }] }],
        encoded: hex(c.encodeFields(['é', ['a', new Uint8Array(0)]])),
      },
    ],
  };

  // §4 content, §6 file key
  const fileKey = c.newFileKey();
  const fileId = c.newId();
  files['filekey.json'] = {
    note,
    fileKey: hex(fileKey),
    fileId: hex(fileId),
    contentKey: hex(c.deriveKey(fileKey, c.KDF_CONTEXT.file, c.SUBKEY.file.content)),
    metadataKey: hex(c.deriveKey(fileKey, c.KDF_CONTEXT.file, c.SUBKEY.file.metadata)),
    commitmentKey: hex(c.deriveKey(fileKey, c.KDF_CONTEXT.file, c.SUBKEY.file.commitment)),
    keyCommitment: hex(c.keyCommitment(fileKey, fileId)),
  };
  /** The containers by plaintext length; the 5-byte one is the file the manifest and the drop upload name. */
  const containers = new Map<number, { container: Uint8Array; ciphertextHash: Uint8Array }>();
  files['content.json'] = {
    note,
    fileKey: hex(fileKey),
    fileId: hex(fileId),
    plaintextRule: 'byte i of the plaintext is (31 * i + 7) mod 256',
    cases: [0, 5, c.CONTENT_CHUNK_BYTES + 5].map((length) => {
      const plaintext = patternBytes(length);
      const { ciphertext, summary } = c.encryptContent(fileKey, fileId, plaintext);
      containers.set(length, { container: ciphertext, ciphertextHash: summary.ciphertextHash });
      return {
        plaintextLength: length,
        plaintext: hex(plaintext),
        container: hex(ciphertext),
        ciphertextHash: hex(summary.ciphertextHash),
      };
    }),
  };

  // §5 metadata
  const metadata = {
    name: 'Jaarrekening 2025 – Bakkerij de Vries.pdf',
    type: 'application/pdf',
    // The size of the 5-byte container of content.json, which the manifest names with this metadata.
    size: 5,
    lastModified: 1780000000000,
    message: 'Zie bijlage.',
  };
  const sealedMetadata = c.sealMetadata(fileKey, fileId, metadata);
  files['metadata.json'] = {
    note,
    fileKey: hex(fileKey),
    fileId: hex(fileId),
    metadata,
    json: c.metadataJson(metadata),
    sealed: hex(sealedMetadata),
    metadataHash: hex(c.metadataHash(sealedMetadata)),
  };

  // §7 password and recovery key
  const salt = c.newSalt();
  const password = 'Correct-Paard-Batterij-Niet';
  const split = c.passwordKeys(password, salt, c.DEFAULT_KDF_PARAMS);
  const serverKey = c.randomBytes(32);
  const userId = c.newId();
  const recoveryKey = c.newRecoveryKey();
  const recovery = c.recoveryKeys(recoveryKey);
  files['password.json'] = {
    note,
    password,
    salt: hex(salt),
    params: c.DEFAULT_KDF_PARAMS,
    authKey: hex(split.authKey),
    keyEncryptionKey: hex(split.keyEncryptionKey),
    serverKey: hex(serverKey),
    userId: hex(userId),
    authVerifier: hex(c.authVerifier(serverKey, userId, split.authKey)),
    email: 'anna@kantoor-jansen.nl',
    fakeSalt: hex(c.fakeSalt(serverKey, 'anna@kantoor-jansen.nl')),
    recovery: {
      recoveryKey: hex(recoveryKey),
      text: c.formatRecoveryKey(recoveryKey),
      authKey: hex(recovery.authKey),
      keyEncryptionKey: hex(recovery.keyEncryptionKey),
    },
  };

  // §8 account keys
  const account = c.newAccountKeys();
  const passwordBundle = c.sealKeyBundle(split.keyEncryptionKey, userId, account, 'password');
  const recoveryBundle = c.sealKeyBundle(recovery.keyEncryptionKey, userId, account, 'recovery');
  files['account.json'] = {
    note,
    userId: hex(userId),
    identitySeed: hex(account.identity.seed),
    identityPublicKey: hex(account.identity.publicKey),
    encryptionSecretKey: hex(account.encryption.secretKey),
    encryptionPublicKey: hex(account.encryption.publicKey),
    personalKey: hex(account.personalKey),
    keyEncryptionKey: hex(split.keyEncryptionKey),
    passwordBundle: hex(passwordBundle),
    recoveryKeyEncryptionKey: hex(recovery.keyEncryptionKey),
    recoveryBundle: hex(recoveryBundle),
    encryptionKeySignature: hex(c.signEncryptionKey(userId, account)),
    identityFingerprint: hex(c.identityFingerprint(account.identity.publicKey)),
    identityFingerprintText: c.formatFingerprint(c.identityFingerprint(account.identity.publicKey)),
  };

  // §9 office key and member certificate
  const office = c.newOfficeKeys(c.newId());
  const certificateFields = {
    version: 1,
    userId,
    email: 'anna@kantoor-jansen.nl',
    role: 'staff' as const,
    identityPublicKey: account.identity.publicKey,
    encryptionPublicKey: account.encryption.publicKey,
    issuedAt: 1790000000000,
  };
  files['office.json'] = {
    note,
    officeId: hex(office.officeId),
    signingSeed: hex(office.signing.seed),
    signingPublicKey: hex(office.signing.publicKey),
    encryptionSecretKey: hex(office.encryption.secretKey),
    encryptionPublicKey: hex(office.encryption.publicKey),
    officeFingerprint: hex(c.officeFingerprint(office.signing.publicKey)),
    officeFingerprintText: c.formatFingerprint(c.officeFingerprint(office.signing.publicKey)),
    officeEncryptionKeyStatement: hex(c.signOfficeEncryptionKey(office)),
    member: {
      ...certificateFields,
      userId: hex(userId),
      identityPublicKey: hex(account.identity.publicKey),
      encryptionPublicKey: hex(account.encryption.publicKey),
      encryptionSecretKey: hex(account.encryption.secretKey),
      certificate: hex(c.certifyMember(office, certificateFields)),
      sealedOfficeKeys: hex(c.sealOfficeKeys(office, userId, account.encryption.publicKey)),
    },
  };

  return {
    fileKey,
    fileId,
    containers,
    sealedMetadata,
    metadata,
    split,
    serverKey,
    userId,
    recovery,
    account,
    office,
    certificateFields,
  };
}

export type AccountContext = ReturnType<typeof accountFamilies>;
