import {
  bytesEqual,
  checkLinkCommitment,
  claimedSender,
  decodeFields,
  decodeManifest,
  encodeManifest,
  FormatError,
  encodeFields,
  guestEntry,
  identityFingerprint,
  linkCommitment,
  manifestHash,
  MismatchError,
  newAccountKeys,
  newAccessCode,
  newId,
  newLinkSecret,
  normalizeAccessCode,
  randomBytes,
  signBody,
  hashFields,
  signManifest,
  SignatureError,
  TAG,
  verifyManifest,
  type Id,
  type ShareManifest,
} from '../../shared/crypto/index.js';
import {
  assert,
  assertBytes,
  assertCryptoError,
  assertEqual,
  assertNotBytes,
  assertThrows,
  defineSuite,
} from './harness.js';

function fileEntry() {
  return {
    fileId: newId(),
    ciphertextHash: randomBytes(32),
    metadataHash: randomBytes(32),
    keyCommitment: randomBytes(32),
  };
}

function sample() {
  const sender = newAccountKeys();
  const manifest: ShareManifest = {
    format: 2,
    shareId: newId(),
    version: 3,
    senderId: newId(),
    senderIdentityPublicKey: sender.identity.publicKey,
    files: [fileEntry(), fileEntry(), fileEntry()],
    recipients: [
      {
        kind: 'account',
        recipientId: newId(),
        identityFingerprint: identityFingerprint(newAccountKeys().identity.publicKey),
      },
      { kind: 'guest', recipientId: newId(), linkCommitment: randomBytes(32) },
    ],
  };
  return {
    sender,
    manifest,
    expected: {
      shareId: manifest.shareId,
      senderId: manifest.senderId,
      senderIdentityPublicKey: sender.identity.publicKey,
    },
  };
}

function flip(bytes: Uint8Array): Uint8Array {
  const copy = bytes.slice();
  copy[0] = (copy[0] as number) ^ 1;
  return copy;
}

/** Every way a server could alter a manifest while keeping the sender's signature. */
function alterations(m: ShareManifest): [string, ShareManifest][] {
  const [f0, f1, f2] = m.files as [(typeof m.files)[0], (typeof m.files)[0], (typeof m.files)[0]];
  const [r0, r1] = m.recipients as [(typeof m.recipients)[0], (typeof m.recipients)[0]];
  const account = r0.kind === 'account' ? r0 : undefined;
  assert(account !== undefined, 'sample has an account recipient first');
  return [
    ['share id', { ...m, shareId: newId() }],
    ['version', { ...m, version: m.version + 1 }],
    ['sender id', { ...m, senderId: newId() }],
    ['sender key', { ...m, senderIdentityPublicKey: newAccountKeys().identity.publicKey }],
    ['a file id', { ...m, files: [{ ...f0, fileId: newId() }, f1, f2] }],
    ['a ciphertext hash', { ...m, files: [f0, { ...f1, ciphertextHash: flip(f1.ciphertextHash) }, f2] }],
    ['a metadata hash', { ...m, files: [f0, f1, { ...f2, metadataHash: flip(f2.metadataHash) }] }],
    ['a key commitment', { ...m, files: [{ ...f0, keyCommitment: flip(f0.keyCommitment) }, f1, f2] }],
    ['a file added', { ...m, files: [f0, f1, f2, fileEntry()] }],
    ['a file removed', { ...m, files: [f0, f2] }],
    ['a recipient id', { ...m, recipients: [{ ...account, recipientId: newId() }, r1] }],
    [
      'a recipient fingerprint',
      { ...m, recipients: [{ ...account, identityFingerprint: flip(account.identityFingerprint) }, r1] },
    ],
    [
      'an account recipient turned guest',
      { ...m, recipients: [{ kind: 'guest', recipientId: account.recipientId, linkCommitment: randomBytes(32) }, r1] },
    ],
    [
      'a recipient added',
      { ...m, recipients: [r0, r1, { kind: 'guest', recipientId: newId(), linkCommitment: randomBytes(32) }] },
    ],
    ['a recipient removed', { ...m, recipients: [r1] }],
    [
      'a link commitment',
      { ...m, recipients: [r0, r1.kind === 'guest' ? { ...r1, linkCommitment: randomBytes(32) } : r1] },
    ],
  ];
}

/** Replaces the body of a signed envelope, keeping the old signature (what a tampering server would send). */
function spliceBody(envelope: Uint8Array, body: Uint8Array): Uint8Array {
  const signature = envelope.subarray(envelope.length - 64);
  const out = new Uint8Array(4 + 4 + body.length + 64);
  out.set(envelope.subarray(0, 4));
  new DataView(out.buffer).setUint32(4, body.length);
  out.set(body, 8);
  out.set(signature, 8 + body.length);
  return out;
}

export const manifestCases = defineSuite('share manifest', {
  'sign and verify; files and recipients come back in canonical order'() {
    const { sender, manifest, expected } = sample();
    const envelope = signManifest(manifest, sender.identity);
    const { manifest: verified, manifestHash: hash } = verifyManifest(envelope, expected);
    assertEqual(verified.version, 3, 'version');
    assertEqual(verified.files.length, 3, 'files');
    for (let i = 1; i < verified.files.length; i++) {
      const previous = verified.files[i - 1]?.fileId as Id;
      const current = verified.files[i]?.fileId as Id;
      assert(
        previous.some((byte, j) => byte !== current[j]),
        'distinct',
      );
    }
    assertBytes(hash, manifestHash(encodeManifest(manifest)), 'hash of the canonical body');
    const reordered = {
      ...manifest,
      files: [...manifest.files].reverse(),
      recipients: [...manifest.recipients].reverse(),
    };
    assertBytes(encodeManifest(reordered), encodeManifest(manifest), 'input order does not matter');
    const claimed = claimedSender(envelope);
    assertBytes(claimed.senderId, manifest.senderId, 'claimed sender');
  },

  'every manifest field changed makes verification fail'() {
    const { sender, manifest, expected } = sample();
    const envelope = signManifest(manifest, sender.identity);
    for (const [what, altered] of alterations(manifest)) {
      const forged = spliceBody(envelope, encodeManifest(altered));
      assertThrows(
        () => verifyManifest(forged, { ...expected, senderIdentityPublicKey: sender.identity.publicKey }),
        SignatureError,
        what,
      );
      assertNotBytes(
        manifestHash(encodeManifest(altered)),
        manifestHash(encodeManifest(manifest)),
        `${what}: hash changes`,
      );
    }
  },

  'a flipped bit anywhere in the signed manifest is refused'() {
    const { sender, manifest, expected } = sample();
    const envelope = signManifest(manifest, sender.identity);
    for (let position = 0; position < envelope.length; position += 37) {
      const tampered = envelope.slice();
      tampered[position] = (tampered[position] as number) ^ 0x10;
      assertCryptoError(() => verifyManifest(tampered, expected), `byte ${position}`);
    }
  },

  'the wrong sender key, share or an older version is refused'() {
    const { sender, manifest, expected } = sample();
    const envelope = signManifest(manifest, sender.identity);
    const impostor = newAccountKeys();
    assertThrows(
      () => verifyManifest(envelope, { ...expected, senderIdentityPublicKey: impostor.identity.publicKey }),
      SignatureError,
      'another sender key',
    );
    assertThrows(() => verifyManifest(envelope, { ...expected, shareId: newId() }), MismatchError, 'another share');
    assertThrows(
      () => verifyManifest(envelope, { ...expected, senderId: newId() }),
      MismatchError,
      'another sender id',
    );
    assertThrows(
      () => verifyManifest(envelope, { ...expected, minimumVersion: 4 }),
      MismatchError,
      'rolled back to an older version',
    );
    assertThrows(
      () => signManifest(manifest, impostor.identity),
      MismatchError,
      'signing with a key the manifest does not name',
    );
  },

  'non-canonical or malformed manifests are refused'() {
    const { manifest } = sample();
    const entry = manifest.files[0];
    assert(entry !== undefined, 'has a file');
    assertThrows(() => encodeManifest({ ...manifest, files: [entry, entry] }), FormatError, 'duplicate file');
    assertThrows(() => encodeManifest({ ...manifest, files: [] }), FormatError, 'no files');
    assertThrows(() => encodeManifest({ ...manifest, recipients: [] }), FormatError, 'no recipients');
    assertThrows(() => encodeManifest({ ...manifest, version: 0 }), FormatError, 'version 0');
    // Swap two file entries inside the encoded body: order is part of the format.
    const body = encodeManifest(manifest);
    const fields = decodeFields(body);
    const files = decodeFields(fields[5] as Uint8Array);
    assert(!bytesEqual(files[0] as Uint8Array, files[1] as Uint8Array), 'distinct entries');
    const swapped = [files[1], files[0], files[2]] as Uint8Array[];
    const rebuilt = rebuild(fields, 5, rebuildList(swapped));
    assertThrows(() => decodeManifest(rebuilt), FormatError, 'entries out of order');
  },

  'format 1 (shares made before link commitments) is still read, and guest entries match their format'() {
    const { sender, manifest, expected } = sample();
    const v1: ShareManifest = {
      ...manifest,
      format: 1,
      recipients: manifest.recipients.map((r) =>
        r.kind === 'guest' ? { kind: 'guest', recipientId: r.recipientId } : r,
      ),
    };
    const verified = verifyManifest(signManifest(v1, sender.identity), expected);
    assertEqual(verified.manifest.format, 1, 'format 1 read');
    const guest = verified.manifest.recipients.find((r) => r.kind === 'guest');
    assert(guest?.kind === 'guest' && guest.linkCommitment === undefined, 'a format-1 guest entry has no commitment');
    assertEqual(verifyManifest(signManifest(manifest, sender.identity), expected).manifest.format, 2, 'format 2 read');
    // The two formats' bodies differ in their tag alone when no guest is named, so a body never reads as the other.
    const accountsOnly = { ...manifest, recipients: manifest.recipients.filter((r) => r.kind === 'account') };
    assertNotBytes(encodeManifest(accountsOnly), encodeManifest({ ...accountsOnly, format: 1 }), 'tags differ');
    assertThrows(() => encodeManifest({ ...v1, format: 2 }), FormatError, 'format 2 guest without commitment');
    assertThrows(() => encodeManifest({ ...manifest, format: 1 }), FormatError, 'format 1 guest with a commitment');
    // Authentic but malformed: the sender's key signed a body that breaks its format's rules.
    const fields = decodeFields(encodeManifest(manifest));
    const recipients = decodeFields(fields[6] as Uint8Array).map((entry) => decodeFields(entry));
    const asV1 = encodeFields([TAG.shareManifest, ...fields.slice(1, 6), recipients.map((r) => [...r])]);
    assertThrows(
      () => verifyManifest(signBody(asV1, sender.identity.secretKey), expected),
      FormatError,
      'v1 tag, commitment',
    );
    const emptied = recipients.map((r) =>
      String.fromCharCode(...(r[0] as Uint8Array)) === 'guest' ? [r[0], r[1], new Uint8Array(0)] : [...r],
    );
    const asV2 = encodeFields([TAG.shareManifestV2, ...fields.slice(1, 6), emptied as Uint8Array[][]]);
    assertThrows(
      () => verifyManifest(signBody(asV2, sender.identity.secretKey), expected),
      FormatError,
      'v2 tag, no commitment',
    );
    const otherTag = encodeFields(['coffer/v3/share-manifest', ...fields.slice(1)]);
    assertThrows(
      () => verifyManifest(signBody(otherTag, sender.identity.secretKey), expected),
      FormatError,
      'unknown tag',
    );
  },

  'a guest’s link commitment binds the share, the recipient, S and the access code'() {
    const { sender, manifest, expected } = sample();
    const shareId = manifest.shareId;
    const recipientId = newId();
    const linkSecret = newLinkSecret();
    const accessCode = newAccessCode();
    const withGuest: ShareManifest = {
      ...manifest,
      recipients: [
        ...manifest.recipients,
        {
          kind: 'guest',
          recipientId,
          linkCommitment: linkCommitment({ shareId, recipientId }, { linkSecret, accessCode }),
        },
      ],
    };
    const verified = verifyManifest(signManifest(withGuest, sender.identity), expected);
    const binding = { shareId, recipientId };
    checkLinkCommitment(verified, binding, { linkSecret, accessCode });
    // The code as a person types it is the same code.
    checkLinkCommitment(verified, binding, { linkSecret, accessCode: accessCode.toLowerCase().replace(/-/g, ' ') });
    assertEqual(guestEntry(verified.manifest, recipientId).kind, 'guest', 'own entry');
    const refused: [string, () => void][] = [
      ['another S', () => checkLinkCommitment(verified, binding, { linkSecret: newLinkSecret(), accessCode })],
      [
        'another access code',
        () => checkLinkCommitment(verified, binding, { linkSecret, accessCode: newAccessCode() }),
      ],
      ['no access code', () => checkLinkCommitment(verified, binding, { linkSecret })],
      [
        'another recipient',
        () => checkLinkCommitment(verified, { shareId, recipientId: newId() }, { linkSecret, accessCode }),
      ],
      [
        'another guest’s entry',
        () =>
          checkLinkCommitment(
            verified,
            {
              shareId,
              recipientId: (manifest.recipients.find((r) => r.kind === 'guest') as { recipientId: Id }).recipientId,
            },
            { linkSecret, accessCode },
          ),
      ],
      [
        'another share',
        () => checkLinkCommitment(verified, { shareId: newId(), recipientId }, { linkSecret, accessCode }),
      ],
      [
        'an account entry',
        () =>
          checkLinkCommitment(
            verified,
            { shareId, recipientId: (manifest.recipients[0] as { recipientId: Id }).recipientId },
            { linkSecret, accessCode },
          ),
      ],
    ];
    for (const [what, check] of refused) assertThrows(check, MismatchError, what);
    // A format-1 manifest has no commitments: nothing to check the link against.
    const v1 = verifyManifest(
      signManifest(
        {
          ...manifest,
          format: 1,
          recipients: [...manifest.recipients.filter((r) => r.kind === 'account'), { kind: 'guest', recipientId }],
        },
        sender.identity,
      ),
      expected,
    );
    assertThrows(() => checkLinkCommitment(v1, binding, { linkSecret, accessCode }), MismatchError, 'format 1');
    // The commitment is H(tag, share id, recipient id, S, canonical code), the empty string without a code.
    assertBytes(
      linkCommitment(binding, { linkSecret }),
      linkCommitmentByHand(shareId, recipientId, linkSecret, ''),
      'without a code',
    );
    assertBytes(
      linkCommitment(binding, { linkSecret, accessCode }),
      linkCommitmentByHand(shareId, recipientId, linkSecret, normalizeAccessCode(accessCode)),
      'with a code',
    );
    assertThrows(
      () => linkCommitment(binding, { linkSecret: randomBytes(31) as typeof linkSecret }),
      FormatError,
      'short S',
    );
  },
});

function u32(n: number): Uint8Array {
  return new Uint8Array([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);
}

function rebuildList(items: Uint8Array[]): Uint8Array {
  const parts = items.flatMap((item) => [u32(item.length), item]);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function rebuild(fields: Uint8Array[], index: number, replacement: Uint8Array): Uint8Array {
  return rebuildList(fields.map((field, i) => (i === index ? replacement : field)));
}

function linkCommitmentByHand(shareId: Id, recipientId: Id, linkSecret: Uint8Array, code: string): Uint8Array {
  return hashFields([TAG.linkCommitment, shareId, recipientId, linkSecret, code]);
}
