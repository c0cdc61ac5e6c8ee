// A client for tests of the crypto worker's operations (test/client/clients-operations and
// drop-record-operations): approved by the advisor of ./office.ts, who makes the personal drop
// with its sealed link and signed record; and the portal's view of that drop as the server
// serves it.
import { idToWire, newId } from '../../../shared/crypto/index.js';
import type { PortalDrop } from '../../../shared/wire/clients.js';
import { createOperations } from '../../../client/src/crypto/operations';
import type { AnswerOf } from '../../../client/src/crypto/protocol';
import { call, type Office } from './office';

export const PASSWORD = 'krentenbollen-met-boter-en-kaas';

/** A client as the portal holds them: keys unlocked with their certificate and no office keys. */
export async function clientOf(o: Office, email = 'klant@voorbeeld.nl') {
  const ops = createOperations(o.deps);
  const userId = idToWire(newId());
  const { keys } = await call(ops, 'createAccount', { userId, password: PASSWORD });
  const listed = {
    userId,
    email,
    role: 'client' as const,
    identityPublicKey: keys.identityPublicKey,
    encryptionPublicKey: keys.encryptionPublicKey,
    encryptionKeySignature: keys.encryptionKeySignature,
  };
  const approved = await call(o.anna.ops, 'certifyClient', {
    client: listed,
    currentVersion: 0,
    label: 'Bakkerij de Vries',
  });
  await call(ops, 'unlock', {
    keys: {
      userId,
      kdf: keys.kdf,
      passwordBundle: keys.passwordBundle,
      identityPublicKey: keys.identityPublicKey,
      encryptionPublicKey: keys.encryptionPublicKey,
      certificate: approved.certificate,
    },
    office: o.officeRef,
  });
  return { ops, userId, email, listed: { ...listed, certificate: approved.certificate }, approved };
}

/** What GET /api/v1/portal gives the portal to open (the fields openClientDrop takes): the record's signer is the approver. */
export function portalDrop(
  o: Office,
  approved: AnswerOf<'certifyClient'>,
): Pick<PortalDrop, 'dropId' | 'publicKey' | 'record' | 'creator'> & { clientLink: string } {
  const { drop } = approved;
  return {
    dropId: drop.dropId,
    publicKey: drop.publicKey,
    clientLink: drop.clientLink,
    record: drop.record,
    creator: {
      userId: o.anna.userId,
      certificate: o.anna.listed.certificate,
      encryptionKeySignature: o.anna.listed.encryptionKeySignature,
    },
  };
}
