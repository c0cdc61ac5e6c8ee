// Drops, the link holder's side (docs/protocol.md §13, shared/wire/drops.ts): what the upload page
// shows, the e-mail code of a bound drop, the start of an open drop's session, the grant that
// names an upload session, the room each new upload must fit in, and the submission.
//
// Entitlement: a link holder is whoever knows the drop id of /d/<dropId>; they get 410 once the
// drop is closed or expired, everyone else 404 for an unknown id. The link alone lets them
// upload only after proving the bound address (a bound drop: the e-mail code rules of shares,
// server/kernel/codes/rules.ts) or, for an open drop, after asking (no mail to the uploader,
// ever: an open drop would otherwise let anyone make Coffer mail anyone; rate limited per client
// address and per drop instead; its owner's arrival mails are coalesced, at most one per drop per
// 10 minutes). A bound drop's code step is also satisfied by a trusted device of the bound
// address (server/kernel/trust/devices.ts). Either way they get a grant, a capability token
// naming one upload session, which owns the resumable uploads it creates
// (uploads.drop_session_id) and submits once. Nothing here changes state on GET.
//
// A client's personal drop (drops.client_id, server/clients/) has no public link: info, codes
// and the public start answer 404 for it, exactly as for an unknown id. Its client starts a
// session from the portal (`startForClient`, scoped to drop id AND client id) and gets the same
// grant; the upload and submit routes then work under it as for any other session, and the
// session and its submission remember the client (their upload history).
//
// Limits are checked when each upload is created, before a byte is stored (`admit`, in the
// transaction that inserts it): files per submission, plaintext bytes per submission, and the
// owner's storage quota (a member's drops count against it); the upload protocol then holds
// each upload to its declared size, and the submission checks the sum again.
import {
  bytesEqual,
  codeHash,
  CryptoError,
  idFromWire,
  idToWire,
  newId,
  plaintextLengthOf,
  receiptCode,
  toHex,
  type Id,
} from '../../shared/crypto/index.js';
import { DROP_SESSION_HOURS, type Language } from '../../shared/wire/index.js';
import { localeFor, type MailLocale } from '../kernel/mail/format.js';
import { sendAlert } from '../kernel/mail/alerts.js';
import type { MailMessage } from '../kernel/mail/mailer.js';
import type { UsersRepo } from '../kernel/accounts/users-repo.js';
import type { Deliver } from '../kernel/mail/deliver.js';
import {
  codeSpent,
  deviceNotTrusted,
  grantInvalid,
  invalidInput,
  notFound,
  uploadIncomplete,
  wrongEmailCode,
} from '../kernel/http/errors.js';
import { CapabilityTokenError } from '../kernel/keys.js';
import { maskAddress } from '../kernel/mail/mailer.js';
import { RATE_LIMITS } from '../kernel/rate-limit/service.js';
import { checkEmailCode, EMAIL_CODE_LIFETIME_MS, issueEmailCode, mailEmailCode } from '../kernel/codes/rules.js';
import type { LinkHolderDeps } from '../kernel/link-holder.js';
import type { UploadsRepo } from '../kernel/uploads/repo.js';
import type { AdmitUpload } from '../kernel/uploads/service.js';
import {
  codeNeeded,
  codeNotNeeded,
  dropLocked,
  dropStorageFull,
  dropTooLarge,
  dropTooManyFiles,
  uploadIdTaken,
} from './errors.js';
import type { DropSessionRecord, DropsRepo } from './repo.js';
import { requireOffice, requireOpen } from './service.js';
import type { DropRecord } from '../kernel/domain/drops.js';
import type { DropGrant } from '../kernel/domain/drops.js';
import { dropCodeMail, dropLockedMail, dropReceiptMail, dropReceivedMail } from '../kernel/mail/transfer-messages.js';

const DROP_GRANT_AUDIENCE = 'coffer/drop-upload';
const HOUR_MS = 60 * 60 * 1000;
const SESSION_MS = DROP_SESSION_HOURS * HOUR_MS;
/** An open drop's arrival mails: after one, further arrivals within this time are not mailed (they are listed). */
const ARRIVAL_QUIET_MS = 10 * 60 * 1000;

export interface DropSubmission {
  readonly dropUploadId: Id;
  readonly manifest: Uint8Array;
  readonly files: readonly { fileId: Id; uploadId: Id; sealedMetadata: Uint8Array; sealedKey: Uint8Array }[];
  readonly receiptMail: boolean;
  /** The upload page's language, for the receipt mail; the office's when left out. */
  readonly lang: Language | undefined;
  /** A portal upload's names record, sealed to the client (opaque here); null without one. */
  readonly clientNames: Uint8Array | null;
}

export interface DropLinkService {
  /** The drop a link names, while it takes uploads, and whether this browser's trusted-device cookie may skip its code. */
  info(dropId: Id, trustToken: string | undefined): { drop: DropRecord; trusted: boolean; trustedDeviceDays: number };
  /** `lang`: the upload page's language, for the code mail; the office's when left out. */
  requestCode(ip: string, dropId: Id, lang: Language | undefined): Promise<{ sentAt: number; expiresAt: number }>;
  /** `remember`: make this browser a trusted device (`trusted` in the answer carries its token). */
  verifyCode(
    ip: string,
    dropId: Id,
    code: string,
    remember: boolean,
  ): Promise<DropGrant & { trusted?: { token: string; expiresAt: number } }>;
  /** A bound drop's session without a code, for a trusted device of its address. */
  openTrusted(dropId: Id, trustToken: string | undefined): Promise<DropGrant>;
  start(ip: string, dropId: Id): Promise<DropGrant>;
  /** The portal: a session on the client's own personal drop (404 for any other drop). */
  startForClient(clientId: Id, dropId: Id): Promise<DropGrant>;
  /** The upload session a grant names, for the link's drop: 401 grant_invalid, or 410 when the drop ended. */
  session(dropId: Id, token: string | undefined): Promise<Id>;
  /**
   * The upload session a grant names, for a submit: as `session`, except that a session which
   * submitted already passes (even once its drop closed), as its submit may be a repeat whose
   * first answer was lost, which `submit` answers.
   */
  submitSession(dropId: Id, token: string | undefined): Promise<Id>;
  /** The room check of each new upload of a session (the uploads service's `admit`). */
  readonly admit: AdmitUpload;
  /** `sessionId` as submitSession gives it: a repeat is answered, anything else needs a live session. */
  submit(
    dropId: Id,
    sessionId: Id,
    submission: DropSubmission,
  ): Promise<{ dropUploadId: Id; receivedAt: number; receiptCode: string; receiptMailed: boolean }>;
}

function allUnique(ids: readonly Uint8Array[]): boolean {
  return new Set(ids.map(toHex)).size === ids.length;
}

/** The plaintext bytes of containers of these sizes (a size that is no container counts as too large). */
function plaintextTotal(sizes: readonly number[]): number {
  return sizes.reduce((sum, size) => sum + (plaintextLengthOf(size) ?? Number.MAX_SAFE_INTEGER), 0);
}

export function createDropLinkService(
  deps: LinkHolderDeps & {
    drops: DropsRepo;
    /** Uploads owned by drop sessions (createUploadsRepo(db, 'drop-session')). */
    sessionUploads: UploadsRepo;
    /** Members' own uploads, for the owner's storage. */
    memberUploads: UploadsRepo;
    /** Who the drop's alerts reach (server/kernel/mail/alerts.ts), and the mail queue they go through. */
    users: Pick<UsersRepo, 'byId' | 'byEmail' | 'approvedAdmins'>;
    notify: Deliver;
    quotaBytes: number;
    /** Clears a drop that ended (a single-use drop after its submission), as the sweeper does. */
    destroy: (dropId: Id) => Promise<void>;
  },
): DropLinkService {
  const { drops, audit, transact, clock, limits } = deps;
  const office = () => requireOffice(deps.office);

  const object = (drop: DropRecord) => ({ type: 'drop' as const, ref: drop.auditRef });
  const dropLink = (drop: DropRecord) => `${deps.publicUrl}/app/drops/${idToWire(drop.id)}`;

  /** The link's drop while it takes uploads: 404 unknown, 410 ended. */
  const findOpen = (dropId: Id): DropRecord => {
    const drop = drops.byId(dropId);
    if (drop === undefined) throw notFound();
    requireOpen(drop, clock.now());
    return drop;
  };

  /** As findOpen, for the routes that need no grant: a client's personal drop is not there (404). */
  const findPublic = (dropId: Id): DropRecord => {
    const drop = drops.byId(dropId);
    if (drop === undefined || drop.clientId !== null) throw notFound();
    requireOpen(drop, clock.now());
    return drop;
  };

  const newSession = async (drop: DropRecord, clientId: Id | null = null): Promise<DropGrant> => {
    const sessionId = newId();
    const expiresAt = transact(() => {
      const now = clock.now();
      drops.insertSession(sessionId, drop.id, now, now + SESSION_MS, clientId);
      return now + SESSION_MS;
    });
    const grant = await deps.tokens.sign({
      audience: DROP_GRANT_AUDIENCE,
      subject: idToWire(drop.id),
      ttlSeconds: SESSION_MS / 1000,
      claims: { jti: idToWire(sessionId) },
    });
    return { grant, expiresAt };
  };

  /** The client account with this address, if any (a drop bound to a client's address concerns them). */
  const clientAt = (email: string | null): Id | null => {
    const user = email === null ? undefined : deps.users.byEmail(email);
    return user?.role === 'client' ? user.id : null;
  };
  /**
   * Tells whoever the drop's alerts are for (server/kernel/mail/alerts.ts): its owner, or for a
   * client's personal drop that client's advisor; when they left, the advisor of the client the
   * drop is bound to, else the admins.
   */
  const alert = (drop: DropRecord, mail: (to: string, locale: MailLocale) => MailMessage) => {
    const client = drop.clientId ?? clientAt(drop.email);
    return sendAlert(
      { users: deps.users, deliver: deps.notify, office: office() },
      { owner: drop.clientId === null ? drop.ownerId : null, client },
      mail,
    );
  };

  /**
   * The session a grant names for this drop, by the server's signature alone: 401 grant_invalid
   * for a bad grant, 404 for another drop's. Whether the session may still upload is liveSession's.
   */
  const grantedSession = async (dropId: Id, token: string | undefined): Promise<Id> => {
    if (token === undefined) throw grantInvalid();
    try {
      const verified = await deps.tokens.verify(token, DROP_GRANT_AUDIENCE);
      if (typeof verified.payload.jti !== 'string') throw grantInvalid();
      // The grant names its drop: a valid grant for another drop gives no right to this one,
      // refused before any lookup with the same 404 as a missing drop.
      if (verified.subject !== idToWire(dropId)) throw notFound();
      return idFromWire(verified.payload.jti);
    } catch (error) {
      if (error instanceof CapabilityTokenError || error instanceof CryptoError) throw grantInvalid();
      throw error;
    }
  };

  /** A session that may still upload and submit: its drop takes uploads, and it is unsubmitted and unexpired. */
  const liveSession = (dropId: Id, sessionId: Id): { drop: DropRecord; session: DropSessionRecord } => {
    // The grant is the server's own word that its holder reached this drop: they may learn it ended.
    const drop = findOpen(dropId);
    const session = drops.session(sessionId, dropId);
    if (session === undefined || session.submittedAt !== null || session.expiresAt <= clock.now()) throw grantInvalid();
    return { drop, session };
  };

  return {
    info(dropId, trustToken) {
      const drop = findPublic(dropId);
      const trusted = drop.email !== null && drop.lockedAt === null && deps.trust.holds(trustToken, drop.email);
      return { drop, trusted, trustedDeviceDays: drop.email === null ? 0 : office().trustedDeviceDays };
    },

    async requestCode(ip, dropId, lang) {
      limits.check(limits.address('drop-code', ip));
      const drop = findPublic(dropId);
      if (drop.email === null) throw codeNotNeeded();
      if (drop.lockedAt !== null) throw dropLocked();
      const to = drop.email;
      const codes = drops.codesOf(drop.id);
      const { code, sentAt, expiresAt } = transact(() => {
        const issued = issueEmailCode(
          codes,
          (value) => codeHash(deps.serverKey, 'email-code', drop.id, value),
          clock.now(),
        );
        audit.record({ actor: drop.linkRef, action: 'drop.code_requested', object: object(drop) });
        return issued;
      });
      await mailEmailCode(codes, () =>
        deps.deliver(
          dropCodeMail({
            to,
            locale: localeFor(lang ?? office().language, office()),
            office: office().name,
            code,
            validMinutes: EMAIL_CODE_LIFETIME_MS / 60_000,
          }),
        ),
      );
      return { sentAt, expiresAt };
    },

    async verifyCode(ip, dropId, code, remember) {
      // Per client address too, so one address cannot go on guessing over many links.
      const address = limits.address('drop-code', ip);
      limits.check(address);
      const drop = findPublic(dropId);
      const email = drop.email;
      if (email === null) throw codeNotNeeded();
      if (drop.lockedAt !== null) throw dropLocked();

      const checked = transact(() => {
        const now = clock.now();
        const check = checkEmailCode(
          drops.codesOf(drop.id),
          codeHash(deps.serverKey, 'email-code', drop.id, code),
          now,
        );
        if (check.outcome === 'spent') return { check };
        if (check.outcome === 'right') {
          const trusted = remember ? deps.trust.issue(email) : undefined;
          audit.record({
            actor: drop.linkRef,
            action: 'drop.code_confirmed',
            object: object(drop),
            details: { trustedDevice: trusted !== undefined },
          });
          return { check, trusted };
        }
        audit.record({
          actor: drop.linkRef,
          action: 'drop.code_wrong',
          object: object(drop),
          details: { wrongCodes: check.wrongCodes },
        });
        if (check.lockedNow) audit.record({ actor: drop.linkRef, action: 'drop.locked', object: object(drop) });
        return { check };
      });

      const { check, trusted } = checked;
      if (check.outcome === 'right')
        return { ...(await newSession(drop)), ...(trusted !== undefined ? { trusted } : {}) };
      if (check.outcome === 'spent') throw codeSpent();
      limits.fail(address);
      if (!check.lockedNow) throw wrongEmailCode(check.triesLeft);
      await alert(drop, (to, locale) =>
        dropLockedMail({ to, locale, office: office().name, recipient: maskAddress(email), link: dropLink(drop) }),
      );
      throw dropLocked();
    },

    async openTrusted(dropId, trustToken) {
      const drop = findPublic(dropId);
      const email = drop.email;
      if (email === null) throw codeNotNeeded();
      if (drop.lockedAt !== null) throw dropLocked();
      transact(() => {
        if (!deps.trust.use(trustToken, email)) throw deviceNotTrusted();
        drops.markTrusted(drop.id, clock.now());
        audit.record({ actor: drop.linkRef, action: 'drop.trusted_device_used', object: object(drop) });
      });
      return newSession(drop);
    },

    async start(ip, dropId) {
      const drop = findPublic(dropId);
      if (drop.email !== null) throw codeNeeded();
      limits.countRequests(
        'drop-start',
        { scope: 'address', value: ip, policy: RATE_LIMITS.dropStartAddress },
        { scope: 'object', value: toHex(drop.id), policy: RATE_LIMITS.dropStartDrop },
      );
      return newSession(drop);
    },

    async startForClient(clientId, dropId) {
      const drop = drops.clientDrop(dropId, clientId);
      if (drop === undefined) throw notFound();
      requireOpen(drop, clock.now());
      return newSession(drop, clientId);
    },

    session: async (dropId, token) => liveSession(dropId, await grantedSession(dropId, token)).session.id,

    async submitSession(dropId, token) {
      const sessionId = await grantedSession(dropId, token);
      if (!drops.hasSubmission(dropId, sessionId)) liveSession(dropId, sessionId);
      return sessionId;
    },

    admit(sessionId, size, now) {
      const drop = drops.dropOfSession(sessionId);
      if (drop === undefined) throw grantInvalid();
      requireOpen(drop, now);
      if (drops.session(sessionId, drop.id)?.submittedAt !== null) throw grantInvalid();
      const sizes = drops.sessionUploadSizes(sessionId);
      if (sizes.length + 1 > drop.maxFiles) throw dropTooManyFiles();
      if (plaintextTotal([...sizes, size]) > drop.maxBytes) throw dropTooLarge();
      if (
        deps.memberUploads.storageUsed(drop.ownerId, now) + drops.storedForOwner(drop.ownerId) + size >
        deps.quotaBytes
      )
        throw dropStorageFull();
    },

    async submit(dropId, sessionId, submission) {
      // The same submission again from the session that made it (its answer was lost on the way):
      // the receipt it was given, with nothing stored, mailed or closed a second time. Another
      // manifest under the same id is another submission, refused as before.
      const earlier = drops.submissionOf(submission.dropUploadId, dropId, sessionId);
      if (earlier !== undefined) {
        if (!bytesEqual(earlier.manifest, submission.manifest)) throw uploadIdTaken();
        return {
          dropUploadId: submission.dropUploadId,
          receivedAt: earlier.receivedAt,
          receiptCode: receiptCode(earlier.manifest),
          receiptMailed: earlier.receiptMailed,
        };
      }
      const { drop } = liveSession(dropId, sessionId);
      const { files } = submission;
      if (submission.receiptMail && drop.email === null) throw invalidInput(['receiptMail']);
      if (!allUnique(files.map((file) => file.fileId)) || !allUnique(files.map((file) => file.uploadId)))
        throw invalidInput(['files']);
      if (files.length > drop.maxFiles) throw dropTooManyFiles();
      let code: string;
      try {
        // The server cannot check the MAC (it has no D); this checks the envelope's shape.
        code = receiptCode(submission.manifest);
      } catch (error) {
        if (error instanceof CryptoError) throw invalidInput(['manifest']);
        throw error;
      }
      // The uploads: this session's own (any other id is 404, like an unknown one), complete.
      const sizes = files.map((file) => {
        const upload = deps.sessionUploads.findOwn(file.uploadId, sessionId);
        if (upload === undefined) throw notFound();
        if (upload.completedAt === null || upload.expiresAt <= clock.now())
          throw uploadIncomplete('An upload of this submission is not complete, or has expired');
        return upload.size;
      });
      if (plaintextTotal(sizes) > drop.maxBytes) throw dropTooLarge();

      const received = transact(() => {
        const now = clock.now();
        const current = drops.byId(dropId);
        if (current === undefined) throw notFound();
        requireOpen(current, now);
        const session = drops.session(sessionId, drop.id);
        if (session === undefined || !drops.markSubmitted(sessionId, drop.id, now)) throw grantInvalid();
        // Only a client has a key to seal names to: a link holder's session cannot store a record.
        if (submission.clientNames !== null && session.clientId === null) throw invalidInput(['clientNames']);
        if (drops.uploadIdTaken(submission.dropUploadId)) throw uploadIdTaken();
        drops.insertUpload(submission.dropUploadId, drop.id, submission.manifest, now, {
          sessionId,
          clientId: session.clientId,
          clientNames: submission.clientNames,
        });
        files.forEach(({ fileId, uploadId, sealedMetadata, sealedKey }, position) => {
          // Taking the upload deletes its row in the same statement: it can become one drop file only.
          const claimed = deps.sessionUploads.claimOwn(uploadId, sessionId, now);
          if (claimed === undefined)
            throw uploadIncomplete('An upload of this submission is not complete, or was used already');
          drops.insertFile({
            dropUploadId: submission.dropUploadId,
            fileId,
            position,
            sealedMetadata,
            sealedKey,
            ...claimed,
          });
        });
        audit.record({
          actor: drop.linkRef,
          action: 'drop.uploaded',
          object: object(drop),
          details: {
            upload: toHex(submission.dropUploadId),
            files: files.length,
            bytes: plaintextTotal(sizes),
            bound: drop.email !== null,
          },
        });
        // A bound drop's owner hears of every submission (each needed a code from its address);
        // an open drop's, whose link anyone may hold, at most once per ARRIVAL_QUIET_MS.
        const mailArrival = drop.email !== null || drops.claimArrivalMail(drop.id, now, now - ARRIVAL_QUIET_MS);
        if (drop.singleUse && drops.close(drop.id, now)) {
          audit.record({
            actor: drop.linkRef,
            action: 'drop.closed',
            object: object(drop),
            details: { reason: 'used' },
          });
        }
        return { at: now, mailArrival };
      });
      const receivedAt = received.at;

      // The owner (or whoever stands in) hears that something arrived: counts and sizes, no names.
      if (received.mailArrival)
        await alert(drop, (to, locale) =>
          dropReceivedMail({
            to,
            locale,
            office: office().name,
            files: files.length,
            bytes: plaintextTotal(sizes),
            at: receivedAt,
            link: dropLink(drop),
            via: drop.clientId !== null ? 'portal' : drop.email !== null ? 'bound' : 'open',
            quietMinutes: ARRIVAL_QUIET_MS / 60_000,
          }),
        );
      // The receipt only for a bound drop, to the proven address, if asked.
      let receiptMailed = false;
      if (drop.email !== null) {
        const current = office();
        const officeName = current.name;
        if (submission.receiptMail) {
          receiptMailed = await deps.deliver(
            dropReceiptMail({
              to: drop.email,
              locale: localeFor(submission.lang ?? current.language, current),
              office: officeName,
              receiptCode: code,
              sizes: sizes.map((size) => plaintextLengthOf(size) ?? 0),
              at: receivedAt,
            }),
          );
          if (receiptMailed) drops.setReceiptMailed(drop.id, submission.dropUploadId);
        }
      }
      // A single-use drop is closed now: what its other sessions left goes at once.
      if (drop.singleUse) await deps.destroy(drop.id);
      return { dropUploadId: submission.dropUploadId, receivedAt, receiptCode: code, receiptMailed };
    },
  };
}
