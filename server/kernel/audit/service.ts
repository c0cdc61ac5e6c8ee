// The audit log: who did what to which object, when. Append-only (triggers refuse UPDATE and
// DELETE) and hash-chained, so a row changed, inserted or removed by someone with the
// database file is found by `verifyChain`. People appear only as 16-byte pseudonyms; their
// names and addresses live in audit_people.
//
// `record` must run inside the transaction of the change it describes (services call it
// within `transact`), so there is never a change without its entry or an entry without its
// change. Details are a small JSON object of fixed, non-secret facts (a role, a reason class,
// a count): never codes, tokens, keys, passwords, addresses or file names.
import { bytesEqual, hashFields, tag } from '../../../shared/crypto/index.js';
import type { Clock } from '../clock.js';
import type { Db } from '../db/open.js';
import { createAuditRepo, type AuditPersonKind, type AuditRepo, type AuditRow } from './repo.js';

export const AUDIT_ACTIONS = [
  'setup.completed',
  'invitation.created',
  'invitation.resent',
  'invitation.withdrawn',
  'invitation.accepted',
  'user.approved',
  /** A client approved unchecked whose fingerprint a member compared later (key check `call`). */
  'user.keys_checked',
  'user.disabled',
  'user.enabled',
  'user.role_changed',
  'user.reset',
  /** A member set who handles a client (the new advisor's audit ref in the details). */
  'user.advisor_changed',
  'sign_in.succeeded',
  'sign_in.failed',
  'second_factor.failed',
  'two_factor.enabled',
  'two_factor.disabled',
  'backup_code.used',
  'password.changed',
  'recovery.failed',
  'recovery.completed',
  'settings.changed',
  'logo.changed',
  'session.ended',
  // sending files (details name recipients by their audit ref, never by their link's id)
  'share.created',
  'share.code_requested',
  'share.code_confirmed',
  'share.code_wrong',
  'share.recipient_locked',
  'share.recipient_unlocked',
  /** Coffer mailed a guest (with an access code) the full link; the link itself is never recorded. */
  'share.link_mailed',
  /** A guest's trusted device stood in for the e-mail code ("opened with a trusted device"). */
  'share.trusted_device_used',
  /** A member revoked every trusted device of a guest recipient's address. */
  'share.trusted_devices_revoked',
  'share.downloaded',
  'share.revoked',
  'share.extended',
  'share.expired',
  'share.swept',
  /** A colleague (office key holder) acted on another member's share. */
  'share.takeover',
  // drops (the drop is named by its audit ref, never by the id in its link; the uploader by the drop's link ref)
  'drop.created',
  'drop.code_requested',
  'drop.code_confirmed',
  'drop.code_wrong',
  'drop.locked',
  'drop.unlocked',
  /** A bound drop's uploader's trusted device stood in for the e-mail code. */
  'drop.trusted_device_used',
  'drop.uploaded',
  'drop.upload_rejected',
  'drop.downloaded',
  'drop.upload_deleted',
  /** The office's retention ran out for an upload; the sweeper destroyed it. */
  'drop.upload_expired',
  'drop.closed',
  'drop.expired',
  'drop.deleted',
  'drop.swept',
  /** A colleague (office key holder) acted on another member's drop. */
  'drop.takeover',
  // contacts, the office's address book (the contact is named by its audit ref, never its name or address)
  'contact.created',
  'contact.deleted',
  /** A standing access code was set or replaced (`replaced` in the details); the server never sees it. */
  'contact.code_set',
  'contact.code_removed',
  // enrolled devices and their API tokens (the device named by its id and, in the details, its name)
  /** A member approved a device's enrolment (name and scopes in the details). */
  'device.enrolled',
  /** The device fetched what its approval left for it, and its token (once). */
  'device.claimed',
  'device.renamed',
  'device.revoked',
  /** An API token for a device (its label and scopes in the details; never the token). */
  'token.created',
  'token.revoked',
  // privacy rights (server/privacy): the object is the person's pseudonym, never the address
  /** An admin exported everything Coffer holds about a person (counts in the details). */
  'privacy.exported',
  /** An admin erased a person (counts of what was destroyed in the details). */
  'privacy.erased',
  // the audit log itself
  /** The head (seq and hash in the details) was mailed to the admins; its time says when (server/jobs/audit-head.ts). */
  'audit.head_mailed',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

type AuditObjectType = 'office' | 'user' | 'invitation' | 'session' | 'share' | 'drop' | 'contact' | 'device';

/** Values a detail may take: facts, never secrets or personal data. */
export type AuditDetail = string | number | boolean | null | readonly string[];

interface AuditEntry {
  /** The pseudonym of who did it; null when nobody is known (a sign-in for an unknown address). */
  readonly actor: Uint8Array | null;
  readonly action: AuditAction;
  readonly object?: { readonly type: AuditObjectType; readonly ref: Uint8Array | null };
  readonly details?: Readonly<Record<string, AuditDetail>>;
}

export const AUDIT_GENESIS_HASH = new Uint8Array(32);
const ENTRY_TAG = tag('audit-entry');

/** The hash that chains an entry to the one before it. A missing ref is the empty field. */
export function auditEntryHash(row: Omit<AuditRow, 'hash'>): Uint8Array {
  return hashFields([
    ENTRY_TAG,
    row.prevHash,
    row.seq,
    row.at,
    row.actorRef ?? new Uint8Array(0),
    row.action,
    row.objectType ?? '',
    row.objectRef ?? new Uint8Array(0),
    row.details,
  ]);
}

export interface Audit {
  record(entry: AuditEntry): void;
  /** Who is behind a pseudonym (the only place the log's names and addresses are kept). */
  person(ref: Uint8Array, kind: AuditPersonKind, name: string | null, email: string | null): void;
}

export function createAudit(deps: { repo: AuditRepo; clock: Clock }): Audit {
  const { repo, clock } = deps;
  return {
    record(entry) {
      const head = repo.head();
      const row = {
        seq: (head?.seq ?? 0) + 1,
        at: clock.now(),
        actorRef: entry.actor,
        action: entry.action,
        objectType: entry.object?.type ?? null,
        objectRef: entry.object?.ref ?? null,
        details: JSON.stringify(entry.details ?? {}),
        prevHash: head?.hash ?? AUDIT_GENESIS_HASH,
      };
      repo.append({ ...row, hash: auditEntryHash(row) });
    },
    person(ref, kind, name, email) {
      repo.upsertPerson(ref, kind, name, email);
    },
  };
}

export type ChainCheck =
  | { readonly ok: true; readonly entries: number; readonly head: Uint8Array }
  /** `brokenAt`: the first entry whose sequence, link or hash does not hold. */
  | { readonly ok: false; readonly brokenAt: number };

/** Walks the whole log and checks every link. */
export function verifyChain(db: Db): ChainCheck {
  let expectedSeq = 1;
  let prevHash: Uint8Array = AUDIT_GENESIS_HASH;
  for (const row of createAuditRepo(db).entries()) {
    const { hash, ...rest } = row;
    const recomputed = auditEntryHash(rest);
    if (row.seq !== expectedSeq || !bytesEqual(row.prevHash, prevHash) || !bytesEqual(hash, recomputed)) {
      return { ok: false, brokenAt: row.seq };
    }
    prevHash = hash;
    expectedSeq += 1;
  }
  return { ok: true, entries: expectedSeq - 1, head: prevHash };
}
