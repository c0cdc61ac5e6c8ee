// Negative cases of share manifests (docs/protocol.md §10): envelopes tampered with, checked
// against the wrong share or sender, and authentic ones that break the canonical encoding.
import type { AccountContext } from './accounts.js';
import { append, c, flipBit, negative, otherId, setByte, type VectorFiles } from './common.js';
import type { SharingContext } from './sharing.js';

type ErrorName = Parameters<typeof negative>[3];

export function manifestNegatives(files: VectorFiles, a: AccountContext, s: SharingContext): void {
  const { userId, account } = a;
  // §10 manifests: the positive one, and authentic envelopes a reader must still refuse.
  const sender = account.identity;
  const manifestEnvelope = c.signManifest(s.manifest, sender);
  const [file] = s.manifest.files;
  const fileFields = (f: typeof file) =>
    f === undefined ? [] : [f.fileId, f.ciphertextHash, f.metadataHash, f.keyCommitment];
  const recipientFields = [
    ...s.manifest.recipients.map((r) =>
      r.kind === 'account'
        ? ['account', r.recipientId, r.identityFingerprint]
        : ['guest', r.recipientId, new Uint8Array(0)],
    ),
  ].sort((x, y) => c.compareBytes(x[1] as Uint8Array, y[1] as Uint8Array));
  const signed = (fields: readonly c.Field[]) => c.signBody(c.encodeFields(fields), sender.secretKey);
  const manifestFields = (over: { version?: number; files?: c.Field[]; recipients?: c.Field[] }) => [
    c.TAG.shareManifest,
    s.shareId,
    over.version ?? 1,
    userId,
    sender.publicKey,
    over.files ?? [fileFields(file)],
    over.recipients ?? recipientFields,
  ];
  const secondFile = file === undefined ? [] : fileFields({ ...file, fileId: c.fromHex('00'.repeat(16)) as c.Id });
  const verify = (
    name: string,
    input: Uint8Array,
    error: ErrorName,
    reason: string,
    over: Record<string, Uint8Array | number> = {},
  ) =>
    negative(
      name,
      'verifyManifest',
      { envelope: input, shareId: s.shareId, senderId: userId, senderIdentityPublicKey: sender.publicKey, ...over },
      error,
      reason,
    );
  files['manifest.json'] = {
    ...files['manifest.json'],
    negative: [
      verify('flipped-signature', flipBit(manifestEnvelope, -1), 'SignatureError', 'one bit of the signature flipped'),
      verify('flipped-body', flipBit(manifestEnvelope, 100), 'SignatureError', 'one bit of the body flipped'),
      verify(
        'other-sender-key',
        manifestEnvelope,
        'SignatureError',
        'checked with another identity key than the one that signed',
        { senderIdentityPublicKey: s.recipientAccount.identity.publicKey },
      ),
      verify('wrong-version-byte', setByte(manifestEnvelope, 2, 0x02), 'FormatError', 'format version 2'),
      verify('byte-after-the-end', append(manifestEnvelope, [0]), 'FormatError', 'one byte after the signature'),
      verify('other-share', manifestEnvelope, 'MismatchError', 'a manifest of another share', {
        shareId: otherId(s.shareId),
      }),
      verify(
        'other-sender-id',
        manifestEnvelope,
        'MismatchError',
        'names another sender id than the certificate the reader checked',
        { senderId: otherId(userId) },
      ),
      verify('older-version', manifestEnvelope, 'MismatchError', 'version 1 after the reader saw version 2', {
        minimumVersion: 2,
      }),
      verify(
        'version-0',
        signed(manifestFields({ version: 0 })),
        'FormatError',
        'validly signed, version 0: versions start at 1',
      ),
      verify(
        'files-unsorted',
        signed(manifestFields({ files: [fileFields(file), secondFile] })),
        'FormatError',
        'validly signed, files not in ascending id order',
      ),
      verify(
        'files-duplicate',
        signed(manifestFields({ files: [fileFields(file), fileFields(file)] })),
        'FormatError',
        'validly signed, the same file id twice',
      ),
      verify('no-files', signed(manifestFields({ files: [] })), 'FormatError', 'validly signed, no file'),
      verify(
        'recipients-unsorted',
        signed(manifestFields({ recipients: [...recipientFields].reverse() })),
        'FormatError',
        'validly signed, recipients not in ascending id order',
      ),
      verify(
        'guest-with-fingerprint',
        signed(
          manifestFields({
            recipients: recipientFields.map((r) =>
              r[0] === 'guest' ? ['guest', r[1] as Uint8Array, new Uint8Array(32)] : r,
            ),
          }),
        ),
        'FormatError',
        'validly signed, a guest entry with a 32-byte fingerprint (must be empty)',
      ),
      verify(
        'unknown-recipient-kind',
        signed(
          manifestFields({
            recipients: recipientFields.map((r) =>
              r[0] === 'guest' ? ['group', r[1] as Uint8Array, new Uint8Array(0)] : r,
            ),
          }),
        ),
        'FormatError',
        "validly signed, recipient kind 'group'",
      ),
      verify(
        'short-hash',
        signed(
          manifestFields({
            files: [
              file === undefined
                ? []
                : [file.fileId, file.ciphertextHash.subarray(0, 31), file.metadataHash, file.keyCommitment],
            ],
          }),
        ),
        'FormatError',
        'validly signed, a 31-byte ciphertext hash',
      ),
    ],
  };
}
