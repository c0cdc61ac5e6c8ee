// The sharing side of test/client/sending-operations.test.ts and sharing-operations.test.ts:
// what the server would list for each recipient and the sender from a share request, and
// downloading an opened share's file into a Blob.
import type { ShareCreateRequest, ShareDetail, ShareForRecipient } from '../../../shared/wire/shares.js';
import type { Handlers } from '../../../client/src/crypto/operations';
import type { FakeServer } from './fake-server';
import { call, type Office, type Person } from './office';

/** The server's side of a share: what each recipient and the sender get back. */
export function serverViews(o: Office, server: FakeServer, sender: Person, request: ShareCreateRequest) {
  const uploadOf = new Map(request.files.map((file) => [file.fileId, file.uploadId]));
  for (const file of request.files) server.serve(`/api/v1/files/${file.fileId}`, server.container(file.uploadId));
  const sizeOf = (fileId: string) => server.container(uploadOf.get(fileId) as string).length;
  const forRecipient = (recipientId: string): ShareForRecipient => {
    const recipient = request.recipients.find((r) => r.recipientId === recipientId);
    if (!recipient) throw new Error('no such recipient');
    return {
      shareId: request.shareId,
      recipientId,
      manifest: request.manifest,
      sender: {
        userId: sender.userId,
        name: sender.name,
        certificate: sender.listed.certificate,
        encryptionKeySignature: sender.listed.encryptionKeySignature,
      },
      office: {
        officeId: o.officeRef.officeId,
        name: 'Kantoor Jansen',
        signingPublicKey: o.officeRef.signingPublicKey,
      },
      expiresAt: request.expiresAt,
      downloadsLeft: null,
      files: request.files.map((file) => ({
        fileId: file.fileId,
        size: sizeOf(file.fileId),
        sealedMetadata: file.sealedMetadata,
        key:
          recipient.kind === 'guest'
            ? (recipient.keys.find((k) => k.fileId === file.fileId)?.wrapped ?? '')
            : (recipient.keys.find((k) => k.fileId === file.fileId)?.sealed ?? ''),
      })),
    };
  };
  const detail: ShareDetail = {
    shareId: request.shareId,
    senderId: sender.userId,
    senderName: sender.name,
    createdAt: new Date().toISOString(),
    expiresAt: request.expiresAt,
    state: 'active',
    downloadLimit: request.downloadLimit ?? null,
    downloadsUsed: 0,
    fileCount: request.files.length,
    recipients: [],
    manifest: request.manifest,
    files: request.files.map((file) => ({
      fileId: file.fileId,
      size: sizeOf(file.fileId),
      sealedMetadata: file.sealedMetadata,
      keys: file.keys,
    })),
    linkSecrets: request.recipients.flatMap((r) =>
      r.kind === 'guest' ? [{ recipientId: r.recipientId, ...r.linkSecret }] : [],
    ),
  };
  return { forRecipient, detail };
}

export async function download(
  ops: Handlers,
  shareId: string,
  file: { fileId: string; containerSize: number },
  grant?: string,
): Promise<Uint8Array> {
  const answer = await call(ops, 'downloadFile', {
    shareId,
    fileId: file.fileId,
    url: `/api/v1/files/${file.fileId}`,
    containerSize: file.containerSize,
    sink: { kind: 'blob' },
    ...(grant ? { grant } : {}),
  });
  return new Uint8Array(await (answer.blob as Blob).arrayBuffer());
}

export const EXPIRES = new Date(Date.now() + 7 * 86_400_000).toISOString();
