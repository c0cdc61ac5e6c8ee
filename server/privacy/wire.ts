// Between the privacy service's records (bytes, milliseconds) and the wire shapes of
// shared/wire/privacy.ts (base64url ids, hex pseudonyms as the audit trail shows them, ISO
// times). The one decision here is what of an audit entry names someone else: their
// pseudonyms are left out of the export (a pseudonym is still personal data).
import { idToWire, toBase64Url, toHex, type Id } from '../../shared/crypto/index.js';
import {
  PRIVACY_EXPORT_FORMAT,
  type PrivacyEraseResponse,
  type PrivacyExport,
  type PrivacyPreview,
} from '../../shared/wire/index.js';
import { iso } from '../kernel/wire.js';
import { detailsOf as auditDetailsOf } from '../kernel/audit/wire.js';
import type { EraseResult, PersonRecords, PrivacyPreviewResult } from './service.js';
import { dropState } from '../kernel/domain/drops.js';
import { shareState } from '../kernel/domain/shares.js';
import type { PersonAuditEntry } from './records.js';

const time = (ms: number | null): string | null => (ms === null ? null : iso(ms));
const id = (value: Id): string => idToWire(value);

export function previewOut(preview: PrivacyPreviewResult): PrivacyPreview {
  const { account } = preview;
  return {
    email: preview.email,
    account: account === null ? null : { name: account.name, role: account.role, status: account.status },
    counts: preview.counts,
    eraseRefused: preview.eraseRefused,
    confirmation: toBase64Url(preview.confirmation),
  };
}

export function eraseOut(result: EraseResult): PrivacyEraseResponse {
  return { erasedAt: iso(result.erasedAt), counts: result.counts };
}

/** Ids people appear under (all object types but these name things, not people). */
const PERSON_OBJECTS = new Set(['user', 'invitation']);
const HEX_ID = /^[0-9a-f]{32}$/;

type DetailValue = PrivacyExport['auditEntries'][number]['details'][string];

/**
 * An entry as the subject may see it: their own pseudonyms shown, anyone else's left out. A
 * detail that is a 128-bit hex value (a recipient's pseudonym, a drop upload's id) stays only
 * when it is one of `known` (the subject's pseudonyms and their own uploads).
 */
function entryOut(
  entry: PersonAuditEntry,
  mine: ReadonlySet<string>,
  known: ReadonlySet<string>,
): PrivacyExport['auditEntries'][number] {
  const actorHex = entry.actorRef === null ? null : toHex(entry.actorRef);
  const objectHex = entry.objectRef === null ? null : toHex(entry.objectRef);
  const keep = (value: string): string | null => (HEX_ID.test(value) && !known.has(value) ? null : value);
  const details: Record<string, DetailValue> = {};
  // Read as the audit page reads them: a row of another shape (which `record` never writes,
  // but a tampered file might hold) becomes text instead of failing the export.
  for (const [key, value] of Object.entries(auditDetailsOf(entry))) {
    if (typeof value === 'string') details[key] = keep(value);
    else if (Array.isArray(value)) details[key] = value.map((item) => keep(item));
    else details[key] = value;
  }
  return {
    seq: entry.seq,
    at: iso(entry.at),
    action: entry.action,
    actor: actorHex === null ? null : mine.has(actorHex) ? { who: 'subject', ref: actorHex } : { who: 'someone-else' },
    object:
      entry.objectType === null
        ? null
        : {
            type: entry.objectType,
            subject: objectHex !== null && mine.has(objectHex),
            ref:
              objectHex === null || (PERSON_OBJECTS.has(entry.objectType) && !mine.has(objectHex)) ? null : objectHex,
          },
    details,
  };
}

export function exportOut(records: PersonRecords): PrivacyExport {
  const now = records.exportedAt;
  const mine = new Set(records.refs.map(toHex));
  const known = new Set([...mine, ...records.dropUploads.map((upload) => toHex(upload.dropUploadId))]);
  const account = records.account;
  return {
    format: PRIVACY_EXPORT_FORMAT,
    exportedAt: iso(now),
    office: records.office,
    email: records.email,
    account:
      account === null
        ? null
        : {
            userId: id(account.id),
            name: account.name,
            email: account.email,
            role: account.role,
            status: account.status,
            approval: account.approval,
            twoFactor: account.twoFactor,
            createdAt: iso(account.createdAt),
            lastSignInAt: time(account.lastSignInAt),
            certificateVersion: account.certificateVersion,
            sessions: account.sessions.map((session) => ({
              sessionId: id(session.id),
              device: session.device,
              createdAt: iso(session.createdAt),
              lastSeenAt: iso(session.lastSeenAt),
              expiresAt: iso(session.expiresAt),
            })),
            devices: account.devices.map((device) => ({
              deviceId: id(device.id),
              name: device.name,
              scopes: device.scopes.split(','),
              enrolledAt: iso(device.approvedAt),
              lastUsedAt: time(device.lastUsedAt),
              removedAt: time(device.revokedAt),
              tokens: device.tokens,
            })),
            backupCodes: account.backupCodes,
            pins: account.pins,
          },
    invitations: records.invitations.map((invitation) => ({
      invitationId: id(invitation.id),
      kind: invitation.kind,
      role: invitation.role,
      name: invitation.name,
      createdAt: iso(invitation.createdAt),
      expiresAt: iso(invitation.expiresAt),
      acceptedAt: time(invitation.acceptedAt),
      withdrawnAt: time(invitation.withdrawnAt),
      deliveryFailed: invitation.deliveryFailed,
    })),
    sharesSent: records.sharesSent.map((share) => ({
      shareId: id(share.shareId),
      createdAt: iso(share.createdAt),
      expiresAt: iso(share.expiresAt),
      revokedAt: time(share.revokedAt),
      state: shareState(share, now),
      downloadLimit: share.downloadLimit,
      downloadsUsed: share.downloadsUsed,
      fileCount: share.fileCount,
      bytes: share.bytes,
      recipientCount: share.recipientCount,
      sweptAt: time(share.sweptAt),
    })),
    sharesReceived: records.sharesReceived.map((share) => ({
      shareId: id(share.shareId),
      senderName: share.senderName,
      kind: share.kind,
      createdAt: iso(share.createdAt),
      expiresAt: iso(share.expiresAt),
      state: shareState(share, now),
      fileCount: share.fileCount,
      bytes: share.bytes,
      accessCode: share.accessCode,
      codeRequestedAt: time(share.codeRequestedAt),
      codeConfirmedAt: time(share.codeConfirmedAt),
      firstDownloadAt: time(share.firstDownloadAt),
      wrongCodes: share.wrongCodes,
      lockedAt: time(share.lockedAt),
      deliveryFailed: share.deliveryFailed,
    })),
    drops: records.drops.map((drop) => ({
      dropId: id(drop.dropId),
      relation: drop.owned ? 'owner' : 'bound',
      ownerName: drop.owned ? null : drop.ownerName,
      title: drop.owned ? null : drop.title,
      instructions: drop.owned ? null : drop.instructions,
      personal: drop.personal,
      singleUse: drop.singleUse,
      createdAt: iso(drop.createdAt),
      expiresAt: iso(drop.expiresAt),
      closedAt: time(drop.closedAt),
      state: dropState(drop, now),
      maxFiles: drop.maxFiles,
      maxTotalBytes: drop.maxBytes,
      uploadCount: drop.uploadCount,
      sweptAt: time(drop.sweptAt),
    })),
    dropUploads: records.dropUploads.map((upload) => ({
      dropUploadId: id(upload.dropUploadId),
      dropId: id(upload.dropId),
      receivedAt: iso(upload.receivedAt),
      rejectedAt: time(upload.rejectedAt),
      receiptMailed: upload.receiptMailed,
      fileCount: upload.fileCount,
      bytes: upload.bytes,
      namesRecord: upload.namesRecord,
    })),
    uploads: records.uploads.map((upload) => ({
      uploadId: id(upload.uploadId),
      size: upload.size,
      createdAt: iso(upload.createdAt),
      expiresAt: iso(upload.expiresAt),
      completedAt: time(upload.completedAt),
    })),
    contacts: records.contacts.map((contact) => ({
      contactId: id(contact.id),
      name: contact.name,
      lang: contact.lang,
      organisation: contact.organisation,
      standingCode: contact.standingCode,
      createdAt: iso(contact.createdAt),
    })),
    batchItems: records.batchItems.map((item) => ({
      batchId: id(item.batchId),
      itemNo: item.itemNo,
      delivery: item.delivery,
      state: item.state,
      deliveredAt: time(item.deliveredAt),
    })),
    batchesSent: records.batchesSent.map((batch) => ({
      batchId: id(batch.id),
      createdAt: iso(batch.createdAt),
      expiresAt: iso(batch.expiresAt),
      itemCount: batch.itemCount,
      state: batch.state,
    })),
    pseudonyms: records.people.map((person) => ({
      ref: toHex(person.ref),
      kind: person.kind,
      name: person.name,
      email: person.email,
    })),
    auditEntries: records.auditEntries.map((entry) => entryOut(entry, mine, known)),
  };
}
