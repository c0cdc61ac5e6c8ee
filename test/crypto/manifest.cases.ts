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
  linkCommitmentV2,
  manifestHash,
  MismatchError,
  newAccountKeys,
  newAccessCode,
  newId,
  newLinkSecret,
  normalizeAccessCode,
  randomBytes,
  signBody,
  stretchAccessCode,
  argon2id,
  utf8,
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
    format: 3,
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

  'formats 1 and 2 (shares made before format 3) are still read, and guest entries match their format'() {
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
    const v2: ShareManifest = { ...manifest, format: 2 };
    assertEqual(verifyManifest(signManifest(v2, sender.identity), expected).manifest.format, 2, 'format 2 read');
    assertEqual(verifyManifest(signManifest(manifest, sender.identity), expected).manifest.format, 3, 'format 3 read');
    // The formats' bodies differ in their tag alone when no guest is named, so a body never reads as another.
    const accountsOnly = { ...manifest, recipients: manifest.recipients.filter((r) => r.kind === 'account') };
    assertNotBytes(encodeManifest(accountsOnly), encodeManifest({ ...accountsOnly, format: 1 }), 'tags 3 and 1 differ');
    assertNotBytes(encodeManifest(accountsOnly), encodeManifest({ ...accountsOnly, format: 2 }), 'tags 3 and 2 differ');
    assertThrows(() => encodeManifest({ ...v1, format: 2 }), FormatError, 'format 2 guest without commitment');
    assertThrows(() => encodeManifest({ ...v1, format: 3 }), FormatError, 'format 3 guest without commitment');
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
    for (const tag of [TAG.shareManifestV2, TAG.shareManifestV3]) {
      const withoutCommitment = encodeFields([tag, ...fields.slice(1, 6), emptied as Uint8Array[][]]);
      assertThrows(
        () => verifyManifest(signBody(withoutCommitment, sender.identity.secretKey), expected),
        FormatError,
        `${tag}, no commitment`,
      );
    }
    const otherTag = encodeFields(['coffer/v4/share-manifest', ...fields.slice(1)]);
    assertThrows(
      () => verifyManifest(signBody(otherTag, sender.identity.secretKey), expected),
      FormatError,
      'unknown tag',
    );
  },

  'a server cannot downgrade a signed format-3 manifest to format 2: the tag is under the signature'() {
    const { sender, manifest, expected } = sample();
    const envelope = signManifest(manifest, sender.identity);
    // Both tags have 24 characters: the server turns the "3" of coffer/v3/share-manifest into a "2" in place.
    // (An envelope is header (4), body length (4), body, signature (64).)
    const at = indexOf(envelope, utf8(TAG.shareManifestV3)) + 'coffer/v'.length;
    const downgraded = envelope.slice();
    downgraded[at] = '2'.charCodeAt(0);
    assertEqual(
      decodeManifest(downgraded.subarray(8, downgraded.length - 64)).format,
      2,
      'the body now reads as format 2',
    );
    assertThrows(() => verifyManifest(downgraded, expected), SignatureError, 'retagged as format 2');
    // Nor can it swap in a format-2 manifest the same sender signed for another share.
    const older = signManifest({ ...manifest, format: 2, shareId: newId() }, sender.identity);
    assertThrows(() => verifyManifest(older, expected), MismatchError, 'a format-2 manifest of another share');
  },

  'a guest’s link commitment (format 3) binds the share, the recipient, S and the stretched access code'() {
    const { sender, manifest, expected } = sample();
    const shareId = manifest.shareId;
    const recipientId = newId();
    const linkSecret = newLinkSecret();
    const accessCode = newAccessCode();
    const accessCodeKey = stretchAccessCode(accessCode, shareId, recipientId);
    const withGuest: ShareManifest = {
      ...manifest,
      recipients: [
        ...manifest.recipients,
        {
          kind: 'guest',
          recipientId,
          linkCommitment: linkCommitment({ shareId, recipientId }, linkSecret, accessCodeKey),
        },
      ],
    };
    const verified = verifyManifest(signManifest(withGuest, sender.identity), expected);
    const binding = { shareId, recipientId };
    const proof = { linkSecret, accessCode, accessCodeKey };
    checkLinkCommitment(verified, binding, proof);
    // Without its key, the check stretches the code itself; the code as a person types it is the same code.
    checkLinkCommitment(verified, binding, { linkSecret, accessCode: accessCode.toLowerCase().replace(/-/g, ' ') });
    assertEqual(guestEntry(verified.manifest, recipientId).kind, 'guest', 'own entry');
    const otherCode = newAccessCode();
    const refused: [string, () => void][] = [
      ['another S', () => checkLinkCommitment(verified, binding, { ...proof, linkSecret: newLinkSecret() })],
      [
        'another access code',
        () =>
          checkLinkCommitment(verified, binding, {
            linkSecret,
            accessCode: otherCode,
            accessCodeKey: stretchAccessCode(otherCode, shareId, recipientId),
          }),
      ],
      ['no access code', () => checkLinkCommitment(verified, binding, { linkSecret })],
      ['another recipient', () => checkLinkCommitment(verified, { shareId, recipientId: newId() }, proof)],
      [
        'another guest’s entry',
        () =>
          checkLinkCommitment(
            verified,
            {
              shareId,
              recipientId: (manifest.recipients.find((r) => r.kind === 'guest') as { recipientId: Id }).recipientId,
            },
            proof,
          ),
      ],
      ['another share', () => checkLinkCommitment(verified, { shareId: newId(), recipientId }, proof)],
      [
        'an account entry',
        () =>
          checkLinkCommitment(
            verified,
            { shareId, recipientId: (manifest.recipients[0] as { recipientId: Id }).recipientId },
            proof,
          ),
      ],
    ];
    for (const [what, check] of refused) assertThrows(check, MismatchError, what);
    assertThrows(
      () => checkLinkCommitment(verified, binding, { linkSecret, accessCodeKey }),
      FormatError,
      'a code key without its code',
    );
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
    assertThrows(() => checkLinkCommitment(v1, binding, proof), MismatchError, 'format 1');
    assertThrows(
      () => linkCommitment(binding, randomBytes(31) as typeof linkSecret, undefined),
      FormatError,
      'short S',
    );
    assertThrows(() => linkCommitment(binding, linkSecret, randomBytes(31)), FormatError, 'short code key');
  },

  'with S and the manifest, testing a guess at the access code costs an Argon2id run (format 3), not a hash'() {
    const shareId = newId();
    const recipientId = newId();
    const binding = { shareId, recipientId };
    const linkSecret = newLinkSecret();
    const accessCode = normalizeAccessCode(newAccessCode());
    const commitment = linkCommitment(binding, linkSecret, stretchAccessCode(accessCode, shareId, recipientId));
    // The commitment is the hash over the code's Argon2id key (protocol §11's parameters, salted by share and recipient) …
    const salt = hashFields([TAG.accessCodeSalt, shareId, recipientId]).subarray(0, 16);
    const byHand = argon2id(accessCode, salt, { algorithm: 'argon2id13', opsLimit: 3, memLimit: 64 * 1024 * 1024 });
    assertBytes(
      commitment,
      hashFields(['coffer/v3/link-commitment', shareId, recipientId, linkSecret, byHand]),
      'H(tag, share, recipient, S, Argon2id(code))',
    );
    // … and no hash over the raw code gives it: not format 2's, nor the same formula with the code in the key's place.
    assertNotBytes(commitment, linkCommitmentV2(binding, { linkSecret, accessCode }), 'the format-2 commitment');
    assertNotBytes(
      commitment,
      hashFields([TAG.linkCommitment, shareId, recipientId, linkSecret, accessCode]),
      'the raw code under the format-3 tag',
    );
    // Without a code, the key is the empty field.
    assertBytes(
      linkCommitment(binding, linkSecret, undefined),
      hashFields([TAG.linkCommitment, shareId, recipientId, linkSecret, new Uint8Array(0)]),
      'without a code',
    );
  },

  'format 2 link commitments (shares signed before format 3) are still checked over the raw code'() {
    const { sender, manifest, expected } = sample();
    const shareId = manifest.shareId;
    const recipientId = newId();
    const linkSecret = newLinkSecret();
    const accessCode = newAccessCode();
    const v2: ShareManifest = {
      ...manifest,
      format: 2,
      recipients: [
        ...manifest.recipients,
        {
          kind: 'guest',
          recipientId,
          linkCommitment: linkCommitmentV2({ shareId, recipientId }, { linkSecret, accessCode }),
        },
      ],
    };
    const verified = verifyManifest(signManifest(v2, sender.identity), expected);
    const binding = { shareId, recipientId };
    checkLinkCommitment(verified, binding, { linkSecret, accessCode });
    checkLinkCommitment(verified, binding, { linkSecret, accessCode: accessCode.toLowerCase().replace(/-/g, ' ') });
    assertThrows(() => checkLinkCommitment(verified, binding, { linkSecret }), MismatchError, 'no access code');
    assertThrows(
      () => checkLinkCommitment(verified, binding, { linkSecret, accessCode: newAccessCode() }),
      MismatchError,
      'another access code',
    );
    // The format-2 commitment is H(tag, share id, recipient id, S, canonical code), the empty string without a code.
    assertBytes(
      linkCommitmentV2(binding, { linkSecret }),
      hashFields([TAG.linkCommitmentV2, shareId, recipientId, linkSecret, '']),
      'without a code',
    );
    assertBytes(
      linkCommitmentV2(binding, { linkSecret, accessCode }),
      hashFields([TAG.linkCommitmentV2, shareId, recipientId, linkSecret, normalizeAccessCode(accessCode)]),
      'with a code',
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

function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  for (let i = 0; i + needle.length <= haystack.length; i++) {
    if (needle.every((byte, j) => haystack[i + j] === byte)) return i;
  }
  throw new Error('not found');
}
