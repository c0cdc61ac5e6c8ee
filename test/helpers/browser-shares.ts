// Sending files as the sender's and the recipients' browsers do it (protocol §4–§6, §10–§11),
// done in Node with shared/crypto: prepare a file, plan guests and account recipients, build the
// share request, and open a share as a guest or an account, checked against the signed manifest.
import { randomFillSync } from 'node:crypto';
import {
  checkKeyCommitment,
  checkLinkCommitment,
  linkCommitment,
  decryptContent,
  encodeManifest,
  encryptContent,
  findFile,
  identityFingerprint,
  keyCommitment,
  linkKey,
  manifestHash,
  metadataHash,
  newAccessCode,
  newFileKey,
  newLinkSecret,
  newServerHalf,
  openFileKeyForAccount,
  sealFileKeyForAccount,
  sealLinkSecret,
  sealMetadata,
  signManifest,
  stretchAccessCode,
  unwrapFileKeyForGuest,
  verifyManifest,
  verifyMember,
  wrapFileKeyForGuest,
  type FileKey,
  type LinkSecret,
  type SealedMetadata,
  type ServerHalf,
  type ShareManifest,
  type VerifiedManifest,
  fromBase64Url,
  idFromWire,
  idToWire,
  newId,
  type AccountKeys,
  type Id,
} from '../../shared/crypto/index.js';
import type { ShareCreateRequest, ShareForRecipient } from '../../shared/wire/index.js';
import { b64, type BrowserAccount, type BrowserOffice } from './browser.js';

// ---- sending files, as the sender's and the recipients' browsers do it (protocol §4–§6, §10–§11)

/** One file as the sender's browser prepares it: a file key, the container, sealed metadata. */
export interface PreparedFile {
  readonly fileId: Id;
  readonly fileKey: FileKey;
  readonly plaintext: Uint8Array;
  readonly container: Uint8Array;
  readonly ciphertextHash: Uint8Array;
  readonly name: string;
  readonly sealedMetadata: SealedMetadata;
}

/** Random plaintext of `length` bytes (Node's CSPRNG: libsodium's is slow for megabytes in wasm). */
export function randomPlaintext(length: number): Uint8Array {
  return new Uint8Array(randomFillSync(Buffer.alloc(length)));
}

export function makeFile(plaintext: Uint8Array, options: { name?: string; message?: string } = {}): PreparedFile {
  const fileId = newId();
  const fileKey = newFileKey();
  const { ciphertext, summary } = encryptContent(fileKey, fileId, plaintext);
  const name = options.name ?? 'loonstrook-januari.pdf';
  const metadata = {
    name,
    type: 'application/pdf',
    size: plaintext.length,
    lastModified: Date.UTC(2026, 0, 10),
    ...(options.message ? { message: options.message } : {}),
  };
  return {
    fileId,
    fileKey,
    plaintext,
    container: ciphertext,
    ciphertextHash: summary.ciphertextHash,
    name,
    sealedMetadata: sealMetadata(fileKey, fileId, metadata),
  };
}

/** An account that can receive: its id and public keys, as the recipient lookup answers them. */
export interface ReceivingAccount {
  readonly userId: Id;
  readonly identityPublicKey: Uint8Array;
  readonly encryptionPublicKey: Uint8Array;
}

export function receivingAccount(account: BrowserAccount): ReceivingAccount {
  return {
    userId: account.userId,
    identityPublicKey: account.keys.identity.publicKey,
    encryptionPublicKey: account.keys.encryption.publicKey,
  };
}

/** A guest recipient: the link secret S stays in the sender's browser and the link; Ks goes to the server. */
export interface GuestPlan {
  readonly recipientId: Id;
  /** The id in the guest's link (/s/<linkId>): never in the manifest. */
  readonly linkId: Id;
  readonly email: string;
  readonly linkSecret: LinkSecret;
  readonly serverHalf: ServerHalf;
  readonly accessCode?: string;
}

export function guestPlan(email: string, options: { accessCode?: boolean } = {}): GuestPlan {
  return {
    recipientId: newId(),
    linkId: newId(),
    email,
    linkSecret: newLinkSecret(),
    serverHalf: newServerHalf(),
    ...(options.accessCode ? { accessCode: newAccessCode() } : {}),
  };
}

interface ShareFilePlan {
  readonly file: PreparedFile;
  /** The upload id the server answered. */
  readonly uploadId: string;
  /** The hash signed in the manifest (default: the file's own; a test may lie). */
  readonly signedHash?: Uint8Array;
}

export interface SharePlan {
  readonly shareId: Id;
  readonly sender: BrowserAccount;
  readonly office: BrowserOffice;
  readonly files: readonly ShareFilePlan[];
  readonly accounts: readonly (ReceivingAccount & { readonly recipientId: Id })[];
  readonly guests: readonly GuestPlan[];
  readonly expiresAt: number;
  readonly downloadLimit?: number;
  readonly receiptMail?: boolean;
  /** Who signs the manifest (default: the sender's identity key). */
  readonly signer?: AccountKeys;
  /** Changes the manifest before it is signed (to test refusals). */
  readonly editManifest?: (manifest: ShareManifest) => ShareManifest;
  /** The manifest's version counter (default 1: a new share). */
  readonly version?: number;
}

export interface BuiltShare {
  readonly request: ShareCreateRequest;
  readonly manifestHash: Uint8Array;
}

/** The share request the sender's browser makes: the signed manifest, every key sealed or wrapped. */
export function buildShare(plan: SharePlan): BuiltShare {
  const signer = plan.signer ?? plan.sender.keys;
  const manifest: ShareManifest = {
    format: 3,
    shareId: plan.shareId,
    version: plan.version ?? 1,
    senderId: plan.sender.userId,
    senderIdentityPublicKey: signer.identity.publicKey,
    files: plan.files.map(({ file, signedHash }) => ({
      fileId: file.fileId,
      ciphertextHash: signedHash ?? file.ciphertextHash,
      metadataHash: metadataHash(file.sealedMetadata),
      keyCommitment: keyCommitment(file.fileKey, file.fileId),
    })),
    recipients: [
      ...plan.accounts.map((a) => ({
        kind: 'account' as const,
        recipientId: a.recipientId,
        identityFingerprint: identityFingerprint(a.identityPublicKey),
      })),
      ...plan.guests.map((g) => ({
        kind: 'guest' as const,
        recipientId: g.recipientId,
        linkCommitment: linkCommitment(
          { shareId: plan.shareId, recipientId: g.recipientId },
          g.linkSecret,
          g.accessCode ? stretchAccessCode(g.accessCode, plan.shareId, g.recipientId) : undefined,
        ),
      })),
    ],
  };
  const signed = plan.editManifest ? plan.editManifest(manifest) : manifest;
  const body = encodeManifest(signed);
  const envelope = signManifest(signed, signer.identity);
  const hash = manifestHash(body);
  const officeId = plan.office.keys.officeId;
  const officePk = plan.office.keys.encryption.publicKey;
  const request: ShareCreateRequest = {
    shareId: idToWire(plan.shareId),
    expiresAt: new Date(plan.expiresAt).toISOString(),
    ...(plan.downloadLimit !== undefined ? { downloadLimit: plan.downloadLimit } : {}),
    receiptMail: plan.receiptMail ?? false,
    manifest: b64(envelope),
    files: plan.files.map(({ file, uploadId }) => ({
      fileId: idToWire(file.fileId),
      uploadId,
      sealedMetadata: b64(file.sealedMetadata),
      keys: {
        sender: b64(
          sealFileKeyForAccount(file.fileKey, file.fileId, plan.sender.userId, plan.sender.keys.encryption.publicKey),
        ),
        office: b64(sealFileKeyForAccount(file.fileKey, file.fileId, officeId, officePk)),
      },
    })),
    recipients: [
      ...plan.accounts.map((a) => ({
        kind: 'account' as const,
        recipientId: idToWire(a.recipientId),
        userId: idToWire(a.userId),
        keys: plan.files.map(({ file }) => ({
          fileId: idToWire(file.fileId),
          sealed: b64(sealFileKeyForAccount(file.fileKey, file.fileId, a.userId, a.encryptionPublicKey)),
        })),
      })),
      ...plan.guests.map((g) => {
        const accessCodeKey =
          g.accessCode === undefined ? undefined : stretchAccessCode(g.accessCode, plan.shareId, g.recipientId);
        const key = linkKey({
          linkSecret: g.linkSecret,
          serverHalf: g.serverHalf,
          shareId: plan.shareId,
          recipientId: g.recipientId,
          ...(accessCodeKey ? { accessCodeKey } : {}),
        });
        const record = { linkSecret: g.linkSecret, ...(g.accessCode ? { accessCode: g.accessCode } : {}) };
        return {
          kind: 'guest' as const,
          recipientId: idToWire(g.recipientId),
          linkId: idToWire(g.linkId),
          email: g.email,
          serverHalf: b64(g.serverHalf),
          accessCode: g.accessCode !== undefined,
          keys: plan.files.map(({ file }) => ({
            fileId: idToWire(file.fileId),
            wrapped: b64(
              wrapFileKeyForGuest(
                key,
                { shareId: plan.shareId, recipientId: g.recipientId, fileId: file.fileId, manifestHash: hash },
                file.fileKey,
              ),
            ),
          })),
          linkSecret: {
            sender: b64(
              sealLinkSecret(
                { shareId: plan.shareId, recipientId: g.recipientId, holderId: plan.sender.userId },
                record,
                plan.sender.keys.encryption.publicKey,
              ),
            ),
            office: b64(
              sealLinkSecret(
                { shareId: plan.shareId, recipientId: g.recipientId, holderId: officeId },
                record,
                officePk,
              ),
            ),
          },
        };
      }),
    ],
  };
  return { request, manifestHash: hash };
}

/**
 * Verifies a share as a recipient's browser must before decrypting anything: the sender's
 * certificate against the office key (from the link or the pin), then the manifest's signature.
 */
function verifyShareAsRecipient(share: ShareForRecipient, officeSigningPublicKey: Uint8Array): VerifiedManifest {
  const certified = verifyMember(
    officeSigningPublicKey,
    { officeId: idFromWire(share.office.officeId), userId: idFromWire(share.sender.userId) },
    fromBase64Url(share.sender.certificate),
    fromBase64Url(share.sender.encryptionKeySignature),
  );
  return verifyManifest(fromBase64Url(share.manifest), {
    shareId: idFromWire(share.shareId),
    senderId: idFromWire(share.sender.userId),
    senderIdentityPublicKey: certified.identityPublicKey,
  });
}

/**
 * A guest's browser after a right code: checks its link commitment, then unwraps each file key
 * with S and Ks, checked against the signed manifest.
 */
export function openAsGuest(
  plan: GuestPlan,
  share: ShareForRecipient,
  serverHalf: string,
  officeSigningPublicKey: Uint8Array,
): { keys: Map<string, FileKey>; manifest: ShareManifest } {
  const verified = verifyShareAsRecipient(share, officeSigningPublicKey);
  const { manifest, manifestHash: hash } = verified;
  const shareId = idFromWire(share.shareId);
  const accessCodeKey =
    plan.accessCode === undefined ? undefined : stretchAccessCode(plan.accessCode, shareId, plan.recipientId);
  checkLinkCommitment(
    verified,
    { shareId, recipientId: idFromWire(share.recipientId) },
    {
      linkSecret: plan.linkSecret,
      ...(plan.accessCode !== undefined && accessCodeKey ? { accessCode: plan.accessCode, accessCodeKey } : {}),
    },
  );
  const key = linkKey({
    linkSecret: plan.linkSecret,
    serverHalf: fromBase64Url(serverHalf) as ServerHalf,
    shareId,
    recipientId: plan.recipientId,
    ...(accessCodeKey ? { accessCodeKey } : {}),
  });
  const keys = new Map<string, FileKey>();
  for (const file of share.files) {
    const fileId = idFromWire(file.fileId);
    const fileKey = unwrapFileKeyForGuest(
      key,
      { shareId, recipientId: plan.recipientId, fileId, manifestHash: hash },
      fromBase64Url(file.key),
    );
    checkKeyCommitment(fileKey, fileId, findFile(manifest, fileId).keyCommitment);
    keys.set(file.fileId, fileKey);
  }
  return { keys, manifest };
}

/** An account recipient's browser: opens each file key sealed to it, checked against the signed manifest. */
export function openAsAccount(
  account: BrowserAccount,
  share: ShareForRecipient,
  officeSigningPublicKey: Uint8Array,
): { keys: Map<string, FileKey>; manifest: ShareManifest } {
  const { manifest } = verifyShareAsRecipient(share, officeSigningPublicKey);
  const keys = new Map<string, FileKey>();
  for (const file of share.files) {
    const fileId = idFromWire(file.fileId);
    const fileKey = openFileKeyForAccount(
      fromBase64Url(file.key),
      { fileId, holderId: account.userId },
      account.keys.encryption,
    );
    checkKeyCommitment(fileKey, fileId, findFile(manifest, fileId).keyCommitment);
    keys.set(file.fileId, fileKey);
  }
  return { keys, manifest };
}

/** Decrypts a downloaded container with the file key, checking the container hash the manifest signed. */
export function decryptDownload(
  fileKey: FileKey,
  fileId: string,
  container: Uint8Array,
  manifest: ShareManifest,
): Uint8Array {
  const id = idFromWire(fileId);
  return decryptContent(fileKey, id, container, findFile(manifest, id).ciphertextHash);
}
