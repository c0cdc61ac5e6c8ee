// The check of a member certificate the approving browser made, shared by approving a member
// (server/users/) and approving a client (server/clients/).
import { bytesEqual, verifyMember, type MemberCertificate } from '../../../shared/crypto/index.js';
import { invalidCertificate, wrongState } from '../http/errors.js';
import { verifyOrRefuse } from './account-keys.js';
import type { OfficeRecord } from './office-repo.js';
import type { UserRecord } from './users-repo.js';
import type { Role } from '../../../shared/wire/index.js';

/**
 * A certificate for `user` by the office key: this office, this user, their address and keys,
 * the given role, and a version higher than any before. Also checks the user's own signature
 * over their encryption key with the certified identity key.
 */
export function checkUserCertificate(
  office: OfficeRecord,
  user: UserRecord,
  certificate: Uint8Array,
  role: Role,
): MemberCertificate {
  if (user.keys === null) throw wrongState();
  const keys = user.keys;
  const certified = verifyOrRefuse(() =>
    verifyMember(
      office.signingPublicKey,
      { officeId: office.id, userId: user.id },
      certificate,
      keys.encryptionKeySignature,
    ),
  );
  if (
    certified.email !== user.email ||
    certified.role !== role ||
    certified.version <= user.certificateVersion ||
    !bytesEqual(certified.identityPublicKey, keys.identityPublicKey) ||
    !bytesEqual(certified.encryptionPublicKey, keys.encryptionPublicKey)
  ) {
    throw invalidCertificate();
  }
  return certified;
}
