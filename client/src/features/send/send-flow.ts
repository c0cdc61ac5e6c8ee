// Sending a share, step by step (docs/protocol.md §10, §11; shared/wire/shares.ts). The page drives it; the
// crypto worker does every check and holds every key:
//
//   1. look the addresses up: accounts (with keys and certificates) and guests;
//   2. check each account's certificate chain against the office key, and each key (and the
//      office key) against the user's pins; store pins for keys seen for the first time; a
//      changed key stops here until the advisor compares fingerprints and confirms;
//   3. encrypt and upload each file (streaming, in the worker);
//   4. seal metadata, sign the manifest, seal and wrap the file keys, make each guest's link;
//   5. create the share (a create whose answer was lost is asked for before it is sent again);
//   6. where the sender chose it, have Coffer mail each guest with an access code their link.
//
// A failure after some files were uploaded removes those uploads, so nothing half-sent stays.
import { ApiError, mayHaveLanded } from '../../api/http';
import {
  createShare,
  deleteUpload,
  getShare,
  mailGuestLink,
  getOfficeKeys,
  lookupRecipients,
  type RecipientLookupResponse,
} from '../../api/sharing';
import type { CryptoEngine } from '../../crypto/engine';
import { retryWithin } from '../../crypto/transport';
import { sendOnce } from '../../../../shared/once.js';
import { createAnswerOf, SHARE_CREATE_RETRY_MS, type ShareCreateResponse } from '../../../../shared/wire/shares.js';
import { MAX_FILE_NAME_CHARACTERS, type GuestLink, type TransferProgress } from '../../crypto/protocol';
import { loadPins, storePins } from '../pins/pin-store';
import type { StandingCode } from './RecipientsField';

export interface Compose {
  readonly files: readonly File[];
  /** `accessCode`: a new code (true), none, or a contact's standing code; `lang`: a contact's language. */
  readonly recipients: readonly {
    readonly email: string;
    readonly accessCode: boolean | StandingCode;
    readonly lang?: 'nl' | 'en';
  }[];
  readonly message: string;
  readonly expiresAt: string;
  readonly downloadLimit: number | null;
  readonly receiptMail: boolean;
  /** Coffer mails the link to each guest with an access code (the server refuses it for any other). */
  readonly mailLinks: boolean;
}

/** The share with this id, as its create would have answered, if the server made it; else null. */
async function madeShare(shareId: string): Promise<ShareCreateResponse | null> {
  try {
    return createAnswerOf(await getShare(shareId));
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

export type SendPhase = 'checking' | 'uploading' | 'sealing' | 'sending';

export interface KeyChange {
  readonly subject: 'office' | 'user';
  readonly subjectId: string;
  /** The person's name (or the office's), and their address for a person. */
  readonly name: string;
  readonly email?: string;
  /** Empty when `reason` says the pin was removed: there is no earlier fingerprint to show. */
  readonly pinnedFingerprint: string;
  readonly fingerprint: string;
  /** Set when the pin index (not the key) raised the alarm: see KeyCheck. */
  readonly reason?: 'removed' | 'rolledBack';
}

export interface SendHooks {
  readonly signal: AbortSignal;
  readonly phase: (phase: SendPhase) => void;
  /** Shows both fingerprints; resolves true when the advisor compared them and accepts the new key. */
  readonly confirmKeyChange: (change: KeyChange) => Promise<boolean>;
  readonly fileProgress: (index: number, progress: TransferProgress) => void;
  readonly fileDone: (index: number) => void;
}

interface SentGuest extends GuestLink {
  /** Nobody in the office ever sent to this address: the page warns to check it. */
  readonly seenBefore: boolean;
  /** Coffer mailed the link (`mailed`), tried and could not (`failed`), or the sender passes it on (absent). */
  readonly linkMail?: 'mailed' | 'failed';
  /** The contact whose standing access code this guest uses (the card names them, never the code). */
  readonly standingName?: string;
}

export interface SendOutcome {
  readonly shareId: string;
  readonly expiresAt: string;
  readonly guests: readonly SentGuest[];
  readonly accounts: readonly {
    readonly recipientId: string;
    readonly userId: string;
    readonly name: string;
    readonly email: string;
    readonly delivered: boolean;
  }[];
}

/** The send stopped before anything was uploaded, for a reason the page explains. */
export class SendStopped extends Error {
  override readonly name = 'SendStopped';
  constructor(
    /** `unapproved`: accounts that cannot receive yet; `untrusted`: keys the office did not certify; `refused`: a changed key was not accepted. */
    readonly reason: 'unapproved' | 'untrusted' | 'refused',
    readonly names: readonly string[] = [],
  ) {
    super(reason);
  }
}

/** A name that fits the metadata (protocol §5): shortened in the middle, keeping the extension. */
export function metadataName(name: string): string {
  const trimmed = name.trim() === '' ? 'file' : name;
  if (trimmed.length <= MAX_FILE_NAME_CHARACTERS) return trimmed;
  const dot = trimmed.lastIndexOf('.');
  const extension = dot > 0 && trimmed.length - dot <= 16 ? trimmed.slice(dot) : '';
  return `${trimmed.slice(0, MAX_FILE_NAME_CHARACTERS - extension.length - 1)}…${extension}`;
}

/** An account to check, as the recipient lookup found it. */
type FoundAccount = RecipientLookupResponse['recipients'][number]['account'] & { readonly email: string };

/**
 * Steps 1 and 2's checks in the worker (also before making a drop, with no accounts): each
 * account's certificate chain and the office encryption key against the office key, and each
 * key against the user's pins. Keys the office did not certify stop here (`untrusted`); keys
 * seen for the first time are pinned; a changed key stops until the user compared fingerprints
 * and confirmed it (`refused` otherwise). Afterwards the worker seals only to these keys.
 */
export async function checkKeysAndPins(
  engine: CryptoEngine,
  accounts: readonly NonNullable<FoundAccount>[],
  hooks: Pick<SendHooks, 'signal' | 'confirmKeyChange'>,
): Promise<void> {
  try {
    await checkOnce(engine, accounts, hooks);
  } catch (error) {
    // Another tab or device wrote the pin index meanwhile: read everything again, once.
    if (!(error instanceof ApiError && error.code === 'pin_index_conflict')) throw error;
    await checkOnce(engine, accounts, hooks);
  }
}

async function checkOnce(
  engine: CryptoEngine,
  accounts: readonly NonNullable<FoundAccount>[],
  hooks: Pick<SendHooks, 'signal' | 'confirmKeyChange'>,
): Promise<void> {
  const stopIfCancelled = (): void => {
    if (hooks.signal.aborted) throw new DOMException('cancelled', 'AbortError');
  };
  const [stored, officeKeys] = await Promise.all([loadPins(), getOfficeKeys()]);
  stopIfCancelled();
  const checked = await engine.call('checkKeys', {
    accounts: accounts.map((a) => ({
      email: a.email,
      userId: a.userId,
      identityPublicKey: a.identityPublicKey,
      encryptionPublicKey: a.encryptionPublicKey,
      encryptionKeySignature: a.encryptionKeySignature,
      ...(a.certificate !== undefined ? { certificate: a.certificate } : {}),
    })),
    ...stored,
    office: {
      officeId: officeKeys.officeId,
      signingPublicKey: officeKeys.signingPublicKey,
      encryptionPublicKey: officeKeys.encryptionPublicKey,
      encryptionKeyStatement: officeKeys.encryptionKeyStatement,
    },
  });
  const byUser = new Map(accounts.map((a) => [a.userId, a]));
  const failed = checked.accounts.filter((a) => a.check !== 'verified');
  if (failed.length > 0)
    throw new SendStopped(
      'untrusted',
      failed.map((a) => byUser.get(a.userId)?.name ?? a.userId),
    );

  // First-seen keys are pinned now, with the index that lists them; changed ones only after the advisor confirms.
  const firstSeen = [
    ...(checked.office.envelope
      ? [{ subject: 'office' as const, subjectId: officeKeys.officeId, envelope: checked.office.envelope }]
      : []),
    ...checked.accounts.flatMap((a) =>
      a.envelope ? [{ subject: 'user' as const, subjectId: a.userId, envelope: a.envelope }] : [],
    ),
  ];
  await storePins(firstSeen, checked);
  const changes: KeyChange[] = [];
  if (checked.office.pin === 'changed') {
    changes.push({
      subject: 'office',
      subjectId: officeKeys.officeId,
      name: '',
      pinnedFingerprint: checked.office.pinnedFingerprint ?? '',
      fingerprint: checked.office.fingerprint,
      ...(checked.office.reason ? { reason: checked.office.reason } : {}),
    });
  }
  for (const account of checked.accounts) {
    if (account.pin !== 'changed') continue;
    const who = byUser.get(account.userId);
    changes.push({
      subject: 'user',
      subjectId: account.userId,
      name: who?.name ?? '',
      ...(who ? { email: who.email } : {}),
      pinnedFingerprint: account.pinnedFingerprint ?? '',
      fingerprint: account.fingerprint,
      ...(account.reason ? { reason: account.reason } : {}),
    });
  }
  for (const change of changes) {
    stopIfCancelled();
    if (!(await hooks.confirmKeyChange(change))) throw new SendStopped('refused', [change.name]);
    const confirmed = await engine.call('confirmPin', { subject: change.subject, subjectId: change.subjectId });
    await storePins(
      [{ subject: change.subject, subjectId: change.subjectId, envelope: confirmed.envelope }],
      confirmed,
    );
  }
}

export async function sendShare(engine: CryptoEngine, compose: Compose, hooks: SendHooks): Promise<SendOutcome> {
  const { signal } = hooks;
  const stopIfCancelled = (): void => {
    if (signal.aborted) throw new DOMException('cancelled', 'AbortError');
  };

  // ---- 1 and 2: recipients and their keys
  hooks.phase('checking');
  const { recipients } = await lookupRecipients(compose.recipients.map((r) => r.email));
  const composed = new Map(compose.recipients.map((r) => [r.email.trim().toLowerCase(), r]));
  const accounts = recipients.flatMap((r) => (r.account ? [{ ...r.account, email: r.email }] : []));
  const unapproved = accounts.filter((a) => a.certificate === undefined);
  if (unapproved.length > 0)
    throw new SendStopped(
      'unapproved',
      unapproved.map((a) => a.name || a.email),
    );

  const byUser = new Map(accounts.map((a) => [a.userId, a]));
  await checkKeysAndPins(engine, accounts, hooks);

  // ---- 3: the files
  stopIfCancelled();
  hooks.phase('uploading');
  const uploaded: { readonly fileId: string; readonly uploadId: string }[] = [];
  try {
    for (const [index, file] of compose.files.entries()) {
      const result = await engine.call(
        'uploadFile',
        { file },
        { signal, onTransfer: (progress) => hooks.fileProgress(index, progress) },
      );
      uploaded.push(result);
      hooks.fileDone(index);
    }

    // ---- 4: seal
    stopIfCancelled();
    hooks.phase('sealing');
    const guests = recipients.filter((r) => !r.account);
    const sealed = await engine.call('sealShare', {
      files: uploaded.map((u, index) => {
        const file = compose.files[index] as File;
        return {
          fileId: u.fileId,
          name: metadataName(file.name),
          type: file.type.slice(0, 255),
          lastModified: Math.max(0, Math.floor(file.lastModified || 0)),
        };
      }),
      ...(compose.message.trim() !== '' ? { message: compose.message.trim() } : {}),
      accounts: accounts.map((a) => ({ userId: a.userId })),
      guests: guests.map((g) => {
        const { accessCode = false, lang } = composed.get(g.email) ?? {};
        return {
          email: g.email,
          accessCode: accessCode === true,
          ...(typeof accessCode === 'object'
            ? {
                standingCode: {
                  contactId: accessCode.contactId,
                  sealed: accessCode.sealed,
                  sealedBy: accessCode.sealedBy,
                },
              }
            : {}),
          ...(lang !== undefined ? { lang } : {}),
        };
      }),
      expiresAt: compose.expiresAt,
      ...(compose.downloadLimit !== null ? { downloadLimit: compose.downloadLimit } : {}),
      receiptMail: compose.receiptMail,
    });

    // ---- 5: create. An answer lost on the way (no answer, a 5xx) may hide a share the server
    // made: each try after the first asks for it (shared/once.ts), so nobody gets it twice.
    stopIfCancelled();
    hooks.phase('sending');
    const { value: created } = await retryWithin(
      sendOnce(
        () => createShare(sealed.request),
        () => madeShare(sealed.request.shareId),
      ),
      { signal, windowMs: SHARE_CREATE_RETRY_MS, again: mayHaveLanded },
    );
    void engine.call('forgetFiles', { fileIds: uploaded.map((u) => u.fileId) }).catch(() => undefined);
    const seen = new Map(recipients.map((r) => [r.email, r.seenBefore]));
    const undelivered = new Set(created.undelivered);
    const guestsSent = await Promise.all(
      sealed.guests.map(async (g): Promise<SentGuest> => {
        const code = composed.get(g.email)?.accessCode;
        const sentGuest = {
          ...g,
          seenBefore: seen.get(g.email) ?? false,
          ...(g.standingCode && typeof code === 'object' ? { standingName: code.name } : {}),
        };
        // Coffer mails only a link that an access code guards: this share's or a contact's standing one.
        if (!compose.mailLinks || (g.accessCode === undefined && !g.standingCode)) return sentGuest;
        // The share exists whatever happens here: a link Coffer could not mail is shown to copy.
        const linkMail = await mailGuestLink(created.shareId, g.recipientId, g.fragment).then(
          () => 'mailed' as const,
          () => 'failed' as const,
        );
        return { ...sentGuest, linkMail };
      }),
    );
    return {
      shareId: created.shareId,
      expiresAt: compose.expiresAt,
      guests: guestsSent,
      accounts: sealed.accounts.map((a) => {
        const who = byUser.get(a.userId);
        return { ...a, name: who?.name ?? '', email: who?.email ?? '', delivered: !undelivered.has(a.recipientId) };
      }),
    };
  } catch (error) {
    // Nothing half-sent stays behind: the keys in the worker, the uploads on the server.
    if (uploaded.length > 0) {
      void engine.call('forgetFiles', { fileIds: uploaded.map((u) => u.fileId) }).catch(() => undefined);
      for (const u of uploaded) void deleteUpload(u.uploadId).catch(() => undefined);
    }
    throw error;
  }
}
