// Drops: the office's side (create, list, open, close, unlock, delete, reject, download) and the
// link holder's (what the page shows, codes, the start of a session, submitting) — shared/wire/drops.ts.
// The link holder's resumable uploads are server/uploads/routes.ts's handlers, given `sessionOf`.
import { readTrustToken, setTrustCookie } from '../kernel/http/cookies.js';
import { z } from 'zod';
import { idToWire } from '../../shared/crypto/index.js';
import {
  CodeVerifyRequest,
  DropCreateRequest,
  type DropCreateResponse,
  type DropGrantResponse,
  type DropList,
  DropSubmitRequest,
  type DropSubmitResponse,
  DropCodeRequest,
  EmptyRequest,
} from '../../shared/wire/index.js';
import { callerOf } from '../kernel/http/caller.js';
import type { RouteHandler } from '../kernel/http/route.js';
import { bearer, clientAddress, idParam, parseInput } from '../kernel/http/validation.js';
import { answerDownload } from '../kernel/download.js';
import { iso } from '../kernel/wire.js';
import type { DropLinkService } from './link.js';
import type { DropsService } from './service.js';
import { detailOut, publicInfoOut, submissionIn, summaryOut, uploadBriefOut } from './wire.js';
import { type DropGrant, dropInputIn } from '../kernel/domain/drops.js';
import type { UploadOwnerOf } from '../kernel/uploads/owner.js';

const ListQuery = z.object({ scope: z.enum(['mine', 'office']).default('mine') });

// ---- the office's side

export function createDrop(drops: DropsService): RouteHandler {
  return (req, res) => {
    const created = drops.create(callerOf(res), dropInputIn(parseInput(DropCreateRequest, req.body)));
    const answer: DropCreateResponse = { dropId: idToWire(created.dropId), expiresAt: iso(created.expiresAt) };
    res.status(201).json(answer);
  };
}

export function listDrops(drops: DropsService, now: () => number): RouteHandler {
  return (req, res) => {
    const { scope } = parseInput(ListQuery, req.query);
    const at = now();
    const listed = drops.list(callerOf(res), scope);
    const answer: DropList = {
      drops: listed.drops.map((drop) => summaryOut(drop, at)),
      uploads: listed.uploads.map(uploadBriefOut),
    };
    res.json(answer);
  };
}

export function getDrop(drops: DropsService, now: () => number): RouteHandler {
  return (req, res) => {
    const { drop, uploads } = drops.detail(callerOf(res), idParam(req, 'dropId'));
    res.json(detailOut(drop, uploads, now()));
  };
}

export function closeDrop(drops: DropsService): RouteHandler {
  return async (req, res) => {
    parseInput(EmptyRequest, req.body);
    await drops.close(callerOf(res), idParam(req, 'dropId'));
    res.status(204).end();
  };
}

export function unlockDrop(drops: DropsService): RouteHandler {
  return (req, res) => {
    parseInput(EmptyRequest, req.body);
    drops.unlock(callerOf(res), idParam(req, 'dropId'));
    res.status(204).end();
  };
}

export function deleteDrop(drops: DropsService): RouteHandler {
  return async (req, res) => {
    await drops.remove(callerOf(res), idParam(req, 'dropId'));
    res.status(204).end();
  };
}

export function deleteDropUpload(drops: DropsService): RouteHandler {
  return async (req, res) => {
    await drops.removeUpload(callerOf(res), idParam(req, 'dropId'), idParam(req, 'dropUploadId'));
    res.status(204).end();
  };
}

export function rejectDropUpload(drops: DropsService): RouteHandler {
  return (req, res) => {
    parseInput(EmptyRequest, req.body);
    drops.reject(callerOf(res), idParam(req, 'dropId'), idParam(req, 'dropUploadId'));
    res.status(204).end();
  };
}

export function dropFile(drops: DropsService): RouteHandler {
  return async (req, res) => {
    const caller = callerOf(res);
    const fileId = idParam(req, 'fileId');
    await answerDownload(req, res, fileId, () =>
      drops.download(caller, idParam(req, 'dropId'), {
        dropUploadId: idParam(req, 'dropUploadId'),
        fileId,
        range: req.headers.range,
        audit: req.method !== 'HEAD',
      }),
    );
  };
}

// ---- the link holder's side

const grantOut = (granted: DropGrant): DropGrantResponse => ({
  grant: granted.grant,
  expiresAt: iso(granted.expiresAt),
});

export function getDropLink(link: DropLinkService, maxFileBytes: number): RouteHandler {
  return (req, res) => {
    const { drop, trusted, trustedDeviceDays } = link.info(idParam(req, 'dropId'), readTrustToken(req));
    res.json(publicInfoOut(drop, maxFileBytes, { trusted, days: trustedDeviceDays }));
  };
}

export function requestDropCode(link: DropLinkService): RouteHandler {
  return async (req, res) => {
    const { lang } = parseInput(DropCodeRequest, req.body);
    const sent = await link.requestCode(clientAddress(req), idParam(req, 'dropId'), lang);
    res.json({ sentAt: iso(sent.sentAt), expiresAt: iso(sent.expiresAt) });
  };
}

export function verifyDropCode(link: DropLinkService, now: () => number): RouteHandler {
  return async (req, res) => {
    const { code, remember } = parseInput(CodeVerifyRequest, req.body);
    const verified = await link.verifyCode(clientAddress(req), idParam(req, 'dropId'), code, remember === true);
    const { trusted } = verified;
    if (trusted === undefined) {
      res.json(grantOut(verified));
      return;
    }
    setTrustCookie(res, trusted.token, (trusted.expiresAt - now()) / 1000);
    res.json({ ...grantOut(verified), trustedUntil: iso(trusted.expiresAt) });
  };
}

export function openTrustedDrop(link: DropLinkService): RouteHandler {
  return async (req, res) => {
    parseInput(EmptyRequest, req.body);
    res.json(grantOut(await link.openTrusted(idParam(req, 'dropId'), readTrustToken(req))));
  };
}

export function startDropSession(link: DropLinkService): RouteHandler {
  return async (req, res) => {
    parseInput(EmptyRequest, req.body);
    res.json(grantOut(await link.start(clientAddress(req), idParam(req, 'dropId'))));
  };
}

/** The upload session the request's grant names, for the drop in its path. */
export function sessionOf(link: DropLinkService): UploadOwnerOf {
  return (req) => link.session(idParam(req, 'dropId'), bearer(req));
}

export function submitDropUpload(link: DropLinkService): RouteHandler {
  return async (req, res) => {
    const dropId = idParam(req, 'dropId');
    const sessionId = await link.submitSession(dropId, bearer(req));
    const submitted = await link.submit(dropId, sessionId, submissionIn(parseInput(DropSubmitRequest, req.body)));
    const answer: DropSubmitResponse = {
      dropUploadId: idToWire(submitted.dropUploadId),
      receivedAt: iso(submitted.receivedAt),
      receiptCode: submitted.receiptCode,
      receiptMailed: submitted.receiptMailed,
    };
    res.status(201).json(answer);
  };
}
