// Shares, the recipient's side: a guest's link (what the page shows, an e-mail code, the code
// checked), an account recipient's received shares, download grants, and the counted
// download itself (docs/protocol.md §11 and §15, shared/wire/shares.ts).
//
// Entitlement: a guest is whoever holds the 128-bit link id of the link (not the recipient id,
// which every co-recipient reads in the signed manifest), but the link
// alone opens nothing: Ks, the wrapped keys and a download grant come only after a code from
// the bound mailbox, or from a trusted device of that address (server/kernel/trust/devices.ts:
// a browser that proved it before and was asked to remember it). An account recipient is
// matched by share id AND their own user id. Both get 410 when the share expired, was revoked
// or was used up (they were entitled to it); everyone else gets 404. Nothing here changes state on GET except the download, which counts
// once per grant: the first file request under a grant records its id (jti) and counts one
// download in the same transaction, at most up to the share's limit; further requests under
// that grant (Range resumes, other files) count nothing, even once the limit is reached, until
// the grant expires. The limit counts per recipient (migrations/0014_recipient_delivery.sql):
// one recipient using theirs does not shut out another.
import { codeHash, idToWire, newId, toHex, type Id } from '../../shared/crypto/index.js';
import { BlobMissingError, type BlobStore, type OpenBlob } from '../kernel/blobs/store.js';
import type { Caller } from '../kernel/http/caller.js';
import {
  codeSpent,
  deviceNotTrusted,
  grantInvalid,
  notFound,
  recipientLocked,
  shareGone,
  wrongEmailCode,
} from '../kernel/http/errors.js';
import { CapabilityTokenError } from '../kernel/keys.js';
import { maskAddress } from '../kernel/mail/mailer.js';
import type { OfficeRecord } from '../kernel/accounts/office-repo.js';
import type { UsersRepo } from '../kernel/accounts/users-repo.js';
import { checkEmailCode, EMAIL_CODE_LIFETIME_MS, issueEmailCode, mailEmailCode } from '../kernel/codes/rules.js';
import { parseRange, UnsatisfiableRangeError, type Download } from '../kernel/download.js';
import { type SharesRepo } from './repo.js';
import { sweptError, requireActive } from './service.js';
import { recipientShareState, shareState } from '../kernel/domain/shares.js';
import type { LinkHolderDeps } from '../kernel/link-holder.js';
import type { RecipientWithShare, ShareFileRecord, ShareRecord } from './records.js';
import { downloadReceiptMail, emailCodeMail, recipientLockedMail } from '../kernel/mail/transfer-messages.js';
import { localeFor, type MailLocale } from '../kernel/mail/format.js';
import { sendAlert } from '../kernel/mail/alerts.js';
import type { MailMessage } from '../kernel/mail/mailer.js';
import type { Deliver } from '../kernel/mail/deliver.js';

const GRANT_AUDIENCE = 'coffer/share-download';
const GRANT_TTL_SECONDS = 60 * 60;
const JTI = /^[A-Za-z0-9_-]{16,64}$/;

/** What a recipient's page gets: the share, its files and this recipient's keys. */
export interface RecipientView {
  readonly share: ShareRecord;
  readonly recipient: RecipientWithShare['recipient'];
  readonly files: readonly ShareFileRecord[];
  readonly keys: readonly { fileId: Id; key: Uint8Array }[];
  readonly office: OfficeRecord;
}

/** A verified download grant. */
interface Grant {
  readonly jti: string;
  readonly subject: string;
  readonly expiresAt: number;
}

interface DownloadRequest {
  readonly fileId: Id;
  /** The Range header, if any. */
  readonly range: string | undefined;
  /** False for HEAD: check everything, count nothing, send no body. */
  readonly count: boolean;
}

type RecipientDownload = Download;

/** What a right code (or a trusted device) gets: Ks, a download grant, the share, and a new trusted device if asked for. */
export interface GuestOpening {
  readonly serverHalf: Uint8Array;
  readonly grant: string;
  readonly view: RecipientView;
  /** The trusted device this browser became (a right code with `remember`, when the office allows it). */
  readonly trusted?: { readonly token: string; readonly expiresAt: number };
}

export interface ReceivingService {
  /** `trustToken`: the browser's trusted-device cookie, read (never used) to tell the page it may skip the code. */
  linkInfo(
    linkId: Id,
    trustToken: string | undefined,
  ): { target: RecipientWithShare; office: OfficeRecord; trusted: boolean };
  requestCode(ip: string, linkId: Id): Promise<{ sentAt: number; expiresAt: number }>;
  verifyCode(ip: string, linkId: Id, code: string, remember: boolean): Promise<GuestOpening>;
  /** The same as a right code, for a browser whose trusted-device cookie is valid for the recipient's address. */
  openTrusted(linkId: Id, trustToken: string | undefined): Promise<GuestOpening>;
  /** Checks a grant's signature, audience and expiry; 401 grant_invalid otherwise. */
  verifyGrant(token: string | undefined): Promise<Grant>;
  guestDownload(linkId: Id, grant: Grant, request: DownloadRequest): Promise<RecipientDownload>;
  received(caller: Caller): ShareRecord[];
  receivedShare(caller: Caller, shareId: Id): RecipientView;
  issueGrant(caller: Caller, shareId: Id): Promise<string>;
  /**
   * A file of a share sent to the caller, under a grant (the bearer token). The share is looked
   * up first: a foreign id answers 404 with or without a grant.
   */
  accountDownload(
    caller: Caller,
    shareId: Id,
    token: string | undefined,
    request: DownloadRequest,
  ): Promise<RecipientDownload>;
}

export function createReceivingService(
  deps: LinkHolderDeps & {
    shares: SharesRepo;
    users: UsersRepo;
    blobs: BlobStore;
    /** The mail queue, for alerts to the sender or whoever stands in (server/kernel/mail/alerts.ts). */
    notify: Deliver;
  },
): ReceivingService {
  const { shares, audit, transact, clock, limits } = deps;

  const office = (): OfficeRecord => {
    const current = deps.office.get();
    if (current === undefined) throw notFound();
    return current;
  };

  const object = (share: { id: Id }) => ({ type: 'share' as const, ref: share.id });
  /** 410 unless the share is active for this recipient (the download limit counts per recipient). */
  const requireActiveFor = ({ share, recipient }: RecipientWithShare): void => {
    const state = recipientShareState(share, recipient, clock.now());
    if (state !== 'active') throw shareGone(state);
  };
  const sentLink = (share: { id: Id }) => `${deps.publicUrl}/app/sent/${idToWire(share.id)}`;

  /** A guest by the link's id; 404 when unknown (a recipient id, or an account recipient's). */
  const findGuest = (linkId: Id): RecipientWithShare => {
    const found = shares.guest(linkId);
    if (found === undefined) throw notFound();
    return found;
  };

  /** The caller's own entry in a share they received; 404 when they are not a recipient of it. */
  const findReceived = (caller: Caller, shareId: Id): RecipientWithShare => {
    const found = shares.accountRecipient(shareId, caller.userId);
    if (found === undefined) throw notFound();
    return found;
  };

  const viewOf = ({ share, recipient }: RecipientWithShare): RecipientView => ({
    share,
    recipient,
    files: shares.filesOf(share.id),
    keys: shares.keysOf(recipient.id),
    office: office(),
  });

  const signGrant = (recipientId: Id) =>
    deps.tokens.sign({
      audience: GRANT_AUDIENCE,
      subject: idToWire(recipientId),
      ttlSeconds: GRANT_TTL_SECONDS,
      claims: { jti: idToWire(newId()) },
    });

  /**
   * Tells the sender about a recipient, or whoever stands in for a sender who left
   * (server/kernel/mail/alerts.ts): the advisor of the client whose address it is, else the admins.
   */
  const alertSender = (
    share: ShareRecord,
    recipientEmail: string,
    mail: (to: string, locale: MailLocale) => MailMessage,
  ) => {
    const client = deps.users.byEmail(recipientEmail);
    return sendAlert(
      { users: deps.users, deliver: deps.notify, office: office() },
      { owner: share.senderId, client: client?.role === 'client' ? client.id : null },
      mail,
    );
  };

  /** Checks a grant's signature, audience and expiry; 401 grant_invalid otherwise. */
  const verifyGrant = async (token: string | undefined): Promise<Grant> => {
    if (token === undefined) throw grantInvalid();
    try {
      const verified = await deps.tokens.verify(token, GRANT_AUDIENCE);
      const jti = verified.payload.jti;
      if (typeof jti !== 'string' || !JTI.test(jti)) throw grantInvalid();
      return { jti, subject: verified.subject, expiresAt: verified.expiresAt };
    } catch (error) {
      if (error instanceof CapabilityTokenError) throw grantInvalid();
      throw error;
    }
  };

  /** The counted download, shared by guests and account recipients once each is matched to its recipient entry. */
  const download = async (
    { share, recipient }: RecipientWithShare,
    grant: Grant,
    request: DownloadRequest,
  ): Promise<RecipientDownload> => {
    // A valid grant for another recipient gives no right here: the same 404 as a missing object.
    if (grant.subject !== idToWire(recipient.id)) throw notFound();
    const file = shares.fileOf(share.id, request.fileId);
    if (file === undefined) throw notFound();
    // A grant that has downloaded may finish once the limit is reached; a new one may not (checked when counting).
    requireActive(share, clock.now(), true);
    if (file.blobId === null) throw sweptError(share, clock.now());
    const range = parseRange(request.range, file.size);
    if (range === 'unsatisfiable') throw new UnsatisfiableRangeError(file.size);

    // Opened before counting: a blob the sweeper deletes meanwhile still reads whole.
    let blob: OpenBlob;
    try {
      blob = await deps.blobs.openBlob(file.blobId);
    } catch (error) {
      if (error instanceof BlobMissingError) throw sweptError(shares.byId(share.id) ?? share, clock.now());
      throw error;
    }
    try {
      const counted = transact(() => {
        const now = clock.now();
        if (shares.grantUsed(grant.jti, recipient.id)) return { first: false, at: now };
        const current = shares.byId(share.id) ?? share;
        if (!request.count) {
          const state = recipientShareState(current, recipient, now);
          if (state !== 'active') throw shareGone(state);
          return { first: false, at: now };
        }
        if (!shares.countDownload(recipient.id, grant.expiresAt, now)) {
          const state = shareState(current, now);
          throw shareGone(state === 'active' ? 'used-up' : state);
        }
        shares.recordGrantUse(grant.jti, recipient.id, now, grant.expiresAt);
        const first = shares.setFirstDownload(recipient.id, now);
        audit.record({
          actor:
            recipient.userId !== null
              ? (deps.users.byId(recipient.userId)?.auditRef ?? recipient.auditRef)
              : recipient.auditRef,
          action: 'share.downloaded',
          object: object(share),
          details: { recipient: toHex(recipient.auditRef), kind: recipient.kind, first },
        });
        return { first, at: now };
      });
      if (counted.first && share.receiptMail) {
        // Not awaited: the download need not wait for the mail (deliver never throws).
        void alertSender(share, recipient.email, (to, locale) =>
          downloadReceiptMail({
            to,
            locale,
            office: office().name,
            recipient: maskAddress(recipient.email),
            at: counted.at,
            link: sentLink(share),
          }),
        );
      }
    } catch (error) {
      await blob.close();
      throw error;
    }
    return { file, blob, range };
  };

  /** Ks and a grant for a recipient who proved their address (by code or trusted device). */
  const opening = async (target: RecipientWithShare): Promise<Omit<GuestOpening, 'trusted'>> => {
    const view = viewOf(target);
    if (view.recipient.serverHalf === null) throw sweptError(shares.byId(target.share.id) ?? target.share, clock.now());
    return { serverHalf: view.recipient.serverHalf, grant: await signGrant(target.recipient.id), view };
  };

  return {
    linkInfo(linkId, trustToken) {
      const target = findGuest(linkId);
      const state = recipientShareState(target.share, target.recipient, clock.now());
      if (state !== 'active') {
        // The holder of the link may learn whom to ask: the office, and the sender only while
        // still an active member (a leaver's name would send them to someone who cannot help).
        const sender = deps.users.byId(target.share.senderId);
        const member = sender !== undefined && sender.status === 'active' && sender.role !== 'client';
        throw shareGone(state, { office: office().name, ...(member ? { sender: sender.name } : {}) });
      }
      const trusted = target.recipient.lockedAt === null && deps.trust.holds(trustToken, target.recipient.email);
      return { target, office: office(), trusted };
    },

    async requestCode(ip, linkId) {
      limits.check(limits.address('share-code', ip));
      const target = findGuest(linkId);
      const { share, recipient } = target;
      requireActiveFor(target);
      if (recipient.lockedAt !== null) throw recipientLocked();
      const codes = shares.codesOf(recipient.id);
      const { code, sentAt, expiresAt } = transact(() => {
        const issued = issueEmailCode(
          codes,
          (value) => codeHash(deps.serverKey, 'email-code', recipient.id, value),
          clock.now(),
        );
        audit.record({
          actor: recipient.auditRef,
          action: 'share.code_requested',
          object: object(share),
          details: { recipient: toHex(recipient.auditRef) },
        });
        return issued;
      });
      await mailEmailCode(codes, () =>
        deps.deliver(
          emailCodeMail({
            to: recipient.email,
            locale: localeFor(recipient.lang, office()),
            office: office().name,
            sender: share.senderName,
            code,
            validMinutes: EMAIL_CODE_LIFETIME_MS / 60_000,
          }),
        ),
      );
      return { sentAt, expiresAt };
    },

    async verifyCode(ip, linkId, code, remember) {
      // Per client address too, so one address cannot go on guessing over many links.
      const address = limits.address('share-code', ip);
      limits.check(address);
      const target = findGuest(linkId);
      const { share, recipient } = target;
      requireActiveFor(target);
      if (recipient.lockedAt !== null) throw recipientLocked();

      type Outcome =
        | { readonly kind: 'ok'; readonly trusted?: { token: string; expiresAt: number } }
        | { readonly kind: 'spent' }
        | { readonly kind: 'wrong'; readonly triesLeft: number }
        | { readonly kind: 'locked' };
      const outcome = transact((): Outcome => {
        const now = clock.now();
        const checked = checkEmailCode(
          shares.codesOf(recipient.id),
          codeHash(deps.serverKey, 'email-code', recipient.id, code),
          now,
        );
        if (checked.outcome === 'spent') return { kind: 'spent' };
        if (checked.outcome === 'right') {
          const trusted = remember ? deps.trust.issue(recipient.email) : undefined;
          audit.record({
            actor: recipient.auditRef,
            action: 'share.code_confirmed',
            object: object(share),
            details: { recipient: toHex(recipient.auditRef), trustedDevice: trusted !== undefined },
          });
          return { kind: 'ok', ...(trusted !== undefined ? { trusted } : {}) };
        }
        audit.record({
          actor: recipient.auditRef,
          action: 'share.code_wrong',
          object: object(share),
          details: { recipient: toHex(recipient.auditRef), wrongCodes: checked.wrongCodes },
        });
        if (!checked.lockedNow) return { kind: 'wrong', triesLeft: checked.triesLeft };
        audit.record({
          actor: recipient.auditRef,
          action: 'share.recipient_locked',
          object: object(share),
          details: { recipient: toHex(recipient.auditRef) },
        });
        return { kind: 'locked' };
      });

      if (outcome.kind === 'locked') {
        limits.fail(address);
        await alertSender(share, recipient.email, (to, locale) =>
          recipientLockedMail({
            to,
            locale,
            office: office().name,
            recipient: maskAddress(recipient.email),
            link: sentLink(share),
          }),
        );
        throw recipientLocked();
      }
      if (outcome.kind === 'spent') throw codeSpent();
      if (outcome.kind === 'wrong') {
        limits.fail(address);
        throw wrongEmailCode(outcome.triesLeft);
      }
      return { ...(await opening(target)), ...(outcome.trusted !== undefined ? { trusted: outcome.trusted } : {}) };
    },

    async openTrusted(linkId, trustToken) {
      const target = findGuest(linkId);
      const { share, recipient } = target;
      requireActive(share, clock.now());
      if (recipient.lockedAt !== null) throw recipientLocked();
      transact(() => {
        if (!deps.trust.use(trustToken, recipient.email)) throw deviceNotTrusted();
        const now = clock.now();
        shares.markTrusted(recipient.id, now);
        audit.record({
          actor: recipient.auditRef,
          action: 'share.trusted_device_used',
          object: object(share),
          details: { recipient: toHex(recipient.auditRef) },
        });
      });
      return opening(target);
    },

    verifyGrant,

    async guestDownload(linkId, grant, request) {
      // The grant names its recipient (by recipient id): a grant for another link is refused
      // in `download` as a 404 (the holder has no right to that link, which is all they may learn).
      return download(findGuest(linkId), grant, request);
    },

    received(caller) {
      return shares.receivedBy(caller.userId);
    },

    receivedShare(caller, shareId) {
      const target = findReceived(caller, shareId);
      requireActiveFor(target);
      return viewOf(target);
    },

    async issueGrant(caller, shareId) {
      const target = findReceived(caller, shareId);
      requireActiveFor(target);
      return signGrant(target.recipient.id);
    },

    async accountDownload(caller, shareId, token, request) {
      const target = findReceived(caller, shareId);
      return download(target, await verifyGrant(token), request);
    },
  };
}
