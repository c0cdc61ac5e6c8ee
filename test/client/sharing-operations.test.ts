// The crypto worker's sharing (client/src/crypto/operations/sending.ts, receiving.ts,
// download.ts), run in Node with the real libsodium against an in-memory server that fails on
// purpose: the share request, and each kind of recipient opening and downloading it, with the
// refusals that protect them when the server lies. Keys and uploads: sending-operations.test.ts.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  decodeManifest,
  fromBase64Url,
  guestEntry,
  identityFingerprint,
  idFromWire,
  idToWire,
  linkCommitment,
  linkCommitmentV2,
  newAccountKeys,
  newId,
  openSigned,
  signEncryptionKey,
  signManifest,
  newLinkSecret,
  ready,
  sealLinkSecret,
  stretchAccessCode,
  toBase64Url,
  type LinkSecret,
} from '../../shared/crypto/index.js';
import { ShareCreateRequest } from '../../shared/wire/shares.js';
import { createOperations } from '../../client/src/crypto/operations';
import type { RequestOf } from '../../client/src/crypto/protocol';
import { fakeServer, type FakeServer } from './support/fake-server';
import { call, checkAndPin, office, pinStore, randomBytes, upload, type Office } from './support/office';
import { download, EXPIRES, serverViews } from './support/shares';

beforeAll(async () => {
  await ready();
});

describe('a share to a guest, a client and a colleague', () => {
  async function sendShare(server: FakeServer, o: Office) {
    return sendShareAs(server, o, o.els);
  }

  async function sendShareAs(server: FakeServer, o: Office, sender: Office['els']) {
    const pins = pinStore();
    await checkAndPin(o, sender, pins, [o.bob.listed]);
    const plaintext = randomBytes(300_000);
    const second = new TextEncoder().encode('<html><script>alert(1)</script></html>');
    const a = await upload(sender, plaintext);
    const b = await upload(sender, second);
    const sealed = await call(sender.ops, 'sealShare', {
      files: [
        { fileId: a.fileId, name: 'loonstrook-2026-03.pdf', type: 'application/pdf', lastModified: 1_700_000_000_000 },
        { fileId: b.fileId, name: 'index.html', type: 'text/html', lastModified: 1_700_000_000_000 },
      ],
      message: 'Hierbij uw loonstrook.',
      accounts: [{ userId: o.bob.userId }],
      guests: [
        { email: 'guest@example.nl', accessCode: true },
        { email: 'other@example.nl', accessCode: false },
      ],
      expiresAt: EXPIRES,
      downloadLimit: 3,
      receiptMail: true,
    });
    const request = ShareCreateRequest.parse(sealed.request);
    return { pins, plaintext, second, sealed, request, views: serverViews(o, server, sender, request) };
  }

  it('makes a request the contract accepts, with nothing secret in it', async () => {
    const server = fakeServer();
    const o = await office(server);
    const { sealed, request } = await sendShare(server, o);
    expect(request.recipients.map((r) => r.kind).sort()).toEqual(['account', 'guest', 'guest']);
    expect(request.downloadLimit).toBe(3);
    const [withCode, withoutCode] = sealed.guests;
    expect(withCode?.accessCode).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    expect(withoutCode?.accessCode).toBeUndefined();
    const body = JSON.stringify(request);
    for (const guest of sealed.guests) {
      const secret = guest.fragment.split('.')[2] as string;
      expect(body).not.toContain(secret);
      expect(body).not.toContain(toBase64Url(fromBase64Url(secret)));
      if (guest.accessCode) expect(body).not.toContain(guest.accessCode.replaceAll('-', ''));
    }
    expect(body).not.toContain('loonstrook');
    expect(body).not.toContain('Hierbij');
    // Format 3: the guest entries commit to S and the access code's Argon2id key, never to the
    // code itself, so S and the manifest do not let anyone test codes at hash speed.
    const manifest = decodeManifest(
      openSigned(fromBase64Url(request.manifest), fromBase64Url(o.els.listed.identityPublicKey)),
    );
    expect(manifest.format).toBe(3);
    for (const guest of sealed.guests) {
      const binding = { shareId: idFromWire(request.shareId), recipientId: idFromWire(guest.recipientId) };
      const linkSecret = fromBase64Url(guest.fragment.split('.')[2] as string, 32) as LinkSecret;
      const entry = guestEntry(manifest, binding.recipientId);
      const accessCodeKey = guest.accessCode
        ? stretchAccessCode(guest.accessCode, binding.shareId, binding.recipientId)
        : undefined;
      expect(entry.linkCommitment).toEqual(linkCommitment(binding, linkSecret, accessCodeKey));
      if (guest.accessCode) {
        expect(entry.linkCommitment).not.toEqual(
          linkCommitmentV2(binding, { linkSecret, accessCode: guest.accessCode }),
        );
      }
    }
  });

  it('a guest opens it with the link, the server half and the access code, and downloads through a dropped connection', async () => {
    const server = fakeServer();
    const o = await office(server);
    const { sealed, request, views, plaintext, second } = await sendShare(server, o);
    const guest = sealed.guests[0] as (typeof sealed.guests)[number];
    const recipient = request.recipients.find((r) => r.recipientId === guest.recipientId);
    if (recipient?.kind !== 'guest') throw new Error('expected a guest');
    const share = views.forRecipient(guest.recipientId);
    const browser = createOperations(o.deps);

    // No code typed, on a share whose signed link commitment includes one: the page asks for the
    // code before it calls; a server that says "no access code" for it is refused as a forgery.
    await expect(
      call(browser, 'openGuest', {
        linkId: guest.linkId,
        fragment: guest.fragment,
        serverHalf: recipient.serverHalf,
        share,
      }),
    ).rejects.toThrow('untrusted');
    await expect(
      call(browser, 'openGuest', {
        linkId: guest.linkId,
        fragment: guest.fragment,
        accessCode: 'AAAA-BBBB-CCCC',
        serverHalf: recipient.serverHalf,
        share,
      }),
    ).rejects.toThrow('wrong_access_code');
    await expect(
      call(browser, 'openGuest', {
        linkId: guest.linkId,
        fragment: guest.fragment,
        accessCode: 'too short',
        serverHalf: recipient.serverHalf,
        share,
      }),
    ).rejects.toThrow('bad_access_code');

    // Typed as a person would: lower case, spaces instead of hyphens.
    const typed = (guest.accessCode as string).toLowerCase().replaceAll('-', ' ');
    const opened = await call(browser, 'openGuest', {
      linkId: guest.linkId,
      fragment: guest.fragment,
      accessCode: typed,
      serverHalf: recipient.serverHalf,
      share,
    });
    expect(opened.files.map((f) => f.name)).toEqual(['loonstrook-2026-03.pdf', 'index.html']);
    expect(opened.message).toBe('Hierbij uw loonstrook.');
    expect(opened.missingFiles).toBe(0);

    server.cutDownloadAfter = 120_000;
    const first = opened.files[0] as (typeof opened.files)[number];
    expect(await download(browser, share.shareId, first, 'a.b.c-grant-token-xx')).toEqual(plaintext);
    expect(server.stats.rangeRequests).toBe(1);
    expect(server.stats.headers.at(-1)).toEqual({ Authorization: 'Bearer a.b.c-grant-token-xx' });

    // A server that ignores Range: the bytes already here are skipped.
    server.cutDownloadAfter = 100_000;
    server.ignoreRange = true;
    expect(await download(browser, share.shareId, first)).toEqual(plaintext);

    const html = await call(browser, 'downloadFile', {
      shareId: share.shareId,
      fileId: opened.files[1]?.fileId as string,
      url: `/api/v1/files/${opened.files[1]?.fileId}`,
      containerSize: 100,
      sink: { kind: 'blob' },
    });
    expect(html.blob?.type).toBe('application/octet-stream');
    expect(new Uint8Array(await (html.blob as Blob).arrayBuffer())).toEqual(second);
  });

  it('refuses a link whose office fingerprint differs, another office, a swapped manifest or a foreign recipient', async () => {
    const server = fakeServer();
    const o = await office(server);
    const { sealed, request, views } = await sendShare(server, o);
    const guest = sealed.guests[1] as (typeof sealed.guests)[number];
    const recipient = request.recipients.find((r) => r.recipientId === guest.recipientId);
    if (recipient?.kind !== 'guest') throw new Error('expected a guest');
    const share = views.forRecipient(guest.recipientId);
    const browser = createOperations(o.deps);
    const open = (changes: Partial<RequestOf<'openGuest'>>) =>
      call(browser, 'openGuest', {
        linkId: guest.linkId,
        fragment: guest.fragment,
        serverHalf: recipient.serverHalf,
        share,
        ...changes,
      });

    const [officeFp, senderFp, secret] = guest.fragment.split('.') as [string, string, string];
    await expect(open({ fragment: `${toBase64Url(new Uint8Array(32))}.${senderFp}.${secret}` })).rejects.toThrow(
      'untrusted',
    );
    await expect(open({ fragment: 'not-a-fragment' })).rejects.toThrow('bad_link');
    // Forgery 6: a v2 link names the sender's identity key; a manifest signed by another key the
    // office certified (here a colleague's, re-sent as theirs) is refused.
    const fromAnna = await sendShareAs(server, o, o.anna);
    const annaShare = fromAnna.views.forRecipient(fromAnna.sealed.guests[1]!.recipientId);
    await expect(
      open({
        share: {
          ...share,
          sender: annaShare.sender,
          manifest: annaShare.manifest,
          shareId: annaShare.shareId,
          recipientId: annaShare.recipientId,
        },
      }),
    ).rejects.toThrow('untrusted');
    await expect(open({ fragment: `${officeFp}.${toBase64Url(new Uint8Array(32))}.${secret}` })).rejects.toThrow(
      'untrusted',
    );
    // A v2 link never takes the server's word for its recipient without the commitment: the
    // same link as a v1 link (no sender fingerprint) is refused when the path is not the recipient id.
    await expect(open({ fragment: `${officeFp}.${secret}` })).rejects.toThrow('untrusted');
    // No downgrade: a v2 link refuses a format-1 manifest (entries without link commitments),
    // here from a member the office certified and whom the link names.
    const signer = newAccountKeys();
    const signerId = newId();
    const certified = await call(o.els.ops, 'certifyMember', {
      member: {
        userId: idToWire(signerId),
        email: 'carla@kantoor-jansen.nl',
        role: 'staff',
        identityPublicKey: toBase64Url(signer.identity.publicKey),
        encryptionPublicKey: toBase64Url(signer.encryption.publicKey),
        encryptionKeySignature: toBase64Url(signEncryptionKey(signerId, signer)),
      },
      currentVersion: 0,
    });
    const genuine = decodeManifest(
      openSigned(fromBase64Url(share.manifest), fromBase64Url(o.els.listed.identityPublicKey)),
    );
    const formatOne = signManifest(
      {
        ...genuine,
        format: 1,
        senderId: signerId,
        senderIdentityPublicKey: signer.identity.publicKey,
        recipients: genuine.recipients.map((r) =>
          r.kind === 'guest' ? { kind: 'guest', recipientId: r.recipientId } : r,
        ),
      },
      signer.identity,
    );
    await expect(
      open({
        fragment: `${officeFp}.${toBase64Url(identityFingerprint(signer.identity.publicKey))}.${secret}`,
        share: {
          ...share,
          manifest: toBase64Url(formatOne),
          sender: {
            userId: idToWire(signerId),
            name: 'Carla',
            certificate: certified.certificate,
            encryptionKeySignature: toBase64Url(signEncryptionKey(signerId, signer)),
          },
        },
      }),
    ).rejects.toThrow('untrusted');
    // Forgery 7b: an older manifest version than this browser saw.
    await expect(open({ minimumVersion: 2 })).rejects.toThrow('replayed');
    const otherOffice = await office(fakeServer());
    await expect(
      open({
        share: { ...share, office: { ...share.office, signingPublicKey: otherOffice.officeRef.signingPublicKey } },
      }),
    ).rejects.toThrow('untrusted');
    await expect(
      open({ share: { ...share, sender: { ...share.sender, certificate: o.anna.listed.certificate } } }),
    ).rejects.toThrow('untrusted');
    await expect(open({ share: { ...share, recipientId: sealed.guests[0]?.recipientId as string } })).rejects.toThrow(
      'untrusted',
    );
    // Another share's manifest (signed by the same sender) does not describe this share.
    const again = await sendShare(server, o);
    await expect(open({ share: { ...share, manifest: again.request.manifest } })).rejects.toThrow('untrusted');
    // No downgrade from format 3 to 2: the server turns the tag's "3" into a "2" in place (both
    // tags are 24 characters); the tag is signed, so the manifest no longer verifies.
    const retagged = retaggedAsFormat2(share.manifest);
    expect(decodeManifest(fromBase64Url(retagged).subarray(8, -64)).format).toBe(2);
    await expect(open({ share: { ...share, manifest: retagged } })).rejects.toThrow('untrusted');
    // Nor can it change the signed link commitment.
    await expect(open({ share: { ...share, manifest: withGuestCommitmentFlipped(share.manifest) } })).rejects.toThrow(
      'untrusted',
    );
    // Metadata swapped between files fails its signed hash.
    const [f0, f1] = share.files;
    await expect(
      open({ share: { ...share, files: [{ ...f0!, sealedMetadata: f1!.sealedMetadata }, f1!] } }),
    ).rejects.toThrow('untrusted');
    // The link still opens with everything as sent.
    expect((await open({})).files).toHaveLength(2);
  });

  it('fails a tampered container at its integrity check and never hands out the plaintext', async () => {
    const server = fakeServer();
    const o = await office(server);
    const { sealed, request, views } = await sendShare(server, o);
    const guest = sealed.guests[1] as (typeof sealed.guests)[number];
    const recipient = request.recipients.find((r) => r.recipientId === guest.recipientId);
    if (recipient?.kind !== 'guest') throw new Error('expected a guest');
    const share = views.forRecipient(guest.recipientId);
    const browser = createOperations(o.deps);
    const opened = await call(browser, 'openGuest', {
      linkId: guest.linkId,
      fragment: guest.fragment,
      serverHalf: recipient.serverHalf,
      share,
    });
    const file = opened.files[0] as (typeof opened.files)[number];
    const container = server.container(request.files[0]?.uploadId as string);
    const url = `/api/v1/files/${file.fileId}`;
    for (const offset of [10, 100_000, container.length - 3]) {
      const tampered = container.slice();
      tampered[offset] = (tampered[offset] as number) ^ 1;
      server.serve(url, tampered);
      await expect(download(browser, share.shareId, file)).rejects.toThrow('tampered');
    }
    server.serve(url, container.slice(0, container.length - 70_000));
    await expect(download(browser, share.shareId, file)).rejects.toThrow('tampered');
    server.serve(url, container);
    server.downloadError = { status: 410, code: 'share_revoked' };
    await expect(download(browser, share.shareId, file)).rejects.toThrow('share_revoked');
  });

  it('the client with an account opens it with their own key; the sender and a colleague see names and links again', async () => {
    const server = fakeServer();
    const o = await office(server);
    const { sealed, request, views, plaintext } = await sendShare(server, o);
    const bobEntry = sealed.accounts[0] as (typeof sealed.accounts)[number];
    const forBob = views.forRecipient(bobEntry.recipientId);
    // Nothing received opens before the recipient's pin of the office key checked out (protocol §22 step 3).
    await expect(call(o.bob.ops, 'openReceived', { share: forBob })).rejects.toThrow('untrusted');
    await call(o.bob.ops, 'pinOffice', { index: null, seen: {}, pins: [] });
    const opened = await call(o.bob.ops, 'openReceived', { share: forBob });
    expect(opened.files.map((f) => f.name)).toEqual(['loonstrook-2026-03.pdf', 'index.html']);
    expect(await download(o.bob.ops, forBob.shareId, opened.files[0] as (typeof opened.files)[number])).toEqual(
      plaintext,
    );
    // Someone else's sealed keys (the server sends Bob Anna's view) do not open.
    await expect(call(o.anna.ops, 'openReceived', { share: forBob })).rejects.toThrow('untrusted');

    const mine = await call(o.els.ops, 'openSent', { share: views.detail });
    expect(mine).toMatchObject({ holder: 'sender', senderVerified: true, message: 'Hierbij uw loonstrook.' });
    expect(mine.files.map((f) => f.name)).toEqual(['loonstrook-2026-03.pdf', 'index.html']);
    const guest = sealed.guests[0] as (typeof sealed.guests)[number];
    const shown = await call(o.els.ops, 'showLink', { share: views.detail, recipientId: guest.recipientId });
    expect(shown).toEqual({ fragment: guest.fragment, accessCode: guest.accessCode, checked: true });
    // Forgery 4: the server replaces the sealed copy with a seal of its own S' (and code): it
    // opens, but the signed manifest does not commit to it, so no link is shown.
    const forged = views.detail.linkSecrets.map((secret) =>
      secret.recipientId === guest.recipientId
        ? {
            ...secret,
            sender: toBase64Url(
              sealLinkSecret(
                {
                  shareId: idFromWire(request.shareId),
                  recipientId: idFromWire(guest.recipientId),
                  holderId: idFromWire(o.els.userId),
                },
                { linkSecret: newLinkSecret(), accessCode: guest.accessCode },
                fromBase64Url(o.els.listed.encryptionPublicKey),
              ),
            ),
          }
        : secret,
    );
    await expect(
      call(o.els.ops, 'showLink', { share: { ...views.detail, linkSecrets: forged }, recipientId: guest.recipientId }),
    ).rejects.toThrow('link_changed');
    // A format-3 manifest retagged as format 2 (whose commitment would be checked over the raw
    // code) fails its signature: the sender is shown no link.
    await expect(
      call(o.els.ops, 'showLink', {
        share: { ...views.detail, manifest: retaggedAsFormat2(views.detail.manifest) },
        recipientId: guest.recipientId,
      }),
    ).rejects.toThrow('untrusted');

    // Takeover: a colleague opens it with the office key, checking Els's certificate.
    const colleague = await call(o.anna.ops, 'openSent', {
      share: views.detail,
      sender: { certificate: o.els.listed.certificate, encryptionKeySignature: o.els.listed.encryptionKeySignature },
    });
    expect(colleague).toMatchObject({ holder: 'office', senderVerified: true });
    expect(await download(o.anna.ops, request.shareId, colleague.files[0] as (typeof colleague.files)[number])).toEqual(
      plaintext,
    );
    const unverified = await call(o.anna.ops, 'openSent', { share: views.detail });
    expect(unverified.senderVerified).toBe(false);
    const again = await call(o.anna.ops, 'showLink', {
      share: views.detail,
      sender: { certificate: o.els.listed.certificate, encryptionKeySignature: o.els.listed.encryptionKeySignature },
      recipientId: guest.recipientId,
    });
    expect(again).toMatchObject({ fragment: guest.fragment, checked: true });
    // Without the colleague's certificate the link is shown, but marked as not checked.
    const unchecked = await call(o.anna.ops, 'showLink', { share: views.detail, recipientId: guest.recipientId });
    expect(unchecked).toMatchObject({ fragment: guest.fragment, checked: false });
    // Without unlocked keys nothing opens.
    await expect(call(createOperations(o.deps), 'openSent', { share: views.detail })).rejects.toThrow('locked');
  });

  it('names a sent share for the list without keeping a file key, and refuses names the manifest does not sign', async () => {
    const server = fakeServer();
    const o = await office(server);
    const { views } = await sendShare(server, o);
    const named = await call(o.els.ops, 'sentNames', { share: views.detail });
    expect(named).toEqual({
      shareId: views.detail.shareId,
      names: ['loonstrook-2026-03.pdf', 'index.html'],
      message: 'Hierbij uw loonstrook.',
      missingFiles: 0,
      senderVerified: true,
    });
    // No key stays in the worker: a download of the named file is refused.
    const first = views.detail.files[0] as (typeof views.detail.files)[number];
    await expect(
      download(o.els.ops, views.detail.shareId, { fileId: first.fileId, containerSize: first.size }),
    ).rejects.toThrow('unknown_file');
    // A colleague names it with the office's copy.
    const colleague = await call(o.anna.ops, 'sentNames', {
      share: views.detail,
      sender: { certificate: o.els.listed.certificate, encryptionKeySignature: o.els.listed.encryptionKeySignature },
    });
    expect(colleague.names).toEqual(['loonstrook-2026-03.pdf', 'index.html']);
    // A server that swaps one file's sealed metadata for another's (a different name under a
    // key that opens it) is caught by the manifest's metadata hash; a flipped bit likewise.
    const [a, b] = views.detail.files as [typeof first, typeof first];
    const swapped = { ...views.detail, files: [{ ...a, sealedMetadata: b.sealedMetadata }, b] };
    await expect(call(o.els.ops, 'sentNames', { share: swapped })).rejects.toThrow('untrusted');
    const bytes = fromBase64Url(a.sealedMetadata);
    bytes[40] = (bytes[40] as number) ^ 1;
    const flipped = { ...views.detail, files: [{ ...a, sealedMetadata: toBase64Url(bytes) }, b] };
    await expect(call(o.els.ops, 'sentNames', { share: flipped })).rejects.toThrow('untrusted');
    // Keys swept: the list says how many are gone instead of a name.
    const swept = { ...views.detail, files: views.detail.files.map(({ keys: _keys, ...file }) => file) };
    expect(await call(o.els.ops, 'sentNames', { share: swept })).toMatchObject({ names: [], missingFiles: 2 });
    await expect(call(createOperations(o.deps), 'sentNames', { share: views.detail })).rejects.toThrow('locked');
  });

  it('a share signed in format 2 (before format 3) still shows its guest link again, checked over the raw code', async () => {
    const server = fakeServer();
    const o = await office(server);
    const { sealed, views } = await sendShare(server, o);
    const guest = sealed.guests[0] as (typeof sealed.guests)[number];
    const accessCode = guest.accessCode as string;
    const [officeFp, , secret] = guest.fragment.split('.') as [string, string, string];
    const shareId = idFromWire(views.detail.shareId);
    const recipientId = idFromWire(guest.recipientId);
    const linkSecret = fromBase64Url(secret, 32) as LinkSecret;
    // Carla, a member the office certified, signed this share in format 2, as browsers did
    // before format 3: the guest's entry commits to S and the raw access code.
    const signer = newAccountKeys();
    const signerId = newId();
    const encryptionKeySignature = toBase64Url(signEncryptionKey(signerId, signer));
    const certified = await call(o.els.ops, 'certifyMember', {
      member: {
        userId: idToWire(signerId),
        email: 'carla@kantoor-jansen.nl',
        role: 'staff',
        identityPublicKey: toBase64Url(signer.identity.publicKey),
        encryptionPublicKey: toBase64Url(signer.encryption.publicKey),
        encryptionKeySignature,
      },
      currentVersion: 0,
    });
    const genuine = decodeManifest(
      openSigned(fromBase64Url(views.detail.manifest), fromBase64Url(o.els.listed.identityPublicKey)),
    );
    const formatTwo = signManifest(
      {
        ...genuine,
        format: 2,
        senderId: signerId,
        senderIdentityPublicKey: signer.identity.publicKey,
        recipients: genuine.recipients.map((r) =>
          r.kind === 'guest' && idToWire(r.recipientId) === guest.recipientId
            ? { ...r, linkCommitment: linkCommitmentV2({ shareId, recipientId }, { linkSecret, accessCode }) }
            : r,
        ),
      },
      signer.identity,
    );
    const officeCopy = (record: { linkSecret: LinkSecret; accessCode: string }) =>
      views.detail.linkSecrets.map((s) =>
        s.recipientId === guest.recipientId
          ? {
              ...s,
              office: toBase64Url(
                sealLinkSecret(
                  { shareId, recipientId, holderId: idFromWire(o.officeRef.officeId) },
                  record,
                  fromBase64Url(o.officeRef.encryptionPublicKey),
                ),
              ),
            }
          : s,
      );
    const detail = { ...views.detail, senderId: idToWire(signerId), manifest: toBase64Url(formatTwo) };
    const sender = { certificate: certified.certificate, encryptionKeySignature };
    const shown = await call(o.anna.ops, 'showLink', {
      share: { ...detail, linkSecrets: officeCopy({ linkSecret, accessCode }) },
      sender,
      recipientId: guest.recipientId,
    });
    expect(shown).toEqual({
      fragment: `${officeFp}.${toBase64Url(identityFingerprint(signer.identity.publicKey))}.${secret}`,
      accessCode,
      checked: true,
    });
    // Another S sealed by the server does not match the format-2 commitment either.
    await expect(
      call(o.anna.ops, 'showLink', {
        share: { ...detail, linkSecrets: officeCopy({ linkSecret: newLinkSecret(), accessCode }) },
        sender,
        recipientId: guest.recipientId,
      }),
    ).rejects.toThrow('link_changed');
  });

  it('stops when a pinned key changed, until the sender confirms the new fingerprint', async () => {
    const server = fakeServer();
    const o = await office(server);
    const pins = pinStore();
    const before = await checkAndPin(o, o.els, pins, [o.bob.listed]);
    // Bob's account was reset: new keys, certified again by the office.
    const newBob = await o.member(o.bob.email, o.bob.name, 'client', o.bob.userId, 1);
    const check = await checkAndPin(o, o.els, pins, [newBob.listed]);
    expect(check.accounts[0]).toMatchObject({
      check: 'verified',
      pin: 'changed',
      pinnedFingerprint: before.accounts[0]?.fingerprint,
    });
    expect(check.accounts[0]?.fingerprint).not.toBe(before.accounts[0]?.fingerprint);
    const file = await upload(o.els, randomBytes(1000));
    const seal = () =>
      call(o.els.ops, 'sealShare', {
        files: [{ fileId: file.fileId, name: 'a.txt', type: 'text/plain', lastModified: 0 }],
        accounts: [{ userId: o.bob.userId }],
        guests: [],
        expiresAt: EXPIRES,
        receiptMail: false,
      });
    await expect(seal()).rejects.toThrow('key_changed');
    const confirmed = await call(o.els.ops, 'confirmPin', { subject: 'user', subjectId: o.bob.userId });
    pins.put('user', o.bob.userId, confirmed.envelope);
    const sealed = await seal();
    expect(sealed.accounts).toHaveLength(1);
    const after = await call(o.els.ops, 'checkKeys', {
      index: null,
      seen: {},
      accounts: [newBob.listed],
      pins: pins.list(),
      office: o.officeKeys,
    });
    expect(after.accounts[0]?.pin).toBe('same');
    // An unchecked account, and a file never uploaded here, are refused.
    await expect(
      call(o.els.ops, 'sealShare', {
        files: [{ fileId: file.fileId, name: 'a', type: '', lastModified: 0 }],
        accounts: [{ userId: o.anna.userId }],
        guests: [],
        expiresAt: EXPIRES,
        receiptMail: false,
      }),
    ).rejects.toThrow('keys_untrusted');
    await call(o.els.ops, 'forgetFiles', { fileIds: [file.fileId] });
    await expect(seal()).rejects.toThrow('unknown_file');
  });
});

/** A signed manifest (base64url) with the "3" of its tag coffer/v3/share-manifest turned into a "2". */
function retaggedAsFormat2(manifest: string): string {
  const bytes = fromBase64Url(manifest).slice();
  // Envelope header (4), body length (4), tag length (4), then "coffer/v".
  const at = 12 + 'coffer/v'.length;
  if (bytes[at] !== '3'.charCodeAt(0)) throw new Error('expected a format-3 manifest');
  bytes[at] = '2'.charCodeAt(0);
  return toBase64Url(bytes);
}

/** A signed manifest with one bit of a guest's link commitment flipped, the signature left as it was. */
function withGuestCommitmentFlipped(manifest: string): string {
  const bytes = fromBase64Url(manifest).slice();
  const guest = decodeManifest(bytes.subarray(8, -64)).recipients.find((r) => r.kind === 'guest');
  if (guest?.kind !== 'guest' || guest.linkCommitment === undefined) throw new Error('expected a link commitment');
  const at = lastIndexOf(bytes, guest.linkCommitment);
  bytes[at] = (bytes[at] as number) ^ 1;
  return toBase64Url(bytes);
}

function lastIndexOf(haystack: Uint8Array, needle: Uint8Array): number {
  for (let i = haystack.length - needle.length; i >= 0; i--) {
    if (needle.every((byte, j) => haystack[i + j] === byte)) return i;
  }
  throw new Error('not found');
}
