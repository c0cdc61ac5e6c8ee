// Notification mails go through the queue (server/kernel/mail/queue.ts): a share to three colleagues
// answers at once while the mail server accepts connections and never greets, the sender's page
// shows the mails as "sending", and they are delivered once the mail server is back. A mail whose
// retries run out shows "not delivered". Nothing sleeps: tests wait on the queue.
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ready } from '../../shared/crypto/index.js';
import { ShareDetail } from '../../shared/wire/index.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { startMailServer, type MailServer } from '../helpers/mail-server.js';
import { approve, inviteAndAccept, setUpOffice, type Member, type Office } from '../helpers/office.js';
import { sendShare } from '../helpers/sharing.js';
import { removeTempDirs } from '../helpers/tmp.js';

const COLLEAGUES = ['bram@kantoor.example', 'carla@kantoor.example', 'daan@kantoor.example'];

/** A raw TCP server on 127.0.0.1 that does `onConnect` with every connection (hold it, or cut it). */
async function fakeSmtp(port: number, onConnect: (socket: Socket) => void) {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    onConnect(socket);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => sockets.size,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

const apps: TestApp[] = [];
const servers: { close(): Promise<void> }[] = [];
beforeAll(ready);
afterEach(async () => {
  for (const t of apps.splice(0)) t.close();
  for (const server of servers.splice(0)) await server.close();
});
afterAll(removeTempDirs);

/** An office with three approved colleagues, mailing through a real SMTP server on a port of its own. */
async function officeWithColleagues(
  retryDelaysMs: readonly number[] = Array.from({ length: 30 }, () => 200),
): Promise<{ o: Office; colleagues: Member[]; mail: MailServer }> {
  const mail = await startMailServer();
  servers.push(mail);
  const t = await createTestApp({
    env: { ...mail.env, MAIL_TIMEOUT_SECONDS: '1' },
    mailRetryDelaysMs: retryDelaysMs,
  });
  apps.push(t);
  const o = await setUpOffice(t, mail);
  const colleagues: Member[] = [];
  for (const [i, email] of COLLEAGUES.entries()) {
    const member = await inviteAndAccept(o, email, 'staff', undefined, `Collega ${i + 1}`);
    await approve(o, member);
    colleagues.push(member);
  }
  return { o, colleagues, mail };
}

const detail = async (o: Office, shareId: string) =>
  ShareDetail.parse((await o.admin.tab.get(`/api/v1/shares/${shareId}`)).body);

describe('the mail queue', () => {
  it('answers a share to three colleagues at once while the mail server hangs, and delivers once it is back', async () => {
    const { o, colleagues, mail } = await officeWithColleagues();
    // The mail server goes away; in its place something accepts and never greets.
    const port = mail.port;
    await mail.close();
    servers.splice(servers.indexOf(mail), 1);
    const hanging = await fakeSmtp(port, () => {});
    servers.push(hanging);

    const started = Date.now();
    const sent = await sendShare(o, o.admin, { accounts: colleagues, guests: [] });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(sent.res.body).toEqual({ shareId: sent.shareId, undelivered: [] });
    expect(hanging.connections()).toBeGreaterThan(0);

    // The sender's page: sending, not failed.
    const pending = await detail(o, sent.shareId);
    expect(pending.recipients.map((r) => [r.email, r.deliveryFailed, r.deliverySending])).toEqual(
      COLLEAGUES.map((email) => [email, false, true]),
    );

    // The mail server comes back on the same port.
    await hanging.close();
    servers.splice(servers.indexOf(hanging), 1);
    const back = await startMailServer(port);
    servers.push(back);
    await o.t.mailQueue.idle();

    for (const email of COLLEAGUES) {
      // (The last approval notice may have waited in the queue too.)
      const messages = back.to(email).filter((m) => m.text?.includes(`/app/received/${sent.shareId}`));
      expect(messages, email).toHaveLength(1);
    }
    const delivered = await detail(o, sent.shareId);
    expect(delivered.recipients.map((r) => [r.email, r.deliveryFailed, r.deliverySending])).toEqual(
      COLLEAGUES.map((email) => [email, false, undefined]),
    );
    expect(o.t.db.prepare('SELECT count(*) FROM mail_queue').pluck().get()).toBe(0);
    // Logged by class, never with an address.
    expect(o.t.logs.text()).toContain('mail delivery failed');
    for (const email of COLLEAGUES) expect(o.t.logs.text()).not.toContain(email);
  }, 30_000);

  it('shows "not delivered" once the retries ran out, and deletes the row', async () => {
    const { o, colleagues, mail } = await officeWithColleagues([50, 50]);
    const port = mail.port;
    await mail.close();
    servers.splice(servers.indexOf(mail), 1);
    // Every connection is cut at once: a failure worth retrying, over and over.
    const cutting = await fakeSmtp(port, (socket) => socket.destroy());
    servers.push(cutting);

    const sent = await sendShare(o, o.admin, { accounts: colleagues.slice(0, 1), guests: [] });
    await o.t.mailQueue.runNow();
    await o.t.mailQueue.idle();
    const after = await detail(o, sent.shareId);
    expect(after.recipients.map((r) => [r.deliveryFailed, r.deliverySending])).toEqual([[true, undefined]]);
    expect(o.t.db.prepare('SELECT count(*) FROM mail_queue').pluck().get()).toBe(0);
  }, 30_000);
});
