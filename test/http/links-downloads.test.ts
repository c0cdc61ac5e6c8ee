// A guest's link, downloads: the grant, the limit under concurrency, Range (206, 416) counted
// once per grant, the headers, the sender's receipt, and an expired share.
import { createServer, get as httpGet } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { idToWire, newId } from '../../shared/crypto/index.js';
import { ShareDetail, type ErrorBody } from '../../shared/wire/index.js';
import { guestPlan, makeFile, randomPlaintext, type GuestPlan } from '../helpers/browser-shares.js';
import { TEST_ORIGIN } from '../helpers/app.js';
import { tab } from '../helpers/client.js';
import { expectError } from '../helpers/expect.js';
import { fetchFile, guestFilePath, guestVerifies, sendShare } from '../helpers/sharing.js';
import { linksSuite, HOUR_MS, linkPath, requestCode, verify } from './support/links.js';

const { setUp } = linksSuite();

describe('downloads', () => {
  it('sends the container as an attachment named by its id, never sniffed or cached', async () => {
    const { s, guest, fileId, sent } = await setUp();
    const { grant } = await guestVerifies(s.t.app, s.mail, guest);
    const res = await fetchFile(s.t.app, guestFilePath(guest, fileId), grant);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/octet-stream');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="${fileId}.coffer"`);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['accept-ranges']).toBe('bytes');
    expect(Number(res.headers['content-length'])).toBe(sent.files[0]!.container.length);
    expect(Buffer.compare(res.body as Buffer, Buffer.from(sent.files[0]!.container))).toBe(0);
    // An unknown file of this share is 404.
    expectError(await fetchFile(s.t.app, guestFilePath(guest, newId()), grant), 404, 'not_found');
  });

  it('answers Range with 206 and Content-Range, 416 past the end, and counts a resumed download once', async () => {
    const { s, guest, fileId, sent } = await setUp({ downloadLimit: 2, files: [makeFile(randomPlaintext(300_000))] });
    const container = Buffer.from(sent.files[0]!.container);
    const size = container.length;
    const { grant } = await guestVerifies(s.t.app, s.mail, guest);
    const path = guestFilePath(guest, fileId);
    // A download broken off after 100 000 bytes, resumed from there, then the tail again.
    const first = await fetchFile(s.t.app, path, grant, { range: 'bytes=0-99999' });
    expect(first.status).toBe(206);
    expect(first.headers['content-range']).toBe(`bytes 0-99999/${size}`);
    expect(first.headers['content-length']).toBe('100000');
    const rest = await fetchFile(s.t.app, path, grant, { range: 'bytes=100000-' });
    expect(rest.status).toBe(206);
    expect(rest.headers['content-range']).toBe(`bytes 100000-${size - 1}/${size}`);
    expect(Buffer.concat([first.body as Buffer, rest.body as Buffer])).toEqual(container);
    const suffix = await fetchFile(s.t.app, path, grant, { range: 'bytes=-17' });
    expect(suffix.status).toBe(206);
    expect(suffix.body).toEqual(container.subarray(size - 17));
    // Past the end: 416 with the size; several ranges: the whole file.
    const beyond = await fetchFile(s.t.app, path, grant, { range: `bytes=${size}-` });
    expectError(beyond, 416, 'bad_request');
    expect(beyond.headers['content-range']).toBe(`bytes */${size}`);
    const multi = await fetchFile(s.t.app, path, grant, { range: 'bytes=0-1,5-6' });
    expect(multi.status).toBe(200);
    // HEAD checks and counts nothing.
    const head = await request(s.t.app).head(path).set('Authorization', `Bearer ${grant}`).set('Range', 'bytes=0-9');
    expect(head.status).toBe(206);
    expect(head.headers['content-range']).toBe(`bytes 0-9/${size}`);
    // All of that under one grant counted one download.
    expect(ShareDetail.parse((await s.admin.tab.get(`/api/v1/shares/${sent.shareId}`)).body).downloadsUsed).toBe(1);
  });

  it('streams a container of several MiB whole and from an odd offset byte for byte; a client that hangs up mid-way ends only its own answer', async () => {
    // Larger than the few fixed buffers a download cycles through (server/kernel/download.ts).
    const { s, guest, fileId, sent } = await setUp({ files: [makeFile(randomPlaintext(3 * 1024 * 1024 + 12_345))] });
    const container = Buffer.from(sent.files[0]!.container);
    const { grant } = await guestVerifies(s.t.app, s.mail, guest);
    const path = guestFilePath(guest, fileId);

    const server = createServer(s.t.app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      // Hangs up after the first bytes arrive.
      const cut = await new Promise<number>((resolve, reject) => {
        const req = httpGet(
          { host: '127.0.0.1', port, path, headers: { Authorization: `Bearer ${grant}`, Origin: TEST_ORIGIN } },
          (res) => {
            res.once('data', (chunk: Buffer) => {
              req.destroy();
              resolve(chunk.length);
            });
          },
        );
        req.on('error', (error) => (req.destroyed ? undefined : reject(error)));
      });
      expect(cut).toBeGreaterThan(0);
      expect(cut).toBeLessThan(container.length);

      const whole = await fetchFile(s.t.app, path, grant);
      expect(whole.status).toBe(200);
      expect(Buffer.compare(whole.body as Buffer, container)).toBe(0);
      const from = 1_000_003;
      const tail = await fetchFile(s.t.app, path, grant, { range: `bytes=${from}-` });
      expect(tail.status).toBe(206);
      expect(tail.headers['content-length']).toBe(String(container.length - from));
      expect(Buffer.compare(tail.body as Buffer, container.subarray(from))).toBe(0);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('counts a limit per recipient: with a limit of 1 two guests each download once, and each is refused a second time', async () => {
    const guests = [guestPlan('een@example.nl'), guestPlan('twee@example.nl')];
    const { s, fileId, sent } = await setUp({ guests, downloadLimit: 1 });
    const [first, second] = guests as [GuestPlan, GuestPlan];
    const firstGrant = (await guestVerifies(s.t.app, s.mail, first)).grant;
    expect((await fetchFile(s.t.app, guestFilePath(first, fileId), firstGrant)).status).toBe(200);
    // The first guest used theirs: a new grant is refused, their link says so, no new code.
    expectError(await tab(s.t.app).get(linkPath(first)), 410, 'share_used_up');
    expectError(await tab(s.t.app).post(linkPath(first, '/code'), {}), 410, 'share_used_up');
    let detail = ShareDetail.parse((await s.admin.tab.get(`/api/v1/shares/${sent.shareId}`)).body);
    expect(detail.state).toBe('active');
    // The second guest is not shut out by the first.
    expect((await tab(s.t.app).get(linkPath(second))).status).toBe(200);
    const secondGrant = (await guestVerifies(s.t.app, s.mail, second)).grant;
    expect((await fetchFile(s.t.app, guestFilePath(second, fileId), secondGrant)).status).toBe(200);
    expectError(await tab(s.t.app).get(linkPath(second)), 410, 'share_used_up');
    // The sender sees each recipient's count; the share is used up once both are.
    detail = ShareDetail.parse((await s.admin.tab.get(`/api/v1/shares/${sent.shareId}`)).body);
    expect(detail).toMatchObject({ downloadLimit: 1, downloadsUsed: 2, state: 'used-up' });
    expect(detail.recipients.map((r) => r.downloadsUsed)).toEqual([1, 1]);
  });

  it("holds one recipient's limit of 1 under two parallel first downloads: exactly one succeeds; its grant may finish until it expires", async () => {
    const guest = guestPlan('een@example.nl');
    const other = guestPlan('twee@example.nl');
    const { s, fileId } = await setUp({ guests: [guest, other], downloadLimit: 1 });
    // Two grants of the same guest (two devices), both before either downloads.
    const grants = [(await guestVerifies(s.t.app, s.mail, guest)).grant];
    s.t.clock.advance(61_000);
    grants.push((await guestVerifies(s.t.app, s.mail, guest)).grant);
    const answers = await Promise.all(
      grants.map((grant) => fetchFile(s.t.app, guestFilePath(guest, fileId), grant, { range: 'bytes=0-999' })),
    );
    const statuses = answers.map((res) => res.status).sort();
    expect(statuses).toEqual([206, 410]);
    expectError(
      answers.find((res) => res.status === 410)!,
      410,
      'share_used_up',
    );
    const winner = answers.findIndex((res) => res.status === 206);
    // The winner resumes (Range) and fetches again: allowed, counted nothing more.
    expect(
      (await fetchFile(s.t.app, guestFilePath(guest, fileId), grants[winner], { range: 'bytes=1000-' })).status,
    ).toBe(206);
    expect((await fetchFile(s.t.app, guestFilePath(guest, fileId), grants[winner])).status).toBe(200);
    // The other recipient still may.
    const otherGrant = (await guestVerifies(s.t.app, s.mail, other)).grant;
    expect((await fetchFile(s.t.app, guestFilePath(other, fileId), otherGrant)).status).toBe(200);
    // Once the winning grant expired, it is over for it too.
    s.t.clock.advance(HOUR_MS + 1000);
    expectError(await fetchFile(s.t.app, guestFilePath(guest, fileId), grants[winner]), 401, 'grant_invalid');
  });

  it('mails the sender a receipt on a recipient’s first download, without names', async () => {
    const { s, guest, fileId } = await setUp({
      receiptMail: true,
      files: [makeFile(randomPlaintext(100), { name: 'belastingaangifte.pdf' })],
    });
    const { grant } = await guestVerifies(s.t.app, s.mail, guest);
    const before = s.mail.to('anna@kantoor.example').length;
    expect((await fetchFile(s.t.app, guestFilePath(guest, fileId), grant)).status).toBe(200);
    await expect.poll(() => s.mail.to('anna@kantoor.example').length).toBe(before + 1);
    const receipt = await s.mail.latest('anna@kantoor.example');
    expect(receipt.subject).toMatch(/gedownload|downloaded/);
    expect(receipt.text).not.toContain('belastingaangifte');
    expect(receipt.text).not.toContain(guest.email);
    // A second grant's download is not a first download: no second receipt.
    const again = await guestVerifies(s.t.app, s.mail, guest);
    expect((await fetchFile(s.t.app, guestFilePath(guest, fileId), again.grant)).status).toBe(200);
    // The download does not wait for its receipt, but hands it to the mailer before answering:
    // once the mailer has nothing under way, a second receipt would be in the mailbox.
    await s.t.mailSettled();
    expect(s.mail.to('anna@kantoor.example').length).toBe(before + 1);
  });

  it('answers 410 to the link holder once the share expired, and 404 to a stranger', async () => {
    const { s, guest, fileId } = await setUp({ expiresInMs: 2 * HOUR_MS });
    const { grant } = await guestVerifies(s.t.app, s.mail, guest);
    s.t.clock.advance(2 * HOUR_MS);
    expectError(await tab(s.t.app).get(linkPath(guest)), 410, 'share_expired');
    expectError(await requestCode(s, guest), 410, 'share_expired');
    expectError(await verify(s, guest, '123456'), 410, 'share_expired');
    expectError(await tab(s.t.app).get(`/api/v1/links/${idToWire(newId())}`), 404, 'not_found');
    // The grant has expired by now as well.
    expectError(await fetchFile(s.t.app, guestFilePath(guest, fileId), grant), 401, 'grant_invalid');
  });

  it('tells the link holder of an ended share whom to ask: the sender while a member, else only the office', async () => {
    const { s } = await setUp();
    const guest = guestPlan('klant.vraag@example.nl');
    const sent = await sendShare(s, s.staff, { guests: [guest] });
    expect((await s.staff.tab.post(`/api/v1/shares/${sent.shareId}/revoke`, {})).status).toBe(204);
    const revoked = await tab(s.t.app).get(linkPath(guest));
    expectError(revoked, 410, 'share_revoked');
    expect((revoked.body as ErrorBody).error.contact).toEqual({
      office: 'Administratiekantoor De Boer',
      sender: 'Bram Jansen',
    });
    // The sender leaves the office: the page names only the office, never the leaver.
    const disabled = await s.admin.tab.post(`/api/v1/admin/users/${idToWire(s.staff.account.userId)}/disable`, {});
    expect(disabled.status, JSON.stringify(disabled.body)).toBe(204);
    const afterLeaving = await tab(s.t.app).get(linkPath(guest));
    expectError(afterLeaving, 410, 'share_revoked');
    expect((afterLeaving.body as ErrorBody).error.contact).toEqual({ office: 'Administratiekantoor De Boer' });
    // A stranger with an unknown id learns nothing, not even the office.
    const unknown = await tab(s.t.app).get(`/api/v1/links/${idToWire(newId())}`);
    expectError(unknown, 404, 'not_found');
    expect((unknown.body as ErrorBody).error.contact).toBeUndefined();
  });
});
