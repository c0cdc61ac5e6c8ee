// The "nothing opens" proof of a link Coffer mailed (docs/threat-model.md, "Who delivers a link"):
// an attacker holding everything the server and the mail hold — the recipient's server half Ks,
// the wrapped file key, the signed manifest and the blob from the database and the data folder,
// S from the mailed link, the e-mail code from the code mail — tries to unwrap the file key with
// no access code, a wrong one, and the e-mail code in its place: each fails. The same attempt
// with the access code unwraps the key and the key opens the blob, so the attempt is a real one.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import {
  asId,
  claimedSender,
  CryptoError,
  decryptContent,
  idFromWire,
  linkKey,
  parseGuestLinkFragment,
  stretchAccessCode,
  toHex,
  unwrapFileKeyForGuest,
  verifyManifest,
  type ServerHalf,
} from '../../../shared/crypto/index.js';
import type { Db } from '../../../server/kernel/db/open.js';

export async function expectOpensOnlyWithAccessCode(
  db: Db,
  dataDir: string,
  held: {
    readonly shareId: string;
    readonly recipientId: string;
    /** The link as Coffer mailed it (S in its fragment). */
    readonly mailedLink: string;
    readonly emailCode: string;
    readonly accessCode: string;
    readonly plaintext: Buffer;
  },
): Promise<void> {
  const shareId = asId(idFromWire(held.shareId));
  const recipientId = asId(idFromWire(held.recipientId));
  const fromDb = db
    .prepare(
      `SELECT r.server_half, k.file_id, k.key, s.manifest, f.blob_id FROM share_recipients r
         JOIN recipient_keys k ON k.recipient_id = r.id JOIN shares s ON s.id = r.share_id
         JOIN share_files f ON f.share_id = s.id AND f.file_id = k.file_id WHERE r.id = ?`,
    )
    .get(recipientId) as { server_half: Buffer; file_id: Buffer; key: Buffer; manifest: Buffer; blob_id: Buffer };
  const fileId = asId(new Uint8Array(fromDb.file_id));
  const blob = await readFile(join(dataDir, 'blobs', toHex(new Uint8Array(fromDb.blob_id))));
  const envelope = new Uint8Array(fromDb.manifest);
  const { manifestHash } = verifyManifest(envelope, { shareId, ...claimedSender(envelope) });
  const binding = { shareId, recipientId, fileId, manifestHash };
  // S from the mail (the server kept none), Ks from the database.
  const { linkSecret } = parseGuestLinkFragment(new URL(held.mailedLink).hash);
  const serverHalf = new Uint8Array(fromDb.server_half) as ServerHalf;
  const attempt = (accessCodeKey?: Uint8Array) =>
    unwrapFileKeyForGuest(
      linkKey({ linkSecret, serverHalf, shareId, recipientId, ...(accessCodeKey ? { accessCodeKey } : {}) }),
      binding,
      new Uint8Array(fromDb.key),
    );
  // The e-mail code is in the mail too, but it only ever released Ks, which the attacker has already.
  expect(held.emailCode).toMatch(/^\d{6}$/);
  expect(() => attempt()).toThrow(CryptoError);
  const wrong = `${held.accessCode.startsWith('7') ? '8' : '7'}${held.accessCode.slice(1)}`;
  expect(() => attempt(stretchAccessCode(wrong, shareId, recipientId))).toThrow(CryptoError);
  expect(() => attempt(stretchAccessCode(held.emailCode.padStart(12, '0'), shareId, recipientId))).toThrow(CryptoError);
  const fileKey = attempt(stretchAccessCode(held.accessCode, shareId, recipientId));
  expect(Buffer.from(decryptContent(fileKey, fileId, new Uint8Array(blob))).equals(held.plaintext)).toBe(true);
}
