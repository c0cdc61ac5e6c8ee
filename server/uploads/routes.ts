// Resumable uploads: create, send a part, status, complete, cancel (shared/wire/uploads.ts).
// The same handlers serve a drop's uploader (server/drops), who has no session: each handler
// takes who owns the uploads from `ownerOf`, by default the signed-in member.
import { idToWire, toBase64Url } from '../../shared/crypto/index.js';
import {
  EmptyRequest,
  UploadCreateRequest,
  type UploadCompleteResponse,
  type UploadCreateResponse,
  type UploadStatus,
} from '../../shared/wire/index.js';
import { callerOf } from '../kernel/http/caller.js';
import { invalidInput } from '../kernel/http/errors.js';
import type { RouteHandler } from '../kernel/http/route.js';
import { idParam, parseInput } from '../kernel/http/validation.js';
import { iso } from '../kernel/wire.js';
import type { UploadsService } from '../kernel/uploads/service.js';
import type { UploadOwnerOf } from '../kernel/uploads/owner.js';

const signedInMember: UploadOwnerOf = (_req, res) => callerOf(res).userId;

export function createUpload(uploads: UploadsService, ownerOf = signedInMember): RouteHandler {
  return async (req, res) => {
    const owner = await ownerOf(req, res);
    const { size, partSize } = parseInput(UploadCreateRequest, req.body);
    const upload = await uploads.create(owner, size, partSize);
    const answer: UploadCreateResponse = {
      uploadId: idToWire(upload.id),
      partSize: upload.partSize,
      partCount: upload.partCount,
      expiresAt: iso(upload.expiresAt),
    };
    res.status(201).json(answer);
  };
}

/** A part index from the path: digits only (400 otherwise, like an index out of range). */
function indexParam(value: unknown): number {
  if (typeof value !== 'string' || !/^\d{1,9}$/.test(value)) throw invalidInput(['index']);
  return Number(value);
}

/** The Content-Length header as a number, or undefined (chunked bodies are counted as they come). */
function declaredLength(header: string | undefined): number | undefined {
  if (header === undefined || !/^\d{1,16}$/.test(header)) return undefined;
  return Number(header);
}

export function putPart(uploads: UploadsService, ownerOf = signedInMember): RouteHandler {
  return async (req, res) => {
    const owner = await ownerOf(req, res);
    const id = idParam(req, 'uploadId');
    await uploads.putPart(owner, id, indexParam(req.params.index), declaredLength(req.headers['content-length']), req);
    res.status(204).end();
  };
}

export function getUpload(uploads: UploadsService, ownerOf = signedInMember): RouteHandler {
  return async (req, res) => {
    const { upload, received } = uploads.status(await ownerOf(req, res), idParam(req, 'uploadId'));
    const answer: UploadStatus = {
      uploadId: idToWire(upload.id),
      size: upload.size,
      partSize: upload.partSize,
      partCount: upload.partCount,
      received: [...received],
      completed: upload.completedAt !== null,
      expiresAt: iso(upload.expiresAt),
    };
    res.json(answer);
  };
}

export function completeUpload(uploads: UploadsService, ownerOf = signedInMember): RouteHandler {
  return async (req, res) => {
    const owner = await ownerOf(req, res);
    parseInput(EmptyRequest, req.body);
    const done = await uploads.complete(owner, idParam(req, 'uploadId'));
    const answer: UploadCompleteResponse = {
      uploadId: idToWire(done.id),
      ciphertextHash: toBase64Url(done.ciphertextHash),
    };
    res.json(answer);
  };
}

export function cancelUpload(uploads: UploadsService, ownerOf = signedInMember): RouteHandler {
  return async (req, res) => {
    await uploads.cancel(await ownerOf(req, res), idParam(req, 'uploadId'));
    res.status(204).end();
  };
}
