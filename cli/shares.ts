// `coffer sent`, `coffer received` and `coffer revoke SHARE`: the lists as the server gives them
// (no file names: those are sealed; the browser's Sent page decrypts them) and revoking a share
// now (the server destroys its keys and blobs; docs/threat-model.md, promise 4).
import { ReceivedList, ShareDetail, ShareList } from '../shared/wire/shares.js';
import { isRetryable } from '../client/src/crypto/transport.js';
import type { Io } from './io.js';
import type { Session } from './session.js';

export async function listSent(session: Session, io: Io): Promise<ShareList['shares']> {
  const { shares } = await session.api.get('/api/v1/shares?scope=mine', ShareList);
  if (shares.length === 0) io.say(io.m.noShares);
  for (const share of shares)
    io.say(
      `${share.shareId}  ${share.state.padEnd(8)}  ${share.createdAt.slice(0, 10)} → ${share.expiresAt.slice(0, 10)}  ${share.fileCount}  ${share.recipients.map((r) => r.email).join(', ')}`,
    );
  return shares;
}

export async function listReceived(session: Session, io: Io): Promise<ReceivedList['shares']> {
  const { shares } = await session.api.get('/api/v1/received', ReceivedList);
  if (shares.length === 0) io.say(io.m.noShares);
  for (const share of shares)
    io.say(
      `${share.shareId}  ${share.state.padEnd(8)}  ${share.createdAt.slice(0, 10)} → ${share.expiresAt.slice(0, 10)}  ${share.fileCount}  ${share.senderName}`,
    );
  return shares;
}

/**
 * Revokes a share now. When the answer is lost (no answer, or a failing server), the share is
 * read back: revoked, it is done; otherwise the failure stands (the browser's Sent page does the
 * same).
 */
export async function revoke(session: Session, io: Io, shareId: string): Promise<void> {
  const path = `/api/v1/shares/${encodeURIComponent(shareId)}`;
  try {
    await session.api.act(`${path}/revoke`, {});
  } catch (failure) {
    if (!isRetryable(failure)) throw failure;
    const state = await session.api.get(path, ShareDetail).then(
      (detail) => detail.state,
      () => null,
    );
    if (state !== 'revoked') throw failure;
  }
  io.say(io.m.revoked(shareId));
}
