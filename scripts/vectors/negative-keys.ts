// Negative cases of passwords, account keys, the office key, share manifests and file-key
// wraps (docs/protocol.md §7–§11): each tampered or malformed input with the typed error a
// reader must give. docs/protocol.md §17 describes the layout and every operation.
import type { AccountContext } from './accounts.js';
import {
  negativesOf,
  append,
  c,
  flipBit,
  negative,
  otherId,
  setByte,
  withBodyLength,
  type VectorFiles,
} from './common.js';
import { sealRaw } from './raw.js';
import type { SharingContext } from './sharing.js';

type ErrorName = Parameters<typeof negative>[3];

export function keyNegatives(files: VectorFiles, a: AccountContext, s: SharingContext): void {
  const { userId, account, office, recovery, split } = a;
  const MIB = 1024 * 1024;

  const kdf = (name: string, algorithm: string, opsLimit: number, memLimit: number, reason: string) =>
    negative(name, 'checkKdfParams', { algorithm, opsLimit, memLimit }, 'ParameterError', reason);
  const recoveryText = c.formatRecoveryKey(c.newRecoveryKey());
  const typo = `${recoveryText.slice(0, 5)}${recoveryText[5] === '0' ? '1' : '0'}${recoveryText.slice(6)}`;
  files['password.json'] = {
    ...files['password.json'],
    negative: [
      kdf('passes-below-floor', 'argon2id13', 2, 64 * MIB, '2 passes: the floor is 3'),
      kdf('memory-below-floor', 'argon2id13', 3, 32 * MIB, '32 MiB: the floor is 64 MiB'),
      kdf(
        'passes-above-ceiling',
        'argon2id13',
        11,
        64 * MIB,
        '11 passes: the ceiling is 10 (a server must not stall the browser)',
      ),
      kdf('memory-above-ceiling', 'argon2id13', 3, 512 * MIB, '512 MiB: the ceiling is 256 MiB'),
      kdf('memory-not-whole-kib', 'argon2id13', 3, 64 * MIB + 1, 'memory must be a whole number of KiB'),
      kdf('other-algorithm', 'argon2i13', 3, 64 * MIB, 'only Argon2id v1.3'),
      negative(
        'recovery-typo',
        'parseRecoveryKey',
        { text: typo },
        'FormatError',
        'one character changed: the three check bytes differ',
      ),
      negative(
        'recovery-letter-u',
        'parseRecoveryKey',
        { text: `U${recoveryText.slice(1)}` },
        'FormatError',
        "'U' is not in the Crockford alphabet",
      ),
      negative(
        'recovery-short',
        'parseRecoveryKey',
        { text: recoveryText.slice(0, -1) },
        'FormatError',
        '55 characters: a recovery key has 56',
      ),
    ],
  };

  const bundle = c.fromHex(files['account.json']?.['passwordBundle'] as string);
  const keys = {
    identityPublicKey: account.identity.publicKey,
    encryptionPublicKey: account.encryption.publicKey,
  };
  const open = (
    name: string,
    input: Uint8Array,
    error: ErrorName,
    reason: string,
    over: Record<string, Uint8Array | string> = {},
  ) =>
    negative(
      name,
      'openKeyBundle',
      { keyEncryptionKey: split.keyEncryptionKey, userId, bundle: input, purpose: 'password', ...keys, ...over },
      error,
      reason,
    );
  const signature = c.signEncryptionKey(userId, account);
  files['account.json'] = {
    ...files['account.json'],
    negative: [
      open('wrong-key', bundle, 'DecryptError', 'the recovery key-encryption key on the password bundle', {
        keyEncryptionKey: recovery.keyEncryptionKey,
      }),
      open(
        'wrong-purpose',
        bundle,
        'DecryptError',
        "the password bundle opened as purpose 'recovery' (additional data differs)",
        { purpose: 'recovery' },
      ),
      open('wrong-user', bundle, 'DecryptError', 'another user id in the additional data', { userId: otherId(userId) }),
      open('flipped-bit', flipBit(bundle, 60), 'DecryptError', 'one ciphertext bit flipped'),
      open('wrong-version', setByte(bundle, 2, 0x02), 'FormatError', 'format version 2'),
      open('wrong-kind', setByte(bundle, 3, 0x6d), 'FormatError', "kind 'm' where 'k' is expected"),
      open('byte-after-the-end', append(bundle, [0]), 'FormatError', '141 bytes: a key bundle is exactly 140'),
      open('truncated', bundle.subarray(0, 139), 'FormatError', '139 bytes: a key bundle is exactly 140'),
      open(
        'other-published-keys',
        bundle,
        'MismatchError',
        'opens, but the keys inside are not the ones published for the user',
        { identityPublicKey: s.recipientAccount.identity.publicKey },
      ),
      negative(
        'signature-flipped',
        'verifyEncryptionKey',
        { userId, ...keys, signature: flipBit(signature, 10) },
        'SignatureError',
        'one bit of the signature flipped',
      ),
      negative(
        'signature-other-user',
        'verifyEncryptionKey',
        { userId: otherId(userId), ...keys, signature },
        'SignatureError',
        'the statement names the user id',
      ),
      negative(
        'signature-other-key',
        'verifyEncryptionKey',
        {
          userId,
          identityPublicKey: keys.identityPublicKey,
          encryptionPublicKey: s.recipientAccount.encryption.publicKey,
          signature,
        },
        'SignatureError',
        'an encryption key the identity key never signed',
      ),
    ],
  };

  const certificate = c.certifyMember(office, a.certificateFields);
  const member = negativesOf('verifyMember', (input: Uint8Array) => ({
    officeSigningPublicKey: office.signing.publicKey,
    officeId: office.officeId,
    userId,
    certificate: input,
    encryptionKeySignature: signature,
  }));
  const body = (fields: readonly c.Field[]) => c.signBody(c.encodeFields(fields), office.signing.secretKey);
  const certFields = (role: string, officeId: Uint8Array = office.officeId) => [
    c.TAG.memberCertificate,
    officeId,
    1,
    userId,
    'anna@kantoor-jansen.nl',
    role,
    account.identity.publicKey,
    account.encryption.publicKey,
    1790000000000,
  ];
  const other = c.newOfficeKeys(office.officeId);
  const statement = c.signOfficeEncryptionKey(office);
  const sealedOffice = c.sealOfficeKeys(office, userId, account.encryption.publicKey);
  const openOffice = negativesOf('openOfficeKeys', (input: Uint8Array) => ({
    sealed: input,
    officeId: office.officeId,
    memberUserId: userId,
    officeSigningPublicKey: office.signing.publicKey,
    officeEncryptionPublicKey: office.encryption.publicKey,
    memberSecretKey: account.encryption.secretKey,
  }));
  files['office.json'] = {
    ...files['office.json'],
    negative: [
      member('flipped-signature', flipBit(certificate, -5), 'SignatureError', 'one bit of the signature flipped'),
      member('flipped-body', flipBit(certificate, 60), 'SignatureError', 'one bit of the signed body flipped'),
      member(
        'other-office-key',
        c.certifyMember(other, a.certificateFields),
        'SignatureError',
        'signed by another office signing key (one a server made)',
      ),
      member('wrong-version', setByte(certificate, 2, 0x02), 'FormatError', 'format version 2'),
      member('wrong-kind', setByte(certificate, 3, 0x61), 'FormatError', "kind 'a' where 's' is expected"),
      member(
        'body-length-wrong',
        withBodyLength(certificate, certificate.length - 8 - 64 + 1),
        'FormatError',
        'the body length field says one byte more than there is',
      ),
      member('byte-after-the-end', append(certificate, [0]), 'FormatError', 'one byte after the signature'),
      member(
        'unknown-role',
        body(certFields('owner')),
        'MismatchError',
        "validly signed, role 'owner': only admin, staff and client exist",
      ),
      member(
        'other-office-id',
        body(certFields('staff', otherId(office.officeId))),
        'MismatchError',
        'validly signed for another office id',
      ),
      member('other-user', certificate, 'MismatchError', 'the certificate is for another user than the one expected', {
        userId: otherId(userId),
      }),
      member(
        'field-count',
        body(certFields('staff').slice(0, 8)),
        'FormatError',
        'validly signed, but 8 fields: a certificate has 9',
      ),
      member(
        'encryption-key-not-signed',
        certificate,
        'SignatureError',
        "the member's own signature over the certified encryption key fails",
        { encryptionKeySignature: flipBit(signature, 3) },
      ),
      negative(
        'statement-other-office',
        'verifyOfficeEncryptionKey',
        { officeSigningPublicKey: office.signing.publicKey, officeId: otherId(office.officeId), statement },
        'MismatchError',
        'the statement is for another office id',
      ),
      negative(
        'statement-flipped',
        'verifyOfficeEncryptionKey',
        {
          officeSigningPublicKey: office.signing.publicKey,
          officeId: office.officeId,
          statement: flipBit(statement, -1),
        },
        'SignatureError',
        'one bit of the signature flipped',
      ),
      negative(
        'statement-other-signer',
        'verifyOfficeEncryptionKey',
        {
          officeSigningPublicKey: office.signing.publicKey,
          officeId: office.officeId,
          statement: c.signOfficeEncryptionKey(other),
        },
        'SignatureError',
        'signed by another office signing key',
      ),
      openOffice('wrong-member-key', sealedOffice, 'DecryptError', "another member's encryption key", {
        memberSecretKey: s.recipientAccount.encryption.secretKey,
      }),
      openOffice('other-member', sealedOffice, 'MismatchError', 'sealed for another member id', {
        memberUserId: otherId(userId),
      }),
      openOffice('other-office-id', sealedOffice, 'MismatchError', 'sealed for another office id', {
        officeId: otherId(office.officeId),
      }),
      openOffice(
        'not-the-pinned-key',
        c.sealOfficeKeys(other, userId, account.encryption.publicKey),
        'MismatchError',
        'a whole office key pair made by someone else (the signing key is not the pinned one)',
      ),
      openOffice(
        'encryption-key-not-certified',
        sealRaw(
          [c.TAG.officeKeys, office.officeId, userId, office.signing.seed, other.encryption.secretKey],
          account.encryption.publicKey,
        ),
        'MismatchError',
        "the right signing seed, but an encryption secret key whose public key is not the one the office's statement names",
      ),
      openOffice('flipped-bit', flipBit(sealedOffice, 30), 'DecryptError', 'one bit of the sealed box flipped'),
      openOffice(
        'wrong-tag',
        sealRaw(
          [c.TAG.dropSecrets, office.officeId, userId, office.signing.seed, office.encryption.secretKey],
          account.encryption.publicKey,
        ),
        'FormatError',
        'the same fields under the drop-secrets tag',
      ),
    ],
  };
}
