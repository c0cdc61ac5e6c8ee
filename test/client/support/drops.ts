// The drop flows' side of test/client/drop-operations.test.ts: the create request the page
// makes from the worker's sealed parts, an advisor making a drop, an uploader submitting to it,
// what the server stores and lists, and downloading an opened upload's file.
import { createContainerHasher, toBase64Url } from '../../../shared/crypto/index.js';
import {
  DropCreateRequest,
  type DropDetail,
  type DropSubmitRequest,
  type DropUploadView,
} from '../../../shared/wire/drops.js';
import { createOperations, type Handlers } from '../../../client/src/crypto/operations';
import type { AnswerOf, OpenedDrop } from '../../../client/src/crypto/protocol';
import type { FakeServer } from './fake-server';
import { call, checkAndPin, pinStore, type Office, type Person } from './office';

const EXPIRES = new Date(Date.now() + 7 * 86_400_000).toISOString();
export const LABEL = 'Bakkerij de Vries, dossier 2025-118';
export const GRANT = 'eyJ.drop-grant.signature';

/** What the page adds to the worker's sealed parts. */
function createRequest(parts: AnswerOf<'createDrop'>['parts'], email?: string): DropCreateRequest {
  return DropCreateRequest.parse({
    ...parts,
    title: 'Stukken voor de jaarrekening',
    instructions: 'Upload uw bankafschriften.',
    ...(email ? { email } : {}),
    personal: false,
    singleUse: false,
    maxFiles: 10,
    maxTotalBytes: 100 * 1024 * 1024,
    expiresAt: EXPIRES,
  });
}

/** The advisor makes a drop the way the page does: the office key checked and pinned first. */
export async function advisorMakesDrop(o: Office) {
  await checkAndPin(o, o.anna, pinStore(), []);
  const made = await call(o.anna.ops, 'createDrop', { label: LABEL });
  return { made, request: createRequest(made.parts, 'klant@example.nl') };
}

/** The uploader's browser: a fresh worker, no account. */
export async function uploaderSubmits(
  o: Office,
  server: FakeServer,
  request: DropCreateRequest,
  fragment: string,
  files: { bytes: Uint8Array; name: string }[],
  message?: string,
) {
  const uploader = createOperations(o.deps);
  await call(uploader, 'openDropLink', { dropId: request.dropId, fragment, publicKey: request.publicKey });
  const uploaded = [];
  for (const file of files)
    uploaded.push(
      await call(uploader, 'uploadDropFile', {
        dropId: request.dropId,
        grant: GRANT,
        file: new Blob([file.bytes as BlobPart]),
      }),
    );
  const sealed = await call(uploader, 'sealDropUpload', {
    dropId: request.dropId,
    files: uploaded.map((u, i) => ({
      fileId: u.fileId,
      name: files[i]?.name as string,
      type: 'application/pdf',
      lastModified: 1_700_000_000_000,
    })),
    ...(message ? { message } : {}),
    receiptMail: true,
  });
  return { uploader, uploaded, sealed };
}

/** The server's view of an upload after the submission: the containers it stored and hashed. */
export function stored(server: FakeServer, body: DropSubmitRequest): DropUploadView {
  return {
    dropUploadId: body.dropUploadId,
    receivedAt: new Date().toISOString(),
    rejectedAt: null,
    receiptMailed: body.receiptMail,
    manifest: body.manifest,
    files: body.files.map((file) => {
      const container = server.container(file.uploadId);
      server.serve(`/api/v1/drops/files/${file.fileId}`, container);
      const hasher = createContainerHasher();
      hasher.update(container);
      return {
        fileId: file.fileId,
        size: container.length,
        ciphertextHash: toBase64Url(hasher.digest()),
        sealedMetadata: file.sealedMetadata,
        sealedKey: file.sealedKey,
      };
    }),
  };
}

/** GET /api/v1/drops/:dropId as an honest server answers it: the owner's certificate beside the record. */
export function detailOf(request: DropCreateRequest, owner: Person, uploads: DropUploadView[]): DropDetail {
  return {
    dropId: request.dropId,
    ownerId: owner.userId,
    ownerName: 'Anna de Vries',
    createdAt: new Date().toISOString(),
    expiresAt: request.expiresAt,
    state: 'active',
    personal: request.personal,
    singleUse: request.singleUse,
    title: request.title,
    email: request.email ?? null,
    maxFiles: request.maxFiles,
    maxTotalBytes: request.maxTotalBytes,
    codeRequestedAt: null,
    codeConfirmedAt: null,
    locked: false,
    deliveryFailed: false,
    uploadCount: uploads.length,
    lastUploadAt: null,
    label: request.label,
    instructions: request.instructions,
    publicKey: request.publicKey,
    secrets: request.secrets,
    record: request.record,
    creator: {
      userId: owner.userId,
      certificate: owner.listed.certificate,
      encryptionKeySignature: owner.listed.encryptionKeySignature,
    },
    recordCertificate: owner.listed.certificate,
    uploads,
  };
}

export async function download(
  ops: Handlers,
  dropUploadId: string,
  file: { fileId: string; containerSize: number },
): Promise<Uint8Array> {
  const answer = await call(ops, 'downloadFile', {
    shareId: dropUploadId,
    fileId: file.fileId,
    url: `/api/v1/drops/files/${file.fileId}`,
    containerSize: file.containerSize,
    sink: { kind: 'blob' },
  });
  return new Uint8Array(await (answer.blob as Blob).arrayBuffer());
}

export function uploadOf(opened: OpenedDrop, dropUploadId: string) {
  const upload = opened.uploads.find((u) => u.dropUploadId === dropUploadId);
  if (upload?.state !== 'opened') throw new Error(`upload ${dropUploadId} is ${upload?.state}`);
  return upload;
}
