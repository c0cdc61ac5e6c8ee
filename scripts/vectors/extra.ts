// Families and cases added after the first vectors (drawn after them, so their bytes stay put):
// content at exactly one and two full chunks, metadata over one 256-byte block and at the name
// limit, the office copy of a file key, a label over one block, the sealed client link, the
// layouts of every link, and a three-entry audit chain (docs/protocol.md §4, §5, §11, §13,
// §15, §16).
import type { AccountContext } from './accounts.js';
import { c, hex, note, patternBytes, type VectorFiles } from './common.js';
import type { SharingContext } from './sharing.js';

const ORIGIN = 'https://coffer.kantoor-jansen.nl';

export function extraFamilies(files: VectorFiles, a: AccountContext, s: SharingContext) {
  const { fileKey, fileId, office, userId, account } = a;
  const b64 = c.toBase64Url;

  // §4: exactly one full chunk (a single FINAL chunk), and exactly two (MESSAGE, FINAL).
  const contentCases = files['content.json']?.['cases'] as unknown[];
  for (const length of [c.CONTENT_CHUNK_BYTES, 2 * c.CONTENT_CHUNK_BYTES]) {
    const plaintext = patternBytes(length);
    const { ciphertext, summary } = c.encryptContent(fileKey, fileId, plaintext);
    a.containers.set(length, { container: ciphertext, ciphertextHash: summary.ciphertextHash });
    contentCases.push({
      plaintextLength: length,
      plaintext: hex(plaintext),
      container: hex(ciphertext),
      ciphertextHash: hex(summary.ciphertextHash),
    });
  }

  // §5: JSON over 256 bytes (two blocks), and a name of exactly 1,024 UTF-16 code units made
  // of 512 characters outside the BMP (each two code units, four UTF-8 bytes).
  const metadataCases = [
    {
      what: 'two blocks: the JSON is 300 to 511 bytes, padded to 512',
      metadata: {
        name: `${'Loonstroken 2025 '.repeat(16)}.pdf`,
        type: 'application/pdf',
        size: 5,
        lastModified: 1780000000000,
      },
    },
    {
      what: 'a name at the limit: 1,024 UTF-16 code units (512 code points, 2,048 UTF-8 bytes)',
      metadata: { name: '\u{1F4C4}'.repeat(512), type: '', size: 0, lastModified: 0, message: '' },
    },
  ].map(({ what, metadata }) => {
    const sealed = c.sealMetadata(fileKey, fileId, metadata);
    return {
      what,
      metadata,
      json: c.metadataJson(metadata),
      paddedLength: sealed.length - 4 - 24 - 16,
      sealed: hex(sealed),
      metadataHash: hex(c.metadataHash(sealed)),
    };
  });
  const metadataFile = files['metadata.json'] as Record<string, unknown>;
  metadataFile['cases'] = metadataCases;

  // §11: the office copy of a file key (holder id = the office id).
  (files['wrap.json'] as Record<string, unknown>)['office'] = {
    fileKey: hex(fileKey),
    fileId: hex(fileId),
    holderId: hex(office.officeId),
    holderSecretKey: hex(office.encryption.secretKey),
    holderPublicKey: hex(office.encryption.publicKey),
    sealed: hex(c.sealFileKeyForAccount(fileKey, fileId, office.officeId, office.encryption.publicKey)),
  };

  // §13: a label of 200 UTF-16 code units whose UTF-8 form (400 bytes) needs two blocks.
  const longLabel = 'é'.repeat(200);
  const label = (files['drop.json'] as Record<string, Record<string, unknown>>)['label'] as Record<string, unknown>;
  label['twoBlocks'] = {
    text: longLabel,
    holderId: hex(userId),
    holderSecretKey: hex(account.encryption.secretKey),
    sealed: hex(c.sealDropLabel(longLabel, { dropId: s.drop.dropId, holderId: userId }, account.encryption.publicKey)),
  };

  // §13: a client's personal drop link, sealed to the client.
  const client = c.newAccountKeys();
  const clientId = c.newId();
  const clientLink = c.sealClientDropLink(
    { dropFingerprint: s.dropFp, dropSecret: s.drop.secret },
    { dropId: s.drop.dropId, clientId },
    client.encryption.publicKey,
  );
  files['client-link.json'] = {
    note,
    dropId: hex(s.drop.dropId),
    clientId: hex(clientId),
    clientSecretKey: hex(client.encryption.secretKey),
    clientPublicKey: hex(client.encryption.publicKey),
    dropFingerprint: hex(s.dropFp),
    dropSecret: hex(s.drop.secret),
    sealed: hex(clientLink),
  };

  // §15: every link, whole.
  const officeFp = c.officeFingerprint(office.signing.publicKey);
  const guestFragment = c.guestLinkFragmentV1(officeFp, s.linkSecret);
  const dropFragment = c.dropLinkFragment(s.dropFp, s.drop.secret);
  const invitationToken = c.newToken();
  const setupToken = c.newToken();
  files['links.json'] = {
    note,
    origin: ORIGIN,
    guest: {
      recipientId: hex(s.guestId),
      officeFingerprint: hex(officeFp),
      linkSecret: hex(s.linkSecret),
      fragment: guestFragment,
      url: `${ORIGIN}/s/${b64(s.guestId)}#${guestFragment}`,
    },
    drop: {
      dropId: hex(s.drop.dropId),
      dropFingerprint: hex(s.dropFp),
      dropSecret: hex(s.drop.secret),
      fragment: dropFragment,
      url: `${ORIGIN}/d/${b64(s.drop.dropId)}#${dropFragment}`,
    },
    invitation: {
      token: invitationToken,
      officeFingerprint: hex(officeFp),
      url: `${ORIGIN}/invite#${invitationToken}.${b64(officeFp)}`,
      tokenHash: hex(c.tokenHash('invitation', invitationToken)),
    },
    setup: {
      token: setupToken,
      url: `${ORIGIN}/setup#${setupToken}`,
      tokenHash: hex(c.tokenHash('setup', setupToken)),
    },
  };

  // §16: a three-entry audit chain, hashed as the document says (the test checks the server agrees).
  const actor = c.newId();
  const invitee = c.newId();
  const rows = [
    {
      at: 1790000000000,
      actorRef: actor,
      action: 'setup.completed',
      objectType: 'office',
      objectRef: office.officeId,
      details: '{}',
    },
    {
      at: 1790000060000,
      actorRef: actor,
      action: 'invitation.created',
      objectType: 'invitation',
      objectRef: invitee,
      details: '{"role":"staff"}',
    },
    { at: 1790000120000, actorRef: null, action: 'sign_in.failed', objectType: null, objectRef: null, details: '{}' },
  ];
  let prevHash: Uint8Array = new Uint8Array(32);
  const entries = rows.map((row, index) => {
    const seq = index + 1;
    const hash = auditHash({ ...row, seq, prevHash });
    const entry = {
      seq,
      at: row.at,
      actorRef: row.actorRef === null ? null : hex(row.actorRef),
      action: row.action,
      objectType: row.objectType,
      objectRef: row.objectRef === null ? null : hex(row.objectRef),
      details: row.details,
      prevHash: hex(prevHash),
      hash: hex(hash),
    };
    prevHash = hash;
    return entry;
  });
  files['audit.json'] = { note, entries };

  return { client, clientId, clientLink, officeFp, guestFragment, dropFragment, invitationToken, entries };
}

export type ExtraContext = ReturnType<typeof extraFamilies>;

/** docs/protocol.md §16: H(enc(tag, prev_hash, seq, at, actor_ref, action, object_type, object_ref, details)). */
export function auditHash(row: {
  prevHash: Uint8Array;
  seq: number;
  at: number;
  actorRef: Uint8Array | null;
  action: string;
  objectType: string | null;
  objectRef: Uint8Array | null;
  details: string;
}): Uint8Array {
  return c.hashFields([
    'coffer/v1/audit-entry',
    row.prevHash,
    row.seq,
    row.at,
    row.actorRef ?? new Uint8Array(0),
    row.action,
    row.objectType ?? '',
    row.objectRef ?? new Uint8Array(0),
    c.utf8(row.details),
  ]);
}
