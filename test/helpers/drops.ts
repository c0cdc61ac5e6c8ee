// Drops through the real endpoints, as the browsers do it (docs/protocol.md, section 13;
// shared/wire/drops.ts): the advisor's browser makes the drop's keys and D and seals them and
// the label to itself and the office; the uploader's browser checks the drop key against the
// link's fingerprint, gets a grant (a code from the bound mailbox, or a plain start for an open
// drop), uploads containers in parts, MACs the manifest with D and submits; the office's
// browser opens the secrets, verifies the MAC, opens the file keys and decrypts.
import type { Express } from 'express';
import type { Response } from 'supertest';
import { expect } from 'vitest';
import {
  authenticateDropUpload,
  checkDropKey,
  compareBytes,
  decryptContent,
  dropFingerprint,
  dropLinkFragment,
  fromBase64Url,
  idFromWire,
  idToWire,
  keyCommitment,
  metadataHash,
  newDropKeys,
  newId,
  openDropLabel,
  openDropSecrets,
  openFileKeyForDrop,
  openMetadata,
  parseDropLinkFragment,
  receiptCode,
  sealDropLabel,
  signDropRecord,
  sealDropSecrets,
  sealFileKeyForDrop,
  sealUploadNames,
  toBase64Url,
  verifyDropUpload,
  type AccountKeys,
  type BoxKeyPair,
  type DropKeys,
  type Id,
} from '../../shared/crypto/index.js';
import {
  DropDetail,
  DropGrantResponse,
  DropPublicInfo,
  DropSubmitResponse,
  type DropCreateRequest,
  type DropSubmitRequest,
  type DropUploadView,
} from '../../shared/wire/index.js';
import type { BrowserAccount } from './browser.js';
import type { PreparedFile } from './browser-shares.js';
import { tab, type Tab } from './client.js';
import type { MailServer } from './mail-server.js';
import type { Member, Office } from './office.js';
import { codeFromMail, DAY_MS, uploadContainer, type UploadTarget } from './sharing.js';

export const CLIENT_EMAIL = 'klant@example.nl';

export interface DropOptions {
  readonly label?: string;
  readonly title?: string;
  readonly instructions?: string;
  /** Bound to this address; undefined for an open drop. */
  readonly email?: string;
  readonly personal?: boolean;
  readonly singleUse?: boolean;
  readonly maxFiles?: number;
  readonly maxTotalBytes?: number;
  readonly expiresInMs?: number;
  /** The client a personal drop's record names (a client's approval). */
  readonly clientId?: Id;
  /** Changes the request after it is built. */
  readonly edit?: (request: DropCreateRequest) => DropCreateRequest;
  /** Expected status (201 unless given). */
  readonly status?: number;
}

export interface MadeDrop {
  readonly dropId: string;
  readonly keys: DropKeys;
  /** The link as the advisor copies it: /d/<dropId>#<fingerprint>.<D>. */
  readonly link: string;
  readonly request: DropCreateRequest;
  readonly res: Response;
}

/** The advisor's browser: makes the keys and D, seals them and the label to itself and the office, creates the drop. */
export async function makeDrop(o: Office, owner: Member, options: DropOptions = {}): Promise<MadeDrop> {
  const { keys, request } = dropCreateRequest(o, owner, options);
  const res = await owner.tab.post('/api/v1/drops', request);
  expect(res.status, JSON.stringify(res.body)).toBe(options.status ?? 201);
  const fragment = dropLinkFragment(dropFingerprint(keys.dropId, keys.keyPair.publicKey), keys.secret);
  return { dropId: idToWire(keys.dropId), keys, link: `/d/${idToWire(keys.dropId)}#${fragment}`, request, res };
}

/** The request makeDrop sends, with the keys it made (for tests that send it themselves). */
export function dropCreateRequest(
  o: Office,
  owner: Member,
  options: DropOptions = {},
): { keys: DropKeys; request: DropCreateRequest } {
  const keys = newDropKeys(newId());
  const label = options.label ?? 'Bakkerij de Vries';
  const officeId = o.office.keys.officeId;
  const officePk = o.office.keys.encryption.publicKey;
  const ownerId = owner.account.userId;
  let request: DropCreateRequest = {
    dropId: idToWire(keys.dropId),
    title: options.title ?? 'Stukken voor de jaarrekening 2025',
    instructions: options.instructions ?? 'Upload hier uw bankafschriften en loonstroken.',
    ...(options.email !== undefined ? { email: options.email } : {}),
    personal: options.personal ?? false,
    singleUse: options.singleUse ?? false,
    maxFiles: options.maxFiles ?? 10,
    maxTotalBytes: options.maxTotalBytes ?? 100 * 1024 * 1024,
    expiresAt: new Date(o.t.clock.now() + (options.expiresInMs ?? 7 * DAY_MS)).toISOString(),
    publicKey: toBase64Url(keys.keyPair.publicKey),
    secrets: {
      owner: toBase64Url(sealDropSecrets(keys, ownerId, owner.account.keys.encryption.publicKey)),
      office: toBase64Url(sealDropSecrets(keys, officeId, officePk)),
    },
    label: {
      owner: toBase64Url(
        sealDropLabel(label, { dropId: keys.dropId, holderId: ownerId }, owner.account.keys.encryption.publicKey),
      ),
      office: toBase64Url(sealDropLabel(label, { dropId: keys.dropId, holderId: officeId }, officePk)),
    },
    record: toBase64Url(
      signDropRecord(
        keys,
        label,
        { creatorId: ownerId, clientId: options.clientId ?? null },
        owner.account.keys.identity,
      ),
    ),
  };
  if (options.edit) request = options.edit(request);
  return { keys, request };
}

/** The upload page: reads the drop and refuses a key that does not match the link's fingerprint. */
export async function openDropPage(
  app: Express,
  link: string,
  who: Tab = tab(app),
): Promise<{ info: DropPublicInfo; dropKeyChecked: true }> {
  const [path = '', fragment = ''] = link.split('#');
  const dropId = path.replace('/d/', '');
  const res = await who.get(`/api/v1/d/${dropId}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  const info = DropPublicInfo.parse(res.body);
  checkDropKey(idFromWire(dropId), fromBase64Url(info.publicKey), parseDropLinkFragment(fragment).dropFingerprint);
  return { info, dropKeyChecked: true };
}

/** A bound drop: ask for a code, read it from the mailbox, verify it; returns the grant. */
export async function proveAddress(
  app: Express,
  mail: MailServer,
  dropId: string,
  email: string,
  who: Tab = tab(app),
): Promise<string> {
  const before = mail.to(email).length;
  const sent = await who.post(`/api/v1/d/${dropId}/code`, {});
  expect(sent.status, JSON.stringify(sent.body)).toBe(200);
  const code = await codeFromMail(mail, email, before + 1);
  const verified = await who.post(`/api/v1/d/${dropId}/verify`, { code });
  expect(verified.status, JSON.stringify(verified.body)).toBe(200);
  return DropGrantResponse.parse(verified.body).grant;
}

/** An open drop: start a session; returns the grant. */
export async function startOpenDrop(app: Express, dropId: string, who: Tab = tab(app)): Promise<string> {
  const res = await who.post(`/api/v1/d/${dropId}/start`, {});
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return DropGrantResponse.parse(res.body).grant;
}

export function dropUploads(dropId: string, grant: string): UploadTarget {
  return { base: `/api/v1/d/${dropId}/uploads`, grant };
}

export interface Submission {
  readonly body: DropSubmitRequest;
  /** The receipt code the uploader's browser computes from its own manifest. */
  readonly receiptCode: string;
}

/**
 * The uploader's browser after the files were uploaded: seals each file key to the drop key,
 * MACs the manifest with D (`secret`; another value makes an upload the office must reject).
 */
export function buildSubmission(
  drop: { dropId: Id; publicKey: Uint8Array; secret: DropKeys['secret'] },
  files: readonly { file: PreparedFile; uploadId: string }[],
  options: {
    receiptMail?: boolean;
    dropUploadId?: Id;
    createdAt?: number;
    /** A portal client's browser: the names record sealed to that client (protocol §13, "Names record"). */
    namesFor?: { readonly userId: Id; readonly keys: AccountKeys };
  } = {},
): Submission {
  const dropUploadId = options.dropUploadId ?? newId();
  const { namesFor } = options;
  const entries = files
    .map(({ file }) => ({
      fileId: file.fileId,
      ciphertextHash: file.ciphertextHash,
      metadataHash: metadataHash(file.sealedMetadata),
      keyCommitment: keyCommitment(file.fileKey, file.fileId),
    }))
    .sort((a, b) => compareBytes(a.fileId, b.fileId));
  const manifest = authenticateDropUpload(
    {
      dropId: drop.dropId,
      uploadId: dropUploadId,
      createdAt: options.createdAt ?? Date.UTC(2026, 0, 15, 9),
      files: entries,
    },
    drop.secret,
  );
  return {
    body: {
      dropUploadId: idToWire(dropUploadId),
      manifest: toBase64Url(manifest),
      files: files.map(({ file, uploadId }) => ({
        fileId: idToWire(file.fileId),
        uploadId,
        sealedMetadata: toBase64Url(file.sealedMetadata),
        sealedKey: toBase64Url(sealFileKeyForDrop(file.fileKey, drop.dropId, file.fileId, drop.publicKey)),
      })),
      receiptMail: options.receiptMail ?? false,
      ...(namesFor === undefined
        ? {}
        : {
            clientNames: toBase64Url(
              sealUploadNames(
                files.map(({ file }) => ({ name: file.name, size: file.plaintext.length })),
                { dropId: drop.dropId, uploadId: dropUploadId, clientId: namesFor.userId },
                namesFor.keys,
              ),
            ),
          }),
    },
    receiptCode: receiptCode(manifest),
  };
}

export function submit(
  app: Express,
  dropId: string,
  grant: string,
  body: unknown,
  who: Tab = tab(app),
): Promise<Response> {
  return who
    .raw('post', `/api/v1/d/${dropId}/submit`)
    .set('Authorization', `Bearer ${grant}`)
    .send(body as object);
}

/** Uploads the files with the grant, submits them, and returns the answer and the uploader's receipt code. */
export async function uploadToDrop(
  app: Express,
  drop: Pick<MadeDrop, 'dropId' | 'keys'>,
  grant: string,
  files: readonly PreparedFile[],
  options: { receiptMail?: boolean; who?: Tab; namesFor?: { readonly userId: Id; readonly keys: AccountKeys } } = {},
): Promise<{ answer: DropSubmitResponse; receiptCode: string; submission: Submission }> {
  const who = options.who ?? tab(app);
  const uploaded = [];
  for (const file of files)
    uploaded.push({
      file,
      uploadId: (await uploadContainer(who, file.container, dropUploads(drop.dropId, grant))).uploadId,
    });
  const submission = buildSubmission(
    { dropId: drop.keys.dropId, publicKey: drop.keys.keyPair.publicKey, secret: drop.keys.secret },
    uploaded,
    options,
  );
  const res = await submit(app, drop.dropId, grant, submission.body, who);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { answer: DropSubmitResponse.parse(res.body), receiptCode: submission.receiptCode, submission };
}

/** A member's GET of a drop, parsed. */
export async function dropDetail(member: Member, dropId: string): Promise<DropDetail> {
  const res = await member.tab.get(`/api/v1/drops/${dropId}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return DropDetail.parse(res.body);
}

export interface OpenedUpload {
  readonly receiptCode: string;
  readonly files: readonly { fileId: string; name: string; plaintext: Uint8Array }[];
}

/**
 * The office's browser: opens the drop's secrets with the office key (or the owner's own key),
 * verifies the upload's MAC with D (throws for one made without D), opens each file key and
 * metadata, and decrypts each container `fetch` returns.
 */
export async function openDropUpload(
  detail: DropDetail,
  upload: DropUploadView,
  holder: { holderId: Id; keys: BoxKeyPair; copy: 'owner' | 'office' },
  fetch: (fileId: string) => Promise<Uint8Array>,
): Promise<OpenedUpload> {
  const dropId = idFromWire(detail.dropId);
  if (detail.secrets === null) throw new Error('the drop was swept');
  const secrets = openDropSecrets(
    fromBase64Url(detail.secrets[holder.copy]),
    { dropId, holderId: holder.holderId },
    holder.keys,
  );
  const manifest = fromBase64Url(upload.manifest);
  const verified = verifyDropUpload(manifest, secrets.secret, { dropId, uploadId: idFromWire(upload.dropUploadId) });
  const files = [];
  for (const file of upload.files) {
    const fileId = idFromWire(file.fileId);
    const entry = verified.files.find((candidate) => compareBytes(candidate.fileId, fileId) === 0);
    if (entry === undefined) throw new Error('a file the manifest does not name');
    const fileKey = openFileKeyForDrop(fromBase64Url(file.sealedKey), { dropId, fileId }, secrets.keyPair);
    expect(compareBytes(keyCommitment(fileKey, fileId), entry.keyCommitment)).toBe(0);
    expect(compareBytes(metadataHash(fromBase64Url(file.sealedMetadata)), entry.metadataHash)).toBe(0);
    const metadata = openMetadata(fileKey, fileId, fromBase64Url(file.sealedMetadata));
    const plaintext = decryptContent(fileKey, fileId, await fetch(file.fileId), entry.ciphertextHash);
    files.push({ fileId: file.fileId, name: metadata.name, plaintext });
  }
  return { receiptCode: receiptCode(manifest), files };
}

/** The label as a holder opens it. */
export function openLabel(
  detail: { dropId: string; label: { owner: string; office: string } | null },
  holder: { holderId: Id; keys: BoxKeyPair; copy: 'owner' | 'office' },
): string {
  if (detail.label === null) throw new Error('the drop was swept');
  return openDropLabel(
    fromBase64Url(detail.label[holder.copy]),
    { dropId: idFromWire(detail.dropId), holderId: holder.holderId },
    holder.keys,
  );
}

export function ownerHolder(account: BrowserAccount) {
  return { holderId: account.userId, keys: account.keys.encryption, copy: 'owner' as const };
}
