// Typed calls for drops (shared/wire/drops.ts is the contract): the office's side (create,
// list, open, close, unlock, delete, reject) and the link holder's (what the upload page shows,
// the e-mail code of a bound drop, the start of an open drop's session, the submission). The
// containers themselves go up and down through the crypto worker (crypto/browser-transport.ts).
import {
  DropCreateResponse,
  DropDetail,
  DropGrantResponse,
  DropList,
  DropPublicInfo,
  DropSubmitResponse,
  type DropCreateRequest,
  type DropSubmitRequest,
} from '../../../shared/wire/drops.js';
import { CodeSentResponse } from '../../../shared/wire/shares.js';
import type { z } from 'zod';
import {
  deleteJson,
  getJson,
  isGone,
  noContent,
  postJson,
  schema,
  segment,
  unlessLanded,
  type RequestOptions,
  type Scope,
} from './http';
import { pageLang } from '../i18n';

export type {
  DropCreateRequest,
  DropCreateResponse,
  DropDetail,
  DropGrantResponse,
  DropPublicInfo,
  DropState,
  DropSubmitResponse,
  DropUploadView,
} from '../../../shared/wire/drops.js';

const API = '/api/v1';
const drop = (dropId: string): string => `${API}/drops/${segment(dropId)}`;
const dropUpload = (dropId: string, dropUploadId: string): string => `${drop(dropId)}/uploads/${segment(dropUploadId)}`;
const link = (dropId: string): string => `${API}/d/${segment(dropId)}`;
const bearer = (grant: string): RequestOptions => ({ headers: { Authorization: `Bearer ${grant}` } });

// ---- the office's side

export function createDrop(body: DropCreateRequest): Promise<DropCreateResponse> {
  return postJson(`${API}/drops`, body, schema(DropCreateResponse));
}

export function listDrops(scope: Scope, options?: RequestOptions): Promise<DropList> {
  return getJson(`${API}/drops?scope=${scope}`, schema(DropList), options);
}

export function getDrop(dropId: string, options?: RequestOptions): Promise<DropDetail> {
  return getJson(drop(dropId), schema(DropDetail), options);
}

/**
 * Closes a drop now. When the answer is lost (no answer, or a 5xx), the drop is read again:
 * closed, it is done; otherwise the failure stands. Without this, trying again would be
 * refused because the drop is already closed.
 */
export function closeDrop(dropId: string): Promise<void> {
  return unlessLanded(
    () => postJson(`${drop(dropId)}/close`, {}, noContent),
    async () => ((await getDrop(dropId)).state === 'closed' ? undefined : null),
  );
}

/** Unlocks a bound drop; after a lost answer, the drop no longer locked means done (as `closeDrop`). */
export function unlockDrop(dropId: string): Promise<void> {
  return unlessLanded(
    () => postJson(`${drop(dropId)}/unlock`, {}, noContent),
    async () => ((await getDrop(dropId)).locked ? null : undefined),
  );
}

/**
 * Deletes a drop and what arrived through it. When the answer is lost, the drop is asked for
 * again: gone (404) means done. Without this, trying again would answer that there is no such drop.
 */
export function deleteDrop(dropId: string): Promise<void> {
  return unlessLanded(
    () => deleteJson(drop(dropId), noContent),
    async () => ((await isGone(() => getDrop(dropId))) ? undefined : null),
  );
}

/**
 * Deletes one upload of a drop, with its files. When the answer is lost, the drop is read
 * again: the upload no longer listed means done. Without this, trying again would answer that
 * there is no such upload.
 */
export function deleteDropUpload(dropId: string, dropUploadId: string): Promise<void> {
  return unlessLanded(
    () => deleteJson(dropUpload(dropId, dropUploadId), noContent),
    async () =>
      (await getDrop(dropId)).uploads.some((upload) => upload.dropUploadId === dropUploadId) ? null : undefined,
  );
}

/** The office's browser found the upload's manifest MAC (or its files) wrong: the server stops serving it. */
export function rejectDropUpload(dropId: string, dropUploadId: string): Promise<void> {
  return postJson(`${dropUpload(dropId, dropUploadId)}/reject`, {}, noContent);
}

/** Where the worker fetches a file of a drop upload (the session is enough). */
export function dropFilePath(dropId: string, dropUploadId: string, fileId: string): string {
  return `${dropUpload(dropId, dropUploadId)}/files/${segment(fileId)}`;
}

// ---- the link holder's side

/** What the upload page shows; changes nothing on the server. */
export function getDropLink(dropId: string, options?: RequestOptions): Promise<DropPublicInfo> {
  return getJson(link(dropId), schema(DropPublicInfo), options);
}

export function requestDropCode(dropId: string): Promise<z.infer<typeof CodeSentResponse>> {
  return postJson(`${link(dropId)}/code`, { lang: pageLang() }, schema(CodeSentResponse));
}

/** `remember`: this browser becomes a trusted device for the bound address. */
export function verifyDropCode(dropId: string, code: string, remember: boolean): Promise<DropGrantResponse> {
  return postJson(`${link(dropId)}/verify`, { code, remember }, schema(DropGrantResponse));
}

/** On a trusted device of the bound address: an upload session without a code. */
export function openTrustedDrop(dropId: string): Promise<DropGrantResponse> {
  return postJson(`${link(dropId)}/trusted`, {}, schema(DropGrantResponse));
}

/** An open drop's upload session (no mail is ever sent for it). */
export function startDropSession(dropId: string): Promise<DropGrantResponse> {
  return postJson(`${link(dropId)}/start`, {}, schema(DropGrantResponse));
}

export function submitDropUpload(dropId: string, grant: string, body: DropSubmitRequest): Promise<DropSubmitResponse> {
  return postJson(`${link(dropId)}/submit`, { ...body, lang: pageLang() }, schema(DropSubmitResponse), bearer(grant));
}

/** Removes an upload of the session that will not be submitted (the uploader gave up half-way). */
export function deleteDropSessionUpload(dropId: string, grant: string, uploadId: string): Promise<void> {
  return deleteJson(`${link(dropId)}/uploads/${segment(uploadId)}`, noContent, bearer(grant));
}
