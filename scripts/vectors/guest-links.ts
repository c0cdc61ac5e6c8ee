// Guest links v2 (docs/protocol.md §10, §11, §15): a format-2 manifest whose guest entry
// carries the format-2 link commitment (over the raw access code; new shares use format 3,
// guest-links-v3.ts), the commitment itself with and without an access code, and a
// three-value guest link with its link id; with the tampered inputs a reader must refuse.
import type { AccountContext } from './accounts.js';
import { c, flipBit, hex, negative, negativesOf, otherId, type VectorFiles } from './common.js';
import type { SharingContext } from './sharing.js';

const ORIGIN = 'https://coffer.kantoor-jansen.nl';

export function guestLinkFamily(files: VectorFiles, a: AccountContext, s: SharingContext): void {
  const { userId, account, office } = a;
  const sender = account.identity;
  const binding = { shareId: s.shareId, recipientId: s.guestId };
  const withCode = c.linkCommitmentV2(binding, { linkSecret: s.linkSecret, accessCode: s.accessCode });
  const withoutCode = c.linkCommitmentV2(binding, { linkSecret: s.linkSecret });

  // §10: the same share as manifest.json's, in format 2; its guest has an access code.
  const manifest: c.ShareManifest = {
    ...s.manifest,
    format: 2,
    recipients: s.manifest.recipients.map((r) => (r.kind === 'guest' ? { ...r, linkCommitment: withCode } : r)),
  };
  const body = c.encodeManifest(manifest);
  const envelope = c.signManifest(manifest, sender);
  files['manifest.json'] = {
    ...files['manifest.json'],
    v2: {
      note: 'format 2: tag coffer/v2/share-manifest; the guest entry carries wrap.json linkCommitmentV2.withCode',
      body: hex(body),
      signedEnvelope: hex(envelope),
      manifestHash: hex(c.manifestHash(body)),
    },
  };

  // §11: the format-2 link commitment.
  files['wrap.json'] = {
    ...files['wrap.json'],
    linkCommitmentV2: {
      shareId: hex(s.shareId),
      recipientId: hex(s.guestId),
      linkSecret: hex(s.linkSecret),
      accessCode: s.accessCode,
      withCode: hex(withCode),
      withoutCode: hex(withoutCode),
    },
  };

  // §15: a v2 guest link; the link id is never in the manifest.
  const linkId = c.newId();
  const officeFp = c.officeFingerprint(office.signing.publicKey);
  const senderFp = c.identityFingerprint(sender.publicKey);
  const fragment = c.guestLinkFragment(officeFp, senderFp, s.linkSecret);
  files['links.json'] = {
    ...files['links.json'],
    guestV2: {
      linkId: hex(linkId),
      recipientId: hex(s.guestId),
      officeFingerprint: hex(officeFp),
      senderFingerprint: hex(senderFp),
      linkSecret: hex(s.linkSecret),
      fragment,
      url: `${ORIGIN}/s/${c.toBase64Url(linkId)}#${fragment}`,
    },
  };

  // What a reader must refuse.
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
  const v1Envelope = c.signManifest(s.manifest, sender);
  files['manifest.json'] = {
    ...files['manifest.json'],
    negative: [
      ...((files['manifest.json']?.['negative'] as unknown[] | undefined) ?? []),
      verify(
        'v2-guest-without-commitment',
        signed([c.TAG.shareManifestV2, ...fields.slice(1, 6), recipientsWith(new Uint8Array(0))]),
        'FormatError',
        'validly signed, format 2, a guest entry with an empty field (must be the 32-byte link commitment)',
      ),
      verify(
        'v2-short-commitment',
        signed([c.TAG.shareManifestV2, ...fields.slice(1, 6), recipientsWith(withCode.subarray(0, 31))]),
        'FormatError',
        'validly signed, format 2, a 31-byte link commitment',
      ),
      verify(
        'unknown-manifest-tag',
        signed(['coffer/v4/share-manifest', ...fields.slice(1)]),
        'FormatError',
        'validly signed, tag coffer/v4/share-manifest',
      ),
    ],
  };
  files['wrap.json'] = {
    ...files['wrap.json'],
    negative: [
      ...((files['wrap.json']?.['negative'] as unknown[] | undefined) ?? []),
      check('commitment-other-secret', envelope, 'MismatchError', 'another S than the one the sender committed to', {
        linkSecret: flipBit(s.linkSecret, 0),
      }),
      check('commitment-other-code', envelope, 'MismatchError', 'another access code (a typo, or a forgery)', {
        accessCode: 'ABCD-EFGH-JKMN',
      }),
      check('commitment-no-code', envelope, 'MismatchError', 'no access code, where the sender set one', {
        accessCode: '',
      }),
      check(
        'commitment-other-recipient',
        envelope,
        'MismatchError',
        'the entry of another recipient id (the server named another recipient)',
        { recipientId: s.accountRecipientId },
      ),
      check('commitment-unknown-recipient', envelope, 'MismatchError', 'a recipient id the manifest does not name', {
        recipientId: otherId(s.guestId),
      }),
      check(
        'commitment-format-1',
        v1Envelope,
        'MismatchError',
        'a format-1 manifest (no commitments): a v2 link refuses it',
      ),
      negative(
        'commitment-other-sender-key',
        'checkLinkCommitment',
        {
          envelope,
          shareId: s.shareId,
          senderId: userId,
          senderIdentityPublicKey: s.recipientAccount.identity.publicKey,
          recipientId: s.guestId,
          linkSecret: s.linkSecret,
          accessCode: s.accessCode,
        },
        'SignatureError',
        'the manifest checked with another identity key (the one the link names must sign it)',
      ),
    ],
  };
}
