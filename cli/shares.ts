// `coffer sent`, `coffer received` and `coffer revoke SHARE`: the lists as the server gives them
// (no file names: those are sealed; the browser's Sent page decrypts them) and revoking a share
// now (the server destroys its keys and blobs; docs/threat-model.md, promise 4).
import { ReceivedList, ShareList } from '../shared/wire/shares.js';
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

export async function revoke(session: Session, io: Io, shareId: string): Promise<void> {
  await session.api.act(`/api/v1/shares/${encodeURIComponent(shareId)}/revoke`, {});
  io.say(io.m.revoked(shareId));
}
