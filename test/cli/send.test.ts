// `coffer send` against the real server: a file read from disk in parts reaches a guest who opens
// the link Coffer mailed (the access code given by phone) with the browser's own operations, and
// downloads exactly its bytes; a contact with a standing access code gets the link from Coffer and
// opens it with that code; a guest without an access code gets no mail from Coffer and the
// link is printed for the sender; a colleague whose certified key changed since it was pinned
// stops the send with exit 3 before anything is uploaded; a share whose answer was lost counts
// as sent, once; `sent` lists a share and `revoke` takes the id it printed, even one beginning
// with '-', and counts a revoke whose answer was lost as done once the share reads as revoked.
import { writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SendOutcome } from '../../cli/send.js';
import { randomPlaintext } from '../helpers/browser-shares.js';
import { waitForMail } from '../helpers/mail-server.js';
import { withStaff, type SendingOffice } from '../helpers/sharing.js';
import { setUpOffice } from '../helpers/office.js';
import { httpSuite } from '../helpers/suite.js';
import { tempDir } from '../helpers/tmp.js';
import {
  adminGetsNewKeys,
  close,
  coffer,
  connectDevice,
  contactWithStandingCode,
  dropFirstAnswer,
  guestOpens,
  listen,
  sha256,
} from './support.js';

const suite = httpSuite();
const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await close(server);
});

async function sendingOffice() {
  // The expiry `coffer` asks for is counted from this computer's clock: the server's must agree.
  const t = await suite.app();
  t.clock.set(Date.now());
  const o = await withStaff(await setUpOffice(t, suite.mail));
  const { server, base } = await listen(o);
  servers.push(server);
  return { o, base, home: (await connectDevice(o, o.staff, base)).home };
}

async function fileOnDisk(name: string, bytes: Uint8Array): Promise<string> {
  const path = join(await tempDir('coffer-cli-send-'), name);
  await writeFile(path, bytes);
  return path;
}

/** The guest opens the link from Coffer's mail, which must be the one `coffer` reported. */
async function guestOpensMailedLink(
  o: SendingOffice,
  base: string,
  guest: string,
  reported: string | undefined,
  accessCode: string,
): Promise<{ names: string[]; bytes: Uint8Array }> {
  const linkMail = await waitForMail(
    () => o.mail.to(guest).find((mail) => (mail.text ?? '').includes('/s/')),
    5_000,
    () => 'no link mail',
  );
  const match = /http:\/\/localhost:8080\/s\/[A-Za-z0-9_-]{22}#[A-Za-z0-9_.-]+/.exec(linkMail.text ?? '');
  expect(match?.[0]).toBe(reported);
  return guestOpens(o, base, guest, match?.[0] ?? '', accessCode);
}

describe('coffer send', () => {
  it('sends a file from disk; Coffer mails the link of a guest with an access code, who opens it and gets the same bytes', async () => {
    const { o, base, home } = await sendingOffice();
    const plaintext = randomPlaintext(3 * 1024 * 1024 + 12345);
    const path = await fileOnDisk('jaarrekening 2025.pdf', plaintext);
    const guest = 'piet@example.nl';

    const ran = await coffer(home, ['send', path, '--to', guest, '--code', '--expires', '3', '--json', '--lang', 'nl']);
    expect(ran.code, ran.stderr).toBe(0);
    const outcome = ran.json<SendOutcome>();
    expect(outcome.guests).toHaveLength(1);
    const sent = outcome.guests[0];
    expect(sent?.mailed).toBe(true);
    expect(sent?.accessCode).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$/);

    const got = await guestOpensMailedLink(o, base, guest, sent?.link, sent?.accessCode ?? '');
    expect(got.names).toEqual(['jaarrekening 2025.pdf']);
    expect(sha256(got.bytes)).toBe(sha256(plaintext));
  });

  it('counts a share whose answer was lost as sent: one share, its link mailed once, and it opens', async () => {
    const { o, base } = await sendingOffice();
    const { proxy, seen } = await dropFirstAnswer(o, base, servers, (method, url) =>
      method === 'POST' && url === '/api/v1/shares' ? 'share' : null,
    );
    const { home } = await connectDevice(o, o.staff, proxy);
    const plaintext = randomPlaintext(40_000);
    const path = await fileOnDisk('loonstrook.pdf', plaintext);
    const guest = 'kees@example.nl';
    const sharesBefore = (o.t.db.prepare('SELECT count(*) AS n FROM shares').get() as { n: number }).n;

    const ran = await coffer(home, ['send', path, '--to', guest, '--code', '--json']);
    expect(ran.code, ran.stderr).toBe(0);
    expect(seen).toEqual(['share dropped 201']);
    const sent = ran.json<SendOutcome>().guests[0];
    expect(sent?.mailed).toBe(true);
    expect((o.t.db.prepare('SELECT count(*) AS n FROM shares').get() as { n: number }).n).toBe(sharesBefore + 1);
    const got = await guestOpensMailedLink(o, base, guest, sent?.link, sent?.accessCode ?? '');
    expect(sha256(got.bytes)).toBe(sha256(plaintext));
    await o.t.mailSettled();
    expect(o.mail.to(guest).filter((mail) => (mail.text ?? '').includes('/s/'))).toHaveLength(1);
  });

  it("uses a contact's standing access code: Coffer mails the link and the contact opens it with the code they have", async () => {
    const { o, base, home } = await sendingOffice();
    const guest = 'anna@bakkerij-smit.example';
    const standing = await contactWithStandingCode(o, guest, 'Anna Smit', 'en');
    const plaintext = randomPlaintext(70_000);
    const path = await fileOnDisk('offerte.pdf', plaintext);

    const ran = await coffer(home, ['send', path, '--to', guest, '--json']);
    expect(ran.code, ran.stderr).toBe(0);
    const [sent] = ran.json<SendOutcome>().guests;
    expect(sent).toMatchObject({ mailed: true, standingCode: true });
    expect(sent?.accessCode).toBeUndefined();
    const got = await guestOpensMailedLink(o, base, guest, sent?.link, standing);
    expect(sha256(got.bytes)).toBe(sha256(plaintext));
  });

  it('prints the link of a guest without an access code for the sender to pass on, and Coffer mails nothing', async () => {
    const { o, home } = await sendingOffice();
    const path = await fileOnDisk('loonstrook.pdf', randomPlaintext(2000));
    const ran = await coffer(home, ['send', path, '--to', 'marie@example.nl']);
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout).toContain('marie@example.nl: send this link yourself:');
    expect(ran.stdout).toMatch(/\n {2}http:\/\/localhost:8080\/s\/[A-Za-z0-9_-]{22}#[A-Za-z0-9_.-]+\n/);
    await o.t.mailSettled();
    expect(o.mail.to('marie@example.nl').filter((mail) => (mail.text ?? '').includes('/s/'))).toEqual([]);
  });

  it('lists the shares it sent and revokes one by the id it printed, an id that begins with a dash as well', async () => {
    const { o, home } = await sendingOffice();
    const path = await fileOnDisk('loonstrook.pdf', randomPlaintext(2000));
    const sent = await coffer(home, ['send', path, '--to', 'marie@example.nl', '--json']);
    expect(sent.code, sent.stderr).toBe(0);
    const { shareId } = sent.json<SendOutcome>();
    const listed = await coffer(home, ['sent']);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`^${shareId} {2}active {3}.*marie@example\\.nl$`, 'm'));

    const revoked = await coffer(home, ['revoke', shareId, '--lang', 'nl']);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(revoked.stdout).toBe(`${shareId} ingetrokken.\n`);
    const after = await coffer(home, ['sent', '--json']);
    expect(after.json<{ shares: { shareId: string; state: string }[] }>().shares).toEqual([
      expect.objectContaining({ shareId, state: 'revoked' }),
    ]);

    // One id in 64 begins with '-': taken as the share (this one is not the office's), not as an option.
    const dashed = await coffer(home, ['revoke', `-${'Q'.repeat(21)}`, '--json']);
    expect(dashed.code).toBe(4);
    expect(dashed.json()).toMatchObject({ error: { code: 'not_found' } });
    expect(o.t.db.prepare('SELECT count(*) AS n FROM shares WHERE revoked_at IS NULL').get()).toEqual({ n: 0 });
  });

  it('counts a revoke whose answer was lost as done once the share reads as revoked', async () => {
    const { o, base } = await sendingOffice();
    const { proxy, seen } = await dropFirstAnswer(o, base, servers, (method, url) =>
      method === 'POST' && url.endsWith('/revoke') ? 'revoke' : null,
    );
    const { home } = await connectDevice(o, o.staff, proxy);
    const path = await fileOnDisk('loonstrook.pdf', randomPlaintext(2000));
    const sent = await coffer(home, ['send', path, '--to', 'marie@example.nl', '--json']);
    expect(sent.code, sent.stderr).toBe(0);
    const { shareId } = sent.json<SendOutcome>();

    const revoked = await coffer(home, ['revoke', shareId, '--json']);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(seen).toEqual(['revoke dropped 204']);
    expect(revoked.json()).toEqual({ revoked: shareId });
    expect(o.t.db.prepare('SELECT count(*) AS n FROM shares WHERE revoked_at IS NULL').get()).toEqual({ n: 0 });
  });

  it('stops before uploading when a colleague’s key changed since it was pinned', async () => {
    const { o, home } = await sendingOffice();
    const path = await fileOnDisk('notitie.txt', randomPlaintext(100));
    const admin = o.admin.account;
    const first = await coffer(home, ['send', path, '--to', admin.email, '--json']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.json<SendOutcome>().accounts).toEqual([
      expect.objectContaining({ email: admin.email, delivered: true }),
    ]);

    // The admin's keys are replaced by others the office certified (a reset): pinned before, so refused now.
    adminGetsNewKeys(o);
    const uploads = () => (o.t.db.prepare('SELECT count(*) AS n FROM uploads').get() as { n: number }).n;
    const before = uploads();
    const second = await coffer(home, ['send', path, '--to', admin.email, '--json']);
    expect(second.code).toBe(3);
    expect(second.json()).toMatchObject({ error: { code: 'key_changed' } });
    expect(second.stderr).toContain(`The key of ${admin.email} changed`);
    expect(uploads()).toBe(before);
  });
});
