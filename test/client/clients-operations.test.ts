// The crypto worker's client operations (client/src/crypto/operations/pins.ts, office.ts,
// drops.ts, receiving.ts), in Node with the real libsodium: the invitation link's office fingerprint
// against the server's key, a client's pin of the office key (without which nothing received
// opens), an advisor certifying a client (role client, no office keys) with the personal drop
// whose link is sealed to the client, the portal opening that link and the names record of its
// uploads — with the refusals for a server that swaps keys or records.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ciphertextLengthOf,
  fromBase64Url,
  idFromWire,
  idToWire,
  newDropKeys,
  newId,
  officeFingerprint,
  ready,
  toBase64Url,
  verifyMemberCertificate,
} from '../../shared/crypto/index.js';
import type { ShareForRecipient } from '../../shared/wire/shares.js';
import { createOperations, type Handlers } from '../../client/src/crypto/operations';
import { fakeServer } from './support/fake-server';
import { call, checkAndPin, office, pinStore, randomBytes, upload, type Office } from './support/office';
import { clientOf, PASSWORD, portalDrop } from './support/clients';
import { advisorMakesDrop, GRANT, uploaderSubmits } from './support/drops';

beforeAll(async () => {
  await ready();
});

const EXPIRES = new Date(Date.now() + 7 * 86_400_000).toISOString();

/** An advisor seals a one-file share to `recipient`; what the server would answer the recipient. */
async function shareTo(
  o: Office,
  sender: Office['anna'],
  recipient: { userId: string; listed: Parameters<typeof checkAndPin>[3][number] },
): Promise<ShareForRecipient> {
  await checkAndPin(o, sender, pinStore(), [recipient.listed]);
  const file = await upload(sender, randomBytes(3000));
  const sealed = await call(sender.ops, 'sealShare', {
    files: [{ fileId: file.fileId, name: 'aangifte-2025.pdf', type: 'application/pdf', lastModified: 0 }],
    accounts: [{ userId: recipient.userId }],
    guests: [],
    expiresAt: EXPIRES,
    receiptMail: false,
  });
  const entry = sealed.request.recipients.find((r) => r.kind === 'account');
  if (entry?.kind !== 'account') throw new Error('no account recipient');
  return {
    shareId: sealed.request.shareId,
    recipientId: entry.recipientId,
    manifest: sealed.request.manifest,
    sender: {
      userId: sender.userId,
      name: sender.name,
      certificate: sender.listed.certificate,
      encryptionKeySignature: sender.listed.encryptionKeySignature,
    },
    office: { officeId: o.officeRef.officeId, name: 'Kantoor Jansen', signingPublicKey: o.officeRef.signingPublicKey },
    expiresAt: EXPIRES,
    downloadsLeft: null,
    files: sealed.request.files.map((f) => ({
      fileId: f.fileId,
      size: ciphertextLengthOf(3000),
      sealedMetadata: f.sealedMetadata,
      key: entry.keys.find((k) => k.fileId === f.fileId)?.sealed ?? '',
    })),
  };
}

describe('the invitation link', () => {
  it('accepts the office key whose fingerprint the link carries, and refuses any other (before any key exists)', async () => {
    const o = await office(fakeServer());
    const fresh: Handlers = createOperations(o.deps);
    const fingerprint = toBase64Url(officeFingerprint(fromBase64Url(o.officeRef.signingPublicKey)));
    const checked = await call(fresh, 'checkOfficeFingerprint', {
      signingPublicKey: o.officeRef.signingPublicKey,
      fingerprint,
    });
    expect(checked.fingerprint).toMatch(/^\d{5}( \d{5}){5}$/);
    await expect(
      call(fresh, 'checkOfficeFingerprint', { signingPublicKey: toBase64Url(randomBytes(32)), fingerprint }),
    ).rejects.toThrow('office_key_mismatch');
    await expect(
      call(fresh, 'checkOfficeFingerprint', {
        signingPublicKey: o.officeRef.signingPublicKey,
        fingerprint: 'not-a-fingerprint',
      }),
    ).rejects.toThrow('office_key_mismatch');
  });
});

describe("a client's trust in the office key", () => {
  it('opens nothing received before the office key matched the pin; pins it against the link, then finds it the same', async () => {
    const o = await office(fakeServer());
    const client = await clientOf(o);
    const share = await shareTo(o, o.anna, client);
    await expect(call(client.ops, 'openReceived', { share })).rejects.toThrow('untrusted');

    const fingerprint = toBase64Url(officeFingerprint(fromBase64Url(o.officeRef.signingPublicKey)));
    await expect(
      call(client.ops, 'pinOffice', { index: null, seen: {}, pins: [], fingerprint: toBase64Url(randomBytes(32)) }),
    ).rejects.toThrow('office_key_mismatch');
    await expect(call(client.ops, 'openReceived', { share })).rejects.toThrow('untrusted');
    const pinned = await call(client.ops, 'pinOffice', { index: null, seen: {}, pins: [], fingerprint });
    expect(pinned.pin).toBe('new');
    const opened = await call(client.ops, 'openReceived', { share });
    expect(opened.files.map((f) => f.name)).toEqual(['aangifte-2025.pdf']);

    // Next sign-in (a new worker): the stored pin says the key is the same.
    const pins = [{ subject: 'office' as const, subjectId: o.officeRef.officeId, envelope: pinned.envelope as string }];
    expect((await call(client.ops, 'pinOffice', { index: null, seen: {}, pins })).pin).toBe('same');
  });

  it('refuses an office key that differs from the pin, whatever the link says', async () => {
    const o = await office(fakeServer());
    const ops = createOperations(o.deps);
    const userId = idToWire(newId());
    const { keys } = await call(ops, 'createAccount', { userId, password: PASSWORD });
    const published = {
      userId,
      kdf: keys.kdf,
      passwordBundle: keys.passwordBundle,
      identityPublicKey: keys.identityPublicKey,
      encryptionPublicKey: keys.encryptionPublicKey,
    };
    await call(ops, 'unlock', { keys: published, office: o.officeRef });
    const pinned = await call(ops, 'pinOffice', { index: null, seen: {}, pins: [] });
    const pins = [{ subject: 'office' as const, subjectId: o.officeRef.officeId, envelope: pinned.envelope as string }];

    // The next sign-in, where the server names another office signing key.
    await call(ops, 'deriveSignIn', { password: PASSWORD, kdf: keys.kdf });
    await call(ops, 'unlock', {
      keys: published,
      office: { officeId: o.officeRef.officeId, signingPublicKey: toBase64Url(randomBytes(32)) },
    });
    await expect(call(ops, 'pinOffice', { index: null, seen: {}, pins })).rejects.toThrow('office_key_changed');
    // Nor does the link's fingerprint help once a pin exists.
    const fingerprint = toBase64Url(officeFingerprint(fromBase64Url(o.officeRef.signingPublicKey)));
    await expect(call(ops, 'pinOffice', { index: null, seen: {}, pins, fingerprint })).rejects.toThrow(
      'office_key_changed',
    );
  });
});

describe('approving a client and the personal drop', () => {
  it('certifies the client as a client, seals no office keys, and seals the drop link so only the client opens it', async () => {
    const o = await office(fakeServer());
    const client = await clientOf(o);
    const { approved } = client;
    expect(Object.keys(approved)).toEqual(['certificate', 'drop']);
    const certificate = verifyMemberCertificate(
      fromBase64Url(o.officeRef.signingPublicKey),
      fromBase64Url(approved.certificate),
    );
    expect(certificate).toMatchObject({ role: 'client', email: client.email, version: 1 });
    expect(idToWire(certificate.userId)).toBe(client.userId);

    // The portal checks the record the approver signed, opens the sealed link and checks the key.
    const { drop } = approved;
    await call(client.ops, 'pinOffice', { index: null, seen: {}, pins: [] });
    const opened = await call(client.ops, 'openClientDrop', portalDrop(o, approved));
    expect(opened.fingerprint).toMatch(/^\d{5}( \d{5}){5}$/);
    // Another client's worker refuses it: the record names another client.
    const other = await clientOf(o, 'ander@voorbeeld.nl');
    await call(other.ops, 'pinOffice', { index: null, seen: {}, pins: [] });
    await expect(call(other.ops, 'openClientDrop', portalDrop(o, approved))).rejects.toThrow('drop_record_invalid');
    // A server that swaps only the listed drop key: refused before anything is encrypted.
    const swapped = toBase64Url(newDropKeys(idFromWire(drop.dropId)).keyPair.publicKey);
    await expect(
      call(client.ops, 'openClientDrop', { ...portalDrop(o, approved), publicKey: swapped }),
    ).rejects.toThrow('drop_key_mismatch');
  });

  it("seals a names record for the client's own history, and opens it only for that upload and client", async () => {
    const server = fakeServer();
    const o = await office(server);
    const client = await clientOf(o);
    await call(client.ops, 'pinOffice', { index: null, seen: {}, pins: [] });
    const drop = portalDrop(o, client.approved);
    await call(client.ops, 'openClientDrop', drop);
    const longName = `${'jaaroverzicht '.repeat(20)}.pdf`;
    const sealUpload = async (names: readonly string[]) => {
      const files = [];
      for (const [index, name] of names.entries()) {
        const uploaded = await call(client.ops, 'uploadDropFile', {
          dropId: drop.dropId,
          grant: GRANT,
          file: new Blob([randomBytes(1000 + index) as BlobPart]),
        });
        files.push({ fileId: uploaded.fileId, name, type: 'application/pdf', lastModified: 0 });
      }
      return (await call(client.ops, 'sealDropUpload', { dropId: drop.dropId, files, receiptMail: false })).request;
    };
    const first = await sealUpload(['loonstrook maart.pdf', longName]);
    const second = await sealUpload(['btw-aangifte.pdf']);
    expect(first.clientNames).toBeDefined();
    const listed = (request: typeof first, names = request.clientNames ?? null) => ({
      dropUploadId: request.dropUploadId,
      dropId: drop.dropId,
      names,
    });

    const opened = await call(client.ops, 'openUploadNames', {
      uploads: [listed(first), listed(second), listed(first, null)],
    });
    const [one, two, none] = opened.uploads;
    expect(one).toEqual({
      dropUploadId: first.dropUploadId,
      state: 'opened',
      files: [
        { name: 'loonstrook maart.pdf', size: 1000 },
        // Shortened to the record's 200 characters, the extension kept.
        { name: `${longName.slice(0, 195)}….pdf`, size: 1001 },
      ],
    });
    expect(two).toMatchObject({ state: 'opened', files: [{ name: 'btw-aangifte.pdf', size: 1000 }] });
    expect(none).toEqual({ dropUploadId: first.dropUploadId, state: 'none' });

    // A server that swaps two uploads' records, or names another drop: refused, no names.
    const swapped = await call(client.ops, 'openUploadNames', {
      uploads: [listed(first, second.clientNames), listed(second, first.clientNames)],
    });
    expect(swapped.uploads.map((u) => u.state)).toEqual(['invalid', 'invalid']);
    const elsewhere = await call(client.ops, 'openUploadNames', {
      uploads: [{ ...listed(first), dropId: idToWire(newId()) }],
    });
    expect(elsewhere.uploads.map((u) => u.state)).toEqual(['invalid']);
    // Another client's worker cannot open it (sealed to another key), nor would it pass the binding.
    const other = await clientOf(o, 'ander@voorbeeld.nl');
    const theirs = await call(other.ops, 'openUploadNames', { uploads: [listed(first)] });
    expect(theirs.uploads.map((u) => u.state)).toEqual(['invalid']);

    // An uploader through a drop link (no client) makes no record.
    const { made, request } = await advisorMakesDrop(o);
    const { sealed: linkUpload } = await uploaderSubmits(o, server, request, made.fragment, [
      { bytes: randomBytes(10), name: 'a.pdf' },
    ]);
    expect(linkUpload.request.clientNames).toBeUndefined();
  });

  it('renews the personal drop sealed to the keys the office certified for the client, and to no key a server swaps in', async () => {
    const o = await office(fakeServer());
    const client = await clientOf(o);
    const renewed = await call(o.anna.ops, 'renewClientDrop', { client: client.listed, label: 'Bakkerij de Vries' });
    expect(renewed.drop.dropId).not.toBe(client.approved.drop.dropId);
    // The client's portal opens the new link (record signed by the renewing member, naming the client).
    await call(client.ops, 'pinOffice', { index: null, seen: {}, pins: [] });
    const opened = await call(client.ops, 'openClientDrop', portalDrop(o, { ...client.approved, drop: renewed.drop }));
    expect(opened.fingerprint).toMatch(/^\d{5}( \d{5}){5}$/);

    // A server playing tricks: another key for the client (with its own valid signature), another
    // client's certificate, a member's certificate passed off as a client's. Nothing is sealed.
    const other = await clientOf(o, 'ander@voorbeeld.nl');
    const swappedKeys = {
      ...client.listed,
      identityPublicKey: other.listed.identityPublicKey,
      encryptionPublicKey: other.listed.encryptionPublicKey,
      encryptionKeySignature: other.listed.encryptionKeySignature,
    };
    const anna = { ...o.anna.listed, role: 'client' as const };
    for (const forged of [
      swappedKeys,
      { ...client.listed, certificate: other.listed.certificate },
      { ...client.listed, email: 'ander@voorbeeld.nl' },
      anna,
    ])
      await expect(call(o.anna.ops, 'renewClientDrop', { client: forged, label: 'X' })).rejects.toThrow(
        'invalid_member',
      );
    // Only a member holding the office keys renews.
    await expect(call(client.ops, 'renewClientDrop', { client: client.listed, label: 'X' })).rejects.toThrow('locked');
  });

  it('refuses to certify anyone but a client, and needs the office keys', async () => {
    const o = await office(fakeServer());
    const staff = { ...o.anna.listed, role: 'staff' as const };
    const { certificate: _c, ...keys } = staff;
    await expect(call(o.els.ops, 'certifyClient', { client: keys, currentVersion: 1, label: 'X' })).rejects.toThrow(
      'bad_request',
    );
    const client = await clientOf(o);
    const { certificate: _cc, ...clientKeys } = client.listed;
    await expect(
      call(client.ops, 'certifyClient', { client: clientKeys, currentVersion: 1, label: 'X' }),
    ).rejects.toThrow('locked');
  });

  it('refuses a share whose sender is certified as a client (clients never send)', async () => {
    const o = await office(fakeServer());
    const receiver = await clientOf(o, 'ontvanger@voorbeeld.nl');
    await call(receiver.ops, 'pinOffice', { index: null, seen: {}, pins: [] });
    const share = await shareTo(o, o.anna, receiver);
    const posing = await clientOf(o, 'zender@voorbeeld.nl');
    const forged: ShareForRecipient = {
      ...share,
      sender: {
        userId: posing.userId,
        name: 'Iemand',
        certificate: posing.listed.certificate,
        encryptionKeySignature: posing.listed.encryptionKeySignature,
      },
    };
    await expect(call(receiver.ops, 'openReceived', { share: forged })).rejects.toThrow('untrusted');
    expect((await call(receiver.ops, 'openReceived', { share })).files).toHaveLength(1);
  });
});
