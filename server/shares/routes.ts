// Shares: the sender's and the office's view, recipient lookup, guest links, received shares
// and downloads (shared/wire/shares.ts).
import { z } from 'zod';
import { idToWire, toBase64Url } from '../../shared/crypto/index.js';
import {
  CodeVerifyRequest,
  type CodeVerifyResponse,
  EmptyRequest,
  GrantResponse,
  LinkMailRequest,
  type LinkInfo,
  type ReceivedList,
  RecipientLookupRequest,
  type RecipientLookupResponse,
  ShareCreateRequest,
  ShareExtendRequest,
  type ShareList,
  type TrustedDeviceList,
} from '../../shared/wire/index.js';
import { callerOf } from '../kernel/http/caller.js';
import { readTrustToken, setTrustCookie } from '../kernel/http/cookies.js';
import type { RouteHandler } from '../kernel/http/route.js';
import { bearer, clientAddress, idParam, parseInput } from '../kernel/http/validation.js';
import { iso } from '../kernel/wire.js';
import { answerDownload } from '../kernel/download.js';
import type { GuestOpening, ReceivingService, RecipientView } from './receiving.js';
import type { SharesService } from './service.js';
import { detailOut, forRecipientOut, linkInfoOut, shareInputIn, summaryOut } from './wire.js';
import { shareState } from '../kernel/domain/shares.js';
import { logoUrl } from '../kernel/accounts/wire.js';

const ListQuery = z.object({ scope: z.enum(['mine', 'office']).default('mine') });

const forRecipient = (view: RecipientView) =>
  forRecipientOut(view.share, view.recipient, view.files, view.keys, view.office);

// ---- the sender's side

export function createShare(shares: SharesService): RouteHandler {
  return async (req, res) => {
    const input = shareInputIn(parseInput(ShareCreateRequest, req.body));
    const created = await shares.create(callerOf(res), input);
    res.status(201).json({ shareId: idToWire(created.shareId), undelivered: created.undelivered.map(idToWire) });
  };
}

export function listShares(shares: SharesService, now: () => number): RouteHandler {
  return (req, res) => {
    const { scope } = parseInput(ListQuery, req.query);
    const at = now();
    const answer: ShareList = {
      shares: shares.list(callerOf(res), scope).map((view) => summaryOut(view.share, view.recipients, at)),
    };
    res.json(answer);
  };
}

export function getShare(shares: SharesService, now: () => number): RouteHandler {
  return (req, res) => {
    const view = shares.detail(callerOf(res), idParam(req, 'shareId'));
    res.json(detailOut(view.share, view.files, view.recipients, now()));
  };
}

export function revokeShare(shares: SharesService): RouteHandler {
  return async (req, res) => {
    parseInput(EmptyRequest, req.body);
    await shares.revoke(callerOf(res), idParam(req, 'shareId'));
    res.status(204).end();
  };
}

export function extendShare(shares: SharesService): RouteHandler {
  return (req, res) => {
    const { expiresAt } = parseInput(ShareExtendRequest, req.body);
    shares.extend(callerOf(res), idParam(req, 'shareId'), Date.parse(expiresAt));
    res.status(204).end();
  };
}

export function unlockRecipient(shares: SharesService): RouteHandler {
  return (req, res) => {
    parseInput(EmptyRequest, req.body);
    shares.unlock(callerOf(res), idParam(req, 'shareId'), idParam(req, 'recipientId'));
    res.status(204).end();
  };
}

export function mailLink(shares: SharesService): RouteHandler {
  return async (req, res) => {
    const { fragment } = parseInput(LinkMailRequest, req.body);
    await shares.mailLink(callerOf(res), idParam(req, 'shareId'), idParam(req, 'recipientId'), fragment);
    res.status(204).end();
  };
}

export function listTrustedDevices(shares: SharesService): RouteHandler {
  return (req, res) => {
    const devices = shares.trustedDevices(callerOf(res), idParam(req, 'shareId'), idParam(req, 'recipientId'));
    const answer: TrustedDeviceList = {
      devices: devices.map((device) => ({
        createdAt: iso(device.createdAt),
        expiresAt: iso(device.expiresAt),
        lastUsedAt: device.lastUsedAt === null ? null : iso(device.lastUsedAt),
      })),
    };
    res.json(answer);
  };
}

export function revokeTrustedDevices(shares: SharesService): RouteHandler {
  return (req, res) => {
    parseInput(EmptyRequest, req.body);
    shares.revokeTrustedDevices(callerOf(res), idParam(req, 'shareId'), idParam(req, 'recipientId'));
    res.status(204).end();
  };
}

export function senderFile(shares: SharesService): RouteHandler {
  return async (req, res) => {
    const fileId = idParam(req, 'fileId');
    await answerDownload(req, res, fileId, () =>
      shares.senderDownload(callerOf(res), idParam(req, 'shareId'), fileId, req.headers.range),
    );
  };
}

export function lookupRecipients(shares: SharesService): RouteHandler {
  return (req, res) => {
    const { emails } = parseInput(RecipientLookupRequest, req.body);
    const answer: RecipientLookupResponse = {
      recipients: shares.lookup(emails).map(({ email, account, seenBefore }) => ({
        email,
        ...(account?.keys != null
          ? {
              account: {
                userId: idToWire(account.id),
                name: account.name,
                role: account.role,
                identityPublicKey: toBase64Url(account.keys.identityPublicKey),
                encryptionPublicKey: toBase64Url(account.keys.encryptionPublicKey),
                encryptionKeySignature: toBase64Url(account.keys.encryptionKeySignature),
                ...(account.certificate !== null ? { certificate: toBase64Url(account.certificate) } : {}),
              },
            }
          : {}),
        seenBefore,
      })),
    };
    res.json(answer);
  };
}

// ---- guests

export function getLink(receiving: ReceivingService): RouteHandler {
  return (req, res) => {
    const { target, office, trusted } = receiving.linkInfo(idParam(req, 'linkId'), readTrustToken(req));
    const answer: LinkInfo = linkInfoOut(target.share, target.recipient, office, logoUrl(office), trusted);
    res.json(answer);
  };
}

/** Answers Ks, the grant and the share; sets the trusted-device cookie when one was made. */
function answerOpening(res: Parameters<RouteHandler>[1], opened: GuestOpening, now: number): void {
  if (opened.trusted !== undefined) setTrustCookie(res, opened.trusted.token, (opened.trusted.expiresAt - now) / 1000);
  const answer: CodeVerifyResponse = {
    serverHalf: toBase64Url(opened.serverHalf),
    grant: opened.grant,
    share: forRecipient(opened.view),
    ...(opened.trusted !== undefined ? { trustedUntil: iso(opened.trusted.expiresAt) } : {}),
  };
  res.json(answer);
}

export function requestCode(receiving: ReceivingService): RouteHandler {
  return async (req, res) => {
    parseInput(EmptyRequest, req.body);
    const sent = await receiving.requestCode(clientAddress(req), idParam(req, 'linkId'));
    res.json({ sentAt: iso(sent.sentAt), expiresAt: iso(sent.expiresAt) });
  };
}

export function verifyCode(receiving: ReceivingService, now: () => number): RouteHandler {
  return async (req, res) => {
    const { code, remember } = parseInput(CodeVerifyRequest, req.body);
    const verified = await receiving.verifyCode(clientAddress(req), idParam(req, 'linkId'), code, remember === true);
    answerOpening(res, verified, now());
  };
}

export function openTrusted(receiving: ReceivingService, now: () => number): RouteHandler {
  return async (req, res) => {
    parseInput(EmptyRequest, req.body);
    answerOpening(res, await receiving.openTrusted(idParam(req, 'linkId'), readTrustToken(req)), now());
  };
}

export function guestFile(receiving: ReceivingService): RouteHandler {
  return async (req, res) => {
    const grant = await receiving.verifyGrant(bearer(req));
    const fileId = idParam(req, 'fileId');
    await answerDownload(req, res, fileId, () =>
      receiving.guestDownload(idParam(req, 'linkId'), grant, {
        fileId,
        range: req.headers.range,
        count: req.method !== 'HEAD',
      }),
    );
  };
}

// ---- account recipients

export function listReceived(receiving: ReceivingService, now: () => number): RouteHandler {
  return (_req, res) => {
    const at = now();
    const answer: ReceivedList = {
      shares: receiving.received(callerOf(res)).map((share) => ({
        shareId: idToWire(share.id),
        senderName: share.senderName,
        createdAt: iso(share.createdAt),
        expiresAt: iso(share.expiresAt),
        state: shareState(share, at),
        fileCount: share.fileCount,
      })),
    };
    res.json(answer);
  };
}

export function getReceived(receiving: ReceivingService): RouteHandler {
  return (req, res) => {
    res.json(forRecipient(receiving.receivedShare(callerOf(res), idParam(req, 'shareId'))));
  };
}

export function issueGrant(receiving: ReceivingService): RouteHandler {
  return async (req, res) => {
    parseInput(EmptyRequest, req.body);
    const answer: z.infer<typeof GrantResponse> = {
      grant: await receiving.issueGrant(callerOf(res), idParam(req, 'shareId')),
    };
    res.json(answer);
  };
}

export function receivedFile(receiving: ReceivingService): RouteHandler {
  return async (req, res) => {
    const caller = callerOf(res);
    const fileId = idParam(req, 'fileId');
    await answerDownload(req, res, fileId, () =>
      receiving.accountDownload(caller, idParam(req, 'shareId'), bearer(req), {
        fileId,
        range: req.headers.range,
        count: req.method !== 'HEAD',
      }),
    );
  };
}
