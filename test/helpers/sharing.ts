// Sending files through the real endpoints, as the browser client does: upload containers in
// parts, create a share with real crypto (test/helpers/browser.ts), read a guest's code from
// the real SMTP server, verify it, and download with the grant.
import type { Express } from 'express';
import request, { type Response, type Test } from 'supertest';
import { expect } from 'vitest';
import { idToWire, newId, type Id } from '../../shared/crypto/index.js';
import {
  CodeVerifyResponse,
  UPLOAD_PART_BYTES,
  UploadCompleteResponse,
  UploadCreateResponse,
} from '../../shared/wire/index.js';
import { TEST_ORIGIN } from './app.js';
import {
  buildShare,
  guestPlan,
  makeFile,
  randomPlaintext,
  receivingAccount,
  type BuiltShare,
  type GuestPlan,
  type PreparedFile,
  type SharePlan,
} from './browser-shares.js';
import { tab, type Tab } from './client.js';
import { waitForMail, type MailServer } from './mail-server.js';
import { approve, inviteAndAccept, signIn, type Member, type Office } from './office.js';

export const DAY_MS = 24 * 60 * 60 * 1000;

/** An office with its admin and an approved staff member, both signed in. */
export interface SendingOffice extends Office {
  readonly staff: Member;
}

export async function withStaff(o: Office, email = 'bram@kantoor.example'): Promise<SendingOffice> {
  const staff = await inviteAndAccept(o, email);
  await approve(o, staff);
  return { ...o, staff };
}

/** Reads a binary answer into a Buffer (an error answer, JSON, is parsed as usual). */
export function binary(req: Test): Test {
  return req.buffer(true).parse((res, callback) => {
    const chunks: Buffer[] = [];
    res.on('data', (chunk: Buffer) => chunks.push(chunk));
    res.on('end', () => {
      const body = Buffer.concat(chunks);
      const type = String((res as unknown as { headers: Record<string, string> }).headers['content-type'] ?? '');
      callback(null, type.startsWith('application/json') ? JSON.parse(body.toString('utf8')) : body);
    });
  });
}

/** Signs the member in again (after the test clock moved past the session's lifetime). */
export async function signInAgain(o: Office, member: Member): Promise<Member> {
  member.tab = (await signIn(o, member, tab(o.t.app))).tab;
  return member;
}

/**
 * Where uploads go and with what: a member's own (`/api/v1/uploads`, the session cookie), or a
 * drop's uploader (`/api/v1/d/<dropId>/uploads` with the session grant as a Bearer token).
 */
export interface UploadTarget {
  readonly base: string;
  readonly grant?: string;
}
const MEMBER_UPLOADS: UploadTarget = { base: '/api/v1/uploads' };

function withGrant(req: Test, target: UploadTarget): Test {
  return target.grant === undefined ? req : req.set('Authorization', `Bearer ${target.grant}`);
}

export function putPart(
  who: Tab,
  uploadId: string,
  index: number,
  bytes: Uint8Array,
  target = MEMBER_UPLOADS,
): Promise<Response> {
  return withGrant(who.raw('put', `${target.base}/${uploadId}/parts/${index}`), target)
    .set('Content-Type', 'application/octet-stream')
    .send(Buffer.from(bytes));
}

/** A JSON request to an upload route (create, complete, status, cancel) for `target`. */
export function uploadRequest(
  who: Tab,
  method: 'get' | 'post' | 'delete',
  path: string,
  target: UploadTarget,
  body?: object,
): Test {
  const req = withGrant(who.raw(method, `${target.base}${path}`), target);
  return body === undefined ? req : req.send(body);
}

export function partOf(container: Uint8Array, index: number): Uint8Array {
  return container.subarray(index * UPLOAD_PART_BYTES, Math.min(container.length, (index + 1) * UPLOAD_PART_BYTES));
}

/** Creates an upload, sends every part in order and completes it. */
export async function uploadContainer(
  who: Tab,
  container: Uint8Array,
  target = MEMBER_UPLOADS,
): Promise<{ uploadId: string; ciphertextHash: string }> {
  const created = await uploadRequest(who, 'post', '', target, { size: container.length });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const { uploadId, partCount } = UploadCreateResponse.parse(created.body);
  for (let index = 0; index < partCount; index++) {
    const res = await putPart(who, uploadId, index, partOf(container, index), target);
    expect(res.status, JSON.stringify(res.body)).toBe(204);
  }
  const done = await uploadRequest(who, 'post', `/${uploadId}/complete`, target, {});
  expect(done.status, JSON.stringify(done.body)).toBe(200);
  return { uploadId, ciphertextHash: UploadCompleteResponse.parse(done.body).ciphertextHash };
}

export interface SentShare {
  readonly shareId: string;
  readonly plan: SharePlan;
  readonly built: BuiltShare;
  readonly files: readonly PreparedFile[];
  readonly guests: readonly GuestPlan[];
  /** recipientId (wire) of each account recipient, by user id (wire). */
  readonly accountRecipients: ReadonlyMap<string, string>;
  readonly res: Response;
}

export interface SendOptions {
  readonly files?: readonly PreparedFile[];
  readonly accounts?: readonly Member[];
  readonly guests?: readonly GuestPlan[];
  readonly downloadLimit?: number;
  readonly receiptMail?: boolean;
  readonly expiresInMs?: number;
  /** Changes the plan before the request is built (to test refusals). */
  readonly edit?: (plan: SharePlan) => SharePlan;
  /** Changes the request after it is built. */
  readonly editRequest?: (request: BuiltShare['request']) => BuiltShare['request'];
  /** Expected status (201 unless given). */
  readonly status?: number;
}

/** Uploads the files, builds the share with real crypto and sends it as `sender`. */
export async function sendShare(o: Office, sender: Member, options: SendOptions = {}): Promise<SentShare> {
  const files = options.files ?? [makeFile(randomPlaintext(10_000))];
  const uploads = [];
  for (const file of files)
    uploads.push({ file, uploadId: (await uploadContainer(sender.tab, file.container)).uploadId });
  const accounts = (options.accounts ?? []).map((member) => ({
    ...receivingAccount(member.account),
    recipientId: newId(),
  }));
  const guests = options.guests ?? (options.accounts === undefined ? [guestPlan('klant@example.nl')] : []);
  let plan: SharePlan = {
    shareId: newId(),
    sender: sender.account,
    office: o.office,
    files: uploads,
    accounts,
    guests,
    expiresAt: o.t.clock.now() + (options.expiresInMs ?? 7 * DAY_MS),
    ...(options.downloadLimit !== undefined ? { downloadLimit: options.downloadLimit } : {}),
    ...(options.receiptMail !== undefined ? { receiptMail: options.receiptMail } : {}),
  };
  if (options.edit) plan = options.edit(plan);
  const built = buildShare(plan);
  const body = options.editRequest ? options.editRequest(built.request) : built.request;
  const res = await sender.tab.post('/api/v1/shares', body);
  expect(res.status, JSON.stringify(res.body)).toBe(options.status ?? 201);
  return {
    shareId: idToWire(plan.shareId),
    plan,
    built,
    files,
    guests,
    accountRecipients: new Map(accounts.map((a) => [idToWire(a.userId), idToWire(a.recipientId)])),
    res,
  };
}

/** The six-digit code in the newest mail to `address`, after `count` mails. */
export async function codeFromMail(mail: MailServer, address: string, count: number): Promise<string> {
  const received = await waitForMail(
    () => mail.to(address)[count - 1],
    5_000,
    () => `no code mail number ${count} to ${address}`,
  );
  const text = received.text ?? '';
  const match = /^\s+(\d{6})\s*$/m.exec(text);
  if (match?.[1] === undefined) throw new Error('no code in the mail');
  return match[1];
}

/** A guest's browser: asks for a code, reads it from the mailbox, verifies it. */
export async function guestVerifies(
  app: Express,
  mail: MailServer,
  guest: GuestPlan,
  link = tab(app),
): Promise<CodeVerifyResponse> {
  const before = mail.to(guest.email).length;
  const sent = await link.post(`/api/v1/links/${idToWire(guest.linkId)}/code`, {});
  expect(sent.status, JSON.stringify(sent.body)).toBe(200);
  const code = await codeFromMail(mail, guest.email, before + 1);
  const verified = await link.post(`/api/v1/links/${idToWire(guest.linkId)}/verify`, { code });
  expect(verified.status, JSON.stringify(verified.body)).toBe(200);
  return CodeVerifyResponse.parse(verified.body);
}

/** GET a file with a grant (and a Range, if given), reading the body as bytes. */
export function fetchFile(
  app: Express,
  path: string,
  grant: string | undefined,
  options: { range?: string; who?: Tab } = {},
): Test {
  const req = options.who ? options.who.raw('get', path) : request(app).get(path).set('Origin', TEST_ORIGIN);
  if (grant !== undefined) req.set('Authorization', `Bearer ${grant}`);
  if (options.range !== undefined) req.set('Range', options.range);
  return binary(req);
}

export function guestFilePath(guest: GuestPlan | Id | string, fileId: Id | string): string {
  const recipient = typeof guest === 'string' ? guest : 'linkId' in guest ? idToWire(guest.linkId) : idToWire(guest);
  return `/api/v1/links/${recipient}/files/${typeof fileId === 'string' ? fileId : idToWire(fileId)}`;
}
