// The crypto worker's sending and receiving (client/src/crypto/operations/sending.ts, receiving.ts, upload.ts,
// download.ts), run in Node with the real libsodium against an in-memory server that fails on
// purpose: keys checked against the office and the pins, a streamed upload that survives
// dropped connections and lost answers, the share request, and each kind of recipient
// opening and downloading it, with the refusals that protect them when the server lies.
import { beforeAll, describe, expect, it } from 'vitest';
import { fromBase64Url, ready, toBase64Url } from '../../shared/crypto/index.js';
import { ShareCreateRequest, type ShareDetail, type ShareForRecipient } from '../../shared/wire/shares.js';
import { createOperations, type Handlers } from '../../client/src/crypto/operations';
import type { RequestOf, TransferProgress } from '../../client/src/crypto/protocol';
import { fakeServer, type FakeServer } from './support/fake-server';
import { call, checkAndPin, office, pinStore, randomBytes, upload, type Office, type Person } from './support/office';

beforeAll(async () => {
  await ready();
});

/** The server's side of a share: what each recipient and the sender get back. */
function serverViews(o: Office, server: FakeServer, sender: Person, request: ShareCreateRequest) {
  const uploadOf = new Map(request.files.map((file) => [file.fileId, file.uploadId]));
  for (const file of request.files) server.serve(`/api/v1/files/${file.fileId}`, server.container(file.uploadId));
  const sizeOf = (fileId: string) => server.container(uploadOf.get(fileId) as string).length;
  const forRecipient = (recipientId: string): ShareForRecipient => {
    const recipient = request.recipients.find((r) => r.recipientId === recipientId);
    if (!recipient) throw new Error('no such recipient');
    return {
      shareId: request.shareId,
      recipientId,
      manifest: request.manifest,
      sender: {
        userId: sender.userId,
        name: sender.name,
        certificate: sender.listed.certificate,
        encryptionKeySignature: sender.listed.encryptionKeySignature,
      },
      office: {
        officeId: o.officeRef.officeId,
        name: 'Kantoor Jansen',
        signingPublicKey: o.officeRef.signingPublicKey,
      },
      expiresAt: request.expiresAt,
      downloadsLeft: null,
      files: request.files.map((file) => ({
        fileId: file.fileId,
        size: sizeOf(file.fileId),
        sealedMetadata: file.sealedMetadata,
        key:
          recipient.kind === 'guest'
            ? (recipient.keys.find((k) => k.fileId === file.fileId)?.wrapped ?? '')
            : (recipient.keys.find((k) => k.fileId === file.fileId)?.sealed ?? ''),
      })),
    };
  };
  const detail: ShareDetail = {
    shareId: request.shareId,
    senderId: sender.userId,
    senderName: sender.name,
    createdAt: new Date().toISOString(),
    expiresAt: request.expiresAt,
    state: 'active',
    downloadLimit: request.downloadLimit ?? null,
    downloadsUsed: 0,
    fileCount: request.files.length,
    recipients: [],
    manifest: request.manifest,
    files: request.files.map((file) => ({
      fileId: file.fileId,
      size: sizeOf(file.fileId),
      sealedMetadata: file.sealedMetadata,
      keys: file.keys,
    })),
    linkSecrets: request.recipients.flatMap((r) =>
      r.kind === 'guest' ? [{ recipientId: r.recipientId, ...r.linkSecret }] : [],
    ),
  };
  return { forRecipient, detail };
}

async function download(
  ops: Handlers,
  shareId: string,
  file: { fileId: string; containerSize: number },
  grant?: string,
): Promise<Uint8Array> {
  const answer = await call(ops, 'downloadFile', {
    shareId,
    fileId: file.fileId,
    url: `/api/v1/files/${file.fileId}`,
    containerSize: file.containerSize,
    sink: { kind: 'blob' },
    ...(grant ? { grant } : {}),
  });
  return new Uint8Array(await (answer.blob as Blob).arrayBuffer());
}

const EXPIRES = new Date(Date.now() + 7 * 86_400_000).toISOString();

describe('sending', () => {
  it('checks recipients against the office and pins first-seen keys; a pinned key is the same next time', async () => {
    const server = fakeServer();
    const o = await office(server);
    const pins = pinStore();
    const first = await checkAndPin(o, o.els, pins, [o.bob.listed, o.anna.listed]);
    expect(first.office.pin).toBe('new');
    expect(first.accounts.map((a) => [a.check, a.pin])).toEqual([
      ['verified', 'new'],
      ['verified', 'new'],
    ]);
    expect(first.accounts[0]?.fingerprint).toMatch(/^\d{5}( \d{5}){5}$/);
    const again = await call(o.els.ops, 'checkKeys', {
      accounts: [o.bob.listed],
      pins: pins.list(),
      office: o.officeKeys,
    });
    expect([again.office.pin, again.accounts[0]?.pin]).toEqual(['same', 'same']);
    expect(again.accounts[0]?.envelope).toBeUndefined();
  });

  it('flags keys the office did not certify for that person and address', async () => {
    const server = fakeServer();
    const o = await office(server);
    const checks = await call(o.els.ops, 'checkKeys', {
      accounts: [
        // Anna's certified keys offered as Bob's
        { ...o.anna.listed, userId: o.bob.userId, email: o.bob.email },
        // Bob's certificate, but the server names another address
        { ...o.bob.listed, email: 'someone@else.nl' },
        // swapped encryption key
        { ...o.bob.listed, encryptionPublicKey: o.anna.listed.encryptionPublicKey },
      ],
      pins: [],
      office: o.officeKeys,
    });
    expect(checks.accounts.map((a) => a.check)).toEqual(['failed', 'failed', 'failed']);
    // An office encryption key the office did not sign is refused outright.
    await expect(
      call(o.els.ops, 'checkKeys', {
        accounts: [],
        pins: [],
        office: { ...o.officeKeys, encryptionPublicKey: o.bob.listed.encryptionPublicKey },
      }),
    ).rejects.toThrow('keys_untrusted');
  });

  it('uploads in parts, two at a time, through dropped connections, server errors and lost answers', async () => {
    const server = fakeServer(64 * 1024);
    const o = await office(server);
    const plaintext = randomBytes(700_000);
    server.partFaults.set(1, ['network']);
    server.partFaults.set(2, ['server-error', 'server-error']);
    server.partFaults.set(4, ['lost-answer']);
    const progress: TransferProgress[] = [];
    const uploaded = await upload(o.els, plaintext, progress);
    const stored = server.uploads.get(uploaded.uploadId);
    expect(stored?.completed).toBe(true);
    expect(uploaded.size).toBe(plaintext.length);
    expect(server.stats.maxConcurrentPuts).toBeLessThanOrEqual(2);
    expect(server.stats.maxConcurrentPuts).toBe(2);
    // The part whose answer was lost was found on the server, not sent again.
    expect(server.stats.statusChecks).toBeGreaterThan(0);
    expect(progress.some((p) => p.phase === 'retrying')).toBe(true);
    expect(progress.at(-1)).toMatchObject({ phase: 'verifying', percent: 100 });
    const percents = progress.filter((p) => p.phase !== 'retrying').map((p) => p.percent);
    expect([...percents].sort((a, b) => a - b)).toEqual(percents);
  });

  it('cancels an upload and removes it from the server', async () => {
    const server = fakeServer(64 * 1024);
    const o = await office(server);
    const controller = new AbortController();
    const running = call(
      o.els.ops,
      'uploadFile',
      { file: new Blob([randomBytes(600_000) as BlobPart]) },
      { signal: controller.signal, transfer: () => controller.abort() },
    );
    await expect(running).rejects.toThrow('cancelled');
    expect(server.uploads.size).toBe(1);
    expect([...server.uploads.values()].every((u) => u.deleted)).toBe(true);
  });

  it('gives up after the retry window when the server stays away', async () => {
    const server = fakeServer(64 * 1024);
    const o = await office(server);
    server.partFaults.set(
      0,
      Array.from({ length: 100 }, () => 'network' as const),
    );
    await expect(upload(o.els, randomBytes(100_000))).rejects.toThrow('network');
  });
});

describe('a share to a guest, a client and a colleague', () => {
  async function sendShare(server: FakeServer, o: Office) {
    const pins = pinStore();
    await checkAndPin(o, o.els, pins, [o.bob.listed]);
    const plaintext = randomBytes(300_000);
    const second = new TextEncoder().encode('<html><script>alert(1)</script></html>');
    const a = await upload(o.els, plaintext);
    const b = await upload(o.els, second);
    const sealed = await call(o.els.ops, 'sealShare', {
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
    return { pins, plaintext, second, sealed, request, views: serverViews(o, server, o.els, request) };
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
      const secret = guest.fragment.split('.')[1] as string;
      expect(body).not.toContain(secret);
      expect(body).not.toContain(toBase64Url(fromBase64Url(secret)));
      if (guest.accessCode) expect(body).not.toContain(guest.accessCode.replaceAll('-', ''));
    }
    expect(body).not.toContain('loonstrook');
    expect(body).not.toContain('Hierbij');
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

    await expect(
      call(browser, 'openGuest', {
        recipientId: guest.recipientId,
        fragment: guest.fragment,
        serverHalf: recipient.serverHalf,
        share,
      }),
    ).rejects.toThrow('wrong_access_code');
    await expect(
      call(browser, 'openGuest', {
        recipientId: guest.recipientId,
        fragment: guest.fragment,
        accessCode: 'AAAA-BBBB-CCCC',
        serverHalf: recipient.serverHalf,
        share,
      }),
    ).rejects.toThrow('wrong_access_code');
    await expect(
      call(browser, 'openGuest', {
        recipientId: guest.recipientId,
        fragment: guest.fragment,
        accessCode: 'too short',
        serverHalf: recipient.serverHalf,
        share,
      }),
    ).rejects.toThrow('bad_access_code');

    // Typed as a person would: lower case, spaces instead of hyphens.
    const typed = (guest.accessCode as string).toLowerCase().replaceAll('-', ' ');
    const opened = await call(browser, 'openGuest', {
      recipientId: guest.recipientId,
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
        recipientId: guest.recipientId,
        fragment: guest.fragment,
        serverHalf: recipient.serverHalf,
        share,
        ...changes,
      });

    const [, secret] = guest.fragment.split('.');
    await expect(open({ fragment: `${toBase64Url(new Uint8Array(32))}.${secret}` })).rejects.toThrow('untrusted');
    await expect(open({ fragment: 'not-a-fragment' })).rejects.toThrow('bad_link');
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
      recipientId: guest.recipientId,
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
    const secrets = views.detail.linkSecrets.find((s) => s.recipientId === guest.recipientId);
    const shown = await call(o.els.ops, 'showLink', {
      shareId: request.shareId,
      senderId: o.els.userId,
      recipientId: guest.recipientId,
      sealed: { sender: secrets?.sender as string, office: secrets?.office as string },
    });
    expect(shown).toEqual({ fragment: guest.fragment, accessCode: guest.accessCode });

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
      shareId: request.shareId,
      senderId: o.els.userId,
      recipientId: guest.recipientId,
      sealed: { sender: secrets?.sender as string, office: secrets?.office as string },
    });
    expect(again.fragment).toBe(guest.fragment);
    // Without unlocked keys nothing opens.
    await expect(call(createOperations(o.deps), 'openSent', { share: views.detail })).rejects.toThrow('locked');
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
