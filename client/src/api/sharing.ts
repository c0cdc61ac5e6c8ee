// Typed calls for sending and receiving (shared/wire/shares.ts is the contract): finding
// recipients, the user's pins, the office encryption key, creating and managing shares,
// shares received by an account, and a guest's link. File transfers (uploads, container
// downloads) are not here: the crypto worker makes those itself (crypto/browser-transport.ts).
import type { z } from 'zod';
import { OfficeKeysResponse } from '../../../shared/wire/accounts.js';
import {
  CodeSentResponse,
  CodeVerifyResponse,
  GrantResponse,
  LinkInfo,
  PinIndexResponse,
  PinList,
  ReceivedList,
  RecipientLookupResponse,
  ShareCreateResponse,
  ShareDetail,
  ShareForRecipient,
  ShareList,
  TrustedDeviceList,
  type PinIndexPutRequest,
  type ShareCreateRequest,
} from '../../../shared/wire/shares.js';
import {
  deleteJson,
  getJson,
  noContent,
  postJson,
  putJson,
  schema,
  segment,
  unlessLanded,
  type RequestOptions,
  type Scope,
} from './http';
import { pageLang } from '../i18n';

export type {
  CodeVerifyResponse,
  LinkInfo,
  PinList,
  ReceivedList,
  RecipientLookupResponse,
  RecipientStatus,
  ShareCreateRequest,
  ShareDetail,
  ShareForRecipient,
  ShareList,
  ShareState,
  ShareSummary,
} from '../../../shared/wire/shares.js';
export type { OfficeKeysResponse } from '../../../shared/wire/accounts.js';

const API = '/api/v1';
const share = (shareId: string): string => `${API}/shares/${segment(shareId)}`;
const link = (recipientId: string): string => `${API}/links/${segment(recipientId)}`;
const received = (shareId: string): string => `${API}/received/${segment(shareId)}`;

// ---- sending

export function lookupRecipients(
  emails: readonly string[],
  options?: RequestOptions,
): Promise<RecipientLookupResponse> {
  return postJson(`${API}/recipients/lookup`, { emails }, schema(RecipientLookupResponse), options);
}

export function getPins(): Promise<PinList> {
  return getJson(`${API}/me/pins`, schema(PinList));
}

export function putPin(subject: 'office' | 'user', subjectId: string, envelope: string): Promise<void> {
  return putJson(`${API}/me/pins/${segment(subject)}/${segment(subjectId)}`, { envelope }, noContent);
}

/** The caller's pin index, or null while they have none. */
export async function getPinIndex(): Promise<PinIndexResponse['index']> {
  return (await getJson(`${API}/me/pin-index`, schema(PinIndexResponse))).index;
}

/** Replaces the caller's pin index if it is still at `previousCounter` (409 pin_index_conflict otherwise). */
export function putPinIndex(body: PinIndexPutRequest): Promise<void> {
  return putJson(`${API}/me/pin-index`, body, noContent);
}

export function getOfficeKeys(): Promise<OfficeKeysResponse> {
  return getJson(`${API}/office/keys`, schema(OfficeKeysResponse));
}

/** Removes an upload that will not be used (a send given up after some files were uploaded). */
export function deleteUpload(uploadId: string): Promise<void> {
  return deleteJson(`${API}/uploads/${segment(uploadId)}`, noContent);
}

export function createShare(body: ShareCreateRequest): Promise<z.infer<typeof ShareCreateResponse>> {
  // A guest's code mail is written in the sender's page language unless the sender chose one.
  const recipients = body.recipients.map((r) => (r.kind === 'guest' ? { ...r, lang: r.lang ?? pageLang() } : r));
  return postJson(`${API}/shares`, { ...body, recipients }, schema(ShareCreateResponse));
}

// ---- the sender's and the office's view

export function listShares(scope: Scope, options?: RequestOptions): Promise<ShareList> {
  return getJson(`${API}/shares?scope=${scope}`, schema(ShareList), options);
}

export function getShare(shareId: string, options?: RequestOptions): Promise<ShareDetail> {
  return getJson(share(shareId), schema(ShareDetail), options);
}

/**
 * Revokes a share now. When the answer is lost (no answer, or a 5xx), the share is read again:
 * revoked, it is done; otherwise the failure stands. Without this, trying again would be
 * refused because the share is already revoked.
 */
export function revokeShare(shareId: string): Promise<void> {
  return unlessLanded(
    () => postJson(`${share(shareId)}/revoke`, {}, noContent),
    async () => ((await getShare(shareId)).state === 'revoked' ? undefined : null),
  );
}

/**
 * Moves an active share's expiry. When the answer is lost, the share is read again: still
 * active and expiring exactly when asked, it is done; otherwise the failure stands.
 */
export function extendShare(shareId: string, expiresAt: string): Promise<void> {
  return unlessLanded(
    () => postJson(`${share(shareId)}/extend`, { expiresAt }, noContent),
    async () => {
      const detail = await getShare(shareId);
      return detail.state === 'active' && Date.parse(detail.expiresAt) === Date.parse(expiresAt) ? undefined : null;
    },
  );
}

/**
 * Unlocks a recipient locked after too many wrong codes. When the answer is lost, the share is
 * read again: the recipient no longer locked means done. Without this, trying again would be
 * refused because the recipient is no longer locked.
 */
export function unlockRecipient(shareId: string, recipientId: string): Promise<void> {
  return unlessLanded(
    () => postJson(`${share(shareId)}/recipients/${segment(recipientId)}/unlock`, {}, noContent),
    async () => {
      const recipient = (await getShare(shareId)).recipients.find((one) => one.recipientId === recipientId);
      return recipient !== undefined && !recipient.locked ? undefined : null;
    },
  );
}

/**
 * Coffer mails a guest with an access code their whole link (`fragment` after '#'), once
 * (docs/threat-model.md, "Who delivers a link"); refused for a guest without an access code.
 */
export function mailGuestLink(shareId: string, recipientId: string, fragment: string): Promise<void> {
  return postJson(`${share(shareId)}/recipients/${segment(recipientId)}/mail-link`, { fragment }, noContent);
}

/** A guest recipient's trusted devices (by address), as the office sees them. */
export function listTrustedDevices(
  shareId: string,
  recipientId: string,
  options?: RequestOptions,
): Promise<TrustedDeviceList> {
  return getJson(
    `${share(shareId)}/recipients/${segment(recipientId)}/trusted-devices`,
    schema(TrustedDeviceList),
    options,
  );
}

export function revokeTrustedDevices(shareId: string, recipientId: string): Promise<void> {
  return postJson(`${share(shareId)}/recipients/${segment(recipientId)}/trusted-devices/revoke`, {}, noContent);
}

/** Where the worker fetches a file of one's own (or a colleague's) share: no grant, nothing counted. */
export function sentFilePath(shareId: string, fileId: string): string {
  return `${share(shareId)}/files/${segment(fileId)}`;
}

// ---- an account recipient

export function listReceived(options?: RequestOptions): Promise<ReceivedList> {
  return getJson(`${API}/received`, schema(ReceivedList), options);
}

export function getReceived(shareId: string, options?: RequestOptions): Promise<ShareForRecipient> {
  return getJson(received(shareId), schema(ShareForRecipient), options);
}

export async function receivedGrant(shareId: string): Promise<string> {
  return (await postJson(`${received(shareId)}/grant`, {}, schema(GrantResponse))).grant;
}

export function receivedFilePath(shareId: string, fileId: string): string {
  return `${received(shareId)}/files/${segment(fileId)}`;
}

// ---- a guest

/** What the link page shows before anything happens; changes nothing on the server. */
export function getLink(recipientId: string, options?: RequestOptions): Promise<LinkInfo> {
  return getJson(link(recipientId), schema(LinkInfo), options);
}

export function requestCode(recipientId: string): Promise<z.infer<typeof CodeSentResponse>> {
  return postJson(`${link(recipientId)}/code`, {}, schema(CodeSentResponse));
}

/** `remember`: this browser becomes a trusted device for the address (the office's setting says how long). */
export function verifyCode(recipientId: string, code: string, remember: boolean): Promise<CodeVerifyResponse> {
  return postJson(`${link(recipientId)}/verify`, { code, remember }, schema(CodeVerifyResponse));
}

/** On a trusted device: what a right code gives, without one (401 device_not_trusted otherwise). */
export function openTrusted(recipientId: string): Promise<CodeVerifyResponse> {
  return postJson(`${link(recipientId)}/trusted`, {}, schema(CodeVerifyResponse));
}

/** This browser forgets its trusted device (the server deletes it and clears the cookie). */
export function forgetDevice(): Promise<void> {
  return deleteJson('/api/v1/trusted-device', noContent);
}

export function guestFilePath(recipientId: string, fileId: string): string {
  return `${link(recipientId)}/files/${segment(fileId)}`;
}
