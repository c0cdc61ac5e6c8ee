// A malicious server against the drop record (docs/protocol.md §13, "Drop record"; docs/threat-model.md
// promise 5), in Node with the real worker code and libsodium. Sealed boxes are anonymous, so a
// server can seal keys of its own making to anyone whose public key it knows. Each test answers
// the worker what such a server would serve and shows the real operation refusing it:
// 1. the client's sealed personal-drop link swapped for one carrying the server's key and D:
//    the portal encrypts and uploads nothing;
// 2. the owner's and the office's sealed drop secrets swapped for the server's, with an upload
//    MAC'd with the server's D: the drop does not open, the injected upload is never verified;
// 3. the drop relabelled (a label the server sealed, or another drop's): the drop does not open.
// And what stays possible: a drop without a record (made before records, or whose record the
// server removed) opens, shown as unverified.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  dropFingerprint,
  fromBase64Url,
  idFromWire,
  newDropKeys,
  ready,
  sealClientDropLink,
  sealDropLabel,
  sealDropSecrets,
  toBase64Url,
  type DropKeys,
} from '../../shared/crypto/index.js';
import type { DropDetail, DropUploadView } from '../../shared/wire/drops.js';
import { makeFile } from '../helpers/browser-shares.js';
import { buildSubmission } from '../helpers/drops.js';
import { clientOf, portalDrop } from './support/clients';
import { advisorMakesDrop, detailOf, GRANT, LABEL, stored, uploaderSubmits, uploadOf } from './support/drops';
import { fakeServer, type FakeServer } from './support/fake-server';
import { call, office, randomBytes, type Office } from './support/office';

beforeAll(async () => {
  await ready();
});

const b64 = toBase64Url;

/** The server's own key pair and D under the genuine drop id: what it seals in place of the drop's. */
function serverKeys(dropId: string): DropKeys {
  return newDropKeys(idFromWire(dropId));
}

/** A drop with one genuine upload, as an honest server would answer its owner. */
async function dropWithUpload(server: FakeServer, o: Office) {
  const { made, request } = await advisorMakesDrop(o);
  const up = await uploaderSubmits(o, server, request, made.fragment, [
    { bytes: randomBytes(2000), name: 'jaaropgaaf.pdf' },
  ]);
  const view = stored(server, up.sealed.request);
  return { made, request, view, detail: detailOf(request, o.anna, [view]) };
}

/** An upload the server makes with its own keys: file keys sealed to its key, the manifest MAC'd with its D. */
function injectedUpload(keys: DropKeys): DropUploadView {
  const file = makeFile(randomBytes(3000), { name: 'factuur-betaal-nu.pdf' });
  const forged = buildSubmission({ dropId: keys.dropId, publicKey: keys.keyPair.publicKey, secret: keys.secret }, [
    { file, uploadId: 'forged0' },
  ]);
  return {
    dropUploadId: forged.body.dropUploadId,
    receivedAt: new Date().toISOString(),
    rejectedAt: null,
    receiptMailed: false,
    manifest: forged.body.manifest,
    files: forged.body.files.map((f) => ({
      fileId: f.fileId,
      size: file.container.length,
      ciphertextHash: b64(file.ciphertextHash),
      sealedMetadata: f.sealedMetadata,
      sealedKey: f.sealedKey,
    })),
  };
}

/** Trying to download an upload's first file from the worker: only an opened upload's keys are there. */
async function download(o: Office, upload: DropUploadView) {
  const fileId = upload.files[0]?.fileId as string;
  return call(o.anna.ops, 'downloadFile', {
    shareId: upload.dropUploadId,
    fileId,
    url: `/api/v1/drops/files/${fileId}`,
    containerSize: 1,
    sink: { kind: 'blob' },
  });
}

describe('forgery 1: the client portal with a swapped sealed link', () => {
  it("refuses a client link carrying the server's drop key and D, and encrypts and uploads nothing", async () => {
    const server = fakeServer();
    const o = await office(server);
    const client = await clientOf(o);
    await call(client.ops, 'pinOffice', { index: null, seen: {}, pins: [] });
    const genuine = portalDrop(o, client.approved);
    const keys = serverKeys(genuine.dropId);
    const served = {
      ...genuine,
      // Ids match and the server answers the matching public key: only the record tells.
      publicKey: b64(keys.keyPair.publicKey),
      clientLink: b64(
        sealClientDropLink(
          { dropFingerprint: dropFingerprint(keys.dropId, keys.keyPair.publicKey), dropSecret: keys.secret },
          { dropId: keys.dropId, clientId: idFromWire(client.userId) },
          fromBase64Url(client.listed.encryptionPublicKey),
        ),
      ),
    };
    await expect(call(client.ops, 'openClientDrop', served)).rejects.toThrow('drop_record_invalid');
    // Nothing can be encrypted for the drop, or sealed and MAC'd for it: nothing reached the server.
    const file = new Blob([randomBytes(1000) as BlobPart]);
    await expect(call(client.ops, 'uploadDropFile', { dropId: genuine.dropId, grant: GRANT, file })).rejects.toThrow(
      'drop_unchecked',
    );
    await expect(
      call(client.ops, 'sealDropUpload', {
        dropId: genuine.dropId,
        files: [{ fileId: b64(keys.dropId), name: 'a.pdf', type: '', lastModified: 0 }],
        receiptMail: false,
      }),
    ).rejects.toThrow('drop_unchecked');
    expect(server.uploads.size).toBe(0);

    // Without a record (a personal drop made before records, or the server removed it): refused as well.
    await expect(call(client.ops, 'openClientDrop', { ...served, record: null })).rejects.toThrow(
      'drop_record_missing',
    );
    // A record naming a signer the office certified as a client (the server cannot sign as a member).
    const posing = await clientOf(o, 'ander@voorbeeld.nl');
    const asClient = {
      ...genuine,
      creator: {
        userId: posing.userId,
        certificate: posing.listed.certificate,
        encryptionKeySignature: posing.listed.encryptionKeySignature,
      },
    };
    await expect(call(client.ops, 'openClientDrop', asClient)).rejects.toThrow('drop_record_invalid');
    // The record without its signer's certificate cannot be checked: refused.
    await expect(call(client.ops, 'openClientDrop', { ...genuine, creator: null })).rejects.toThrow(
      'drop_record_invalid',
    );
    expect(server.uploads.size).toBe(0);

    // The genuine answer opens, and then uploads go through.
    await call(client.ops, 'openClientDrop', genuine);
    await call(client.ops, 'uploadDropFile', { dropId: genuine.dropId, grant: GRANT, file });
    expect(server.uploads.size).toBe(1);
  });
});

describe('forgery 2: the owner and the office with swapped sealed drop secrets', () => {
  it("refuses the drop before any upload is verified: the server's injected upload is never opened", async () => {
    const server = fakeServer();
    const o = await office(server);
    const { request, view, detail } = await dropWithUpload(server, o);
    const keys = serverKeys(request.dropId);
    const injected = injectedUpload(keys);
    const forged: DropDetail = {
      ...detail,
      publicKey: b64(keys.keyPair.publicKey),
      secrets: {
        owner: b64(sealDropSecrets(keys, idFromWire(o.anna.userId), fromBase64Url(o.anna.listed.encryptionPublicKey))),
        office: b64(
          sealDropSecrets(keys, idFromWire(o.officeRef.officeId), fromBase64Url(o.officeKeys.encryptionPublicKey)),
        ),
      },
      uploads: [view, injected],
    };
    // The owner (own copy) and a colleague (office copy) both refuse.
    await expect(call(o.anna.ops, 'openDrop', { drop: forged })).rejects.toThrow('drop_record_invalid');
    await expect(call(o.els.ops, 'openDrop', { drop: forged })).rejects.toThrow('drop_record_invalid');
    // Nothing of the injected upload (nor of the genuine one) was opened in the worker.
    await expect(download(o, injected)).rejects.toThrow('unknown_file');
    await expect(download(o, view)).rejects.toThrow('unknown_file');

    // The honest answer opens, verified, with the genuine upload.
    const honest = await call(o.anna.ops, 'openDrop', { drop: detail });
    expect(honest).toMatchObject({ verified: true, keyMatches: true, label: LABEL, forClient: false });
    expect(uploadOf(honest, view.dropUploadId).files).toHaveLength(1);
  });

  it('opens a drop without a record only as unverified: what a record-less drop cannot prove', async () => {
    const server = fakeServer();
    const o = await office(server);
    const { request, view, detail } = await dropWithUpload(server, o);
    const keys = serverKeys(request.dropId);
    const injected = injectedUpload(keys);
    // The same forgery with the record removed looks like a drop made before records.
    const stripped: DropDetail = {
      ...detail,
      record: null,
      publicKey: b64(keys.keyPair.publicKey),
      secrets: {
        owner: b64(sealDropSecrets(keys, idFromWire(o.anna.userId), fromBase64Url(o.anna.listed.encryptionPublicKey))),
        office: detail.secrets?.office as string,
      },
      uploads: [view, injected],
    };
    const opened = await call(o.anna.ops, 'openDrop', { drop: stripped });
    expect(opened.verified).toBe(false);
    expect(opened.uploads.map((u) => u.state)).toEqual(['rejected', 'opened']);
  });
});

describe('forgery 3: the owner and the office with a relabelled drop', () => {
  it('refuses a label the server sealed, or another drop’s label, and opens nothing', async () => {
    const server = fakeServer();
    const o = await office(server);
    const { request, view, detail } = await dropWithUpload(server, o);
    const dropId = idFromWire(request.dropId);
    const relabel = (text: string) => ({
      owner: b64(
        sealDropLabel(
          text,
          { dropId, holderId: idFromWire(o.anna.userId) },
          fromBase64Url(o.anna.listed.encryptionPublicKey),
        ),
      ),
      office: b64(
        sealDropLabel(
          text,
          { dropId, holderId: idFromWire(o.officeRef.officeId) },
          fromBase64Url(o.officeKeys.encryptionPublicKey),
        ),
      ),
    });
    const relabelled: DropDetail = { ...detail, label: relabel('Jansen Holding B.V.') };
    await expect(call(o.anna.ops, 'openDrop', { drop: relabelled })).rejects.toThrow('drop_record_invalid');
    await expect(call(o.els.ops, 'openDrop', { drop: relabelled })).rejects.toThrow('drop_record_invalid');
    await expect(download(o, view)).rejects.toThrow('unknown_file');
    // Another of the owner's drops' genuine labels does not open as this one's either.
    const other = await advisorMakesDrop(o);
    await expect(call(o.anna.ops, 'openDrop', { drop: { ...detail, label: other.request.label } })).rejects.toThrow(
      'drop_record_invalid',
    );
    // Same label text, sealed again by the server: it matches the commitment, so it opens (nothing changed).
    const resealed = await call(o.anna.ops, 'openDrop', { drop: { ...detail, label: relabel(LABEL) } });
    expect(resealed).toMatchObject({ verified: true, label: LABEL });
  });
});

describe("a drop made before its creator's keys were reset is told apart from a forgery", () => {
  it('says "made before the reset" when the record holds under the earlier certified key, and still opens nothing', async () => {
    const server = fakeServer();
    const o = await office(server);
    const { request, view, detail } = await dropWithUpload(server, o);
    // An administrator resets Anna's account; she makes new keys and the office certifies them.
    const annaAgain = await o.member(o.anna.email, o.anna.name, 'staff', o.anna.userId, 1);
    const afterReset: DropDetail = {
      ...detail,
      creator: {
        userId: annaAgain.userId,
        certificate: annaAgain.listed.certificate,
        encryptionKeySignature: annaAgain.listed.encryptionKeySignature,
      },
      // The certificate Anna held when she made the drop, stored beside the record.
      recordCertificate: o.anna.listed.certificate,
    };
    // A colleague (office copy) is told the drop predates the reset; nothing of it is opened.
    await expect(call(o.els.ops, 'openDrop', { drop: afterReset })).rejects.toThrow('drop_record_stale');
    await expect(download(o, view)).rejects.toThrow('unknown_file');
    // Without the earlier certificate the same drop can only be read as changed on the server.
    await expect(call(o.els.ops, 'openDrop', { drop: { ...afterReset, recordCertificate: null } })).rejects.toThrow(
      'drop_record_invalid',
    );

    // A record that does not verify for this drop under either key stays a forgery: Anna's genuine
    // record of another drop, passed off with her earlier certificate.
    const other = await advisorMakesDrop(o);
    expect(other.request.dropId).not.toBe(request.dropId);
    const forged: DropDetail = { ...afterReset, record: other.request.record };
    await expect(call(o.els.ops, 'openDrop', { drop: forged })).rejects.toThrow('drop_record_invalid');
    // Nor does a certificate the office never signed make a forgery look like a reset.
    const rogueCertificate = (await office(fakeServer())).anna.listed.certificate;
    await expect(
      call(o.els.ops, 'openDrop', { drop: { ...afterReset, recordCertificate: rogueCertificate } }),
    ).rejects.toThrow('drop_record_invalid');
    // The client's portal tells the two apart the same way for the personal drop Anna approved.
    const client = await clientOf(o, 'klant-reset@voorbeeld.nl');
    await call(client.ops, 'pinOffice', { index: null, seen: {}, pins: [] });
    const uploadsBefore = server.uploads.size;
    const personal = {
      ...portalDrop(o, client.approved),
      creator: afterReset.creator,
      recordCertificate: o.anna.listed.certificate,
    };
    await expect(call(client.ops, 'openClientDrop', personal)).rejects.toThrow('drop_record_stale');
    await expect(call(client.ops, 'openClientDrop', { ...personal, recordCertificate: null })).rejects.toThrow(
      'drop_record_invalid',
    );
    expect(server.uploads.size).toBe(uploadsBefore);

    // And before any reset (the current key is the earlier one), a bad record is a forgery.
    await expect(call(o.els.ops, 'openDrop', { drop: { ...detail, record: forged.record } })).rejects.toThrow(
      'drop_record_invalid',
    );
  });
});
