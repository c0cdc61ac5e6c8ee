// `coffer send FILE... --to ADDRESS...`: the browser's send flow (client/src/features/send/
// send-flow.ts, docs/protocol.md §27) with the worker's operations in this process:
//
//   1. look the addresses up; an account that is not approved yet stops the send;
//   2. checkKeys: each account's certificate chain against the office key, the office
//      encryption key against its statement, every key against the user's pins. First-seen keys
//      are pinned; a changed key stops the send (exit 3) — there is no prompt to accept it here:
//      compare fingerprints and accept it in the browser, then send again;
//   3. each file is encrypted and uploaded from disk in the server's part size (flat memory);
//   4. sealShare, then the share is created (a create whose answer was lost, for up to 30 s of
//      retries, is asked for before it is sent again: shared/once.ts);
//   5. a guest with an access code (--code, or a contact's standing code: a guest who is a contact
//      with one uses it unless --code asks for a new one, as choosing the contact does on the
//      send page) gets the link from Coffer (the delivery rule of
//      docs/threat-model.md, "Who delivers a link"); any other guest's link is printed for the
//      sender to pass on, with its access code to give by phone.
import { openAsBlob } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { ContactList } from '../shared/wire/contacts.js';
import { sendOnce } from '../shared/once.js';
import {
  createAnswerOf,
  RecipientLookupResponse,
  SHARE_CREATE_RETRY_MS,
  ShareCreateResponse,
  ShareDetail,
} from '../shared/wire/shares.js';
import { OfficeKeysResponse } from '../shared/wire/accounts.js';
import { MAX_FILE_NAME_CHARACTERS } from '../client/src/crypto/protocol.js';
import { HttpFailure, isRetryable, retryWithin } from '../client/src/crypto/transport.js';
import { CliError, EXIT } from './errors.js';
import type { Io } from './io.js';
import type { Session } from './session.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The share with this id, as its create would have answered, if the server made it; else null. */
async function madeShare(session: Session, shareId: string): Promise<ShareCreateResponse | null> {
  try {
    return createAnswerOf(await session.api.get(`/api/v1/shares/${shareId}`, ShareDetail));
  } catch (error) {
    if (error instanceof HttpFailure && error.status === 404) return null;
    throw error;
  }
}

export interface SendOptions {
  readonly files: readonly string[];
  readonly to: readonly string[];
  readonly expiresDays: number;
  readonly limit: number | null;
  readonly code: boolean;
  readonly message: string;
}

interface SentGuest {
  readonly email: string;
  readonly recipientId: string;
  readonly link: string;
  readonly accessCode?: string;
  /** The guest uses their contact's standing access code, which they already have. */
  readonly standingCode?: true;
  /** Coffer mailed the link; else the sender passes it on. */
  readonly mailed: boolean;
}

export interface SendOutcome {
  readonly shareId: string;
  readonly expiresAt: string;
  readonly guests: readonly SentGuest[];
  readonly accounts: readonly { readonly email: string; readonly recipientId: string; readonly delivered: boolean }[];
}

/** A name that fits the metadata (protocol §5), shortened in the middle as the browser does. */
export function metadataName(name: string): string {
  if (name.length <= MAX_FILE_NAME_CHARACTERS) return name;
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : '';
  return `${name.slice(0, MAX_FILE_NAME_CHARACTERS - extension.length - 1)}…${extension}`;
}

/** An account a recipient lookup found, with the address it was found by. */
export type FoundAccount = NonNullable<RecipientLookupResponse['recipients'][number]['account']> & {
  readonly email: string;
};

/**
 * Step 2 of a send (and of `coffer batch`, before anything is made): each account's certificate
 * chain against the office key, the office encryption key against its statement, every key
 * against the user's pins. First-seen keys are pinned; a changed or uncertified key refuses (exit 3).
 */
export async function checkAccounts(session: Session, io: Io, accounts: readonly FoundAccount[]): Promise<void> {
  const { m } = io;
  const officeKeys = await session.api.get('/api/v1/office/keys', OfficeKeysResponse);
  const checked = await session.call('checkKeys', {
    accounts: accounts.map((a) => ({
      email: a.email,
      userId: a.userId,
      identityPublicKey: a.identityPublicKey,
      encryptionPublicKey: a.encryptionPublicKey,
      encryptionKeySignature: a.encryptionKeySignature,
      ...(a.certificate !== undefined ? { certificate: a.certificate } : {}),
    })),
    ...(await session.loadPins()),
    office: {
      officeId: officeKeys.officeId,
      signingPublicKey: officeKeys.signingPublicKey,
      encryptionPublicKey: officeKeys.encryptionPublicKey,
      encryptionKeyStatement: officeKeys.encryptionKeyStatement,
    },
  });
  const emailOf = new Map(accounts.map((a) => [a.userId, a.email]));
  for (const account of checked.accounts) {
    if (account.check === 'verified' && account.pin !== 'changed') continue;
    throw new CliError(
      EXIT.refused,
      account.check === 'verified' ? 'key_changed' : 'keys_untrusted',
      m.keyRefused(emailOf.get(account.userId) ?? account.userId),
    );
  }
  if (checked.office.pin === 'changed') throw new CliError(EXIT.refused, 'office_key_changed', m.officeKeyChanged);
  await session.storePins(
    [
      ...(checked.office.envelope
        ? [{ subject: 'office' as const, subjectId: officeKeys.officeId, envelope: checked.office.envelope }]
        : []),
      ...checked.accounts.flatMap((a) =>
        a.envelope ? [{ subject: 'user' as const, subjectId: a.userId, envelope: a.envelope }] : [],
      ),
    ],
    checked,
  );
}

/** A guest's link as the recipient opens it (docs/protocol.md: the fragment never reaches the server). */
export function guestLink(session: Session, linkId: string, fragment: string): string {
  return `${new URL(session.device.origin).origin}/s/${linkId}#${fragment}`;
}

/** Coffer mails a guest's link (only for a guest with an access code: docs/threat-model.md, "Who delivers a link"). */
export function mailLink(session: Session, shareId: string, recipientId: string, fragment: string): Promise<void> {
  return session.api.act(
    `/api/v1/shares/${encodeURIComponent(shareId)}/recipients/${encodeURIComponent(recipientId)}/mail-link`,
    { fragment },
  );
}

export async function send(session: Session, io: Io, options: SendOptions): Promise<SendOutcome> {
  const { m } = io;
  const files: { readonly path: string; readonly name: string; readonly lastModified: number }[] = [];
  for (const path of options.files) {
    try {
      const info = await stat(path);
      if (!info.isFile()) throw new Error('not a file');
      files.push({ path, name: metadataName(basename(path)), lastModified: Math.floor(info.mtimeMs) });
    } catch {
      throw new CliError(EXIT.usage, 'file_unreadable', m.notReadable(path));
    }
  }

  // ---- 1 and 2: recipients and their keys
  const { recipients } = await session.api.post(
    '/api/v1/recipients/lookup',
    { emails: options.to },
    RecipientLookupResponse,
  );
  const accounts = recipients.flatMap((r) => (r.account ? [{ ...r.account, email: r.email }] : []));
  const unapproved = accounts.filter((a) => a.certificate === undefined);
  if (unapproved.length > 0)
    throw new CliError(EXIT.refused, 'unapproved', m.unapproved(unapproved.map((a) => a.email).join(', ')));

  await checkAccounts(session, io, accounts);
  const emailOf = new Map(accounts.map((a) => [a.userId, a.email]));

  // ---- 3: the files, from disk in parts
  const uploaded: { readonly fileId: string; readonly uploadId: string }[] = [];
  try {
    for (const file of files) {
      const blob = await openAsBlob(file.path);
      uploaded.push(
        await session.call('uploadFile', { file: blob }, (progress) =>
          io.progress(m.uploading(file.name, Math.floor(progress.percent))),
        ),
      );
    }

    // ---- 4: seal and create
    const expiresAt = new Date(Date.now() + options.expiresDays * DAY_MS).toISOString();
    const guests = recipients.filter((r) => !r.account);
    const contacts = new Map(
      guests.length === 0
        ? []
        : (await session.api.get('/api/v1/contacts', ContactList)).contacts.map((c) => [c.email.toLowerCase(), c]),
    );
    const sealed = await session.call('sealShare', {
      files: uploaded.map((u, index) => {
        const file = files[index] as (typeof files)[number];
        return { fileId: u.fileId, name: file.name, type: '', lastModified: Math.max(0, file.lastModified) };
      }),
      ...(options.message.trim() !== '' ? { message: options.message.trim() } : {}),
      accounts: accounts.map((a) => ({ userId: a.userId })),
      guests: guests.map((g) => {
        const contact = contacts.get(g.email.toLowerCase());
        const standing = contact?.code && !options.code ? contact.code : null;
        return {
          email: g.email,
          accessCode: options.code,
          ...(standing && contact
            ? { standingCode: { contactId: contact.contactId, sealed: standing.sealed, sealedBy: standing.sealedBy } }
            : {}),
          lang: contact?.lang ?? io.lang,
        };
      }),
      expiresAt,
      ...(options.limit !== null ? { downloadLimit: options.limit } : {}),
      receiptMail: false,
    });
    // A failure worth trying again (no answer, a 5xx) may hide a share the server made: it is asked
    // for before the create is sent again.
    const { value: created } = await retryWithin(
      sendOnce(
        () => session.api.post('/api/v1/shares', sealed.request, ShareCreateResponse),
        () => madeShare(session, sealed.request.shareId),
      ),
      { signal: new AbortController().signal, windowMs: SHARE_CREATE_RETRY_MS, again: isRetryable },
    );
    await session.call('forgetFiles', { fileIds: uploaded.map((u) => u.fileId) });

    // ---- 5: the links
    const sentGuests: SentGuest[] = [];
    for (const guest of sealed.guests) {
      const link = guestLink(session, guest.linkId, guest.fragment);
      let mailed = false;
      if (guest.accessCode !== undefined || guest.standingCode) {
        mailed = await mailLink(session, created.shareId, guest.recipientId, guest.fragment).then(
          () => true,
          () => false,
        );
      }
      sentGuests.push({
        email: guest.email,
        recipientId: guest.recipientId,
        link,
        ...(guest.accessCode !== undefined ? { accessCode: guest.accessCode } : {}),
        ...(guest.standingCode ? { standingCode: true as const } : {}),
        mailed,
      });
    }
    const undelivered = new Set(created.undelivered);
    const outcome: SendOutcome = {
      shareId: created.shareId,
      expiresAt,
      guests: sentGuests,
      accounts: sealed.accounts.map((a) => ({
        email: emailOf.get(a.userId) ?? '',
        recipientId: a.recipientId,
        delivered: !undelivered.has(a.recipientId),
      })),
    };
    io.say(m.sent(files.length, outcome.guests.length + outcome.accounts.length));
    for (const account of outcome.accounts) io.say(m.accountDelivered(account.email));
    for (const guest of outcome.guests) {
      if (guest.mailed) io.say(m.linkMailed(guest.email));
      else {
        io.say(m.linkToPass(guest.email));
        io.say(`  ${guest.link}`);
      }
      if (guest.accessCode !== undefined) io.say(m.accessCode(guest.accessCode));
      if (guest.standingCode) io.say(m.standingCode);
    }
    return outcome;
  } catch (error) {
    // Nothing half-sent stays behind: the keys here, the uploads on the server.
    if (uploaded.length > 0) {
      await session.call('forgetFiles', { fileIds: uploaded.map((u) => u.fileId) }).catch(() => undefined);
      for (const u of uploaded) await session.api.transport.deleteUpload(u.uploadId);
    }
    throw error;
  }
}
