// The world the authorization matrix (test/http/authorization.test.ts) runs in: one office with
// two sides, and the eleven kinds of caller. buildWorld fills the bindings below (the test file
// runs it in beforeAll), closeWorld ends it.
import { expect } from 'vitest';
import { GrantResponse, SessionList, UploadCreateResponse } from '../../../shared/wire/index.js';
import { ready } from '../../../shared/crypto/index.js';
import { createServices } from '../../../server/compose.js';
import { routeTable, type RouteSpec } from '../../../server/routes.js';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import { guestPlan, makeFile, randomPlaintext, type GuestPlan } from '../../helpers/browser-shares.js';
import { tab, type Tab } from '../../helpers/client.js';
import { dropUploads, makeDrop, proveAddress, uploadToDrop, type MadeDrop } from '../../helpers/drops.js';
import { startMailServer, type MailServer } from '../../helpers/mail-server.js';
import { approve, idOf, inviteAndAccept, setUpOffice, signIn, type Member, type Office } from '../../helpers/office.js';
import { guestVerifies, sendShare, uploadRequest, type SentShare } from '../../helpers/sharing.js';
import { removeTempDirs } from '../../helpers/tmp.js';
import { makeClient, personalDropOf, type ClientAccount } from '../../helpers/clients.js';
import { parseMatrix, type Actor, type MatrixRow } from '../authorization-matrix.js';

// ---- the world: two sides of one office, each with its own staff member, client, guest,
// share, uploads and drops

export interface Side {
  readonly staff: Member;
  readonly client: ClientAccount;
  /** Sent by the side's staff member to its client and to its guest. */
  readonly share: SentShare;
  readonly guest: GuestPlan;
  /** The guest's grant after the code (the gOth caller holds side 1's). */
  readonly guestGrant: string;
  /** The client's download grant for the share (the client caller carries it). */
  readonly clientGrant: string;
  /** A member upload of the staff member, not completed. */
  readonly memberUploadId: string;
  /** The staff member's own drop (bound to an outside address) with one submitted upload. */
  readonly drop: MadeDrop;
  readonly dropUploadId: string;
  readonly dropFileId: string;
  /** The client's personal drop, a portal grant for it, an unfinished upload and a submitted one. */
  readonly personalDropId: string;
  readonly personalGrant: string;
  readonly personalUploadId: string;
  readonly personalDropUploadId: string;
  /** The id of the staff member's session (in their own session list). */
  readonly sessionId: string;
}

export interface Caller {
  readonly tab: Tab;
  /** Sent as `Authorization: Bearer` on every request: a share grant, and on /api/v1/d/ a drop grant. */
  readonly grant?: string;
  readonly dropGrant?: string;
  /** Whose objects it aims at. */
  readonly target: Side;
  /** The caller's own side (for requests that name the caller's own object beside a foreign one). */
  readonly own?: Side;
  /** An office member: sees the office's objects, so the leak check does not apply. */
  readonly office: boolean;
}

export let mail: MailServer;

export let t: TestApp;

export let o: Office;

export let side1: Side;

let side2: Side;

export let callers: Record<Actor, Caller>;

export let table: readonly RouteSpec[];

export let rows: MatrixRow[];

export const OUTSIDE_UPLOADER = 'leverancier@example.nl';

async function buildSide(n: 1 | 2): Promise<Side> {
  const staff = await inviteAndAccept(o, `staf${n}@kantoor.example`, 'staff', undefined, `Staf ${n}`);
  await approve(o, staff);
  const client = await makeClient(o, staff, `klant${n}@example.nl`, `Klant ${n}`);
  const guest = guestPlan(`gast${n}@example.nl`);
  const share = await sendShare(o, staff, { accounts: [client], guests: [guest] });
  const guestGrant = (await guestVerifies(t.app, mail, guest)).grant;
  const clientGrant = GrantResponse.parse(
    (await client.tab.post(`/api/v1/received/${share.shareId}/grant`, {})).body,
  ).grant;
  const created = await staff.tab.post('/api/v1/uploads', { size: 1000 });
  expect(created.status).toBe(201);
  const drop = await makeDrop(o, staff, { email: OUTSIDE_UPLOADER });
  const uploaderGrant = await proveAddress(t.app, mail, drop.dropId, OUTSIDE_UPLOADER);
  const submitted = await uploadToDrop(t.app, drop, uploaderGrant, [makeFile(randomPlaintext(3000))]);
  const personal = await personalDropOf(o, client);
  const unfinished = await uploadRequest(client.tab, 'post', '', dropUploads(personal.dropId, personal.grant), {
    size: 1000,
  });
  expect(unfinished.status).toBe(201);
  const sessions = await staff.tab.get('/api/v1/sessions');
  return {
    staff,
    client,
    share,
    guest,
    guestGrant,
    clientGrant,
    memberUploadId: UploadCreateResponse.parse(created.body).uploadId,
    drop,
    dropUploadId: submitted.answer.dropUploadId,
    dropFileId: submitted.submission.body.files[0]!.fileId,
    personalDropId: personal.dropId,
    personalGrant: personal.grant,
    personalUploadId: UploadCreateResponse.parse(unfinished.body).uploadId,
    personalDropUploadId: personal.submittedDropUploadId,
    sessionId: SessionList.parse(sessions.body).sessions.find((s) => s.current)?.sessionId ?? '',
  };
}

/** Builds the world: the office, its two sides and the eleven callers. */
export async function buildWorld(): Promise<void> {
  await ready();
  mail = await startMailServer();
  t = await createTestApp({ env: mail.env });
  o = await setUpOffice(t, mail);
  // The expired share comes first: the clock moves past its end before anyone else signs in.
  const expiringStaff = await inviteAndAccept(o, 'vertrekt@kantoor.example', 'staff', undefined, 'Staf 3');
  await approve(o, expiringStaff);
  const expiredGuest = guestPlan('gast3@example.nl');
  await sendShare(o, expiringStaff, { guests: [expiredGuest], expiresInMs: 30 * 60_000 });
  const expiredGrant = (await guestVerifies(t.app, mail, expiredGuest)).grant;
  t.clock.advance(31 * 60_000);
  o.admin.tab = (await signIn(o, o.admin, tab(t.app))).tab;

  side1 = await buildSide(1);
  side2 = await buildSide(2);
  const unapproved = await inviteAndAccept(o, 'wacht@kantoor.example', 'staff', undefined, 'Wacht Nog');
  const disabled = await inviteAndAccept(o, 'weg@kantoor.example', 'staff', undefined, 'Al Weg');
  await approve(o, disabled);
  expect((await o.admin.tab.post(`/api/v1/admin/users/${idOf(disabled)}/disable`, {})).status).toBe(204);

  callers = {
    anon: { tab: tab(t.app), target: side2, office: false },
    cliA: {
      tab: side1.client.tab,
      grant: side1.clientGrant,
      dropGrant: side1.personalGrant,
      target: side2,
      own: side1,
      office: false,
    },
    cliB: {
      tab: side2.client.tab,
      grant: side2.clientGrant,
      dropGrant: side2.personalGrant,
      target: side1,
      own: side2,
      office: false,
    },
    st1: { tab: side1.staff.tab, target: side2, own: side1, office: true },
    st2: { tab: side2.staff.tab, target: side1, own: side2, office: true },
    admin: { tab: o.admin.tab, target: side2, office: true },
    unappr: { tab: unapproved.tab, target: side2, office: false },
    disab: { tab: disabled.tab, target: side2, office: false },
    gPre: { tab: tab(t.app), target: side2, own: side1, office: false },
    gOth: { tab: tab(t.app), grant: side1.guestGrant, target: side2, own: side1, office: false },
    gExp: { tab: tab(t.app), grant: expiredGrant, target: side2, office: false },
  };
  table = routeTable(
    createServices({
      config: t.config,
      db: t.db,
      mailer: t.mailer,
      clock: t.clock,
      log: t.logs.log,
      serverKey: t.serverKey,
      clientDir: t.clientDir,
    }),
  );
  rows = parseMatrix();
}

export async function closeWorld(): Promise<void> {
  t.close();
  await mail.close();
  await removeTempDirs();
}
