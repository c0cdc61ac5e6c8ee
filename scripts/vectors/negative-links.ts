// Negative cases of file-key wraps, drops, the sealed client link, pins, links and the audit
// chain (docs/protocol.md §11, §13–§16): each tampered or malformed input with the error a
// reader must give. docs/protocol.md §17 describes the layout and every operation.
import type { AccountContext } from './accounts.js';
import { negativesOf, append, c, flipBit, negative, otherId, setByte, type VectorFiles } from './common.js';
import type { ExtraContext } from './extra.js';
import { sealRaw } from './raw.js';
import type { SharingContext } from './sharing.js';

export function linkNegatives(files: VectorFiles, a: AccountContext, s: SharingContext, x: ExtraContext): void {
  const { fileKey, fileId, userId, account, office } = a;
  const b64 = c.toBase64Url;

  // §11 wraps
  const recipient = s.recipientAccount;
  const sealedForAccount = c.fromHex((files['wrap.json']?.['account'] as Record<string, string>)['sealed'] as string);
  const account_ = negativesOf('openFileKeyForAccount', (input: Uint8Array) => ({
    sealed: input,
    fileId,
    holderId: s.accountRecipientId,
    holderSecretKey: recipient.encryption.secretKey,
  }));
  const wrapped = c.fromHex((files['wrap.json']?.['guest'] as Record<string, string>)['wrappedWithoutCode'] as string);
  const guest = negativesOf('unwrapFileKeyForGuest', (input: Uint8Array) => ({
    linkKey: s.linkKeyWithoutCode,
    shareId: s.shareId,
    recipientId: s.guestId,
    fileId,
    manifestHash: s.manifestHash,
    wrapped: input,
  }));
  const linkSecretSealed = c.fromHex(
    (files['wrap.json']?.['linkSecretForSender'] as Record<string, string>)['sealed'] as string,
  );
  files['wrap.json'] = {
    ...files['wrap.json'],
    negative: [
      account_('wrong-holder-key', sealedForAccount, 'DecryptError', "the sender's key instead of the recipient's", {
        holderSecretKey: account.encryption.secretKey,
      }),
      account_('other-file', sealedForAccount, 'MismatchError', 'sealed for another file id', {
        fileId: otherId(fileId),
      }),
      account_('other-holder', sealedForAccount, 'MismatchError', 'sealed for another holder id', {
        holderId: otherId(s.accountRecipientId),
      }),
      account_('flipped-bit', flipBit(sealedForAccount, 20), 'DecryptError', 'one bit of the sealed box flipped'),
      account_('wrong-version', setByte(sealedForAccount, 2, 0x02), 'FormatError', 'format version 2'),
      account_('wrong-kind', setByte(sealedForAccount, 3, 0x67), 'FormatError', "kind 'g' where 'b' is expected"),
      account_('byte-after-the-end', append(sealedForAccount, [0]), 'DecryptError', 'one byte after the box'),
      account_(
        'too-short',
        sealedForAccount.subarray(0, 51),
        'FormatError',
        'shorter than the 48-byte seal overhead after the header',
      ),
      account_(
        'wrong-tag',
        sealRaw([c.TAG.fileKeyDrop, fileId, s.accountRecipientId, fileKey], recipient.encryption.publicKey),
        'FormatError',
        'the same fields under the file-key/drop tag',
      ),
      account_(
        'short-key',
        sealRaw(
          [c.TAG.fileKeyAccount, fileId, s.accountRecipientId, fileKey.subarray(0, 31)],
          recipient.encryption.publicKey,
        ),
        'FormatError',
        'a 31-byte file key',
      ),
      guest('wrong-link-key', wrapped, 'DecryptError', 'the link key with an access code on a wrap made without', {
        linkKey: s.linkKeyWithCode,
      }),
      guest(
        'other-manifest',
        wrapped,
        'DecryptError',
        'another manifest hash: the wrap is bound to one exact manifest',
        { manifestHash: flipBit(s.manifestHash, 0) },
      ),
      guest('other-recipient', wrapped, 'DecryptError', 'another recipient id in the additional data', {
        recipientId: otherId(s.guestId),
      }),
      guest('other-file', wrapped, 'DecryptError', 'another file id in the additional data', {
        fileId: otherId(fileId),
      }),
      guest('flipped-bit', flipBit(wrapped, 40), 'DecryptError', 'one ciphertext bit flipped'),
      guest('wrong-version', setByte(wrapped, 2, 0x02), 'FormatError', 'format version 2'),
      guest('byte-after-the-end', append(wrapped, [0]), 'FormatError', '77 bytes: a guest wrap is exactly 76'),
      negative(
        'server-half-short',
        'linkKey',
        {
          linkSecret: s.linkSecret,
          serverHalf: s.serverHalf.subarray(0, 31),
          shareId: s.shareId,
          recipientId: s.guestId,
          accessCodeKey: new Uint8Array(0),
        },
        'FormatError',
        'a 31-byte Ks',
      ),
      negative(
        'access-code-key-short',
        'linkKey',
        {
          linkSecret: s.linkSecret,
          serverHalf: s.serverHalf,
          shareId: s.shareId,
          recipientId: s.guestId,
          accessCodeKey: s.accessCodeKey.subarray(0, 16),
        },
        'FormatError',
        'an access-code key of 16 bytes: it is 0 or 32',
      ),
      negative(
        'access-code-11',
        'normalizeAccessCode',
        { text: s.accessCode.slice(0, -1) },
        'FormatError',
        '11 characters',
      ),
      negative(
        'access-code-letter-u',
        'normalizeAccessCode',
        { text: `U${s.accessCode.slice(1)}` },
        'FormatError',
        "'U' is not in the Crockford alphabet",
      ),
      negative(
        'link-secret-other-holder',
        'openLinkSecret',
        {
          sealed: linkSecretSealed,
          shareId: s.shareId,
          recipientId: s.guestId,
          holderId: office.officeId,
          holderSecretKey: account.encryption.secretKey,
        },
        'MismatchError',
        "the sender's copy read as the office's",
      ),
      negative(
        'link-secret-other-share',
        'openLinkSecret',
        {
          sealed: linkSecretSealed,
          shareId: otherId(s.shareId),
          recipientId: s.guestId,
          holderId: userId,
          holderSecretKey: account.encryption.secretKey,
        },
        'MismatchError',
        'sealed for another share',
      ),
    ],
  };

  // §14 pins
  const pinEnvelope = c.fromHex(files['pins.json']?.['envelope'] as string);
  const pinKey = c.deriveKey(account.personalKey, c.KDF_CONTEXT.personal, c.SUBKEY.personal.pins);
  const pin = negativesOf('openPin', (input: Uint8Array) => ({
    envelope: input,
    personalKey: account.personalKey,
    ownerId: userId,
  }));
  files['pins.json'] = {
    ...files['pins.json'],
    negative: [
      pin('mac-flipped', flipBit(pinEnvelope, -1), 'SignatureError', 'one bit of the MAC flipped'),
      pin(
        'key-flipped',
        flipBit(pinEnvelope, 80),
        'SignatureError',
        'one bit of the pinned key flipped (a server swapping the pinned key)',
      ),
      pin('other-personal-key', pinEnvelope, 'SignatureError', "another user's personal key", {
        personalKey: s.recipientAccount.personalKey,
      }),
      pin(
        'other-owner',
        c.makePin({ ...s.pin, ownerId: otherId(userId) }, account.personalKey),
        'MismatchError',
        'validly MACed, but the pin of another owner id',
      ),
      pin(
        'unknown-subject',
        c.macBody(
          c.encodeFields([c.TAG.pin, userId, 'group', office.officeId, office.signing.publicKey, 1790000000000]),
          pinKey,
        ),
        'FormatError',
        "validly MACed, subject 'group'",
      ),
      pin('wrong-version', setByte(pinEnvelope, 2, 0x02), 'FormatError', 'format version 2'),
      ...pinIndexNegatives(files, a, s, pinKey),
    ],
  };

  // §15 links
  const drop = s.drop;
  const guestFp = b64(x.officeFp);
  const secret = b64(s.linkSecret);
  const fragment = (name: string, operation: string, text: string, reason: string) =>
    negative(name, operation, { fragment: text }, 'FormatError', reason);
  files['links.json'] = {
    ...files['links.json'],
    negative: [
      fragment('guest-no-fingerprint', 'parseGuestLinkFragment', secret, 'only S: the office fingerprint is missing'),
      fragment(
        'guest-four-parts',
        'parseGuestLinkFragment',
        `${guestFp}.${guestFp}.${secret}.${secret}`,
        'four dot-separated values (a v2 link has three, a v1 link two)',
      ),
      fragment('guest-padding', 'parseGuestLinkFragment', `${guestFp}=.${secret}`, 'base64url padding'),
      fragment(
        'guest-non-canonical',
        'parseGuestLinkFragment',
        `${nonCanonical(guestFp)}.${secret}`,
        'the last character carries bits beyond the 32 bytes',
      ),
      fragment('guest-short', 'parseGuestLinkFragment', `${guestFp.slice(0, 42)}.${secret}`, '42 characters: 31 bytes'),
      fragment(
        'guest-standard-alphabet',
        'parseGuestLinkFragment',
        `${guestFp.replace(/-/g, '+').replace(/_/g, '/').replace(/^./, '+')}.${secret}`,
        "'+' and '/' of the standard alphabet",
      ),
      fragment('guest-empty', 'parseGuestLinkFragment', '', 'an empty fragment'),
      fragment(
        'drop-long-secret',
        'parseDropLinkFragment',
        `${b64(s.dropFp)}.${b64(drop.secret)}A`,
        'a 44-character second value',
      ),
      fragment('drop-space', 'parseDropLinkFragment', ` ${b64(s.dropFp)}.${b64(drop.secret)}`, 'a leading space'),
      fragment(
        'invitation-no-fingerprint',
        'parseInvitationFragment',
        x.invitationToken,
        "no office fingerprint: refused for a client's invitation, and to be refused for every invitation",
      ),
      fragment(
        'invitation-short-token',
        'parseInvitationFragment',
        `${x.invitationToken.slice(1)}.${guestFp}`,
        'a 42-character token',
      ),
      fragment(
        'invitation-short-fingerprint',
        'parseInvitationFragment',
        `${x.invitationToken}.${guestFp.slice(1)}`,
        'a 42-character fingerprint',
      ),
    ],
  };
}

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** The same 43 characters with a low bit set in the last one, which must be zero for 32 bytes. */
function nonCanonical(text: string): string {
  const last = BASE64URL.indexOf(text.slice(-1));
  return `${text.slice(0, -1)}${BASE64URL[last ^ 1] as string}`;
}

/** §14 the pin index: each one MAC'd with the right key unless the case is about the MAC. */
function pinIndexNegatives(files: VectorFiles, a: AccountContext, s: SharingContext, pinKey: Uint8Array) {
  const { userId, account } = a;
  const vector = files['pins.json']?.['index'] as {
    envelope: string;
    counter: number;
    entries: { subject: string; subjectId: string; keyHash: string }[];
  };
  const envelope = c.fromHex(vector.envelope);
  const [officeEntry, userEntry] = vector.entries.map((e) => [e.subject, c.fromHex(e.subjectId), c.fromHex(e.keyHash)]);
  const macd = (counter: number, entries: c.Field[]) =>
    c.macBody(c.encodeFields([c.TAG.pinIndex, userId, counter, entries]), pinKey);
  const index = negativesOf('openPinIndex', (input: Uint8Array) => ({
    envelope: input,
    personalKey: account.personalKey,
    ownerId: userId,
  }));
  const both = [officeEntry, userEntry] as c.Field[];
  return [
    index('index-mac-flipped', flipBit(envelope, -1), 'SignatureError', 'one bit of the MAC flipped'),
    index(
      'index-counter-flipped',
      // header, body length, the tag's field, the owner's field, then the counter's last byte
      flipBit(envelope, 4 + 4 + (4 + c.TAG.pinIndex.length) + (4 + 16) + 4 + 7),
      'SignatureError',
      'the counter changed (a server rolling the index back): the MAC no longer holds',
    ),
    index('index-other-personal-key', envelope, 'SignatureError', "another user's personal key", {
      personalKey: s.recipientAccount.personalKey,
    }),
    index(
      'index-other-owner',
      c.makePinIndex({ ownerId: otherId(userId), counter: 7, entries: [] }, account.personalKey),
      'MismatchError',
      'validly MACed, but the index of another owner id',
    ),
    index(
      'index-a-pin',
      c.fromHex(files['pins.json']?.['envelope'] as string),
      'FormatError',
      'a pin (six fields, another tag) under the same key is not an index',
    ),
    index('index-counter-zero', macd(0, both), 'FormatError', 'validly MACed, counter 0 (counters start at 1)'),
    index(
      'index-unsorted',
      macd(7, [userEntry, officeEntry] as c.Field[]),
      'FormatError',
      'validly MACed, the user entry before the office entry (not canonical)',
    ),
    index(
      'index-duplicate',
      macd(7, [officeEntry, officeEntry] as c.Field[]),
      'FormatError',
      'validly MACed, the same subject listed twice',
    ),
    index(
      'index-short-hash',
      macd(7, [[...(officeEntry as c.Field[]).slice(0, 2), new Uint8Array(31)]]),
      'FormatError',
      'validly MACed, a key hash of 31 bytes',
    ),
    index(
      'index-unknown-subject',
      macd(7, [['group', ...(officeEntry as c.Field[]).slice(1)]]),
      'FormatError',
      "validly MACed, subject 'group'",
    ),
    index('index-wrong-version', setByte(envelope, 2, 0x02), 'FormatError', 'format version 2'),
  ];
}
