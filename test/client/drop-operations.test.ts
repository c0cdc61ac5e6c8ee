// The crypto worker's drop operations (client/src/crypto/operations/drops.ts), run in Node with the real
// libsodium against the in-memory server: an advisor makes a drop (keys and D sealed to them
// and the office, after the office key was checked), an uploader without an account checks
// the drop key against the link before anything is encrypted, uploads with the drop's grant
// and MACs the manifest with D; the advisor and a colleague open the uploads, with the same
// receipt code, and download them. Uploads the server made or changed are rejected.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  dropFingerprint,
  fromBase64Url,
  idFromWire,
  newDropKeys,
  newId,
  ready,
  toBase64Url,
  type DropSecret,
} from '../../shared/crypto/index.js';
import { DropSubmitRequest, type DropUploadView } from '../../shared/wire/drops.js';
import { createOperations } from '../../client/src/crypto/operations';
import { makeFile } from '../helpers/browser-shares.js';
import { buildSubmission } from '../helpers/drops.js';
import { fakeServer, type FakeServer } from './support/fake-server';
import { call, office, pendingMember, randomBytes, type Office } from './support/office';
import { advisorMakesDrop, detailOf, download, GRANT, LABEL, stored, uploaderSubmits, uploadOf } from './support/drops';

beforeAll(async () => {
  await ready();
});

describe('making a drop', () => {
  it('seals the drop key, D and the label to the advisor and the office only after the office key was checked', async () => {
    const o = await office(fakeServer());
    await expect(call(o.anna.ops, 'createDrop', { label: LABEL })).rejects.toThrow('keys_untrusted');
    const { made, request } = await advisorMakesDrop(o);
    const [fingerprint = '', secret = ''] = made.fragment.split('.');
    expect(fingerprint).toBe(
      toBase64Url(dropFingerprint(idFromWire(request.dropId), fromBase64Url(request.publicKey))),
    );
    expect(fromBase64Url(secret)).toHaveLength(32);
    // Nothing secret goes to the server: not D, not the label.
    const body = JSON.stringify(request);
    expect(body).not.toContain(secret);
    expect(body).not.toContain('Bakkerij');
    expect(body).not.toContain(Buffer.from(LABEL).toString('base64').slice(0, 16));
    // A label with a line break cannot be sealed (it is shown on one line).
    await expect(call(o.anna.ops, 'createDrop', { label: 'two\nlines' })).rejects.toThrow('bad_request');
  });

  it('opens the label for the advisor (own copy) and a colleague (office copy), and for nobody else', async () => {
    const o = await office(fakeServer());
    const { request } = await advisorMakesDrop(o);
    const listed = [{ dropId: request.dropId, ownerId: o.anna.userId, label: request.label }];
    expect((await call(o.anna.ops, 'openDropLabels', { drops: listed })).labels).toEqual([
      { dropId: request.dropId, label: LABEL },
    ]);
    expect((await call(o.els.ops, 'openDropLabels', { drops: listed })).labels).toEqual([
      { dropId: request.dropId, label: LABEL },
    ]);
    // A member not approved yet has no office key; labels swapped between copies or drops do not open.
    expect((await call(await pendingMember(o), 'openDropLabels', { drops: listed })).labels[0]?.label).toBeNull();
    const swapped = [
      {
        dropId: request.dropId,
        ownerId: o.anna.userId,
        label: { owner: request.label.office, office: request.label.owner },
      },
    ];
    expect((await call(o.anna.ops, 'openDropLabels', { drops: swapped })).labels[0]?.label).toBeNull();
    const other = await advisorMakesDrop(o);
    const moved = [{ dropId: request.dropId, ownerId: o.anna.userId, label: other.request.label }];
    expect((await call(o.anna.ops, 'openDropLabels', { drops: moved })).labels[0]?.label).toBeNull();
  });
});

describe('uploading to a drop', () => {
  it('refuses to encrypt anything when the drop key differs from the link, or before the link was checked', async () => {
    const server = fakeServer();
    const o = await office(server);
    const { made, request } = await advisorMakesDrop(o);
    const uploader = createOperations(o.deps);
    const file = new Blob([randomBytes(1000) as BlobPart]);
    await expect(call(uploader, 'uploadDropFile', { dropId: request.dropId, grant: GRANT, file })).rejects.toThrow(
      'drop_unchecked',
    );
    const swapped = toBase64Url(newDropKeys(idFromWire(request.dropId)).keyPair.publicKey);
    await expect(
      call(uploader, 'openDropLink', { dropId: request.dropId, fragment: made.fragment, publicKey: swapped }),
    ).rejects.toThrow('drop_key_mismatch');
    await expect(call(uploader, 'uploadDropFile', { dropId: request.dropId, grant: GRANT, file })).rejects.toThrow(
      'drop_unchecked',
    );
    // The right key under another drop's id does not match either.
    const otherId = toBase64Url(newId());
    await expect(
      call(uploader, 'openDropLink', { dropId: otherId, fragment: made.fragment, publicKey: request.publicKey }),
    ).rejects.toThrow('drop_key_mismatch');
    await expect(
      call(uploader, 'openDropLink', { dropId: request.dropId, fragment: 'no-fragment', publicKey: request.publicKey }),
    ).rejects.toThrow('bad_link');
    expect(server.uploads.size).toBe(0);
    await expect(
      call(uploader, 'sealDropUpload', {
        dropId: request.dropId,
        files: [{ fileId: otherId, name: 'a.pdf', type: '', lastModified: 0 }],
        receiptMail: false,
      }),
    ).rejects.toThrow('drop_unchecked');
  });

  it('uploads with the grant, seals each file key to the drop key and MACs the manifest with D: nothing readable in the request', async () => {
    const server = fakeServer(64 * 1024);
    const o = await office(server);
    const { made, request } = await advisorMakesDrop(o);
    const { sealed, uploaded } = await uploaderSubmits(
      o,
      server,
      request,
      made.fragment,
      [
        { bytes: randomBytes(200_000), name: 'bankafschrift-maart.pdf' },
        { bytes: randomBytes(1000), name: 'loonstrook.pdf' },
      ],
      'Hierbij de stukken.',
    );
    for (const u of uploaded) {
      const upload = server.uploads.get(u.uploadId);
      expect(upload?.completed).toBe(true);
      expect(upload?.target).toEqual({
        base: `/api/v1/d/${request.dropId}/uploads`,
        headers: { Authorization: `Bearer ${GRANT}` },
      });
    }
    const body = DropSubmitRequest.parse(sealed.request);
    expect(body.files.map((f) => f.uploadId)).toEqual(uploaded.map((u) => u.uploadId));
    expect(body.receiptMail).toBe(true);
    expect(sealed.receiptCode).toMatch(/^\d{4}-\d{4}-\d{4}$/);
    const text = JSON.stringify(body);
    for (const secret of ['bankafschrift', 'loonstrook', 'Hierbij', made.fragment.split('.')[1] as string])
      expect(text).not.toContain(secret);
  });
});

describe('the office opens what was uploaded', () => {
  async function submitted(server: FakeServer, o: Office) {
    const { made, request } = await advisorMakesDrop(o);
    const first = randomBytes(300_000);
    const second = new TextEncoder().encode('<svg onload="alert(1)"/>');
    const up = await uploaderSubmits(
      o,
      server,
      request,
      made.fragment,
      [
        { bytes: first, name: 'jaaropgaaf.pdf' },
        { bytes: second, name: 'logo.svg' },
      ],
      'Graag ontvangstbevestiging.',
    );
    return { made, request, first, second, ...up, view: stored(server, up.sealed.request) };
  }

  it('shows the link again, checks the MAC with D, gives the uploader’s receipt code, and downloads each file intact', async () => {
    const server = fakeServer();
    const o = await office(server);
    const { made, request, sealed, view, first, second } = await submitted(server, o);
    const opened = await call(o.anna.ops, 'openDrop', { drop: detailOf(request, o.anna, [view]) });
    expect(opened).toMatchObject({ label: LABEL, holder: 'owner', fragment: made.fragment, keyMatches: true });
    const upload = uploadOf(opened, view.dropUploadId);
    expect(upload.receiptCode).toBe(sealed.receiptCode);
    expect(upload.files.map((f) => [f.name, f.size])).toEqual([
      ['jaaropgaaf.pdf', first.length],
      ['logo.svg', second.length],
    ]);
    expect(upload.message).toBe('Graag ontvangstbevestiging.');
    expect(upload.missingFiles).toBe(0);
    expect(await download(o.anna.ops, view.dropUploadId, upload.files[0] as (typeof upload.files)[number])).toEqual(
      first,
    );
    const svg = await call(o.anna.ops, 'downloadFile', {
      shareId: view.dropUploadId,
      fileId: upload.files[1]?.fileId as string,
      url: `/api/v1/drops/files/${upload.files[1]?.fileId}`,
      containerSize: 100,
      sink: { kind: 'blob' },
    });
    expect(svg.blob?.type).toBe('application/octet-stream');

    // A colleague takes over with the office key: the same link, code and files.
    const colleague = await call(o.els.ops, 'openDrop', { drop: detailOf(request, o.anna, [view]) });
    expect(colleague).toMatchObject({ label: LABEL, holder: 'office', fragment: made.fragment });
    expect(uploadOf(colleague, view.dropUploadId).receiptCode).toBe(sealed.receiptCode);
    expect(
      await download(
        o.els.ops,
        view.dropUploadId,
        uploadOf(colleague, view.dropUploadId).files[0] as (typeof upload.files)[number],
      ),
    ).toEqual(first);
    // Without the office key (not approved yet), or signed out, nothing opens.
    await expect(call(await pendingMember(o), 'openDrop', { drop: detailOf(request, o.anna, [view]) })).rejects.toThrow(
      'locked',
    );
    await expect(
      call(createOperations(o.deps), 'openDrop', { drop: detailOf(request, o.anna, [view]) }),
    ).rejects.toThrow('locked');
  });

  it('rejects an upload made without D, or changed by the server, and never opens its files', async () => {
    const server = fakeServer();
    const o = await office(server);
    const { request, view, uploaded } = await submitted(server, o);
    const dropId = idFromWire(request.dropId);
    const publicKey = fromBase64Url(request.publicKey);

    // What a server could make on its own: real containers, keys sealed to the drop's public
    // key, a manifest MAC'd with a secret that is not D.
    const files = [makeFile(randomBytes(5000), { name: 'factuur.pdf' })];
    const forged = buildSubmission(
      { dropId, publicKey, secret: randomBytes(32) as DropSecret },
      files.map((file, i) => ({ file, uploadId: `forged${i}` })),
    );
    const injected: DropUploadView = {
      dropUploadId: forged.body.dropUploadId,
      receivedAt: new Date().toISOString(),
      rejectedAt: null,
      receiptMailed: false,
      manifest: forged.body.manifest,
      files: forged.body.files.map((f, i) => ({
        fileId: f.fileId,
        size: files[i]?.container.length as number,
        ciphertextHash: toBase64Url(files[i]?.ciphertextHash as Uint8Array),
        sealedMetadata: f.sealedMetadata,
        sealedKey: f.sealedKey,
      })),
    };
    // The genuine manifest under another upload's id, and a genuine upload with a file swapped.
    const renamed: DropUploadView = { ...view, dropUploadId: toBase64Url(newId()) };
    const swappedFile: DropUploadView = {
      ...view,
      dropUploadId: view.dropUploadId,
      files: [
        {
          ...(view.files[0] as DropUploadView['files'][number]),
          ciphertextHash: injected.files[0]?.ciphertextHash as string,
        },
        view.files[1] as DropUploadView['files'][number],
      ],
    };

    const opened = await call(o.anna.ops, 'openDrop', {
      drop: detailOf(request, o.anna, [view, injected, renamed]),
    });
    expect(opened.uploads.map((u) => u.state)).toEqual(['opened', 'rejected', 'rejected']);
    for (const rejected of [injected, renamed]) {
      const fileId = rejected.files[0]?.fileId as string;
      await expect(
        call(o.anna.ops, 'downloadFile', {
          shareId: rejected.dropUploadId,
          fileId,
          url: `/api/v1/drops/files/${fileId}`,
          containerSize: 1,
          sink: { kind: 'blob' },
        }),
      ).rejects.toThrow('unknown_file');
    }
    const changed = await call(o.anna.ops, 'openDrop', { drop: detailOf(request, o.anna, [swappedFile]) });
    expect(changed.uploads.map((u) => u.state)).toEqual(['rejected']);
    expect(uploaded).toHaveLength(2);

    // A server that swapped the drop's public key is caught too: the opened key is the drop's own.
    const other = toBase64Url(newDropKeys(dropId).keyPair.publicKey);
    expect(
      (await call(o.anna.ops, 'openDrop', { drop: { ...detailOf(request, o.anna, []), publicKey: other } })).keyMatches,
    ).toBe(false);
    // Secrets sealed for another drop do not open as this one's.
    const second = await advisorMakesDrop(o);
    await expect(
      call(o.anna.ops, 'openDrop', {
        drop: { ...detailOf(request, o.anna, []), secrets: second.request.secrets },
      }),
    ).rejects.toThrow('drop_record_invalid');
  });
});
