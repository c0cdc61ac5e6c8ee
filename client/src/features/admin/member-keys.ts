// A member's keys as the admin's browser checks and certifies them (approval, a new role).
import type { UserDetail } from '../../api/admin';
import type { RequestOf } from '../../crypto/protocol';

export type MemberKeys = RequestOf<'inspectMember'>;

/** The keys the server lists for the member; null while they have none (not accepted yet, or reset). */
export function memberKeys(detail: UserDetail): MemberKeys | null {
  const { identityPublicKey, encryptionPublicKey, encryptionKeySignature } = detail;
  if (!identityPublicKey || !encryptionPublicKey || !encryptionKeySignature) return null;
  return {
    userId: detail.userId,
    email: detail.email,
    role: detail.role,
    identityPublicKey,
    encryptionPublicKey,
    encryptionKeySignature,
  };
}
