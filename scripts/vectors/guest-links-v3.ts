// Manifest format 3 (docs/protocol.md §10, §11): the same share as manifest.json's, its guest
// entry carrying the format-3 link commitment — over the access code's Argon2id key, not the
// code — and that commitment with and without a code; with the inputs a reader must refuse.
// Made last, so the older families keep their bytes.
import type { AccountContext } from './accounts.js';
import { c, flipBit, hex, negativesOf, type VectorFiles } from './common.js';
import type { SharingContext } from './sharing.js';

export function guestLinkV3Family(files: VectorFiles, a: AccountContext, s: SharingContext): void {
  const { userId, account } = a;
  const sender = account.identity;
  const binding = { shareId: s.shareId, recipientId: s.guestId };
  const accessCodeKey = c.stretchAccessCode(s.accessCode, s.shareId, s.guestId);
  const withCode = c.linkCommitment(binding, s.linkSecret, accessCodeKey);
  const withoutCode = c.linkCommitment(binding, s.linkSecret, undefined);

  const manifest: c.ShareManifest = {
    ...s.manifest,
    format: 3,
    recipients: s.manifest.recipients.map((r) => (r.kind === 'guest' ? { ...r, linkCommitment: withCode } : r)),
  };
  const body = c.encodeManifest(manifest);
  const envelope = c.signManifest(manifest, sender);
  files['manifest.json'] = {
    ...files['manifest.json'],
    v3: {
      note: 'format 3 (new shares): tag coffer/v3/share-manifest; the guest entry carries wrap.json linkCommitment.withCode',
      body: hex(body),
      signedEnvelope: hex(envelope),
      manifestHash: hex(c.manifestHash(body)),
    },
  };
  files['wrap.json'] = {
    ...files['wrap.json'],
    linkCommitment: {
      note: 'format 3: H(enc("coffer/v3/link-commitment", shareId, recipientId, S, accessCodeKey)), accessCodeKey = stretchAccessCode(accessCode, shareId, recipientId), empty without a code',
      shareId: hex(s.shareId),
      recipientId: hex(s.guestId),
      linkSecret: hex(s.linkSecret),
      accessCode: s.accessCode,
      accessCodeKey: hex(accessCodeKey),
      withCode: hex(withCode),
      withoutCode: hex(withoutCode),
    },
  };

  const signed = (fields: readonly c.Field[]) => c.signBody(c.encodeFields(fields), sender.secretKey);
  const fields = c.decodeFields(body);
  const recipientsWith = (guestValue: Uint8Array) =>
    c
      .decodeFields(fields[6] as Uint8Array)
      .map((entry) => c.decodeFields(entry))
      .map((r) => (c.bytesEqual(r[0] as Uint8Array, c.utf8('guest')) ? [r[0], r[1], guestValue] : r) as Uint8Array[]);
  const verify = negativesOf('verifyManifest', (input: Uint8Array) => ({
    envelope: input,
    shareId: s.shareId,
    senderId: userId,
    senderIdentityPublicKey: sender.publicKey,
  }));
  const check = negativesOf('checkLinkCommitment', (input: Uint8Array) => ({
    envelope: input,
    shareId: s.shareId,
    senderId: userId,
    senderIdentityPublicKey: sender.publicKey,
    recipientId: s.guestId,
    linkSecret: s.linkSecret,
    accessCode: s.accessCode,
  }));
  const rawCodeCommitment = c.linkCommitmentV2(binding, { linkSecret: s.linkSecret, accessCode: s.accessCode });
  files['manifest.json'] = {
    ...files['manifest.json'],
    negative: [
      ...((files['manifest.json']?.['negative'] as unknown[] | undefined) ?? []),
      verify(
        'v3-guest-without-commitment',
        signed([c.TAG.shareManifestV3, ...fields.slice(1, 6), recipientsWith(new Uint8Array(0))]),
        'FormatError',
        'validly signed, format 3, a guest entry with an empty field (must be the 32-byte link commitment)',
      ),
      verify(
        'v3-retagged-as-v2',
        retaggedAsV2(envelope),
        'SignatureError',
        'the signed format-3 manifest with its tag changed to coffer/v2/share-manifest in place (a downgrade by the server)',
      ),
    ],
  };
  files['wrap.json'] = {
    ...files['wrap.json'],
    negative: [
      ...((files['wrap.json']?.['negative'] as unknown[] | undefined) ?? []),
      check('v3-commitment-other-secret', envelope, 'MismatchError', 'another S than the one the sender committed to', {
        linkSecret: flipBit(s.linkSecret, 0),
      }),
      check('v3-commitment-other-code', envelope, 'MismatchError', 'another access code (a typo, or a forgery)', {
        accessCode: 'ABCD-EFGH-JKMN',
      }),
      check('v3-commitment-no-code', envelope, 'MismatchError', 'no access code, where the sender set one', {
        accessCode: '',
      }),
      check(
        'v3-commitment-over-raw-code',
        signed([c.TAG.shareManifestV3, ...fields.slice(1, 6), recipientsWith(rawCodeCommitment)]),
        'MismatchError',
        'validly signed, format 3, a guest entry carrying the format-2 commitment over the raw code',
      ),
    ],
  };
}

/** The envelope with the format digit of its tag turned from 3 into 2: header (4), body length (4), tag length (4), "coffer/v". */
function retaggedAsV2(envelope: Uint8Array): Uint8Array {
  const at = 12 + 'coffer/v'.length;
  if (envelope[at] !== 0x33) throw new Error('expected the tag coffer/v3/share-manifest');
  const out = envelope.slice();
  out[at] = 0x32;
  return out;
}
